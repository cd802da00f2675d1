// The GitHub Action's work (action.yml runs it): `helm-hooks lint --format sarif` into a file for code scanning,
// the hook order as a Mermaid diagram and, given a saved order, `order --check`, all written to the job summary.
// It runs the CLI bundled in the action's own checkout ($GITHUB_ACTION_PATH/dist/cli.js), never a package from a
// registry. Findings and a changed order do not fail this step, so that the SARIF upload and the summary still
// happen: it sets the output `failed` to the reason, and action.yml's last step fails the job on it.
// Exit status 2, with a ::error:: line, when the inputs or the CLI's input are bad.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Findings listed in the summary; the rest are in the SARIF file and on the code scanning page. */
const FINDINGS_SHOWN = 50;

class InputError extends Error {}

function input(name, fallback = '') {
  const value = process.env[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

function flag(name, fallback) {
  const value = input(name, fallback ? 'true' : 'false').toLowerCase();
  if (value !== 'true' && value !== 'false')
    throw new InputError(`input ${name} must be true or false, not "${value}"`);
  return value === 'true';
}

/** Inputs that take several paths: one per line, or separated by spaces. */
function list(name, fallback = '') {
  return input(name, fallback)
    .split(/\s+/)
    .filter((entry) => entry !== '');
}

function env(name) {
  const value = process.env[name];
  if (!value) throw new InputError(`${name} is not set: this script runs inside a GitHub Actions job`);
  return value;
}

function runCli(cli, args, cwd) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.error) throw result.error;
  if (result.status === 2 || result.status === null) {
    throw new InputError(
      `helm-hooks ${args.join(' ')}: ${(result.stderr || `exit ${result.status ?? result.signal}`).trim().replace(/^helm-hooks: /, '')}`,
    );
  }
  return result;
}

function isChart(path) {
  try {
    return statSync(join(path, 'Chart.yaml')).isFile();
  } catch {
    return false;
  }
}

/** Text for a Markdown table cell: no line breaks, no column separators, no HTML. */
function cell(text) {
  return String(text).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A code span that no backtick in the text can close. */
function code(text) {
  return `\`${String(text).replace(/`/g, "'")}\``;
}

/** A fenced block whose fence is longer than any run of backticks inside. */
function fenced(language, text) {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text.endsWith('\n') ? text : `${text}\n`}${fence}`;
}

const LEVELS = { error: 'error', warning: 'warning', note: 'info' };

function lintSection(sarif, paths, uploaded) {
  const results = sarif.runs.flatMap((run) => run.results ?? []);
  const count = (level) => results.filter((result) => (result.level ?? 'warning') === level).length;
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const counts = `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('note'), 'info')}`;
  const out = [
    `### Lint: ${paths.map(code).join(' ')}`,
    '',
    `${counts}.${uploaded && results.length > 0 ? ' The findings are in code scanning too.' : ''}`,
  ];
  if (results.length > 0) {
    out.push('', '| severity | where | rule | message |', '|---|---|---|---|');
    for (const result of results.slice(0, FINDINGS_SHOWN)) {
      const location = result.locations?.[0]?.physicalLocation;
      const where = location ? `${decodeURI(location.artifactLocation.uri)}:${location.region?.startLine ?? 1}` : '';
      out.push(
        `| ${LEVELS[result.level ?? 'warning'] ?? cell(result.level)} | ${code(where)} | ${code(result.ruleId)} | ${cell(result.message.text)} |`,
      );
    }
    if (results.length > FINDINGS_SHOWN)
      out.push('', `… and ${results.length - FINDINGS_SHOWN} more in the SARIF file.`);
  }
  return { markdown: out.join('\n'), errors: count('error') };
}

function main() {
  const actionPath = env('GITHUB_ACTION_PATH');
  const summaryFile = env('GITHUB_STEP_SUMMARY');
  const outputFile = env('GITHUB_OUTPUT');
  const workspace = resolve(process.env.GITHUB_WORKSPACE ?? process.cwd());
  const cli = join(actionPath, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new InputError(`${cli} is missing: the action's build step did not run`);

  const paths = list('path', '.');
  const valuesArgs = list('values').flatMap((file) => ['-f', file]);
  const helmVersion = input('helm-version');
  const versionArgs = helmVersion ? ['--helm-version', helmVersion] : [];
  const sarifFile = input('sarif-file', 'helm-hooks.sarif');
  const orderFile = input('order-file');
  const uploaded = flag('upload-sarif', true);
  const failOnErrors = flag('fail-on-errors', true);
  const failOnOrderChange = flag('fail-on-order-change', true);
  let chart = input('chart');
  if (!chart && paths.length === 1 && isChart(resolve(workspace, paths[0]))) chart = paths[0];
  if (orderFile && !chart)
    throw new InputError('order-file needs a chart: set the input chart (or path to one chart directory)');

  const lint = runCli(cli, ['lint', ...paths, '--format', 'sarif', ...valuesArgs, ...versionArgs], workspace);
  writeFileSync(resolve(workspace, sarifFile), lint.stdout);
  const { markdown: lintMarkdown, errors } = lintSection(JSON.parse(lint.stdout), paths, uploaded);
  const summary = ['## Helm Hooks', '', lintMarkdown];
  const failures = [];
  if (lint.status === 1 && failOnErrors)
    failures.push(`helm-hooks lint found ${errors} error${errors === 1 ? '' : 's'}`);

  let orderChanged = false;
  if (chart) {
    const orderArgs = ['order', chart, ...valuesArgs, ...versionArgs];
    summary.push('', `### Hook order: ${code(chart)}`);
    if (orderFile) {
      const check = runCli(cli, [...orderArgs, '--check', orderFile], workspace);
      orderChanged = check.status === 1;
      summary.push(
        '',
        orderChanged ? `**The hook order changed** since ${code(orderFile)}:` : `Unchanged since ${code(orderFile)}.`,
      );
      if (orderChanged) summary.push('', fenced('text', check.stdout));
      if (orderChanged && failOnOrderChange) failures.push(`the hook order of ${chart} changed since ${orderFile}`);
    }
    const diagram = runCli(
      cli,
      [...orderArgs, '--format', 'mermaid', ...(orderFile ? ['--check', orderFile] : [])],
      workspace,
    );
    summary.push('', fenced('mermaid', diagram.stdout));
  }
  appendFileSync(summaryFile, `${summary.join('\n')}\n`);
  appendFileSync(
    outputFile,
    [
      `sarif-file=${resolve(workspace, sarifFile)}`,
      `lint-status=${lint.status}`,
      `order-changed=${orderChanged}`,
      `failed=${failures.join('; ').replace(/[\r\n]+/g, ' ')}`,
      '',
    ].join('\n'),
  );
}

try {
  main();
} catch (error) {
  if (!(error instanceof InputError)) throw error;
  console.log(
    `::error title=helm-hooks::${error.message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`,
  );
  // The summary says it too, where a reader of the run looks first.
  if (process.env.GITHUB_STEP_SUMMARY)
    appendFileSync(process.env.GITHUB_STEP_SUMMARY, `## Helm Hooks\n\nCould not run: ${cell(error.message)}\n`);
  process.exitCode = 2;
}
