import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FIXTURES } from '../../support/paths';
import { assertUsageFailure, CHARTS, removeTempDirs, runCli, tempDir, writeFiles } from './cli-harness';

/** Charts whose hook annotations, names and weights only a render shows (helpers, values, the release name). */
const EVALUATED = join(FIXTURES, 'order-evaluated');

interface Hook {
  position: number | null;
  weight: number | string | null;
  kind: string | null;
  name: string | null;
  nameCertain: boolean;
  file: string;
  line: number;
  deletePolicies: string[] | null;
  deleted: string | null;
}
type Step =
  | { event: string; hooks: Hook[] }
  | { resources: { kind: string | null; name: string | null; file: string; line: number }[] };
interface Order {
  version: number;
  chart: string;
  releaseName: string;
  operations: { operation: string; steps: Step[] }[];
  unknown: { file: string; line: number; reason: string }[];
}

function orderJson(args: string[], cwd = CHARTS): Order {
  const result = runCli(['order', '--format', 'json', ...args], cwd);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  return JSON.parse(result.stdout) as Order;
}

function hooksOf(
  step: Step | undefined,
): [number | null, number | string | null, string | null, string | null, string, number, string | null][] {
  assert.ok(step && 'hooks' in step, 'a hook step');
  return step.hooks.map((hook) => [
    hook.position,
    hook.weight,
    hook.kind,
    hook.name,
    hook.file,
    hook.line,
    hook.deleted,
  ]);
}

after(removeTempDirs);

describe('helm-hooks order', () => {
  it('lists the pre-install hooks by weight, then name byte-wise, then kind, subchart hooks interleaved (hooks.go hookByWeight.Less)', () => {
    const order = orderJson(['order-basic', '--operation', 'install']);
    assert.equal(order.version, 1);
    assert.equal(order.chart, 'order-basic');
    assert.equal(order.releaseName, 'release-name');
    assert.deepEqual(
      order.operations.map((operation) => operation.operation),
      ['install'],
    );
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
    assert.deepEqual(resources, {
      resources: [
        { kind: 'ConfigMap', name: 'settings', file: 'templates/cm.yaml', line: 4 },
        { kind: 'Service', name: 'web', file: 'templates/svc.yaml', line: 4 },
        { kind: 'Deployment', name: 'web', file: 'templates/deploy.yaml', line: 4 },
        { kind: 'Widget', name: 'gadget', file: 'templates/a-widget.yaml', line: 4 },
      ],
    });
    assert.deepEqual(hooksOf(post), [
      [1, 0, 'Job', 'notify', 'templates/notify.yaml', 4, 'after-event-success-or-failure'],
    ]);
    assert.deepEqual(order.unknown, []);
  });

  it('shows every operation by default, each with its own events, and test without release resources', () => {
    const order = orderJson(['order-basic']);
    const shape = order.operations.map((operation) => [
      operation.operation,
      operation.steps.map((step) =>
        'event' in step ? `${step.event}:${step.hooks.length}` : `resources:${step.resources.length}`,
      ),
    ]);
    assert.deepEqual(shape, [
      ['install', ['pre-install:8', 'resources:4', 'post-install:1']],
      ['upgrade', ['pre-upgrade:1', 'resources:4', 'post-upgrade:0']],
      ['rollback', ['pre-rollback:0', 'resources:4', 'post-rollback:0']],
      ['uninstall', ['pre-delete:0', 'resources:4', 'post-delete:0']],
      ['test', ['test:1']],
    ]);
    assert.deepEqual(hooksOf(order.operations[4]!.steps[0]), [
      [1, 0, 'Pod', 't-pod', 'templates/t-pod.yaml', 4, 'after-event-success'],
    ]);
  });

  it('places a hook whose events and weight come from values.yaml where Helm renders it', () => {
    const order = orderJson(['order-unknown', '--operation', 'install']);
    const pre = order.operations[0]!.steps[0];
    assert.ok(pre && 'hooks' in pre);
    // values.yaml: hookEvent pre-install; the third weight is `.Values.weight | default 2`, unset, so 2.
    assert.deepEqual(
      pre.hooks.map((hook) => [hook.position, hook.weight, hook.name, hook.nameCertain, hook.line]),
      [
        [1, -1, 'release-name-first', true, 4],
        [2, 0, 'release-name-maybe', true, 12],
        [3, 2, 'release-name-second', true, 19],
      ],
    );
    assert.deepEqual(order.unknown, []);
    assert.deepEqual(order.operations[0]!.steps[1], { resources: [] });
  });

  it('orders hooks whose annotations come from helpers and toYaml of values, named by a fullname helper, as Helm renders them', () => {
    const order = orderJson(['shop', '--operation', 'install'], EVALUATED);
    assert.equal(order.releaseName, 'release-name');
    const [pre, resources, post] = order.operations[0]!.steps;
    assert.deepEqual(hooksOf(pre), [
      // Annotations from values.yaml through toYaml: weight -2, deleted once it succeeds.
      [1, -2, 'ConfigMap', 'release-name-shop-seed', 'templates/seed-configmap.yaml', 4, 'after-event-success'],
      // Weight -1 twice: both names start with the release name, so "-audit" < "-shop-schema" whatever it is; the
      // subchart's hook sits among the parent's. The schema Job's event is pre-install on install (IsUpgrade false).
      [2, -1, 'ConfigMap', 'release-name-audit', 'charts/audit/templates/audit-hook.yaml', 4, 'before-next-run'],
      [3, -1, 'Job', 'release-name-shop-schema', 'templates/schema-job.yaml', 4, 'before-next-run'],
      // Weight 5 twice (the helper's weight from .Values.migrate.weight): "migrator" against "<release>-shop-migrate"
      // depends on the release name ("abc-…" < "migrator" < "prod-…"), so neither place is claimed.
      [null, 5, 'ServiceAccount', 'migrator', 'templates/migrator-serviceaccount.yaml', 4, 'before-next-run'],
      [null, 5, 'Job', 'release-name-shop-migrate', 'templates/migrate-job.yaml', 4, 'before-next-run'],
    ]);
    assert.ok(pre && 'hooks' in pre);
    assert.deepEqual(pre.hooks[0]!.deletePolicies, ['before-hook-creation', 'hook-succeeded']);
    assert.deepEqual(pre.hooks[4]!.deletePolicies, ['before-hook-creation'], 'from the helper');
    assert.ok(pre.hooks.every((hook) => hook.nameCertain));
    // Release resources of one file in InstallOrder, each at its metadata.name line.
    assert.deepEqual(resources, {
      resources: [
        { kind: 'ConfigMap', name: 'release-name-shop-settings', file: 'templates/app.yaml', line: 31 },
        { kind: 'Service', name: 'release-name-shop', file: 'templates/app.yaml', line: 21 },
        { kind: 'Deployment', name: 'release-name-shop', file: 'templates/app.yaml', line: 4 },
      ],
    });
    assert.deepEqual(hooksOf(post), [
      [1, 0, 'Job', 'release-name-shop-notify', 'templates/notify-job.yaml', 4, 'before-next-run'],
    ]);
    assert.deepEqual(order.unknown, []);
  });

  it('orders upgrade as Helm renders an upgrade: a hook whose event follows .Release.IsUpgrade runs on pre-upgrade', () => {
    const order = orderJson(['shop', '--operation', 'upgrade'], EVALUATED);
    const [pre, , post] = order.operations[0]!.steps;
    assert.deepEqual(hooksOf(pre), [
      [1, -2, 'ConfigMap', 'release-name-shop-seed', 'templates/seed-configmap.yaml', 4, 'after-event-success'],
      [2, -1, 'Job', 'release-name-shop-schema', 'templates/schema-job.yaml', 4, 'before-next-run'],
      [3, 5, 'Job', 'release-name-shop-migrate', 'templates/migrate-job.yaml', 4, 'before-next-run'],
    ]);
    assert.deepEqual(hooksOf(post), []);
  });

  it('reads -f values files: a weight they change moves the hook, and the tie it leaves behind is placed', () => {
    const order = orderJson(['shop', '--operation', 'install', '-f', 'shop/migrate-first.yaml'], EVALUATED);
    assert.deepEqual(
      hooksOf(order.operations[0]!.steps[0]).map(([position, weight, kind, name]) => [position, weight, kind, name]),
      [
        [1, -5, 'Job', 'release-name-shop-migrate'],
        [2, -2, 'ConfigMap', 'release-name-shop-seed'],
        [3, -1, 'ConfigMap', 'release-name-audit'],
        [4, -1, 'Job', 'release-name-shop-schema'],
        [5, 5, 'ServiceAccount', 'migrator'],
      ],
    );
  });

  it('orders for the --release-name given: names follow it, and a tie between names is placed for that release', () => {
    const names = (release: string) => {
      const order = orderJson(['shop', '--operation', 'install', '--release-name', release], EVALUATED);
      assert.equal(order.releaseName, release);
      return hooksOf(order.operations[0]!.steps[0]).map(([position, weight, , name]) => [position, weight, name]);
    };
    assert.deepEqual(names('prod'), [
      [1, -2, 'prod-shop-seed'],
      [2, -1, 'prod-audit'],
      [3, -1, 'prod-shop-schema'],
      [4, 5, 'migrator'],
      [5, 5, 'prod-shop-migrate'],
    ]);
    assert.deepEqual(names('abc').slice(3), [
      [4, 5, 'abc-shop-migrate'],
      [5, 5, 'migrator'],
    ]);
  });

  it('orders rendered weights past 2^53 as exact 64-bit ints and prints one past 2^53 as its decimal string', () => {
    const order = orderJson(['big-weights', '--operation', 'install'], EVALUATED);
    // As doubles both weights are 9007199254740992, and the name would put a-heavier first.
    assert.deepEqual(hooksOf(order.operations[0]!.steps[0]), [
      [1, '9007199254740992', 'ConfigMap', 'b-lighter', 'templates/lighter-configmap.yaml', 4, 'before-next-run'],
      [2, '9007199254740993', 'ConfigMap', 'a-heavier', 'templates/heavier-configmap.yaml', 4, 'before-next-run'],
    ]);
  });

  it('lists a hook whose events depend on lookup under unknown, with why, and claims no position; unknown weight or name is null', () => {
    const order = orderJson(['lookup', '--operation', 'install'], EVALUATED);
    const [pre, resources] = order.operations[0]!.steps;
    assert.ok(pre && 'hooks' in pre);
    assert.deepEqual(
      pre.hooks.map((hook) => [hook.position, hook.weight, hook.name, hook.nameCertain, hook.line]),
      [
        [null, -1, 'release-name-first', true, 4],
        // randAlphaNum in the name, lookup in the weight: not known without a cluster and a seed.
        [null, 0, null, false, 34],
        [null, null, 'release-name-second', true, 26],
      ],
    );
    assert.equal(order.unknown.length, 1);
    assert.deepEqual([order.unknown[0]!.file, order.unknown[0]!.line], ['templates/hooks.yaml', 14]);
    assert.match(order.unknown[0]!.reason, /^helm\.sh\/hook: .*lookup/);
    assert.deepEqual(resources, {
      resources: [{ kind: 'ConfigMap', name: 'release-name-settings', file: 'templates/settings.yaml', line: 4 }],
    });
  });

  it('falls back to the templates as written, saying so in one line, when Helm would refuse the chart', () => {
    const chart = writeFiles(tempDir(), {
      'Chart.yaml': 'apiVersion: v2\nname: unversioned\n',
      'templates/hook.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-hook\n  annotations:\n    helm.sh/hook: pre-install\n',
    });
    const result = runCli(['order', chart, '--operation', 'install'], CHARTS);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stderr,
      /^helm-hooks: .*: not evaluated \(chart\.metadata\.version is required\): showing the hooks as written\n$/,
    );
    assert.match(result.stdout, /^Chart unversioned: hooks as written, in Helm 4's order/);
    assert.match(
      result.stdout,
      /\n {4}1\. weight 0 {2}ConfigMap \{\{ \.Release\.Name \}\}-hook {2}templates\/hook\.yaml:4 {2}/,
    );
  });

  it('prints the steps as text: hooks with weight, kind, name, place and deletion; resources between; what is unknown', () => {
    const result = runCli(['order', 'order-basic', '--operation', 'install', '--helm-version', '3'], CHARTS);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.match(
      lines[0]!,
      /^Chart order-basic: hooks as Helm renders it with these values \(release release-name\), in Helm 3's order \(weight, then name, then kind\)$/,
    );
    const start = lines.indexOf('  pre-install');
    assert.ok(start > 0);
    assert.equal(
      lines[start + 1],
      '    1. weight -1  Secret c-secret  templates/c-secret.yaml:4  deleted before the next run',
    );
    assert.equal(
      lines[start + 7],
      '    7. weight 5  ServiceAccount same  templates/same.yaml:12  deleted before the next run',
    );
    assert.equal(lines[start + 9], '  release resources created: 4');
    assert.equal(lines[start + 10], '      ConfigMap settings  templates/cm.yaml:4');
    assert.ok(
      lines.includes('    1. weight 0  Job notify  templates/notify.yaml:4  deleted after it succeeds or fails'),
    );
    const unknown = runCli(['order', 'lookup', '--operation', 'install'], EVALUATED);
    assert.match(
      unknown.stdout,
      /\n {4}\?\. weight -1 {2}ConfigMap release-name-first {2}templates\/hooks\.yaml:4 {2}deleted before the next run\n/,
    );
    assert.match(
      unknown.stdout,
      /\n {4}\?\. weight unknown {2}ConfigMap release-name-second {2}templates\/hooks\.yaml:26 {2}/,
    );
    assert.match(unknown.stdout, /\n {4}\?\. weight 0 {2}ConfigMap \? {2}templates\/hooks\.yaml:34 {2}/);
    assert.match(
      unknown.stdout,
      /\nUnknown \(not placed above; positions next to them are not claimed\)\n {2}templates\/hooks\.yaml:14 {2}helm\.sh\/hook: .*lookup/,
    );
  });

  it('rejects bad usage with one line and exit 2', () => {
    assertUsageFailure(runCli(['order'], CHARTS), /usage: helm-hooks order CHART/);
    assertUsageFailure(runCli(['order', 'no-such-chart'], CHARTS), /no-such-chart: no such file or directory/);
    const notChart = writeFiles(tempDir(), { 'templates/x.yaml': 'a: b\n' });
    assertUsageFailure(runCli(['order', notChart], CHARTS), /not a chart directory \(no Chart\.yaml\)/);
    assertUsageFailure(
      runCli(['order', 'order-basic', '--operation', 'deploy'], CHARTS),
      /--operation must be install, upgrade, rollback, uninstall or test, not "deploy"/,
    );
    assertUsageFailure(
      runCli(['order', 'order-basic', '--format', 'sarif'], CHARTS),
      /--format must be text, json or mermaid for order/,
    );
    assertUsageFailure(
      runCli(['order', 'order-basic', '--helm-version', '2'], CHARTS),
      /--helm-version must be 3 or 4/,
    );
    assertUsageFailure(
      runCli(['lint', join(CHARTS, 'order-basic'), '--operation', 'install'], CHARTS),
      /--operation is an option of helm-hooks order/,
    );
    assertUsageFailure(
      runCli(['order', 'order-basic', '--rule', 'crd-hook=off'], CHARTS),
      /order takes only -f\/--values, --release-name, --format, --operation, --helm-version, --config, --target, --check and --update/,
    );
    assertUsageFailure(
      runCli(['order', 'order-basic', '--release-name', 'Prod'], CHARTS),
      /--release-name: invalid release name "Prod"/,
    );
    assertUsageFailure(
      runCli(['order', 'shop', '-f', 'no-such-values.yaml'], EVALUATED),
      /values file no-such-values\.yaml: no such file or directory/,
    );
    const badValues = writeFiles(tempDir(), { 'bad.yaml': 'migrate: [\n' });
    assertUsageFailure(
      runCli(['order', 'shop', '-f', join(badValues, 'bad.yaml')], EVALUATED),
      /values file .*bad\.yaml: failed to parse/,
    );
  });

  it('is described by --help', () => {
    const result = runCli(['--help'], CHARTS);
    assert.equal(result.status, 0);
    assert.match(
      result.stdout,
      /helm-hooks order CHART \[-f FILE\.\.\.\] \[--release-name NAME\] \[--format text\|json\|mermaid\] \[--operation OP\] \[--helm-version 3\|4\] \[--config FILE\] \[--target helm\|argocd\] \[--check FILE \[--update\]\]/,
    );
    assert.match(result.stdout, /^ {2}--check FILE {17}compare with FILE, a saved --format json, on the order only$/m);
    assert.match(result.stdout, /^ {2}--update {21}with --check: save the current order in FILE instead \(exit 0\)$/m);
  });
});
