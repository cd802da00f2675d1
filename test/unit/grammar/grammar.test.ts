import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../../support/paths';

/**
 * The TextMate grammar, checked with vscode-tmgrammar-test (oniguruma in WebAssembly, offline): each file under
 * cases/ is a source text with scope assertions under its lines. The grammars come from package.json's
 * `contributes.grammars`, as VS Code loads them, so a wrong path or scope there fails here too.
 */

const TOOL = join(REPO_ROOT, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
const MANIFEST = join(REPO_ROOT, 'package.json');
const CASES = join(REPO_ROOT, 'test', 'unit', 'grammar', 'cases');
const STAND_IN_GRAMMAR = join(
  REPO_ROOT,
  'test',
  'e2e',
  'stand-ins',
  'kubernetes-tools',
  'syntaxes',
  'helm.tmLanguage.json',
);
const OUR_GRAMMAR = join(REPO_ROOT, 'syntaxes', 'helm-hooks.tmLanguage.json');

const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-grammar-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function runTool(args: readonly string[]): { code: number | null; output: string } {
  const result = spawnSync(process.execPath, [TOOL, '--compact', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The regression cases under the stand-in's root scope: what a user sees when vscode-kubernetes-tools' grammar wins. */
function regressionsUnderStandIn(): string {
  const text = readFileSync(join(CASES, 'regressions.yaml'), 'utf8');
  const file = join(scratch, 'regressions-under-source.helm.yaml');
  writeFileSync(file, text.replace(/^# SYNTAX TEST "source\.helm-hooks"/, '# SYNTAX TEST "source.helm"'));
  return file;
}

/** 1-based line numbers, in the test file, of the lines that hold each needle. */
function linesOf(file: string, needles: readonly string[]): number[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  return needles.map((needle) => {
    const index = lines.findIndex((line) => line.includes(needle) && !/^#\s*[\^<]/.test(line));
    assert.ok(index >= 0, `no source line holds ${needle}`);
    return index + 1;
  });
}

describe('Helm template grammar (source.helm-hooks)', () => {
  for (const name of ['actions.yaml', 'yaml-context.yaml', 'regressions.yaml']) {
    it(`tokenizes ${name} as its assertions say`, () => {
      const result = runTool(['--config', MANIFEST, join(CASES, name)]);
      assert.equal(result.code, 0, result.output);
    });
  }

  it('fails a case whose assertion is wrong, so a passing run means something', () => {
    const file = join(scratch, 'wrong.yaml');
    writeFileSync(
      file,
      [
        '# SYNTAX TEST "source.helm-hooks" "wrong on purpose"',
        'a: {{ .Values.x }}',
        '#  ^^ string.quoted.double.yaml',
        '',
      ].join('\n'),
    );
    const result = runTool(['--config', MANIFEST, file]);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /string\.quoted\.double\.yaml/);
  });
});

describe("injection into vscode-kubernetes-tools' source.helm (stand-in)", () => {
  it('the stand-in alone shows the known breakages: actions lost after a dash, in quotes, in flow collections, in comments, in block scalars', () => {
    const file = regressionsUnderStandIn();
    const result = runTool([
      '--config',
      join(scratch, 'no-manifest.json'),
      '-g',
      STAND_IN_GRAMMAR,
      '-g',
      OUR_GRAMMAR,
      file,
    ]);
    assert.notEqual(result.code, 0, 'the stand-in should reproduce the reported highlighting bugs');
    const failedLines = new Set([...result.output.matchAll(/:(\d+):\d+:\d+/g)].map((match) => Number(match[1])));
    const breakages = linesOf(file, [
      '-{{ .Values.bar }}',
      '{{ .Release.Name }}-{{ .Chart.Name }}',
      'unfortunately-{{',
      "'This {{",
      'image: "{{',
      'join ","',
      '# replicas: {{',
      'add_header X-Release',
    ]);
    for (const line of breakages)
      assert.ok(failedLines.has(line), `line ${line} should break under the stand-in alone:\n${result.output}`);
  });

  it('with our injection grammar from package.json, every action is tokenized as ours', () => {
    const result = runTool(['--config', MANIFEST, '-g', STAND_IN_GRAMMAR, regressionsUnderStandIn()]);
    assert.equal(result.code, 0, result.output);
  });
});
