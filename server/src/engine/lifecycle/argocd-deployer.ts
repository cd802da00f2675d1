import { ArgoObjectPlan, compareSyncTasks, DeletionPhase, SyncPhase } from '../deployers/argocd';
import { objectKey, ObjectRef } from './model';

/**
 * The presence simulation with Argo CD as the deployer: which of a chart's objects exist when each hook starts, in
 * Argo CD's syncs and in the Application's deletion. Every fact is read from argoproj/argo-cd at the commit
 * deployers/argocd.ts names (ARGOCD_SOURCE), cited by `path:lines` below.
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
 * Not modelled: failed syncs (SyncFail, HookFailed), pruning (one render stands for every sync), the health of
 * resources a wave waits for, deletion without cascade, and the order of the cascade's waves (all of it is gone before
 * PostDelete).
 */

export type ArgoOperation = 'first-sync' | 'later-sync' | 'app-deletion';
export type ArgoPhase = SyncPhase | DeletionPhase;

/** One object of the chart as Argo CD plans it (deployers/argocd.ts planArgoObject). */
export interface ArgoObject<S> extends ObjectRef {
  plan: ArgoObjectPlan;
  source: S;
}

export interface ArgoLiveObject<S> {
  object: ArgoObject<S>;
  /** The run (index in the history) that last applied it. */
  run: number;
  /** The phase it was applied in. */
  phase: ArgoPhase;
}

export interface ArgoRemoval {
  run: number;
  operation: ArgoOperation;
  /** In words: `deleted when Argo CD's first sync succeeded (HookSucceeded)`. */
  why: string;
}

export interface ArgoSnapshot<S> {
  objects: ReadonlyMap<string, ArgoLiveObject<S>>;
  removed: ReadonlyMap<string, ArgoRemoval>;
}

/** A hook's start: what exists when its pod would start. */
export interface ArgoMoment<S> {
  run: number;
  operation: ArgoOperation;
  phase: ArgoPhase;
  /** The sync wave; undefined for the deletion phases, whose hooks Argo CD creates together. */
  wave?: bigint;
  hook: ArgoObject<S>;
  present: ArgoSnapshot<S>;
}

export interface ArgoAction {
  run: number;
  operation: ArgoOperation;
  verb: 'create' | 'update' | 'delete';
  kind: string;
  name: string;
  phase?: ArgoPhase;
  wave?: bigint;
}

export interface ArgoSimulation<S> {
  actions: ArgoAction[];
  moments: ArgoMoment<S>[];
}

/** The histories each checked operation is simulated after: the shortest one that reaches it. */
export const ARGOCD_HISTORIES: Record<ArgoOperation, readonly ArgoOperation[]> = {
  'first-sync': ['first-sync'],
  'later-sync': ['first-sync', 'later-sync'],
  'app-deletion': ['first-sync', 'app-deletion'],
};

/** Runs a history of syncs and the Application's deletion over one render of the chart; every hook succeeds. */
export function simulateArgoCd<S>(objects: readonly ArgoObject<S>[], history: readonly ArgoOperation[]): ArgoSimulation<S> {
  return new ArgoCdDeployer(objects).run(history);
}

class ArgoCdDeployer<S> {
  private readonly live = new Map<string, ArgoLiveObject<S>>();
  private readonly removed = new Map<string, ArgoRemoval>();
  private readonly actions: ArgoAction[] = [];
  private readonly moments: ArgoMoment<S>[] = [];
  /** The run in progress: its index in the history. */
  private current = -1;
  private operation: ArgoOperation = 'first-sync';

  constructor(private readonly objects: readonly ArgoObject<S>[]) {}

  run(history: readonly ArgoOperation[]): ArgoSimulation<S> {
    for (const operation of history) {
      this.current++;
      this.operation = operation;
      if (operation === 'app-deletion') this.deleteApplication();
      else this.sync();
    }
    return { actions: this.actions, moments: this.moments };
  }

  private get words(): string {
    return ARGOCD_OPERATION_WORDS[this.operation];
  }

  /** sync_context.go Sync: the tasks by phase and wave (sync_tasks.go:81-111), each wave applied together. */
  private sync(): void {
    const tasks = this.objects
      .flatMap((object, index) => object.plan.syncPhases.filter((phase) => phase !== 'SyncFail').map((phase) => ({ object, index, phase })))
      .sort((a, b) => compareSyncTasks({ phase: a.phase, wave: a.object.plan.wave, kind: a.object.kind, name: a.object.name }, { phase: b.phase, wave: b.object.plan.wave, kind: b.object.kind, name: b.object.name }) ?? a.index - b.index);
    const ran: ArgoObject<S>[] = [];
    for (let start = 0; start < tasks.length; ) {
      const { phase } = tasks[start]!;
      const wave = tasks[start]!.object.plan.wave;
      let end = start;
      while (end < tasks.length && tasks[end]!.phase === phase && tasks[end]!.object.plan.wave === wave) end++;
      const started: ArgoObject<S>[] = [];
      for (const { object } of tasks.slice(start, end)) {
        if (!object.plan.hook) {
          this.write(object, phase, wave);
          continue;
        }
        const existing = this.live.get(objectKey(object));
        if (existing && object.plan.deletePolicies.includes('BeforeHookCreation')) {
          this.remove(object, `deleted just before Argo CD's ${this.words} applies it again (BeforeHookCreation)`, phase, wave);
        } else if (existing) {
          // Applied over the object left from an earlier sync: a completed Job or Pod does not run again.
          this.write(object, phase, wave);
          ran.push(object);
          continue;
        }
        this.write(object, phase, wave);
        started.push(object);
        ran.push(object);
      }
      // The wave's objects are applied together: each hook's pod starts with all of them there.
      for (const hook of started) this.moments.push({ run: this.current, operation: this.operation, phase, wave, hook, present: this.snapshot() });
      start = end;
    }
    for (const hook of ran) {
      if (hook.plan.deletePolicies.includes('HookSucceeded')) this.remove(hook, `deleted when Argo CD's ${this.words} succeeded (HookSucceeded)`);
    }
  }

  /** finalizeApplicationDeletion: PreDelete hooks, every tracked object not kept, PostDelete hooks, then their cleanup. */
  private deleteApplication(): void {
    const preDelete = this.deletionHooks('PreDelete');
    for (const { object } of [...this.live.values()]) {
      if (object.plan.keptOnDelete) continue;
      this.remove(object, 'deleted with the Application before its PostDelete hooks run (no Delete=false or helm.sh/resource-policy: keep)');
    }
    const postDelete = this.deletionHooks('PostDelete');
    for (const [phase, hooks] of [['PreDelete', preDelete], ['PostDelete', postDelete]] as const) {
      for (const hook of hooks) {
        if (hook.plan.deletePolicies.includes('HookSucceeded')) this.remove(hook, `deleted once Argo CD's ${phase} hooks all succeeded (HookSucceeded)`, phase);
      }
    }
  }

  /** executeHooks: the phase's hooks that do not exist are created together; one that exists is left as it is. */
  private deletionHooks(phase: DeletionPhase): ArgoObject<S>[] {
    const started = this.objects.filter((object) => object.plan.deletionPhases.includes(phase) && !this.live.has(objectKey(object)));
    for (const hook of started) this.write(hook, phase);
    for (const hook of started) this.moments.push({ run: this.current, operation: this.operation, phase, hook, present: this.snapshot() });
    return started;
  }

  private write(object: ArgoObject<S>, phase: ArgoPhase, wave?: bigint): void {
    const key = objectKey(object);
    const verb = this.live.has(key) ? 'update' : 'create';
    this.live.set(key, { object, run: this.current, phase });
    this.removed.delete(key);
    this.actions.push({ run: this.current, operation: this.operation, verb, kind: object.kind, name: object.name, phase, ...(wave !== undefined ? { wave } : {}) });
  }

  private remove(object: ArgoObject<S>, why: string, phase?: ArgoPhase, wave?: bigint): void {
    const key = objectKey(object);
    if (!this.live.delete(key)) return;
    this.removed.set(key, { run: this.current, operation: this.operation, why });
    this.actions.push({ run: this.current, operation: this.operation, verb: 'delete', kind: object.kind, name: object.name, ...(phase ? { phase } : {}), ...(wave !== undefined ? { wave } : {}) });
  }

  private snapshot(): ArgoSnapshot<S> {
    return { objects: new Map(this.live), removed: new Map(this.removed) };
  }
}

export const ARGOCD_OPERATION_WORDS: Record<ArgoOperation, string> = {
  'first-sync': 'first sync',
  'later-sync': 'later sync',
  'app-deletion': 'Application deletion',
};

/** "PreSync wave 0", "PostDelete" */
export function argoPlace(phase: ArgoPhase, wave: bigint | undefined): string {
  return wave === undefined ? phase : `${phase} wave ${wave}`;
}
