import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { CLI, REPO_ROOT } from '../../support/paths';
import { assertValidSarif } from '../../support/sarif';
import { CHART_YAML, removeTempDirs, runCli, tempDir, writeFiles } from '../cli/cli-harness';

after(removeTempDirs);

const SCRIPT = join(REPO_ROOT, 'scripts', 'action', 'run.mjs');

/**
 * A workspace holding charts/web: a pre-install Job whose weight is an unquoted number (unquoted-hook-weight, an
 * error, on line 8) and a ConfigMap hook with a lower weight, so that their order is the same for any release.
 */
function workspace(): string {
  const job = [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: {{ .Release.Name }}-migrate',
    '  annotations:',
    '    helm.sh/hook: pre-install,pre-upgrade',
    '    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
    '    helm.sh/hook-weight: -5',
    'spec:',
    '  backoffLimit: 1',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    '        - name: migrate',
    '          image: busybox:1.36',
    '',
  ].join('\n');
  return writeFiles(tempDir('helm-hooks-action-'), {
    'charts/web/Chart.yaml': CHART_YAML,
    'charts/web/templates/job.yaml': job,
    'charts/web/templates/config.yaml': configHook('config', 0),
    'charts/web/templates/svc.yaml':
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n',
  });
}

function configHook(name: string, weight: number): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-${name}\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "${weight}"\n    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\ndata: {}\n`;
}

interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
}

/** Runs the action's script as action.yml does, with the variables GitHub Actions sets faked. */
function runAction(root: string, inputs: Record<string, string>, actionPath = REPO_ROOT): ActionRun {
  const scratch = tempDir('helm-hooks-action-env-');
  const summaryFile = join(scratch, 'summary.md');
  const outputFile = join(scratch, 'output.txt');
  writeFileSync(summaryFile, '');
  writeFileSync(outputFile, '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GITHUB_ACTION_PATH: actionPath,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_WORKSPACE: root,
  };
  for (const name of Object.keys(env)) if (name.startsWith('INPUT_')) delete env[name];
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`] = value;
  const result = spawnSync(process.execPath, [SCRIPT], { cwd: scratch, env, encoding: 'utf8', timeout: 120_000 });
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
  }
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    summary: readFileSync(summaryFile, 'utf8'),
    outputs,
  };
}

/** The body of the summary's fenced block of this language (the fence is three or more backticks). */
function fencedBlock(summary: string, language: string): string {
  const match = new RegExp(`^(\`{3,})${language}\\n([\\s\\S]*?)^\\1$`, 'm').exec(summary);
  assert.ok(match, `a \`\`\`${language} block in:\n${summary}`);
  return match[2]!;
}

describe('the GitHub Action script (scripts/action/run.mjs)', () => {
  it('writes SARIF valid against the 2.1.0 schema, lists the finding in the summary, and asks to fail on the error', () => {
    assert.ok(existsSync(CLI), 'npm run build first');
    const root = workspace();
    const run = runAction(root, { path: 'charts/web' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const sarifPath = join(root, 'helm-hooks.sarif');
    assert.equal(run.outputs['sarif-file'], sarifPath);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
    assertValidSarif(sarif);
    const results = sarif.runs[0].results as {
      ruleId: string;
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
    }[];
    assert.deepEqual(
      results.map((result) => [
        result.ruleId,
        result.locations[0]!.physicalLocation.artifactLocation.uri,
        result.locations[0]!.physicalLocation.region.startLine,
      ]),
      [['unquoted-hook-weight', 'charts/web/templates/job.yaml', 8]],
    );
    assert.equal(run.outputs['lint-status'], '1');
    assert.equal(run.outputs.failed, 'helm-hooks lint found 1 error');
    assert.equal(run.outputs['order-changed'], 'false');
    assert.match(
      run.summary,
      /^## Helm Hooks\n\n### Lint: `charts\/web`\n\n1 error, 0 warnings, 0 infos\. The findings are in code scanning too\.\n/,
    );
    assert.match(
      run.summary,
      /^\| error \| `charts\/web\/templates\/job\.yaml:8` \| `unquoted-hook-weight` \| Kubernetes rejects /m,
    );
    // path is one chart: its order is drawn, with each hook named, and not checked (no order-file).
    assert.match(run.summary, /### Hook order: `charts\/web`\n/);
    assert.doesNotMatch(run.summary, /since/);
    const diagram = fencedBlock(run.summary, 'mermaid');
    assert.match(diagram, /^flowchart LR\n {2}%% helm-hooks order: chart probe/);
    assert.match(diagram, /\["1\. weight -5<br\/>Job release-name-migrate"\]/);
    assert.match(diagram, /\["2\. weight 0<br\/>ConfigMap release-name-config"\]/);
  });

  it('does not ask to fail on errors when fail-on-errors is false, nor draw an order for a folder of charts', () => {
    const root = workspace();
    const run = runAction(root, {
      path: 'charts',
      'fail-on-errors': 'false',
      'upload-sarif': 'false',
      'sarif-file': 'out.sarif',
    });
    assert.equal(run.status, 0, run.stdout);
    assert.equal(run.outputs.failed, '');
    assert.ok(existsSync(join(root, 'out.sarif')));
    assert.match(run.summary, /^1 error, 0 warnings, 0 infos\.$/m);
    assert.doesNotMatch(run.summary, /Hook order|mermaid/);
  });

  it('with order-file: an unchanged order says so; a moved hook shows the diff, marks the diagram and asks to fail', () => {
    const root = workspace();
    const saved = 'ci/hook-order.json';
    writeFiles(root, { [saved]: '' });
    assert.equal(runCli(['order', 'charts/web', '--check', saved, '--update'], root).status, 0);
    const same = runAction(root, { path: 'charts/web', 'order-file': saved, 'fail-on-errors': 'false' });
    assert.equal(same.status, 0, same.stdout);
    assert.match(same.summary, /^Unchanged since `ci\/hook-order\.json`\.$/m);
    assert.equal(same.outputs['order-changed'], 'false');
    assert.equal(same.outputs.failed, '');

    writeFiles(root, { 'charts/web/templates/config.yaml': configHook('config', -9) });
    const moved = runAction(root, { path: 'charts/web', 'order-file': saved, 'fail-on-errors': 'false' });
    assert.equal(moved.status, 0, moved.stdout);
    assert.equal(moved.outputs['order-changed'], 'true');
    assert.equal(moved.outputs.failed, 'the hook order of charts/web changed since ci/hook-order.json');
    assert.match(moved.summary, /^\*\*The hook order changed\*\* since `ci\/hook-order\.json`:$/m);
    assert.match(
      fencedBlock(moved.summary, 'text'),
      /^install, pre-install\n {2}moved {5}ConfigMap release-name-config: 1st, was 2nd \(weight -9, was 0\)$/m,
    );
    assert.match(
      fencedBlock(moved.summary, 'mermaid'),
      /\["1\. weight -9<br\/>ConfigMap release-name-config<br\/>moved: 1st, was 2nd \(weight -9, was 0\)"\]:::moved/,
    );

    const tolerated = runAction(root, {
      path: 'charts/web',
      'order-file': saved,
      'fail-on-errors': 'false',
      'fail-on-order-change': 'false',
    });
    assert.equal(tolerated.outputs['order-changed'], 'true');
    assert.equal(tolerated.outputs.failed, '');
  });

  it('exits 2 with one ::error:: line for a corrupt order file, a bad input, or a missing build', () => {
    const root = workspace();
    writeFiles(root, { 'order.json': '{"version": 1' });
    const corrupt = runAction(root, { path: 'charts/web', 'order-file': 'order.json' });
    assert.equal(corrupt.status, 2);
    assert.match(
      corrupt.stdout,
      /^::error title=helm-hooks::helm-hooks order charts\/web --check order\.json: order\.json: not JSON \(.*\)\n$/,
    );
    assert.match(
      corrupt.summary,
      /^## Helm Hooks\n\nCould not run: helm-hooks order charts\/web --check order\.json: order\.json: not JSON \(/,
    );
    const badFlag = runAction(root, { path: 'charts/web', 'upload-sarif': 'yes' });
    assert.equal(badFlag.status, 2);
    assert.match(badFlag.stdout, /^::error title=helm-hooks::input upload-sarif must be true or false, not "yes"\n$/);
    const noChart = runAction(root, { path: 'charts', 'order-file': 'order.json' });
    assert.match(noChart.stdout, /order-file needs a chart/);
    const unbuilt = runAction(root, { path: 'charts/web' }, tempDir());
    assert.equal(unbuilt.status, 2);
    assert.match(unbuilt.stdout, /dist\/cli\.js is missing: the action's build step did not run/);
  });

  it('action.yml runs the bundled CLI through this script, passes every input it declares, and never fetches helm-hooks by name', () => {
    const text = readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8');
    const action = parse(text) as {
      inputs: Record<string, unknown>;
      runs: { using: string; steps: { id?: string; run?: string; uses?: string; env?: Record<string, string> }[] };
    };
    assert.equal(action.runs.using, 'composite');
    const run = action.runs.steps.find((step) => step.id === 'run')!;
    assert.equal(run.run, 'node "$GITHUB_ACTION_PATH/scripts/action/run.mjs"');
    const passed = Object.keys(run.env ?? {}).sort();
    assert.deepEqual(
      passed,
      Object.keys(action.inputs)
        .map((name) => `INPUT_${name.toUpperCase().replace(/-/g, '_')}`)
        .sort(),
    );
    for (const name of Object.keys(action.inputs))
      assert.equal(run.env![`INPUT_${name.toUpperCase().replace(/-/g, '_')}`], `\${{ inputs.${name} }}`);
    assert.ok(action.runs.steps.some((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@')));
    assert.doesNotMatch(text, /npx|npm (install|i|exec)\b[^\n]*helm-hooks/);
  });

  it('the README documents every input and installs, clones and uses helm-hooks only from the placeholder the user fills in', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
    for (const name of Object.keys(action.inputs))
      assert.match(readme, new RegExp(`^\\| \`${name}\` \\|`, 'm'), `README row for input ${name}`);
    // Every line that fetches or runs this project from elsewhere names <your-org>/helm-hooks.
    const fetching = readme.split('\n').filter((line) => /git clone|^\s*- repo:|uses: [^\s]*helm-hooks/.test(line));
    assert.ok(fetching.length >= 3, fetching.join('\n'));
    for (const line of fetching) assert.match(line, /<your-org>\/helm-hooks/, line);
    assert.doesNotMatch(readme, /(^|[`\s])npx helm-hooks (lint|order)|npm (install|i) (-g )?helm-hooks\b/m);
  });
});
