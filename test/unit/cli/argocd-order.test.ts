import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ArgoOrderJson } from '../../../server/src/engine/order/argocd-order';
import { assertUsageFailure, CHART_YAML, CHARTS, removeTempDirs, runCli, tempDir, writeFiles } from './cli-harness';

function argoOrder(args: string[], cwd = CHARTS): ArgoOrderJson {
  const result = runCli(['order', '--format', 'json', '--target', 'argocd', ...args], cwd);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  return JSON.parse(result.stdout) as ArgoOrderJson;
}

/** `phase wave kind name` of every task, in the order printed. */
function tasks(order: ArgoOrderJson): string[] {
  return order.sync.flatMap(({ phase, waves }) =>
    waves.flatMap(({ wave, objects }) => objects.map((object) => `${phase} ${wave} ${object.kind} ${object.name}`)),
  );
}

function hookJob(name: string, annotations: string[]): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec: {}',
    '',
  ].join('\n');
}

after(removeTempDirs);

describe('helm-hooks order --target argocd', () => {
  it("prints the fixture chart's sync by phase, wave, kind and name (sync_tasks.go:81-111), with the waves from hook weights and sync-wave (waves.go:12-21)", () => {
    const order = argoOrder(['argocd']);
    assert.equal(order.target, 'argocd');
    assert.equal(order.chart, 'argocd-demo');
    assert.deepEqual(tasks(order), [
      'PreSync -10 ConfigMap release-name-settings',
      'PreSync -5 Job release-name-create-db',
      // A Secret before the Jobs of its wave, whatever the names: kind order (sync_tasks.go:25-69).
      'PreSync 0 Secret release-name-api-key',
      'PreSync 0 Job release-name-migrate',
      // helm.sh/hook says post-install; argocd.argoproj.io/hook: PreSync wins (hook.go:38-53).
      'PreSync 0 Job release-name-update-db',
      // Secret before Service: kind order, though "db" < "web" would agree; sync-wave "2" puts the Deployment last.
      'Sync 0 Secret release-name-db',
      'Sync 0 Service release-name-web',
      'Sync 2 Deployment release-name-web',
      'PostSync 0 Job release-name-notify',
    ]);
    assert.deepEqual(
      order.sync.map((phase) => phase.phase),
      ['PreSync', 'Sync', 'PostSync', 'SyncFail'],
    );
    const updateDb = order.sync[0]!.waves[2]!.objects[2]!;
    assert.deepEqual(
      updateDb.deletePolicies,
      ['BeforeHookCreation', 'HookSucceeded'],
      "both annotations' policies (delete_policy.go:11-25)",
    );
    assert.equal(updateDb.eventsFrom, 'argocd');
    // Its data depends on lookup, which the evaluator does not know: not placed, and said why.
    assert.deepEqual(
      order.unknown.map((entry) => `${entry.file}:${entry.line}`),
      ['templates/install-render.yaml:5'],
    );
  });

  it('shows what deleting the Application runs and keeps, and what a sync never applies, with why', () => {
    const order = argoOrder(['argocd']);
    assert.deepEqual(
      order.deletion.phases.map(({ phase, objects }) => [phase, objects.map((object) => object.name)]),
      [
        ['PreDelete', ['release-name-cleanup']],
        ['PostDelete', []],
      ],
    );
    assert.deepEqual(
      order.deletion.kept.map((object) => [object.name, object.why]),
      [['release-name-db', 'helm.sh/resource-policy: keep']],
    );
    assert.deepEqual(
      order.skipped.map((object) => [object.name, object.reason]),
      [
        ['release-name-restore', 'ignored-helm-events'],
        ['release-name-test', 'ignored-helm-events'],
      ],
    );
    assert.match(order.skipped[0]!.why, /pre-rollback/);
    assert.equal(order.hooksOnly, false);
  });

  it("orders one wave's objects by kind before name, unlike Helm's weight, name, kind", () => {
    const chart = writeFiles(tempDir(), {
      'Chart.yaml': CHART_YAML,
      'templates/a.yaml': hookJob('a-migrate', ['helm.sh/hook: pre-install,pre-upgrade']),
      'templates/b.yaml': [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: b-creds',
        '  annotations:',
        '    helm.sh/hook: pre-install,pre-upgrade',
        '',
      ].join('\n'),
      'templates/svc.yaml': ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', 'spec: {}', ''].join('\n'),
    });
    assert.deepEqual(tasks(argoOrder(['.'], chart)).slice(0, 2), [
      'PreSync 0 Secret b-creds',
      'PreSync 0 Job a-migrate',
    ]);
    const helm = JSON.parse(runCli(['order', '--format', 'json', '--operation', 'install', '.'], chart).stdout) as {
      operations: { steps: { hooks?: { name: string }[] }[] }[];
    };
    assert.deepEqual(
      helm.operations[0]!.steps[0]!.hooks!.map((hook) => hook.name),
      ['a-migrate', 'b-creds'],
      'Helm runs them by name (the positive control)',
    );
  });

  it('says when every object is a hook: automated sync never runs them (#7237, #22694)', () => {
    const chart = writeFiles(tempDir(), {
      'Chart.yaml': CHART_YAML,
      'templates/job.yaml': hookJob('only-hook', ['helm.sh/hook: post-install']),
    });
    assert.equal(argoOrder(['.'], chart).hooksOnly, true);
    const text = runCli(['order', '--target', 'argocd', '.'], chart);
    assert.match(text.stdout, /Every object is a hook: .* always Synced/);
    assert.equal(argoOrder(['argocd']).hooksOnly, false, 'a chart with resources (the positive control)');
  });

  it("follows the config file's targets when they name argocd alone, and --target helm wins", () => {
    const chart = writeFiles(tempDir(), {
      'Chart.yaml': CHART_YAML,
      '.helm-hooks.yaml': 'targets: [argocd]\n',
      'templates/job.yaml': hookJob('j', ['helm.sh/hook: pre-install']),
    });
    assert.match(runCli(['order', '.'], chart).stdout, /the sync as Argo CD runs it/);
    assert.match(runCli(['order', '--target', 'helm', '.'], chart).stdout, /in Helm 4's order/);
    const both = writeFiles(tempDir(), {
      'Chart.yaml': CHART_YAML,
      '.helm-hooks.yaml': 'targets: [helm, argocd]\n',
      'templates/job.yaml': hookJob('j', ['helm.sh/hook: pre-install']),
    });
    assert.match(runCli(['order', '.'], both).stdout, /in Helm 4's order/);
  });

  it('prints the text view with phases, waves, deletion and what is skipped', () => {
    const result = runCli(['order', '--target', 'argocd', 'argocd'], CHARTS);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^PreSync \(before the resources, on every sync\)\n {2}wave -10\n {4}ConfigMap release-name-settings {2}templates\/every-sync\.yaml:34 {2}hook \(helm\.sh\/hook\), replaced at the next sync$/m,
    );
    assert.match(result.stdout, /^SyncFail: nothing \(only when the sync fails\)$/m);
    assert.match(result.stdout, /^Never applied by a sync\n {2}Job release-name-restore .* \(pre-rollback\)$/m);
  });

  it('rejects --operation and a second --target with one line', () => {
    assertUsageFailure(
      runCli(['order', '--target', 'argocd', '--operation', 'install', 'argocd'], CHARTS),
      /--operation does not apply to --target argocd/,
    );
    assertUsageFailure(
      runCli(['order', '--target', 'argocd', '--target', 'helm', 'argocd'], CHARTS),
      /order takes one --target/,
    );
    assertUsageFailure(
      runCli(['order', '--target', 'flux', 'argocd'], CHARTS),
      /--target must be helm or argocd, not "flux"/,
    );
  });
});
