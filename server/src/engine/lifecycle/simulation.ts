import type { HookEvent } from '../model/hook';
import type { ChartRevision, ObjectRef, RevisionHook, RevisionResource } from './model';
import { objectKey } from './model';

/**
 * The presence simulation: which of a chart's objects exist in the cluster at each moment of a release operation, and
 * whose content each holds. A deployer (Helm; later Argo CD) drives it: it says what it creates, applies and deletes,
 * and when it starts a hook; the cluster remembers what is there, what it came from, and why what was there is gone.
 * Objects the chart does not render are not modelled: the simulation never claims anything about them.
 */

export type Operation = 'install' | 'upgrade' | 'rollback' | 'uninstall' | 'test';

/** Whose content an object holds at a moment of an operation. */
export type Content = 'this-revision' | 'previous-revision' | 'earlier-run';

/** Where an object in the cluster came from. */
export type Origin<S, P extends string = HookEvent> =
  | { type: 'hook'; hook: RevisionHook<S, P>; event: P; run: number }
  | { type: 'resource'; resource: RevisionResource<S>; run: number }
  | { type: 'crd'; run: number };

export interface LiveObject<S, P extends string = HookEvent> {
  ref: ObjectRef;
  origin: Origin<S, P>;
  /** Set when a run took the object over without a request (see touch): whose content was last sent for it. */
  sent?: Origin<S, P>;
}

/** Why an object that was in the cluster is gone. */
export interface Removal<P extends string = HookEvent> {
  run: number;
  operation: Operation;
  /** The event whose hooks or policies removed it; undefined for the release resources' update or uninstall. */
  event?: P;
  /** In words: `deleted at the end of pre-install (hook-succeeded)`. */
  why: string;
}

export interface ClusterAction<S, P extends string = HookEvent> {
  verb: 'create' | 'update' | 'delete';
  ref: ObjectRef;
  /** What the deployer acted for: the hook it runs or deletes, or the release resource. */
  origin: Origin<S, P>;
  run: number;
}

/** A moment of an operation at which the simulation records what exists. */
export type Moment<S, P extends string = HookEvent> =
  | { type: 'hook'; event: P; hook: RevisionHook<S, P>; run: number; present: Snapshot<S, P> }
  | { type: 'resources'; run: number; present: Snapshot<S, P> }
  | { type: 'event-end'; event: P; run: number; present: Snapshot<S, P> };

export interface Snapshot<S, P extends string = HookEvent> {
  objects: ReadonlyMap<string, LiveObject<S, P>>;
  removed: ReadonlyMap<string, Removal<P>>;
}

/** One operation of a release's history, as the deployer is asked to run it. */
export interface OperationRun<S, P extends string = HookEvent> {
  operation: Operation;
  /** The revision the operation deploys (install, upgrade, rollback) or acts on (uninstall, test). */
  revision: ChartRevision<S, P>;
  /** The deployed revision before it (upgrade, rollback): its release resources are what the update starts from. */
  previous?: ChartRevision<S, P>;
  /** Make this hook occurrence fail (its Job or Pod does not complete): index into the event's run order. */
  failAt?: { event: P; index: number };
}

export class OperationFailed extends Error {}

/**
 * What a deployer does to the cluster for one operation; see HelmDeployer. `P` names the phases it runs hooks in:
 * Helm's hook events, or another tool's (Argo CD's sync phases).
 */
export interface Deployer<P extends string = HookEvent> {
  readonly name: string;
  run<S>(run: OperationRun<S, P>, cluster: Cluster<S, P>): void;
}

/**
 * The cluster as the simulation knows it: only the chart's objects. Each run of the history has a number; an object's
 * content follows from the run that last wrote it.
 */
export class Cluster<S, P extends string = HookEvent> {
  private readonly objects = new Map<string, LiveObject<S, P>>();
  private readonly removed = new Map<string, Removal<P>>();
  readonly actions: ClusterAction<S, P>[] = [];
  readonly moments: Moment<S, P>[] = [];
  /** The run in progress, numbered from 0. */
  run = -1;
  operation: Operation = 'install';
  /** The runs in which each release resource was last applied, to tell this revision's content from the previous one. */
  private readonly revisionOfRun: number[] = [];

  has(ref: ObjectRef): boolean {
    return this.objects.has(objectKey(ref));
  }

  get(ref: ObjectRef): LiveObject<S, P> | undefined {
    return this.objects.get(objectKey(ref));
  }

  /** Creates the object, or updates it when it is there; returns the verb. */
  write(ref: ObjectRef, origin: Origin<S, P>, verb: 'create' | 'update'): void {
    const key = objectKey(ref);
    this.objects.set(key, { ref, origin });
    this.removed.delete(key);
    this.actions.push({ verb, ref, origin, run: this.run });
  }

  /** Records that a run wrote the object's content again without a request (Helm 3 found no change to patch). */
  touch(ref: ObjectRef, origin: Origin<S, P>): void {
    const key = objectKey(ref);
    const before = this.objects.get(key);
    // No patch leaves what was sent before, keys the new revision lacks included (an adoption's three-way merge keeps them).
    this.objects.set(key, { ref, origin, ...(before ? { sent: before.sent ?? before.origin } : {}) });
  }

  delete(ref: ObjectRef, origin: Origin<S, P>, removal: Omit<Removal<P>, 'run' | 'operation'>): boolean {
    const key = objectKey(ref);
    if (!this.objects.has(key)) return false;
    this.objects.delete(key);
    this.removed.set(key, { ...removal, run: this.run, operation: this.operation });
    this.actions.push({ verb: 'delete', ref, origin, run: this.run });
    return true;
  }

  snapshot(): Snapshot<S, P> {
    return { objects: new Map(this.objects), removed: new Map(this.removed) };
  }

  record(moment: Moment<S, P>): void {
    this.moments.push(moment);
  }

  /** Starts run `run` of the history; `revisionRun` is the run whose revision the operation deploys or acts on. */
  begin(operation: Operation, revisionRun: number): void {
    this.run++;
    this.operation = operation;
    this.revisionOfRun[this.run] = revisionRun;
  }

  /**
   * Whose content an object holds during a run (default: the current one): a hook object written in this run holds this revision's, one
   * left from an earlier run an earlier run's; a release resource last applied for the revision this run deploys or acts
   * on holds this revision's, else the previous revision's.
   */
  contentOf(object: LiveObject<S, P>, run = this.run): Content {
    const origin = object.origin;
    if (origin.type !== 'resource') return origin.run === run ? 'this-revision' : 'earlier-run';
    return this.revisionOfRun[origin.run] === this.revisionOfRun[run] ? 'this-revision' : 'previous-revision';
  }
}

export interface SimulationResult<S, P extends string = HookEvent> {
  cluster: Cluster<S, P>;
  /** The run at which the history stopped because an operation failed, with the error. */
  failed?: { run: number; error: string };
}

/** Runs a history through a deployer; a failing operation ends the history there (the moments before it are kept). */
export function simulate<S, P extends string = HookEvent>(
  deployer: Deployer<P>,
  history: readonly OperationRun<S, P>[],
): SimulationResult<S, P> {
  const cluster = new Cluster<S, P>();
  let deployed = -1;
  for (const [index, run] of history.entries()) {
    const deploys = run.operation === 'install' || run.operation === 'upgrade' || run.operation === 'rollback';
    cluster.begin(run.operation, deploys ? index : deployed);
    try {
      deployer.run(run, cluster);
    } catch (error) {
      if (error instanceof OperationFailed) return { cluster, failed: { run: index, error: error.message } };
      throw error;
    }
    if (deploys) deployed = index;
  }
  return { cluster };
}
