import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TraceStep } from '../../../server/src/engine/lifecycle/trace';
import { traceOperations } from '../../../server/src/engine/lifecycle/trace';
import { REPO_ROOT } from '../../support/paths';

/**
 * What the trace API predicts for each operation on the fixtures of test/fixtures/lifecycle, written by hand from
 * Helm's pkg/action (hooks.go execHook, install.go, upgrade.go + pkg/kube update, rollback.go, uninstall.go,
 * release_testing.go) and the runtime vectors of ../shared/reference/helm-hooks.md §9.2. The kube helper's test
 * compares the same predictions with the real helm's request log.
 */

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'lifecycle');
const chart = (name: string) => join(FIXTURES, name);

function steps(...operations: Array<[TraceStep['operation'], string]>): TraceStep[] {
  return operations.map(([operation, fixture]) => ({ operation, chartDir: chart(fixture) }));
}

function actionsOf(trace: { actions: { verb: string; kind: string; name: string }[] }): string[] {
  return trace.actions.map((action) => `${action.verb} ${action.kind}/${action.name}`);
}

describe('traceOperations', () => {
  it('install, upgrade, uninstall: a hook-succeeded pre-install Secret is there for the later-weight Job, gone by pre-upgrade', async () => {
    const fixture = 'secret-deleted-before-upgrade';
    const [install, upgrade, uninstall] = await traceOperations(
      steps(['install', fixture], ['upgrade', fixture], ['uninstall', fixture]),
      { helmVersion: 4, releaseName: 'r1', namespace: 'default' },
    );
    assert.deepEqual(actionsOf(install!), [
      'create Secret/r1-db',
      'create Job/r1-migrate',
      'delete Job/r1-migrate',
      'delete Secret/r1-db',
      'create ConfigMap/r1-config',
    ]);
    assert.deepEqual(install!.hookRuns, [
      { event: 'pre-install', kind: 'Secret', name: 'r1-db', present: [] },
      { event: 'pre-install', kind: 'Job', name: 'r1-migrate', present: ['Secret/r1-db'] },
    ]);
    assert.deepEqual(actionsOf(upgrade!), [
      'create Job/r1-migrate',
      'delete Job/r1-migrate',
      'update ConfigMap/r1-config',
    ]);
    assert.deepEqual(upgrade!.hookRuns, [
      { event: 'pre-upgrade', kind: 'Job', name: 'r1-migrate', present: ['ConfigMap/r1-config'] },
    ]);
    assert.deepEqual(actionsOf(uninstall!), ['delete ConfigMap/r1-config']);
    assert.deepEqual(uninstall!.hookRuns, []);
  });

  it('Helm 3 sends no update for a release resource whose manifest is the same in both revisions', async () => {
    const fixture = 'secret-deleted-before-upgrade';
    const [, upgrade] = await traceOperations(steps(['install', fixture], ['upgrade', fixture]), {
      helmVersion: 3,
      releaseName: 'r1',
      namespace: 'default',
    });
    assert.deepEqual(actionsOf(upgrade!), ['create Job/r1-migrate', 'delete Job/r1-migrate']);
  });

  it("uninstall (R8): pre-delete sees every resource and the install's hook left behind; the kept resource outlives it", async () => {
    const fixture = 'uninstall-keep';
    const [install, uninstall] = await traceOperations(steps(['install', fixture], ['uninstall', fixture]), {
      helmVersion: 4,
      releaseName: 'u',
      namespace: 'default',
    });
    assert.deepEqual(actionsOf(install!), [
      'create ConfigMap/u-installed',
      'create ConfigMap/u-normal',
      'create ConfigMap/u-kept',
    ]);
    assert.deepEqual(actionsOf(uninstall!), [
      'create Job/u-backup',
      'delete ConfigMap/u-normal',
      'create ConfigMap/u-farewell',
      'delete ConfigMap/u-farewell',
    ]);
    assert.deepEqual(uninstall!.hookRuns, [
      {
        event: 'pre-delete',
        kind: 'Job',
        name: 'u-backup',
        present: ['ConfigMap/u-installed', 'ConfigMap/u-kept', 'ConfigMap/u-normal'],
      },
      {
        event: 'post-delete',
        kind: 'ConfigMap',
        name: 'u-farewell',
        present: ['ConfigMap/u-installed', 'ConfigMap/u-kept', 'Job/u-backup'],
      },
    ]);
  });

  it("rollback (R15): the target revision's hooks run, its removed Secret comes back, the resources are applied between", async () => {
    const traces = await traceOperations(
      steps(['install', 'rollback-v1'], ['upgrade', 'rollback-v2'], ['rollback', 'rollback-v2']),
      { helmVersion: 4, releaseName: 'rb', namespace: 'default' },
    );
    assert.deepEqual(
      traces.map((trace) => trace.operation),
      ['install', 'upgrade', 'rollback'],
    );
    assert.deepEqual(actionsOf(traces[0]!), ['create Secret/rb-v1-only', 'create ConfigMap/rb-app']);
    assert.deepEqual(actionsOf(traces[1]!), ['update ConfigMap/rb-app', 'delete Secret/rb-v1-only']);
    assert.deepEqual(actionsOf(traces[2]!), [
      'create Job/rb-rb-from-v1',
      'delete Job/rb-rb-from-v1',
      'create Secret/rb-v1-only',
      'update ConfigMap/rb-app',
      'create Job/rb-rb-from-v1',
      'delete Job/rb-rb-from-v1',
    ]);
    assert.deepEqual(traces[2]!.hookRuns, [
      { event: 'pre-rollback', kind: 'Job', name: 'rb-rb-from-v1', present: ['ConfigMap/rb-app'] },
      {
        event: 'post-rollback',
        kind: 'Job',
        name: 'rb-rb-from-v1',
        present: ['ConfigMap/rb-app', 'Secret/rb-v1-only'],
      },
    ]);
  });

  it('test: by weight; a second run deletes the test hook left by the first (before-hook-creation); the seed Secret is long gone', async () => {
    const fixture = 'test-hooks';
    const [install, first, second] = await traceOperations(
      steps(['install', fixture], ['test', fixture], ['test', fixture]),
      { helmVersion: 4, releaseName: 't', namespace: 'default' },
    );
    assert.deepEqual(actionsOf(install!), [
      'create Secret/t-seed',
      'delete Secret/t-seed',
      'create ConfigMap/t-settings',
    ]);
    assert.deepEqual(actionsOf(first!), [
      'create ConfigMap/t-test-fixture',
      'create Pod/t-test-connection',
      'delete Pod/t-test-connection',
    ]);
    assert.deepEqual(first!.hookRuns, [
      { event: 'test', kind: 'ConfigMap', name: 't-test-fixture', present: ['ConfigMap/t-settings'] },
      {
        event: 'test',
        kind: 'Pod',
        name: 't-test-connection',
        present: ['ConfigMap/t-settings', 'ConfigMap/t-test-fixture'],
      },
    ]);
    assert.deepEqual(actionsOf(second!), [
      'delete ConfigMap/t-test-fixture',
      'create ConfigMap/t-test-fixture',
      'create Pod/t-test-connection',
      'delete Pod/t-test-connection',
    ]);
  });

  it('a release installed again after uninstall meets what the first one left: its hook is re-created, its kept resource adopted', async () => {
    const fixture = 'uninstall-keep';
    const traces = await traceOperations(steps(['install', fixture], ['uninstall', fixture], ['install', fixture]), {
      helmVersion: 4,
      releaseName: 'u',
      namespace: 'default',
    });
    // The pre-install ConfigMap has the default policy: deleted just before it is created again. The kept ConfigMap
    // carries this release's annotations: existingResourceConflict lets the install adopt it, and Update applies it.
    assert.deepEqual(actionsOf(traces[2]!), [
      'delete ConfigMap/u-installed',
      'create ConfigMap/u-installed',
      'create ConfigMap/u-normal',
      'update ConfigMap/u-kept',
    ]);
    assert.equal(traces[2]!.error, undefined);
  });

  it('upgrade --install after an install that failed at its pre-install Job: pre-upgrade runs with no release resource, then all are created', async () => {
    const fixture = 'failed-install';
    const traces = await traceOperations(
      [
        {
          operation: 'install',
          chartDir: chart(fixture),
          failHook: { event: 'pre-install', kind: 'Job', name: 'f-init' },
        },
        { operation: 'upgrade', chartDir: chart(fixture) },
      ],
      { helmVersion: 4, releaseName: 'f', namespace: 'default' },
    );
    assert.deepEqual(actionsOf(traces[0]!), ['create Job/f-init']);
    assert.equal(traces[0]!.error, 'pre-install hook Job/f-init failed');
    assert.deepEqual(actionsOf(traces[1]!), ['create Job/f-migrate', 'create Secret/f-db']);
    assert.deepEqual(traces[1]!.hookRuns, [
      { event: 'pre-upgrade', kind: 'Job', name: 'f-migrate', present: ['Job/f-init'] },
    ]);
  });

  it('crds/ objects come first at install only; a cluster-scoped hook is never present in the namespace; Helm 3 patches the custom resource', async () => {
    const fixture = 'cluster-and-crds';
    const [install4, upgrade4] = await traceOperations(steps(['install', fixture], ['upgrade', fixture]), {
      helmVersion: 4,
      releaseName: 'c',
      namespace: 'default',
    });
    // The crds/ files in the order read (doohickeys.yaml, gizmos.yaml, then settings.YAML: any case of the extension
    // counts); custom kinds after the kinds Helm knows, by kind.
    assert.deepEqual(actionsOf(install4!), [
      'create CustomResourceDefinition/doohickeys.example.com',
      'create CustomResourceDefinition/gizmos.example.com',
      'create ConfigMap/crd-settings',
      'create ClusterRole/c-reader',
      'create ConfigMap/c-marker',
      'create Doohickey/c-d1',
      'create Gizmo/c-g1',
    ]);
    // The namespaced object of crds/ is in the release namespace; the CRDs and the ClusterRole are in none.
    assert.deepEqual(
      install4!.hookRuns.map((run) => run.present),
      [['ConfigMap/crd-settings'], ['ConfigMap/crd-settings']],
    );
    // The Doohickey's CRD says `scope: Cluster`: it is in no namespace either.
    assert.deepEqual(actionsOf(upgrade4!), [
      'delete ClusterRole/c-reader',
      'create ClusterRole/c-reader',
      'delete ConfigMap/c-marker',
      'create ConfigMap/c-marker',
      'update Doohickey/c-d1',
      'update Gizmo/c-g1',
    ]);
    assert.deepEqual(
      upgrade4!.hookRuns.map((run) => run.present),
      [
        ['ConfigMap/c-marker', 'ConfigMap/crd-settings', 'Gizmo/c-g1'],
        ['ConfigMap/crd-settings', 'Gizmo/c-g1'],
      ],
    );
    const [, upgrade3] = await traceOperations(steps(['install', fixture], ['upgrade', fixture]), {
      helmVersion: 3,
      releaseName: 'c',
      namespace: 'default',
    });
    assert.deepEqual(actionsOf(upgrade3!).slice(-1), ['update Gizmo/c-g1']);
  });

  it('after a failed upgrade, the next upgrade starts from the last deployed revision: what only the failed one added stays', async () => {
    const runtime = (name: string) => join(REPO_ROOT, 'test', 'fixtures', 'lifecycle-runtime', name);
    const traces = await traceOperations(
      [
        { operation: 'install', chartDir: runtime('failed-upgrade-v1') },
        {
          operation: 'upgrade',
          chartDir: runtime('failed-upgrade-v2'),
          failHook: { event: 'post-upgrade', kind: 'Job', name: 'check' },
        },
        { operation: 'upgrade', chartDir: runtime('failed-upgrade-v1') },
      ],
      { helmVersion: 4, releaseName: 'r', namespace: 'default' },
    );
    assert.deepEqual(actionsOf(traces[1]!), [
      'update ConfigMap/app-config',
      'create ConfigMap/extra-config',
      'create Job/check',
    ]);
    // Revision 1 is the original (upgrade.go prepareUpgrade: the deployed release): extra-config is not deleted.
    assert.deepEqual(actionsOf(traces[2]!), ['update ConfigMap/app-config']);
  });
});
