import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertUsageFailure, CHART_YAML, removeTempDirs, runCli, tempDir, writeFiles } from './cli-harness';

after(removeTempDirs);

/** A hook with a literal name (the same under any release name) and weight, so that the expected order is Helm's key by hand. */
function hook(kind: 'Job' | 'ConfigMap', name: string, weight: number, events = 'pre-install'): string {
  const lines = [
    kind === 'Job' ? 'apiVersion: batch/v1' : 'apiVersion: v1',
    `kind: ${kind}`,
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    `    helm.sh/hook: ${events}`,
    `    helm.sh/hook-weight: "${weight}"`,
  ];
  if (kind === 'Job')
    lines.push(
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: run',
      '          image: busybox:1.36',
    );
  else lines.push('data: {}');
  return `${lines.join('\n')}\n`;
}

/**
 * pre-install, by Helm's key (weight, then name): a-config (-5), b-migrate (0), c-seed (0), d-check (5).
 * `templates/` only, so every position is certain.
 */
function baseChart(): string {
  return writeFiles(tempDir(), {
    'Chart.yaml': CHART_YAML,
    'templates/a-config.yaml': hook('ConfigMap', 'a-config', -5),
    'templates/b-migrate.yaml': hook('Job', 'b-migrate', 0),
    'templates/c-seed.yaml': hook('Job', 'c-seed', 0),
    'templates/d-check.yaml': hook('Job', 'd-check', 5, 'pre-install,pre-upgrade'),
    'templates/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n',
  });
}

/** Saves the chart's order with `--update`, the way a user starts. */
function save(chart: string, args: string[] = []): string {
  const saved = join(tempDir(), 'hook-order.json');
  const result = runCli(['order', chart, '--check', saved, '--update', ...args], chart);
  assert.equal(result.status, 0, result.stderr);
  return saved;
}

function check(chart: string, saved: string, args: string[] = []) {
  return runCli(['order', chart, '--check', saved, ...args], chart);
}

/** The diff's change lines of one event, without the padding. */
function changeLines(stdout: string, header: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.indexOf(header);
  assert.ok(start >= 0, `"${header}" in:\n${stdout}`);
  const changes: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    changes.push(line.trim().replace(/\s+/, ' '));
  }
  return changes;
}

describe('helm-hooks order --check', () => {
  it('exits 0 on an unchanged chart, saying so', () => {
    const chart = baseChart();
    const saved = save(chart);
    const result = check(chart, saved);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^Hook order unchanged from .*hook-order\.json\.\n$/);
    assert.equal(result.stderr, '');
  });

  it('ignores what is not the order: files, lines, delete policies and fields a later version adds', () => {
    const chart = baseChart();
    const saved = save(chart);
    const data = JSON.parse(readFileSync(saved, 'utf8'));
    for (const operation of data.operations) {
      for (const step of operation.steps) {
        for (const entry of step.hooks ?? [])
          Object.assign(entry, {
            file: 'templates/elsewhere.yaml',
            line: 99,
            deleted: 'never',
            deletePolicies: ['hook-failed'],
            reads: [{ kind: 'Secret', name: 'x', present: false }],
          });
      }
    }
    data.generatedBy = 'a later helm-hooks';
    writeFileSync(saved, JSON.stringify(data));
    // The hook's template also moves to another file and line: still the same order.
    rmSync(join(chart, 'templates', 'c-seed.yaml'));
    writeFiles(chart, { 'templates/jobs/seed.yaml': `# the seed job\n\n${hook('Job', 'c-seed', 0)}` });
    const result = check(chart, saved);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('reports a hook moved by a new weight, and not the hooks it passed', () => {
    const chart = baseChart();
    const saved = save(chart);
    // c-seed from weight 0 to -10: first now, ahead of a-config (-5) and b-migrate (0).
    writeFiles(chart, { 'templates/c-seed.yaml': hook('Job', 'c-seed', -10) });
    const result = check(chart, saved);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(changeLines(result.stdout, 'install, pre-install'), [
      'moved Job c-seed: 1st, was 3rd (weight -10, was 0)',
    ]);
    assert.match(result.stdout, /^Hook order differs from .*hook-order\.json:\n/);
    assert.match(result.stdout, /run the same command with --update/);
    // Upgrade runs d-check only, which did not change.
    assert.doesNotMatch(result.stdout, /pre-upgrade/);
  });

  it('reports a new weight that keeps the hook in its place as a weight change', () => {
    const chart = baseChart();
    const saved = save(chart);
    writeFiles(chart, { 'templates/d-check.yaml': hook('Job', 'd-check', 7, 'pre-install,pre-upgrade') });
    const result = check(chart, saved);
    assert.equal(result.status, 1);
    assert.deepEqual(changeLines(result.stdout, 'install, pre-install'), [
      'weight Job d-check: weight 7, was 5 (still 4th)',
    ]);
    assert.deepEqual(changeLines(result.stdout, 'upgrade, pre-upgrade'), [
      'weight Job d-check: weight 7, was 5 (still 1st)',
    ]);
  });

  it('reports a hook renamed in its file as one rename, with its new place', () => {
    const chart = baseChart();
    const saved = save(chart);
    // b-migrate → e-migrate: by name it now sorts after c-seed among the weight-0 hooks.
    writeFiles(chart, { 'templates/b-migrate.yaml': hook('Job', 'e-migrate', 0) });
    const result = check(chart, saved);
    assert.equal(result.status, 1);
    assert.deepEqual(changeLines(result.stdout, 'install, pre-install'), [
      'renamed Job b-migrate → e-migrate: 3rd, was 2nd',
    ]);
  });

  it('reports an added and a removed hook, where they are and were', () => {
    const chart = baseChart();
    const saved = save(chart);
    rmSync(join(chart, 'templates', 'b-migrate.yaml'));
    writeFiles(chart, { 'templates/z-notify.yaml': hook('ConfigMap', 'z-notify', 10) });
    const result = check(chart, saved);
    assert.equal(result.status, 1);
    assert.deepEqual(changeLines(result.stdout, 'install, pre-install'), [
      'removed Job b-migrate: was 2nd, weight 0',
      'added ConfigMap z-notify: 4th, weight 10',
    ]);
  });

  it('compares only the operation asked for', () => {
    const chart = baseChart();
    const saved = save(chart);
    writeFiles(chart, { 'templates/c-seed.yaml': hook('Job', 'c-seed', -10) });
    assert.equal(
      check(chart, saved, ['--operation', 'upgrade']).status,
      0,
      'pre-upgrade holds only d-check, unchanged',
    );
    assert.equal(check(chart, saved, ['--operation', 'install']).status, 1);
  });

  it('--update rewrites the file with what order --format json prints, and the next check passes', () => {
    const chart = baseChart();
    const saved = save(chart);
    writeFiles(chart, { 'templates/c-seed.yaml': hook('Job', 'c-seed', -10) });
    assert.equal(check(chart, saved).status, 1);
    const update = runCli(['order', chart, '--check', saved, '--update'], chart);
    assert.equal(update.status, 0, update.stderr);
    assert.match(update.stdout, /^Saved the hook order in .*hook-order\.json\.\n$/);
    const json = runCli(['order', chart, '--format', 'json'], chart);
    assert.equal(readFileSync(saved, 'utf8'), json.stdout);
    assert.equal(check(chart, saved).status, 0);
  });

  it('exits 2 with one line on stderr for a file that is not JSON', () => {
    const chart = baseChart();
    const saved = join(tempDir(), 'order.json');
    writeFileSync(saved, '{"version": 1, "operations": [');
    const result = check(chart, saved);
    assertUsageFailure(result, /order\.json: not JSON \(/);
    assert.equal(result.stdout, '');
  });

  it('exits 2 for JSON of another version or shape, naming what is wrong', () => {
    const chart = baseChart();
    const saved = join(tempDir(), 'order.json');
    writeFileSync(saved, JSON.stringify({ version: 2, operations: [] }));
    assertUsageFailure(check(chart, saved), /order\.json: version 2: this helm-hooks reads version 1$/);
    writeFileSync(saved, JSON.stringify({ version: 1, findings: [], summary: {} }));
    assertUsageFailure(check(chart, saved), /order\.json: not the output of helm-hooks order --format json/);
    writeFileSync(
      saved,
      JSON.stringify({
        version: 1,
        operations: [
          {
            operation: 'install',
            steps: [{ event: 'pre-install', hooks: [{ kind: 'Job', name: 7, weight: 0, position: 1 }] }],
          },
        ],
      }),
    );
    assertUsageFailure(
      check(chart, saved),
      /order\.json: operations\[0\]\.steps\[0\]\.hooks\[0\]\.name: expected text or null$/,
    );
    // Positive control: the same document with a text name is read, and differs from this chart.
    writeFileSync(
      saved,
      JSON.stringify({
        version: 1,
        operations: [
          {
            operation: 'install',
            steps: [{ event: 'pre-install', hooks: [{ kind: 'Job', name: 'x', weight: 0, position: 1 }] }],
          },
        ],
      }),
    );
    assert.equal(check(chart, saved).status, 1);
  });

  it('exits 2 for a missing or unreadable file, saying how to create it', () => {
    const chart = baseChart();
    const missing = join(tempDir(), 'nowhere.json');
    assertUsageFailure(
      check(chart, missing),
      /nowhere\.json: no such file or directory \(save the order first with --check FILE --update\)$/,
    );
    assertUsageFailure(check(chart, tempDir()), /: /);
  });

  it('refuses --update without --check, and --check with --format json', () => {
    const chart = baseChart();
    assertUsageFailure(runCli(['order', chart, '--update'], chart), /--update rewrites the file of --check/);
    assertUsageFailure(
      runCli(['order', chart, '--check', 'x.json', '--format', 'json'], chart),
      /--check prints a text diff/,
    );
    assertUsageFailure(
      runCli(['lint', chart, '--check', 'x.json'], chart),
      /--check and --update are options of helm-hooks order, not lint/,
    );
  });
});
