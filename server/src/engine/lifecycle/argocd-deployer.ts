import type { ArgoDeletePolicy, ArgoObjectPlan, DeletionPhase, SyncPhase } from '../deployers/argocd';
import { compareSyncTasks } from '../deployers/argocd';
import type { ChartRevision, ObjectRef, RevisionHook, RevisionResource } from './model';
import { objectKey } from './model';
import type { Cluster, Deployer, Operation, OperationRun, Origin } from './simulation';
import { simulate } from './simulation';

/**
 * The presence simulation (simulation.ts) with Argo CD as the deployer: which of a chart's objects exist when each
 * hook starts, in Argo CD's syncs and in the Application's deletion. Every fact is read from argoproj/argo-cd at the
 * commit deployers/argocd.ts names (ARGOCD_SOURCE), cited by `path:lines` below.
 *
 * - Argo CD renders with `helm template` (util/helm/cmd.go:429-470): one render, an install, stands for every sync.
 * - A sync runs its tasks by phase, then wave, then kind, then name (gitops-engine/pkg/sync/sync_tasks.go:81-111). The
 *   pending tasks of the first phase and wave are run together, and the next wave only once they have completed
 *   (gitops-engine/pkg/sync/sync_context.go:678-685): a hook sees what earlier waves and phases applied and its own
 *   wave's objects, never a later wave's.
 * - A hook is applied, not created: BeforeHookCreation deletes the object left from an earlier sync first
 *   (sync_task.go:130-132, sync_context.go:1700-1702); without it the object is applied over, and a Job that already
 *   completed is not run again (its result is read from the live object, sync_context.go:558-567, 1059-1064).
 * - HookSucceeded hooks are deleted only when the whole sync has succeeded (sync_context.go:638-645, 670-674, 721-730).
 * - Deleting the Application with cascade (controller/appcontroller.go finalizeApplicationDeletion, lines 1328-1440):
 *   PreDelete hooks are created where missing (controller/hook.go:136-169), then every object the Application tracks
 *   (sync hooks too: controller/state.go:795-797 tracks every target) is deleted except those kept
 *   (appcontroller.go:1255-1264: Delete=false, helm.sh/resource-policy: keep, CRDs), then PostDelete hooks; the
 *   cleanup of both deletion phases (HookSucceeded, controller/hook.go:244-299) comes after PostDelete.
 *
 * The simulation's operations stand for Argo CD's: `install` is the first sync, `upgrade` a later sync (of the same
 * render), `uninstall` the Application's deletion; its phases are Argo CD's (ArgoPhase).
 *
 * Not modelled: failed syncs (SyncFail, HookFailed), pruning (one render stands for every sync), the health of
 * resources a wave waits for, deletion without cascade, and the order of the cascade's waves (all of it is gone before
 * PostDelete).
 */

export type ArgoPhase = SyncPhase | DeletionPhase;
export type ArgoOperation = 'first-sync' | 'later-sync' | 'app-deletion';

/** One object of the chart as Argo CD plans it (deployers/argocd.ts planArgoObject). */
export interface ArgoObject<S> extends ObjectRef {
  plan: ArgoObjectPlan;
  source: S;
}

export const ARGOCD_OPERATION_WORDS: Record<ArgoOperation, string> = {
  'first-sync': 'first sync',
  'later-sync': 'later sync',
  'app-deletion': 'Application deletion',
};

/** The simulation's operation that stands for each of Argo CD's. */
const OPERATION_OF: Record<ArgoOperation, Operation> = {
  'first-sync': 'install',
  'later-sync': 'upgrade',
  'app-deletion': 'uninstall',
};
const ARGO_OPERATION_OF: Partial<Record<Operation, ArgoOperation>> = {
  install: 'first-sync',
  upgrade: 'later-sync',
  uninstall: 'app-deletion',
};

/** The histories each checked operation is simulated after: the shortest one that reaches it. */
export const ARGOCD_HISTORIES: Record<ArgoOperation, readonly ArgoOperation[]> = {
  'first-sync': ['first-sync'],
  'later-sync': ['first-sync', 'later-sync'],
  'app-deletion': ['first-sync', 'app-deletion'],
};

/** "PreSync wave 0", "PostDelete" */
export function argoPlace(phase: ArgoPhase, wave: bigint | undefined): string {
  return wave === undefined ? phase : `${phase} wave ${wave}`;
}

const SYNC_RUN_PHASES: readonly SyncPhase[] = ['PreSync', 'Sync', 'PostSync'];

/**
 * One render of the chart as Argo CD syncs it: the revision the simulation runs (hooks per phase, the resources of
 * the Sync phase) and the deployer that knows each object's plan (its wave, whether it is a hook, whether deleting
 * the Application keeps it).
 */
export function argoCdRun<S>(objects: readonly ArgoObject<S>[]): {
  deployer: ArgoCdDeployer;
  history(operations: readonly ArgoOperation[]): OperationRun<S, ArgoPhase>[];
} {
  const byPhase = new Map<ArgoPhase, RevisionHook<S, ArgoPhase>[]>();
  const resources: RevisionResource<S>[] = [];
  const plans = new Map<string, ArgoObjectPlan>();
  for (const object of objects) {
    const ref = { kind: object.kind, name: object.name, namespace: object.namespace };
    plans.set(objectKey(ref), object.plan);
    const phases: ArgoPhase[] = [
      ...object.plan.syncPhases.filter((phase) => phase !== 'SyncFail'),
      ...object.plan.deletionPhases,
    ];
    if (!object.plan.hook && object.plan.deletionPhases.length === 0) {
      if (phases.includes('Sync')) resources.push({ ...ref, source: object.source });
      continue;
    }
    for (const phase of phases) {
      const list = byPhase.get(phase) ?? [];
      list.push({ ...ref, events: phases, deletePolicies: object.plan.deletePolicies, source: object.source });
      byPhase.set(phase, list);
    }
  }
  const revision: ChartRevision<S, ArgoPhase> = { hooksOf: (phase) => byPhase.get(phase) ?? [], resources };
  return {
    deployer: new ArgoCdDeployer(plans),
    history: (operations) =>
      operations.map((operation) => ({
        operation: OPERATION_OF[operation],
        revision,
        ...(operation === 'later-sync' ? { previous: revision } : {}),
      })),
  };
}

/** Runs Argo CD's operations over one render, one after another; every hook succeeds. */
export function simulateArgoCd<S>(
  objects: readonly ArgoObject<S>[],
  operations: readonly ArgoOperation[],
): { cluster: Cluster<S, ArgoPhase>; deployer: ArgoCdDeployer } {
  const { deployer, history } = argoCdRun(objects);
  return { cluster: simulate(deployer, history(operations)).cluster, deployer };
}

export class ArgoCdDeployer implements Deployer<ArgoPhase> {
  readonly name = 'argocd';

  /** Each object's plan, by objectKey. */
  constructor(private readonly plans: ReadonlyMap<string, ArgoObjectPlan>) {}

  /** The plan of an object of the render. */
  planOf(ref: ObjectRef): ArgoObjectPlan {
    const plan = this.plans.get(objectKey(ref));
    if (!plan) throw new Error(`${ref.kind}/${ref.name} is not an object of the render the deployer was made for`);
    return plan;
  }

  run<S>(run: OperationRun<S, ArgoPhase>, cluster: Cluster<S, ArgoPhase>): void {
    if (run.operation === 'uninstall') this.deleteApplication(run.revision, cluster);
    else if (run.operation === 'install' || run.operation === 'upgrade') this.sync(run.revision, cluster);
    else throw new Error(`Argo CD has no ${run.operation}`);
  }

  /** sync_context.go Sync: the tasks by phase, wave, kind and name (sync_tasks.go:81-111), each wave applied together. */
  private sync<S>(revision: ChartRevision<S, ArgoPhase>, cluster: Cluster<S, ArgoPhase>): void {
    const words = ARGOCD_OPERATION_WORDS[ARGO_OPERATION_OF[cluster.operation]!];
    type Task = {
      phase: SyncPhase;
      wave: bigint;
      ref: ObjectRef;
      index: number;
      hook?: RevisionHook<S, ArgoPhase>;
      resource?: RevisionResource<S>;
    };
    const tasks: Task[] = [];
    for (const phase of SYNC_RUN_PHASES) {
      for (const hook of revision.hooksOf(phase))
        tasks.push({ phase, wave: this.planOf(hook).wave, ref: hook, index: tasks.length, hook });
      if (phase === 'Sync')
        for (const resource of revision.resources)
          tasks.push({ phase, wave: this.planOf(resource).wave, ref: resource, index: tasks.length, resource });
    }
    tasks.sort(
      (a, b) =>
        compareSyncTasks(
          { phase: a.phase, wave: a.wave, kind: a.ref.kind, name: a.ref.name },
          { phase: b.phase, wave: b.wave, kind: b.ref.kind, name: b.ref.name },
        ) ?? a.index - b.index,
    );
    const ran: { hook: RevisionHook<S, ArgoPhase>; phase: SyncPhase }[] = [];
    for (let start = 0; start < tasks.length;) {
      const { phase, wave } = tasks[start]!;
      let end = start;
      while (end < tasks.length && tasks[end]!.phase === phase && tasks[end]!.wave === wave) end++;
      const started: RevisionHook<S, ArgoPhase>[] = [];
      for (const task of tasks.slice(start, end)) {
        if (task.resource) {
          cluster.write(
            task.resource,
            { type: 'resource', resource: task.resource, run: cluster.run },
            cluster.has(task.resource) ? 'update' : 'create',
          );
          continue;
        }
        const hook = task.hook!;
        const origin: Origin<S, ArgoPhase> = { type: 'hook', hook, event: phase, run: cluster.run };
        const existing = cluster.has(hook);
        if (existing && hasPolicy(hook, 'BeforeHookCreation')) {
          cluster.delete(hook, origin, {
            event: phase,
            why: `deleted just before Argo CD's ${words} applies it again (BeforeHookCreation)`,
          });
          cluster.write(hook, origin, 'create');
          started.push(hook);
        } else if (existing) {
          // Applied over the object left from an earlier sync: a completed Job or Pod does not run again.
          cluster.write(hook, origin, 'update');
        } else {
          cluster.write(hook, origin, 'create');
          started.push(hook);
        }
        ran.push({ hook, phase });
      }
      // The wave's objects are applied together: each hook's pod starts with all of them there.
      for (const hook of started)
        cluster.record({ type: 'hook', event: phase, hook, run: cluster.run, present: cluster.snapshot() });
      start = end;
    }
    for (const { hook, phase } of ran) {
      if (hasPolicy(hook, 'HookSucceeded'))
        cluster.delete(
          hook,
          { type: 'hook', hook, event: phase, run: cluster.run },
          { why: `deleted when Argo CD's ${words} succeeded (HookSucceeded)` },
        );
    }
  }

  /** finalizeApplicationDeletion: PreDelete hooks, every tracked object not kept, PostDelete hooks, then their cleanup. */
  private deleteApplication<S>(revision: ChartRevision<S, ArgoPhase>, cluster: Cluster<S, ArgoPhase>): void {
    const preDelete = this.deletionHooks(revision, cluster, 'PreDelete');
    for (const live of [...cluster.snapshot().objects.values()]) {
      if (this.planOf(live.ref).keptOnDelete) continue;
      cluster.delete(live.ref, live.origin, {
        why: 'deleted with the Application before its PostDelete hooks run (no Delete=false or helm.sh/resource-policy: keep)',
      });
    }
    const postDelete = this.deletionHooks(revision, cluster, 'PostDelete');
    for (const [phase, hooks] of [
      ['PreDelete', preDelete],
      ['PostDelete', postDelete],
    ] as const) {
      for (const hook of hooks) {
        if (hasPolicy(hook, 'HookSucceeded'))
          cluster.delete(
            hook,
            { type: 'hook', hook, event: phase, run: cluster.run },
            { event: phase, why: `deleted once Argo CD's ${phase} hooks all succeeded (HookSucceeded)` },
          );
      }
    }
  }

  /** executeHooks: the phase's hooks that do not exist are created together; one that exists is left as it is. */
  private deletionHooks<S>(
    revision: ChartRevision<S, ArgoPhase>,
    cluster: Cluster<S, ArgoPhase>,
    phase: DeletionPhase,
  ): RevisionHook<S, ArgoPhase>[] {
    const started = revision.hooksOf(phase).filter((hook) => !cluster.has(hook));
    for (const hook of started) cluster.write(hook, { type: 'hook', hook, event: phase, run: cluster.run }, 'create');
    for (const hook of started)
      cluster.record({ type: 'hook', event: phase, hook, run: cluster.run, present: cluster.snapshot() });
    return started;
  }
}

function hasPolicy(hook: RevisionHook<unknown, ArgoPhase>, policy: ArgoDeletePolicy): boolean {
  return hook.deletePolicies.includes(policy);
}
