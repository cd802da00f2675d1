import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planArgoObject } from '../../../server/src/engine/deployers/argocd';
import type { ArgoObject, ArgoOperation } from '../../../server/src/engine/lifecycle/argocd-deployer';
import { simulateArgoCd } from '../../../server/src/engine/lifecycle/argocd-deployer';

/**
 * The Argo CD deployer's trace, checked against Argo CD's source at the commit deployers/argocd.ts names
 * (argoproj/argo-cd 37ee0097cf; the sync engine under gitops-engine/pkg/sync/). Expected values are written from that
 * reading, per test, never from the program's output.
 */

function object(kind: string, name: string, annotations: Record<string, string> = {}): ArgoObject<string> {
  return {
    kind,
    name,
    namespace: 'ns',
    plan: planArgoObject(kind, (key) => annotations[key]),
    source: `${kind}/${name}`,
  };
}

/** The requests of one run: `create Job/x PreSync 0` (where a create or update happens), `delete Job/x`. */
function actions(objects: ArgoObject<string>[], history: ArgoOperation[], run = history.length - 1): string[] {
  const { cluster, deployer } = simulateArgoCd(objects, history);
  return cluster.actions
    .filter((action) => action.run === run)
    .map((action) => {
      const object = `${action.verb} ${action.ref.kind}/${action.ref.name}`;
      if (action.verb === 'delete') return object;
      const phase = action.origin.type === 'hook' ? action.origin.event : 'Sync';
      return phase === 'PreDelete' || phase === 'PostDelete'
        ? `${object} ${phase}`
        : `${object} ${phase} ${deployer.planOf(action.ref).wave}`;
    });
}

/** What exists when each hook of the last run starts: `Job/x @PreSync 0: Secret/a, …` (the hook itself left out). */
function moments(objects: ArgoObject<string>[], history: ArgoOperation[]): string[] {
  const last = history.length - 1;
  const { cluster, deployer } = simulateArgoCd(objects, history);
  return cluster.moments.flatMap((moment) => {
    if (moment.type !== 'hook' || moment.run !== last) return [];
    const present = [...moment.present.objects.values()]
      .map((live) => `${live.ref.kind}/${live.ref.name}`)
      .filter((name) => name !== moment.hook.source)
      .sort();
    const wave =
      moment.event === 'PreDelete' || moment.event === 'PostDelete' ? '' : ` ${deployer.planOf(moment.hook).wave}`;
    return [`${moment.hook.source} @${moment.event}${wave}: ${present.join(', ')}`];
  });
}

describe('Argo CD deployer', () => {
  it('syncs PreSync hooks by wave, then kind, then name, then the Sync phase, then PostSync (sync_tasks.go:81-111)', () => {
    const objects = [
      object('Job', 'post', { 'helm.sh/hook': 'post-install' }),
      object('Deployment', 'app'),
      object('Job', 'b-job', { 'helm.sh/hook': 'pre-install' }),
      object('Secret', 'z-secret', { 'helm.sh/hook': 'pre-upgrade' }),
      object('Job', 'a-job', { 'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': '1' }),
      object('ConfigMap', 'config'),
    ];
    // Wave 0: Secret before Job by kind (sync_tasks.go kindOrder), whatever the names; a-job's weight 1 is wave 1.
    assert.deepEqual(actions(objects, ['first-sync']), [
      'create Secret/z-secret PreSync 0',
      'create Job/b-job PreSync 0',
      'create Job/a-job PreSync 1',
      'create ConfigMap/config Sync 0',
      'create Deployment/app Sync 0',
      'create Job/post PostSync 0',
    ]);
  });

  it("runs PreSync before any resource on the first sync, and with the previous sync's resources on a later one", () => {
    // util/helm/cmd.go:429-470: every sync renders as an install; the resources of the previous sync are in the cluster.
    const objects = [object('Secret', 'db'), object('Job', 'migrate', { 'helm.sh/hook': 'pre-upgrade' })];
    assert.deepEqual(moments(objects, ['first-sync']), ['Job/migrate @PreSync 0: ']);
    assert.deepEqual(moments(objects, ['first-sync', 'later-sync']), ['Job/migrate @PreSync 0: Secret/db']);
  });

  it('shows a hook the objects of earlier waves and of its own wave, never those of a later wave', () => {
    const objects = [
      object('Secret', 'early', { 'helm.sh/hook': 'pre-install', 'argocd.argoproj.io/sync-wave': '-1' }),
      object('ConfigMap', 'same', { 'helm.sh/hook': 'pre-install' }),
      object('Secret', 'late', {
        'helm.sh/hook': 'pre-install',
        'helm.sh/hook-weight': '-5',
        'argocd.argoproj.io/sync-wave': '2',
      }),
      object('Job', 'migrate', { 'helm.sh/hook': 'pre-install' }),
    ];
    const found = moments(objects, ['first-sync']).filter((line) => line.startsWith('Job/'));
    assert.deepEqual(found, ['Job/migrate @PreSync 0: ConfigMap/same, Secret/early']);
  });

  it('deletes HookSucceeded hooks only when the whole sync has succeeded (sync_context.go:638-645, 670-674, 721-730)', () => {
    const objects = [
      object('Secret', 'seed', { 'helm.sh/hook': 'pre-install', 'helm.sh/hook-delete-policy': 'hook-succeeded' }),
      object('Job', 'notify', { 'helm.sh/hook': 'post-install' }),
    ];
    assert.deepEqual(
      moments(objects, ['first-sync']).filter((line) => line.startsWith('Job/')),
      ['Job/notify @PostSync 0: Secret/seed'],
    );
    assert.deepEqual(actions(objects, ['first-sync']).slice(-1), ['delete Secret/seed']);
  });

  it('replaces a BeforeHookCreation hook on a later sync, and applies over one that nothing deletes without running it again (sync_task.go:130-132, sync_context.go:558-567)', () => {
    const objects = [
      object('Job', 'default-policy', { 'helm.sh/hook': 'pre-install' }),
      object('Job', 'failed-only', { 'helm.sh/hook': 'pre-install', 'helm.sh/hook-delete-policy': 'hook-failed' }),
    ];
    assert.deepEqual(actions(objects, ['first-sync', 'later-sync']), [
      'delete Job/default-policy',
      'create Job/default-policy PreSync 0',
      'update Job/failed-only PreSync 0',
    ]);
    assert.deepEqual(moments(objects, ['first-sync', 'later-sync']), [
      'Job/default-policy @PreSync 0: Job/failed-only',
    ]);
  });

  it('deletes the Application: PreDelete hooks, the resources not kept, then PostDelete hooks (controller/hook.go, appcontroller.go:1255-1264)', () => {
    const objects = [
      object('Secret', 'plain'),
      object('Secret', 'delete-false', { 'argocd.argoproj.io/sync-options': 'Delete=false' }),
      object('Secret', 'helm-keep', { 'helm.sh/resource-policy': 'keep' }),
      object('Secret', 'helm-other', { 'helm.sh/resource-policy': 'retain' }),
      // A sync hook nothing deleted: the Application tracks it too (controller/state.go:795-797), so the cascade deletes it.
      object('ConfigMap', 'left-hook', { 'helm.sh/hook': 'pre-install' }),
      object('Job', 'backup', { 'helm.sh/hook': 'pre-delete', 'helm.sh/hook-delete-policy': 'hook-succeeded' }),
      object('Job', 'cleanup', { 'helm.sh/hook': 'post-delete' }),
    ];
    assert.deepEqual(moments(objects, ['first-sync', 'app-deletion']), [
      'Job/backup @PreDelete: ConfigMap/left-hook, Secret/delete-false, Secret/helm-keep, Secret/helm-other, Secret/plain',
      'Job/cleanup @PostDelete: Secret/delete-false, Secret/helm-keep',
    ]);
    // Deletion hooks stay out of the sync (controller/state.go partitionTargetObjsForSync, lines 659-676).
    assert.deepEqual(
      actions(objects, ['first-sync']).filter((line) => line.includes('Job/')),
      [],
    );
    assert.deepEqual(
      actions(objects, ['first-sync', 'app-deletion']).filter((line) => line.includes('Job/')),
      ['create Job/backup PreDelete', 'delete Job/backup', 'create Job/cleanup PostDelete'],
    );
  });
});
