import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, FIXTURES } from '../../support/paths';
import { lintJson, removeTempDirs, runCli, tempDir, where, writeFiles } from './cli-harness';

const EVALUATED = join(FIXTURES, 'evaluated');

after(removeTempDirs);

function copyEvaluated(name: string): { root: string; chart: string } {
  const root = tempDir();
  const chart = join(root, name);
  cpSync(join(EVALUATED, name), chart, { recursive: true });
  return { root, chart };
}

describe('helm-hooks lint on the evaluated chart', () => {
  it('reports hook annotations built from values at their lines in values.yaml, and exits 1', () => {
    const { root } = copyEvaluated('values-annotations');
    const { result, output } = lintJson(['values-annotations'], root);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(where(output), [
      'values-annotations/values.yaml:3:19 unknown-hook-event',
      'values-annotations/values.yaml:4:26 unquoted-hook-weight',
      'values-annotations/values.yaml:7:31 unknown-delete-policy',
    ]);
  });

  it('merges -f files over values.yaml in order, and points at the file that set the value', () => {
    const { root } = copyEvaluated('values-annotations');
    writeFiles(root, {
      'fix-event.yaml': 'jobAnnotations:\n  helm.sh/hook: pre-install\n  helm.sh/hook-weight: "5"\n',
      'break-it.yaml': 'cleanupAnnotations:\n  helm.sh/hook: post-delete,\n',
    });
    const { output } = lintJson(['values-annotations', '-f', 'fix-event.yaml', '--values', 'break-it.yaml'], root);
    // The trailing comma leaves an empty event: the finding is at the comma.
    // The Job hooked by fix-event.yaml has no delete policy: the lifecycle rules, which read the evaluated view too, see it stay.
    assert.deepEqual(where(output), [
      'break-it.yaml:2:28 unknown-hook-event',
      'fix-event.yaml:2:17 hook-left-behind',
      'values-annotations/values.yaml:7:31 unknown-delete-policy',
    ]);
  });

  it('reads values files from .helm-hooks.yaml, relative to it, before the -f files', () => {
    const { root } = copyEvaluated('values-annotations');
    writeFiles(root, {
      '.helm-hooks.yaml': 'values:\n  - config/quiet.yaml\n',
      // Maps coalesce key by key, so the right values replace the wrong ones.
      'config/quiet.yaml':
        'jobAnnotations:\n  helm.sh/hook: pre-install\n  helm.sh/hook-weight: "5"\ncleanupAnnotations:\n  helm.sh/hook-delete-policy: hook-succeeded\n',
      'loud.yaml': 'jobAnnotations:\n  helm.sh/hook: pre-instal\n',
    });
    // No annotation finding is left; the lifecycle rules judge the hooks these values make.
    const lifecycle = ['config/quiet.yaml:2:17 hook-left-behind', 'config/quiet.yaml:5:31 hook-recreate-conflict'];
    assert.deepEqual(where(lintJson(['values-annotations'], root).output), lifecycle);
    assert.deepEqual(where(lintJson(['values-annotations', '-f', 'loud.yaml'], root).output), [
      'config/quiet.yaml:5:31 hook-recreate-conflict',
      'loud.yaml:2:17 unknown-hook-event',
    ]);
  });

  it('evaluates with the one --release-name given', () => {
    const { root } = copyEvaluated('shared-define');
    const both = where(lintJson(['shared-define'], root).output);
    const named = where(lintJson(['shared-define', '--release-name', 'release-name'], root).output);
    assert.ok(!both.includes('shared-define/templates/_helpers.tpl:13:15 unknown-hook-event'), both.join('\n'));
    assert.ok(named.includes('shared-define/templates/_helpers.tpl:13:15 unknown-hook-event'), named.join('\n'));
  });

  it('rejects a missing or unparsable values file (given relative), a bad release name and --rendered with -f, with exit 2 and one line', () => {
    const { root } = copyEvaluated('values-annotations');
    writeFiles(root, { 'broken.yaml': 'jobAnnotations: [unclosed\n' });
    for (const args of [
      ['values-annotations', '-f', 'missing.yaml'],
      ['values-annotations', '-f', 'broken.yaml'],
      ['values-annotations', '--release-name', 'Not_A_Name'],
      ['--rendered', '-', '-f', 'x.yaml'],
    ]) {
      const result = runCli(['lint', ...args], root);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stdout}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^helm-hooks: /);
    }
  });

  it('leaves values.yaml alone with --fix: its fixes are not safe', () => {
    const { root, chart } = copyEvaluated('values-annotations');
    const before = readFileSync(join(chart, 'values.yaml'), 'utf8');
    const result = runCli(['lint', '--fix', 'values-annotations'], root);
    assert.equal(result.status, 1);
    assert.equal(readFileSync(join(chart, 'values.yaml'), 'utf8'), before);
  });
});

describe('helm-hooks lint --jobs', () => {
  it('reports the same findings, in the same order, whether charts are evaluated on threads or on the main thread', () => {
    const root = tempDir();
    for (const name of ['values-annotations', 'shared-define'])
      cpSync(join(EVALUATED, name), join(root, name), { recursive: true });
    const onMain = lintJson(['.', '--jobs', '0'], root);
    assert.ok(where(onMain.output).length >= 4, where(onMain.output).join('\n'));
    for (const jobs of ['1', '2']) {
      const threaded = runCli(['lint', '.', '--format', 'json', '--jobs', jobs], root);
      assert.equal(threaded.stderr, '');
      assert.equal(threaded.stdout, onMain.result.stdout, `--jobs ${jobs}`);
    }
  });

  it('reports an unparsable values file as a usage error from a thread too', () => {
    const { root } = copyEvaluated('values-annotations');
    writeFiles(root, { 'broken.yaml': 'jobAnnotations: [unclosed\n' });
    const result = runCli(['lint', 'values-annotations', '-f', 'broken.yaml', '--jobs', '1'], root);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^helm-hooks: values file broken\.yaml: /);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  });

  it('takes a whole number, for lint only', () => {
    const { root } = copyEvaluated('values-annotations');
    for (const args of [
      ['lint', '.', '--jobs', 'two'],
      ['lint', '.', '--jobs', '-1'],
      ['order', 'values-annotations', '--jobs', '1'],
    ]) {
      const result = runCli(args, root);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /^helm-hooks: .*(--jobs|order takes only)/);
    }
  });
});

/** What `helm template r1 CHART` prints for the shared-define fixture's literal ConfigMap and one values-built Job. */
const RENDERED = [
  '---',
  '# Source: shared-define/templates/literal.yaml',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: r1-literal',
  '  annotations:',
  '    helm.sh/hook: pre-install,post-upgrde',
  'data: {}',
  '---',
  '# Source: shared-define/templates/migrate-data.yaml',
  'apiVersion: batch/v1',
  'kind: Job',
  'metadata:',
  '  name: r1-migrate-data',
  '  annotations:',
  '    helm.sh/hook: pre-upgrade,post-instal',
  '    helm.sh/hook-weight: 5',
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

describe('helm-hooks lint --rendered', () => {
  it('maps findings in helm template output to the # Source: template, on the line that reads the same or holds the key', () => {
    const { root } = copyEvaluated('shared-define');
    const result = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', '--rendered', '-', 'shared-define'], {
      cwd: root,
      input: RENDERED,
      encoding: 'utf8',
    });
    assert.equal(result.status, 1, result.stderr);
    const output = JSON.parse(result.stdout) as Parameters<typeof where>[0];
    assert.deepEqual(where(output), [
      // Literal in the template: the same line, the same column.
      'shared-define/templates/literal.yaml:6:31 unknown-hook-event',
      // Built by an include: no source line reads the same and migrate-data.yaml has no helm.sh/hook key: line 1.
      'shared-define/templates/migrate-data.yaml:1:1 unknown-hook-event',
      'shared-define/templates/migrate-data.yaml:1:1 unquoted-hook-weight',
    ]);
    assert.ok(output.findings.every((finding) => finding.fixes.length === 0));
  });

  it('reads the stream from a file, and finds the key line when only the value differs', () => {
    const root = tempDir();
    writeFiles(root, {
      'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
      'chart/templates/job.yaml':
        'kind: Job\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: {{ .Values.event }}\n',
    });
    writeFileSync(
      join(root, 'out.yaml'),
      '---\n# Source: chart/templates/job.yaml\nkind: Job\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: pre-instal\n',
    );
    const { result, output } = lintJson(['--rendered', 'out.yaml', 'chart'], root);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(where(output), ['chart/templates/job.yaml:5:5 unknown-hook-event']);
  });

  it('exits 2 when the rendered file cannot be read', () => {
    const result = runCli(['lint', '--rendered', 'nope.yaml'], tempDir());
    assert.equal(result.status, 2);
    assert.match(result.stderr, /nope\.yaml: no such file or directory/);
  });
});
