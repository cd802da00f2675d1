import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertUsageFailure, CHARTS, removeTempDirs, runCli, tempDir, writeFiles } from './cli-harness';

interface Hook { position: number | null; weight: number | string | null; kind: string | null; name: string | null; nameCertain: boolean; file: string; line: number; deletePolicies: string[] | null; deleted: string | null }
type Step = { event: string; hooks: Hook[] } | { resources: { kind: string | null; name: string | null; file: string; line: number }[] };
interface Order { version: number; chart: string; releaseName: string; operations: { operation: string; steps: Step[] }[]; unknown: { file: string; line: number; reason: string }[] }

function orderJson(args: string[]): Order {
  const result = runCli(['order', '--format', 'json', ...args], CHARTS);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  return JSON.parse(result.stdout) as Order;
}

function hooksOf(step: Step | undefined): [number | null, number | string | null, string | null, string | null, string, number, string | null][] {
  assert.ok(step && 'hooks' in step, 'a hook step');
  return step.hooks.map((hook) => [hook.position, hook.weight, hook.kind, hook.name, hook.file, hook.line, hook.deleted]);
}

after(removeTempDirs);

describe('helm-hooks order', () => {
  it('lists the pre-install hooks by weight, then name byte-wise, then kind, subchart hooks interleaved (helm-hooks.md §4.1, R1)', () => {
    const order = orderJson(['order-basic', '--operation', 'install']);
    assert.equal(order.version, 1);
    assert.equal(order.chart, 'order-basic');
    assert.equal(order.releaseName, 'release-name');
    assert.deepEqual(order.operations.map((operation) => operation.operation), ['install']);
    const [pre, resources, post] = order.operations[0]!.steps;
    assert.deepEqual(hooksOf(pre), [
      [1, -1, 'Secret', 'c-secret', 'templates/c-secret.yaml', 4, 'before-next-run'],
      // Weight 0: a-job < b-cm < b-sub < z-sa by name, whatever the kind, and the subchart's hook among them.
      [2, 0, 'Job', 'a-job', 'templates/a-job.yaml', 4, 'after-event-success'],
      [3, 0, 'ConfigMap', 'b-cm', 'templates/b-cm.yaml', 4, 'before-next-run'],
      [4, 0, 'ConfigMap', 'b-sub', 'charts/sub/templates/b-sub.yaml', 4, 'before-next-run'],
      [5, 0, 'ServiceAccount', 'z-sa', 'templates/z-sa.yaml', 4, 'before-next-run'],
      [6, 1, 'ConfigMap', 'd-cm', 'templates/d-cm.yaml', 4, 'on-failure'],
      // Same weight and name: kind install order puts the ServiceAccount before the Job written above it.
      [7, 5, 'ServiceAccount', 'same', 'templates/same.yaml', 12, 'before-next-run'],
      [8, 5, 'Job', 'same', 'templates/same.yaml', 4, 'before-next-run'],
    ]);
    assert.ok(pre && 'hooks' in pre);
    assert.deepEqual(pre.hooks[1]!.deletePolicies, ['hook-succeeded']);
    assert.equal(pre.hooks[0]!.deletePolicies, null, 'no annotation: Helm stores none and applies its default');
    assert.equal(pre.hooks[0]!.nameCertain, true);
    // Release resources in Helm's InstallOrder; an unknown kind last; no hook, no define, no NOTES.txt among them.
    assert.deepEqual(resources, { resources: [
      { kind: 'ConfigMap', name: 'settings', file: 'templates/cm.yaml', line: 4 },
      { kind: 'Service', name: 'web', file: 'templates/svc.yaml', line: 4 },
      { kind: 'Deployment', name: 'web', file: 'templates/deploy.yaml', line: 4 },
      { kind: 'Widget', name: 'gadget', file: 'templates/a-widget.yaml', line: 4 },
    ] });
    assert.deepEqual(hooksOf(post), [[1, 0, 'Job', 'notify', 'templates/notify.yaml', 4, 'after-event-success-or-failure']]);
    assert.deepEqual(order.unknown, []);
  });

  it('shows every operation by default, each with its own events, and test without release resources', () => {
    const order = orderJson(['order-basic']);
    const shape = order.operations.map((operation) => [operation.operation, operation.steps.map((step) => ('event' in step ? `${step.event}:${step.hooks.length}` : `resources:${step.resources.length}`))]);
    assert.deepEqual(shape, [
      ['install', ['pre-install:8', 'resources:4', 'post-install:1']],
      ['upgrade', ['pre-upgrade:1', 'resources:4', 'post-upgrade:0']],
      ['rollback', ['pre-rollback:0', 'resources:4', 'post-rollback:0']],
      ['uninstall', ['pre-delete:0', 'resources:4', 'post-delete:0']],
      ['test', ['test:1']],
    ]);
    assert.deepEqual(hooksOf(order.operations[4]!.steps[0]), [[1, 0, 'Pod', 't-pod', 'templates/t-pod.yaml', 4, 'after-event-success']]);
  });

  it('claims no position next to a hook whose events are templated, and says why', () => {
    const order = orderJson(['order-unknown', '--operation', 'install']);
    const pre = order.operations[0]!.steps[0];
    assert.ok(pre && 'hooks' in pre);
    assert.deepEqual(pre.hooks.map((hook) => [hook.position, hook.weight, hook.name, hook.nameCertain, hook.line]), [
      [null, -1, '{{ .Release.Name }}-first', false, 4],
      [null, null, '{{ .Release.Name }}-second', false, 19],
    ]);
    assert.deepEqual(order.unknown, [{ file: 'templates/hooks.yaml', line: 14, reason: 'helm.sh/hook is templated: its events are known only when rendered' }]);
    assert.deepEqual(order.operations[0]!.steps[1], { resources: [] });
  });

  it('prints the steps as text: hooks with weight, kind, name, place and deletion; resources between; what is unknown', () => {
    const result = runCli(['order', 'order-basic', '--operation', 'install', '--helm-version', '3'], CHARTS);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.match(lines[0]!, /^Chart order-basic: hooks as written, in Helm 3's order \(weight, then name, then kind\)$/);
    const start = lines.indexOf('  pre-install');
    assert.ok(start > 0);
    assert.equal(lines[start + 1], '    1. weight -1  Secret c-secret  templates/c-secret.yaml:4  deleted before the next run');
    assert.equal(lines[start + 7], '    7. weight 5  ServiceAccount same  templates/same.yaml:12  deleted before the next run');
    assert.equal(lines[start + 9], '  release resources created: 4');
    assert.equal(lines[start + 10], '      ConfigMap settings  templates/cm.yaml:4');
    assert.ok(lines.includes('    1. weight 0  Job notify  templates/notify.yaml:4  deleted after it succeeds or fails'));
    const unknown = runCli(['order', 'order-unknown', '--operation', 'install'], CHARTS);
    assert.match(unknown.stdout, /    \?\. weight -1  ConfigMap \{\{ \.Release\.Name \}\}-first  templates\/hooks\.yaml:4/);
    assert.match(unknown.stdout, /\nUnknown \(not placed above; positions next to them are not claimed\)\n  templates\/hooks\.yaml:14  helm\.sh\/hook is templated/);
  });

  it('rejects bad usage with one line and exit 2', () => {
    assertUsageFailure(runCli(['order'], CHARTS), /usage: helm-hooks order CHART/);
    assertUsageFailure(runCli(['order', 'no-such-chart'], CHARTS), /no-such-chart: no such file or directory/);
    const notChart = writeFiles(tempDir(), { 'templates/x.yaml': 'a: b\n' });
    assertUsageFailure(runCli(['order', notChart], CHARTS), /not a chart directory \(no Chart\.yaml\)/);
    assertUsageFailure(runCli(['order', 'order-basic', '--operation', 'deploy'], CHARTS), /--operation must be install, upgrade, rollback, uninstall or test, not "deploy"/);
    assertUsageFailure(runCli(['order', 'order-basic', '--format', 'sarif'], CHARTS), /--format must be text or json for order/);
    assertUsageFailure(runCli(['order', 'order-basic', '--helm-version', '2'], CHARTS), /--helm-version must be 3 or 4/);
    assertUsageFailure(runCli(['lint', join(CHARTS, 'order-basic'), '--operation', 'install'], CHARTS), /--operation is an option of helm-hooks order/);
    assertUsageFailure(runCli(['order', 'order-basic', '-f', 'values.yaml'], CHARTS), /order reads the templates as written and takes only --format, --operation and --helm-version/);
  });

  it('is described by --help', () => {
    const result = runCli(['--help'], CHARTS);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /helm-hooks order CHART \[--format text\|json\] \[--operation OP\] \[--helm-version 3\|4\]/);
  });
});
