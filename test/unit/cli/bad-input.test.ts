import assert from 'node:assert/strict';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CliResult } from './cli-harness';
import {
  assertNoStackTrace,
  assertUsageFailure,
  CHART_YAML,
  CHARTS,
  hookConfigMap,
  lintJson,
  removeTempDirs,
  runCli,
  tempDir,
  where,
  writeFiles,
} from './cli-harness';

after(removeTempDirs);

const IS_ROOT = process.getuid?.() === 0;

/** Finished on its own, exit 0 or 1, no stack trace: the input was linted, not fought. */
function assertLinted(result: CliResult): void {
  assert.equal(result.timedOut, false, 'the CLI finished');
  assert.equal(result.signal, null);
  assert.ok(result.status === 0 || result.status === 1, `exit 0 or 1, got ${result.status}: ${result.stderr}`);
  assertNoStackTrace(result);
}

function chartWith(templates: Record<string, string | Buffer>): string {
  const files: Record<string, string | Buffer> = { 'Chart.yaml': CHART_YAML };
  for (const [name, content] of Object.entries(templates)) files[`templates/${name}`] = content;
  return writeFiles(tempDir(), files);
}

const BINARY = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0xff, 0xfe,
]);

describe('helm-hooks lint on bad input', () => {
  it('reports malformed YAML as an invalid-yaml finding and still checks the valid documents of the file', () => {
    const chart = chartWith({
      'broken.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: broken',
        '   annotations:',
        '    helm.sh/hook: pre-install',
        'data: {}',
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name }}-ok',
        '  annotations:',
        '    helm.sh/hook: pre-instal',
        '',
      ].join('\n'),
    });
    for (const args of [[], ['templates/broken.yaml']]) {
      const { result, output } = lintJson(args, chart);
      assertLinted(result);
      const yaml = output.findings.filter((finding) => finding.rule === 'invalid-yaml');
      assert.equal(yaml.length, 1, JSON.stringify(output.findings));
      assert.equal(yaml[0]!.severity, 'warning');
      // The indentation mistake is on line 5; a parser may notice it at the end of line 4.
      assert.ok(yaml[0]!.line === 4 || yaml[0]!.line === 5, `invalid-yaml at line ${yaml[0]!.line}`);
      assert.ok(
        where(output).includes('templates/broken.yaml:14:19 unknown-hook-event'),
        'the second document is still checked',
      );
    }
  });

  it('reports an unclosed {{ as an unclosed-template-action error at the {{', () => {
    const chart = chartWith({
      'unclosed.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name -x',
        '  annotations:',
        '    helm.sh/hook: pre-install',
        '',
      ].join('\n'),
    });
    const { result, output } = lintJson([], chart);
    assertLinted(result);
    assert.equal(result.status, 1);
    assert.deepEqual(where(output), ['templates/unclosed.yaml:4:9 unclosed-template-action']);
    assert.match(output.findings[0]!.message, /\}\}/);
  });

  it('refuses a binary file given by name with exit 2 and one stderr line', () => {
    const chart = chartWith({ 'logo.yaml': BINARY });
    assertUsageFailure(
      runCli(['lint', 'templates/logo.yaml'], chart),
      /^helm-hooks: templates\/logo\.yaml: not a text file$/,
    );
  });

  it('skips a binary file inside a chart with a note and lints the rest', () => {
    const chart = chartWith({ 'logo.yaml': BINARY, 'hook.yaml': hookConfigMap('a', 'pre-instal') });
    const { result, output } = lintJson([], chart);
    assertLinted(result);
    assert.equal(result.stderr, 'helm-hooks: skipped templates/logo.yaml: not a text file\n');
    assert.deepEqual(where(output), ['templates/hook.yaml:6:19 unknown-hook-event']);
    assert.equal(output.summary.files, 1, 'the skipped file is not counted as linted');
    const fixed = runCli(['lint', '--fix'], chart);
    assert.equal(
      fixed.stderr,
      'helm-hooks: skipped templates/logo.yaml: not a text file\n',
      'no second note when fixing',
    );
    assert.ok(readFileSync(join(chart, 'templates', 'logo.yaml')).equals(BINARY), '--fix leaves the binary file alone');
  });

  it('lints an empty template without findings', () => {
    const chart = chartWith({ 'empty.yaml': '' });
    for (const args of [[], ['templates/empty.yaml']]) {
      const { result, output } = lintJson(args, chart);
      assertLinted(result);
      assert.equal(result.status, 0);
      assert.deepEqual(output.findings, []);
      assert.equal(output.summary.files, 1);
    }
  });

  it('lints a chart without a templates directory as zero files', () => {
    const chart = writeFiles(tempDir(), { 'Chart.yaml': CHART_YAML });
    const { result, output } = lintJson([], chart);
    assert.equal(result.status, 0);
    assert.deepEqual(output.summary, { charts: 1, files: 0, hooks: 0, errors: 0, warnings: 0, infos: 0 });
  });

  it('finishes a 10 MB template and finds the mistake at its end', () => {
    const head = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: {{ .Release.Name }}-big', 'data:'];
    const entries: string[] = [];
    let size = 0;
    for (let index = 0; size < 10 * 1024 * 1024; index++) {
      const line = `  key${index}: {{ .Values.value${index} | default "${'v'.repeat(60)}" | quote }}`;
      entries.push(line);
      size += line.length + 1;
    }
    const tail = hookConfigMap('last', 'pre-instal').split('\n');
    const text = [...head, ...entries, '---', ...tail].join('\n');
    // The hook line is the sixth of the last document, which starts after the head, the entries and `---`.
    const hookLine = head.length + entries.length + 1 + 6;
    const chart = chartWith({ 'big.yaml': text });
    const started = Date.now();
    const result = runCli(['lint', '--format', 'json'], chart, 120_000);
    assert.equal(result.timedOut, false, `finished within 120 s (took ${Date.now() - started} ms)`);
    assertLinted(result);
    assert.deepEqual(where(JSON.parse(result.stdout)), [`templates/big.yaml:${hookLine}:19 unknown-hook-event`]);
  });

  it('finishes a 10 MB template that is one line', () => {
    const chart = chartWith({
      'line.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  blob: "${'x'.repeat(10 * 1024 * 1024)}"\n`,
    });
    const result = runCli(['lint', '--format', 'json'], chart, 120_000);
    assert.equal(result.timedOut, false, 'finished within 120 s');
    assertLinted(result);
    assert.deepEqual(JSON.parse(result.stdout).findings, []);
  });

  it('does not fix a file that is not valid UTF-8, and says so', () => {
    const latin1 = Buffer.concat([
      Buffer.from(hookConfigMap('a', 'pre-instal').replace('data: {}', 'data:\n  note: "caf')),
      Buffer.from([0xe9]),
      Buffer.from('"\n'),
    ]);
    const chart = chartWith({ 'latin1.yaml': latin1 });
    const result = runCli(['lint', '--fix'], chart);
    assertLinted(result);
    assert.equal(result.stderr, 'helm-hooks: not fixing templates/latin1.yaml: it is not valid UTF-8\n');
    assert.ok(readFileSync(join(chart, 'templates', 'latin1.yaml')).equals(latin1), 'bytes unchanged');
  });

  it('says a path does not exist with exit 2', () => {
    assertUsageFailure(
      runCli(['lint', 'no-such-chart'], tempDir()),
      /^helm-hooks: no-such-chart: no such file or directory$/,
    );
  });

  it('says a directory holds no chart with exit 2', () => {
    const directory = writeFiles(tempDir(), { 'templates/hook.yaml': hookConfigMap('a', 'pre-install') });
    assertUsageFailure(runCli(['lint'], directory), /^helm-hooks: \.: no chart found/);
    assertUsageFailure(runCli(['lint', 'templates'], directory), /^helm-hooks: templates: no chart found/);
  });

  it(
    'reports an unreadable template or templates directory with exit 2 and one stderr line',
    { skip: IS_ROOT ? 'root reads a chmod 000 file' : false },
    () => {
      const chart = chartWith({
        'secret.yaml': hookConfigMap('a', 'pre-install'),
        'hook.yaml': hookConfigMap('b', 'pre-instal'),
      });
      chmodSync(join(chart, 'templates', 'secret.yaml'), 0o000);
      const result = runCli(['lint'], chart);
      assert.equal(result.status, 2);
      assertNoStackTrace(result);
      assert.equal(result.stderr, 'helm-hooks: templates/secret.yaml: permission denied\n');
      assertUsageFailure(
        runCli(['lint', 'templates/secret.yaml'], chart),
        /^helm-hooks: templates\/secret\.yaml: permission denied$/,
      );
      chmodSync(join(chart, 'templates'), 0o000);
      assertUsageFailure(runCli(['lint'], chart), /^helm-hooks: templates: permission denied$/);
    },
  );

  it('rejects an unknown option with exit 2', () => {
    assertUsageFailure(runCli(['lint', '--frobnicate'], join(CHARTS, 'clean')), /--frobnicate/);
    assertUsageFailure(runCli(['lint', '--format'], join(CHARTS, 'clean')), /--format/);
  });

  it('rejects an unknown command with exit 2', () => {
    assertUsageFailure(runCli(['lnit'], join(CHARTS, 'clean')), /unknown command "lnit"/);
  });

  it('lints a template that is not valid UTF-8 and leaves it as it was', () => {
    const bytes = Buffer.concat([
      Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"\n'),
    ]);
    const chart = chartWith({ 'odd.yaml': bytes });
    const result = runCli(['lint'], chart);
    assertLinted(result);
    assert.equal(result.status, 0);
    assert.ok(readFileSync(join(chart, 'templates', 'odd.yaml')).equals(bytes));
  });
});

describe('helm-hooks lint never writes outside --fix', () => {
  it('leaves the files of a chart with fixable findings untouched', () => {
    const chart = chartWith({ 'hook.yaml': hookConfigMap('a', 'pre-instal') });
    const before = readFileSync(join(chart, 'templates', 'hook.yaml'));
    for (const format of ['text', 'json', 'sarif']) runCli(['lint', '--format', format], chart);
    assert.ok(readFileSync(join(chart, 'templates', 'hook.yaml')).equals(before));
  });
});
