import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  annotationItems,
  ARGOCD_KIND_ORDER,
  ARGOCD_SOURCE,
  compareSyncTasks,
  HELM_DELETE_POLICY_MAPPING,
  HELM_EVENT_MAPPING,
  planArgoObject,
  SYNC_PHASES,
} from '../../../server/src/engine/deployers/argocd';

/**
 * Each row is a fact read from Argo CD's source (argoproj/argo-cd at 37ee0097cf, whose gitops-engine/ directory holds
 * the sync engine) with the file and lines it was read from; the expected values are written from that reading, not
 * from the program's output.
 */
interface Row {
  source: string;
  fact: string;
  kind?: string;
  annotations: Record<string, string>;
  expect: Partial<ReturnType<typeof planArgoObject>>;
}

const HOOK = 'helm.sh/hook';
const WEIGHT = 'helm.sh/hook-weight';
const POLICY = 'helm.sh/hook-delete-policy';
const ARGO_HOOK = 'argocd.argoproj.io/hook';
const ARGO_POLICY = 'argocd.argoproj.io/hook-delete-policy';
const WAVE = 'argocd.argoproj.io/sync-wave';

const ROWS: Row[] = [
  // Helm events → sync phases
  {
    source: 'gitops-engine/pkg/sync/hook/helm/type.go:27-32',
    fact: 'pre-install is PreSync',
    annotations: { [HOOK]: 'pre-install' },
    expect: { hook: true, eventsFrom: 'helm', syncPhases: ['PreSync'], deletionPhases: [] },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/helm/type.go:27-32',
    fact: 'pre-upgrade is PreSync',
    annotations: { [HOOK]: 'pre-upgrade' },
    expect: { syncPhases: ['PreSync'] },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/helm/type.go:27-32',
    fact: 'post-install is PostSync',
    annotations: { [HOOK]: 'post-install' },
    expect: { syncPhases: ['PostSync'] },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/helm/type.go:27-32',
    fact: 'post-upgrade is PostSync',
    annotations: { [HOOK]: 'post-upgrade' },
    expect: { syncPhases: ['PostSync'] },
  },
  {
    source: 'gitops-engine/pkg/sync/sync_phase.go:14-24',
    fact: 'pre-install and pre-upgrade are one PreSync task',
    annotations: { [HOOK]: 'pre-install,pre-upgrade' },
    expect: { syncPhases: ['PreSync'] },
  },
  {
    source: 'gitops-engine/pkg/sync/sync_phase.go:14-24',
    fact: 'pre- and post- events make two phases',
    annotations: { [HOOK]: 'post-install,pre-install' },
    expect: { syncPhases: ['PreSync', 'PostSync'] },
  },
  {
    source: 'gitops-engine/pkg/sync/resource/annotations.go:17-33',
    fact: 'items are trimmed',
    annotations: { [HOOK]: ' pre-install , post-upgrade ' },
    expect: { syncPhases: ['PreSync', 'PostSync'] },
  },
  // Helm events Argo CD does not run
  {
    source: 'gitops-engine/pkg/sync/hook/helm/type.go:19-25; ignore/ignore.go:10-12',
    fact: 'pre-rollback alone: a hook with no phase, never applied',
    annotations: { [HOOK]: 'pre-rollback' },
    expect: { hook: true, syncPhases: [], skipped: 'ignored-helm-events', unmappedHelmEvents: ['pre-rollback'] },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/helm/type.go:19-25; ignore/ignore.go:10-12',
    fact: 'post-rollback alone: never applied',
    annotations: { [HOOK]: 'post-rollback' },
    expect: { syncPhases: [], skipped: 'ignored-helm-events' },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/helm/type.go:19-25; ignore/ignore.go:10-12',
    fact: 'test: never applied',
    annotations: { [HOOK]: 'test' },
    expect: { syncPhases: [], skipped: 'ignored-helm-events', unmappedHelmEvents: ['test'] },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/helm/type.go:19-25; ignore/ignore.go:10-12',
    fact: 'test-success: never applied',
    annotations: { [HOOK]: 'test-success' },
    expect: { syncPhases: [], skipped: 'ignored-helm-events' },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/helm/type.go:19-25',
    fact: 'no case folding: Pre-Install, which Helm accepts, is nothing to Argo CD',
    annotations: { [HOOK]: 'Pre-Install' },
    expect: { hook: true, syncPhases: [], skipped: 'ignored-helm-events', unmappedHelmEvents: ['Pre-Install'] },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/helm/type.go:38-47',
    fact: 'a mapped item keeps the object: the unmapped one is dropped',
    annotations: { [HOOK]: 'post-upgrade,post-rollback' },
    expect: { syncPhases: ['PostSync'], unmappedHelmEvents: ['post-rollback'] },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/helm/hook.go:5-9',
    fact: 'crd-install is not a hook: a managed resource of the Sync phase',
    annotations: { [HOOK]: 'crd-install' },
    expect: { hook: false, syncPhases: ['Sync'] },
  },
  // Deletion hooks
  {
    source: 'controller/hook.go:34-43; controller/state.go:659-676',
    fact: 'pre-delete alone: PreDelete, out of the sync',
    annotations: { [HOOK]: 'pre-delete' },
    expect: { syncPhases: [], deletionPhases: ['PreDelete'], skipped: 'deletion-only', unmappedHelmEvents: [] },
  },
  {
    source: 'controller/hook.go:34-43; controller/state.go:659-676',
    fact: 'post-delete alone: PostDelete, out of the sync',
    annotations: { [HOOK]: 'post-delete' },
    expect: { syncPhases: [], deletionPhases: ['PostDelete'], skipped: 'deletion-only' },
  },
  {
    source: 'controller/hook.go:83-96; controller/state.go:659-676',
    fact: 'post-install,post-delete: PostSync and PostDelete',
    annotations: { [HOOK]: 'post-install,post-delete' },
    expect: { syncPhases: ['PostSync'], deletionPhases: ['PostDelete'] },
  },
  {
    source: 'controller/hook.go:45-60',
    fact: "helm.sh/hook's pre-delete counts even beside an Argo CD hook",
    annotations: { [HOOK]: 'pre-delete', [ARGO_HOOK]: 'PostSync' },
    expect: { eventsFrom: 'argocd', syncPhases: ['PostSync'], deletionPhases: ['PreDelete'] },
  },
  {
    source: 'controller/hook.go:29-43',
    fact: 'argocd.argoproj.io/hook: PostDelete',
    annotations: { [ARGO_HOOK]: 'PostDelete' },
    expect: { syncPhases: [], deletionPhases: ['PostDelete'], skipped: 'deletion-only' },
  },
  // Per-object precedence
  {
    source: 'gitops-engine/pkg/sync/hook/hook.go:38-53',
    fact: "a valid Argo CD type wins: Helm's events are not read",
    annotations: { [HOOK]: 'post-install', [ARGO_HOOK]: 'PreSync' },
    expect: { eventsFrom: 'argocd', syncPhases: ['PreSync'], unmappedHelmEvents: [] },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/hook.go:38-53; common/types.go:126-133',
    fact: "an Argo CD value it does not know leaves Helm's events in force",
    annotations: { [HOOK]: 'post-install', [ARGO_HOOK]: 'presync' },
    expect: { eventsFrom: 'helm', syncPhases: ['PostSync'] },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/hook.go:23-36; sync_phase.go:10-12',
    fact: 'Skip alone: not a hook and not applied',
    annotations: { [ARGO_HOOK]: 'Skip', [HOOK]: 'pre-install' },
    expect: { hook: false, syncPhases: [], skipped: 'skip-annotation' },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/hook.go:23-29',
    fact: 'no annotation: a managed resource in Sync',
    annotations: {},
    expect: { hook: false, eventsFrom: 'none', syncPhases: ['Sync'] },
  },
  {
    source: 'gitops-engine/pkg/sync/common/types.go:119-123',
    fact: 'SyncFail',
    annotations: { [ARGO_HOOK]: 'SyncFail' },
    expect: { syncPhases: ['SyncFail'] },
  },
  // Waves
  {
    source: 'gitops-engine/pkg/sync/syncwaves/waves.go:12-21; hook/helm/weight.go:10-19',
    fact: 'the hook weight is the wave',
    annotations: { [HOOK]: 'pre-install', [WEIGHT]: '-5' },
    expect: { wave: -5n, waveFrom: 'hook-weight' },
  },
  {
    source: 'gitops-engine/pkg/sync/syncwaves/waves.go:12-21',
    fact: 'the hook weight is the wave of a non-hook too',
    annotations: { [WEIGHT]: '3' },
    expect: { hook: false, syncPhases: ['Sync'], wave: 3n, waveFrom: 'hook-weight' },
  },
  {
    source: 'gitops-engine/pkg/sync/syncwaves/waves.go:12-21',
    fact: 'sync-wave wins over the hook weight',
    annotations: { [HOOK]: 'pre-install', [WEIGHT]: '-5', [WAVE]: '2' },
    expect: { wave: 2n, waveFrom: 'sync-wave' },
  },
  {
    source: 'gitops-engine/pkg/sync/syncwaves/waves.go:12-21',
    fact: 'a sync-wave Atoi rejects falls back to the weight',
    annotations: { [WEIGHT]: '4', [WAVE]: 'two' },
    expect: { wave: 4n, waveFrom: 'hook-weight' },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/helm/weight.go:10-19',
    fact: 'a weight Atoi rejects is 0',
    annotations: { [HOOK]: 'pre-install', [WEIGHT]: '5.0' },
    expect: { wave: 0n, waveFrom: 'default' },
  },
  // Delete policies
  {
    source: 'gitops-engine/pkg/sync/hook/delete_policy.go:22-24',
    fact: 'no policy: BeforeHookCreation',
    annotations: { [HOOK]: 'pre-install' },
    expect: { deletePolicies: ['BeforeHookCreation'] },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/helm/delete_policy.go:23-27',
    fact: "Helm's policies map one to one",
    annotations: { [HOOK]: 'pre-install', [POLICY]: 'hook-succeeded,hook-failed' },
    expect: { deletePolicies: ['HookSucceeded', 'HookFailed'] },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/delete_policy.go:11-25 (#15613)',
    fact: "Argo CD's and Helm's policies are combined",
    annotations: {
      [ARGO_HOOK]: 'PreSync',
      [ARGO_POLICY]: 'BeforeHookCreation',
      [HOOK]: 'post-install',
      [POLICY]: 'hook-succeeded',
    },
    expect: { deletePolicies: ['BeforeHookCreation', 'HookSucceeded'] },
  },
  {
    source: 'gitops-engine/pkg/sync/hook/helm/delete_policy.go:19-21',
    fact: 'no case folding in policies either',
    annotations: { [HOOK]: 'pre-install', [POLICY]: 'Hook-Succeeded' },
    expect: { deletePolicies: ['BeforeHookCreation'] },
  },
  // Kept when the Application is deleted
  {
    source: 'controller/appcontroller.go:1255-1264',
    fact: 'helm.sh/resource-policy: keep is Delete=false',
    annotations: { 'helm.sh/resource-policy': 'keep' },
    expect: { keptOnDelete: 'resource-policy-keep' },
  },
  {
    source: 'controller/appcontroller.go:1255-1264',
    fact: 'Delete=false',
    annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false, Delete=false' },
    expect: { keptOnDelete: 'delete-false' },
  },
  {
    source: 'controller/appcontroller.go:1261',
    fact: 'a CRD is never deleted with the Application',
    kind: 'CustomResourceDefinition',
    annotations: {},
    expect: { keptOnDelete: 'crd' },
  },
];

describe('Argo CD: what it does with each object, row by row from its source', () => {
  for (const row of ROWS) {
    it(`${row.fact} (${row.source})`, () => {
      const plan = planArgoObject(row.kind ?? 'Job', (key) => row.annotations[key]);
      for (const [key, value] of Object.entries(row.expect)) {
        assert.deepEqual(plan[key as keyof typeof plan], value, `${key} of ${JSON.stringify(row.annotations)}`);
      }
    });
  }

  it('keeps nothing when neither annotation asks for it (controller/appcontroller.go:1255-1264)', () => {
    assert.equal(
      planArgoObject('ConfigMap', (key) => ({ 'helm.sh/resource-policy': 'Keep' })[key]).keptOnDelete,
      undefined,
    );
  });
});

describe('Argo CD: the mapping table', () => {
  it('cites a commit of argoproj/argo-cd and a file and lines for every Helm event', () => {
    assert.match(ARGOCD_SOURCE.commit, /^[0-9a-f]{40}$/);
    for (const row of HELM_EVENT_MAPPING)
      assert.match(`${row.source.path}:${row.source.lines}`, /\.go:\d+(-\d+)?$/, row.helm);
  });

  it('maps each of the nine Helm events and the test-success alias (type.go:27-32, controller/hook.go:34-43)', () => {
    const table = Object.fromEntries(HELM_EVENT_MAPPING.map((row) => [row.helm, row.argo]));
    assert.deepEqual(table, {
      'pre-install': 'PreSync',
      'pre-upgrade': 'PreSync',
      'post-install': 'PostSync',
      'post-upgrade': 'PostSync',
      'pre-delete': 'PreDelete',
      'post-delete': 'PostDelete',
      'pre-rollback': 'ignored',
      'post-rollback': 'ignored',
      test: 'ignored',
      'test-success': 'ignored',
    });
  });

  it("maps Helm's three delete policies one to one, citing delete_policy.go", () => {
    assert.deepEqual(
      HELM_DELETE_POLICY_MAPPING.map((row) => [row.helm, row.argo, `${row.source.path}:${row.source.lines}`]),
      [
        ['before-hook-creation', 'BeforeHookCreation', 'gitops-engine/pkg/sync/hook/helm/delete_policy.go:19-27'],
        ['hook-succeeded', 'HookSucceeded', 'gitops-engine/pkg/sync/hook/helm/delete_policy.go:19-27'],
        ['hook-failed', 'HookFailed', 'gitops-engine/pkg/sync/hook/helm/delete_policy.go:19-27'],
      ],
    );
  });

  it('names the first release that runs the deletion events (git log -S on controller/hook.go: dcc17f70bf in v2.10.0, 3bf3d8a212 in v3.3.0)', () => {
    assert.equal(HELM_EVENT_MAPPING.find((row) => row.helm === 'post-delete')!.since, 'v2.10.0');
    assert.equal(HELM_EVENT_MAPPING.find((row) => row.helm === 'pre-delete')!.since, 'v3.3.0');
  });

  it('splits annotation lists as GetAnnotationCSVs does: trimmed, no empty items, no duplicates (resource/annotations.go:17-33)', () => {
    assert.deepEqual(annotationItems(' a ,,b, a ,'), ['a', 'b']);
    assert.deepEqual(annotationItems(undefined), []);
  });
});

describe('Argo CD: the order of a sync (sync_tasks.go:16-21, 25-69, 81-111)', () => {
  it("orders phase, then wave, then kind, then name: not Helm's weight, name, kind", () => {
    // Helm would run job "a-migrate" (weight 0) before secret "b-creds" (weight 0) by name; Argo CD applies the Secret first.
    assert.ok(
      compareSyncTasks(
        { phase: 'PreSync', wave: 0n, kind: 'Secret', name: 'b-creds' },
        { phase: 'PreSync', wave: 0n, kind: 'Job', name: 'a-migrate' },
      )! < 0,
    );
    assert.ok(
      compareSyncTasks(
        { phase: 'PreSync', wave: 5n, kind: 'Namespace', name: 'a' },
        { phase: 'Sync', wave: -5n, kind: 'Job', name: 'a' },
      )! < 0,
    );
    assert.ok(
      compareSyncTasks(
        { phase: 'Sync', wave: -1n, kind: 'Job', name: 'z' },
        { phase: 'Sync', wave: 0n, kind: 'Namespace', name: 'a' },
      )! < 0,
    );
    assert.ok(
      compareSyncTasks(
        { phase: 'Sync', wave: 0n, kind: 'Job', name: 'a' },
        { phase: 'Sync', wave: 0n, kind: 'Job', name: 'b' },
      )! < 0,
    );
  });

  it('puts kinds it does not list after all listed ones, and orders two of them by name alone', () => {
    assert.ok(
      compareSyncTasks(
        { phase: 'Sync', wave: 0n, kind: 'APIService', name: 'z' },
        { phase: 'Sync', wave: 0n, kind: 'Certificate', name: 'a' },
      )! < 0,
    );
    assert.ok(
      compareSyncTasks(
        { phase: 'Sync', wave: 0n, kind: 'Zebra', name: 'a' },
        { phase: 'Sync', wave: 0n, kind: 'Certificate', name: 'b' },
      )! < 0,
    );
    assert.equal(ARGOCD_KIND_ORDER.length, 35);
    assert.ok(!ARGOCD_KIND_ORDER.includes('PriorityClass'), "Argo CD's list predates Helm's PriorityClass");
  });

  it('claims no order where a kind or a name is not known', () => {
    assert.equal(
      compareSyncTasks({ phase: 'Sync', wave: 0n, name: 'a' }, { phase: 'Sync', wave: 0n, kind: 'Job', name: 'b' }),
      undefined,
    );
    assert.equal(
      compareSyncTasks({ phase: 'Sync', wave: 0n, kind: 'Job' }, { phase: 'Sync', wave: 0n, kind: 'Job', name: 'b' }),
      undefined,
    );
  });

  it('runs PreSync, Sync, PostSync and, on failure, SyncFail', () => {
    assert.deepEqual(SYNC_PHASES, ['PreSync', 'Sync', 'PostSync', 'SyncFail']);
  });
});
