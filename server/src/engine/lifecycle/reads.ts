import type { HookEvent } from '../model/hook';
import { compareHooks } from '../order/order';
import type { ChartObject } from '../rules/support/chart-objects';
import type { PodReference } from '../rules/support/pod-references';
import type { HelmVersion } from '../rules/rule';
import { HelmDeployer, PHASES } from './helm-deployer';
import type { ChartRevision, RevisionHook, RevisionResource } from './model';
import { namespaceOf, objectKey } from './model';
import type { Content, Deployer, LiveObject, Operation, OperationRun, Snapshot } from './simulation';
import { simulate } from './simulation';

/**
 * What each hook of a chart reads, and whether it is there when the hook is created, in every operation: the
 * presence simulation run over the chart's objects (one render of the chart standing for every revision: an upgrade
 * "from the same chart"). Uncertain answers are null: an object we cannot see well enough may be the one read, the
 * order of two hooks depends on text we cannot see, or the object is not the chart's.
 */

/**
 * The operations a hook's reads are checked in; each is simulated after the history it needs (see historyOf).
 * `upgrade-after-failed-install`: `helm upgrade --install` on a release whose install failed at its first hook Helm
 * waits for (upgrade.go prepareUpgrade upgrades from the failed revision: pre-upgrade hooks, not pre-install ones).
 */
export type CheckedOperation = Operation | 'upgrade-after-failed-install';

export interface ReadPresence {
  operation: CheckedOperation;
  event: HookEvent;
  reference: PodReference;
  /** The chart's objects the reference names (empty when none: the object is not the chart's). */
  targets: ChartObject[];
  /** Null when not known: outside the chart, or it depends on what we cannot see. */
  present: boolean | null;
  content: Content | null;
  /** Why it is there or not, in words. */
  why: string;
  /** For a missing object: a hook of the same event that Helm creates after the reader. */
  laterInEvent?: boolean;
}

export interface ReadsOptions {
  helmVersion: HelmVersion;
  /** Only these operations (default: every one). */
  operations?: readonly CheckedOperation[];
  deployer?: Deployer;
  /** How many documents of the chart are not known (kind, name or hook annotation Unknown): one may be the object read. */
  unknownDocuments?: number;
}

/** The history before each checked operation, ending with it: the shortest one that reaches it. */
const HISTORIES: Record<Operation, readonly Operation[]> = {
  install: ['install'],
  upgrade: ['install', 'upgrade'],
  rollback: ['install', 'upgrade', 'rollback'],
  uninstall: ['install', 'uninstall'],
  test: ['install', 'test'],
};

export const CHECKED_OPERATIONS: readonly CheckedOperation[] = [
  'install',
  'upgrade',
  'rollback',
  'uninstall',
  'test',
  'upgrade-after-failed-install',
];

/** Where a failed install stops: its first Job or Pod hook (the hooks Helm waits for), pre-install first. */
export interface FailurePoint {
  event: HookEvent;
  index: number;
  hook: RevisionHook<ChartObject>;
}

export function firstWaitedHook(revision: ChartRevision<ChartObject>): FailurePoint | undefined {
  for (const event of ['pre-install', 'post-install'] as const) {
    const hooks = revision.hooksOf(event);
    const index = hooks.findIndex((hook) => hook.kind === 'Job' || hook.kind === 'Pod');
    if (index >= 0) return { event, index, hook: hooks[index]! };
  }
  return undefined;
}

function historyOf(
  operation: CheckedOperation,
  revision: ChartRevision<ChartObject>,
  failure: FailurePoint | undefined,
): OperationRun<ChartObject>[] | undefined {
  if (operation === 'upgrade-after-failed-install') {
    if (!failure) return undefined;
    return [
      { operation: 'install', revision, failAt: { event: failure.event, index: failure.index } },
      { operation: 'upgrade', revision, previous: revision },
    ];
  }
  return HISTORIES[operation].map((step) =>
    step === 'upgrade' || step === 'rollback'
      ? { operation: step, revision, previous: revision }
      : { operation: step, revision },
  );
}

/** The reads of every hook the simulation runs, per hook object, in operation and event order. */
export function hookReads(objects: readonly ChartObject[], options: ReadsOptions): Map<ChartObject, ReadPresence[]> {
  const result = new Map<ChartObject, ReadPresence[]>();
  if (!objects.some((object) => object.hook && object.reads.length > 0)) return result;
  const revision = revisionOfObjects(objects);
  const deployer = options.deployer ?? new HelmDeployer(options.helmVersion);
  const failure = firstWaitedHook(revision);
  for (const operation of options.operations ?? CHECKED_OPERATIONS) {
    const history = historyOf(operation, revision, failure);
    if (!history) continue;
    // A history that stops early (a plain create meets an object left behind) has no moments past that point.
    const { cluster } = simulate(deployer, history);
    const last = history.length - 1;
    for (const moment of cluster.moments) {
      if (moment.type !== 'hook' || moment.run !== last) continue;
      const reader = moment.hook.source;
      if (reader.reads.length === 0) continue;
      const list = result.get(reader) ?? [];
      for (const reference of reader.reads) {
        if (
          list.some(
            (entry) => entry.operation === operation && entry.event === moment.event && entry.reference === reference,
          )
        )
          continue;
        let read = presenceOf(
          reader,
          reference,
          operation,
          moment.event,
          moment.present,
          (object) => cluster.contentOf(object, last),
          objects,
          options.unknownDocuments ?? 0,
        );
        if (operation === 'upgrade-after-failed-install') read = afterFailedInstall(read, reader, failure!);
        // A missing object the pod can do without: say so, so that nobody takes it for a failure.
        if (read.present === false && !reference.blocking)
          read.why += ` (${reference.field === 'imagePullSecrets' ? 'an image pull secret: only a pull that needs it fails' : 'optional: the pod starts without it'})`;
        list.push(read);
      }
      result.set(reader, list);
    }
  }
  return result;
}

function presenceOf(
  reader: ChartObject,
  reference: PodReference,
  operation: CheckedOperation,
  event: HookEvent,
  present: Snapshot<ChartObject>,
  contentOf: (object: LiveObject<ChartObject>) => Content,
  objects: readonly ChartObject[],
  unknownDocuments: number,
): ReadPresence {
  const { targets, uncertain } = referencedObjects(objects, reader, reference);
  const base = { operation, event, reference, targets };
  if (targets.length === 0) {
    const why =
      uncertain || unknownDocuments > 0
        ? 'not among the objects the chart certainly renders; a document that is not known may be it'
        : 'not rendered by the chart: made outside it, or at run time';
    return { ...base, present: null, content: null, why };
  }
  const live = targets.map((target) => present.objects.get(keyOf(target)!)).find((object) => object !== undefined);
  if (uncertain)
    return {
      ...base,
      present: null,
      content: null,
      why: 'an object whose kind, name, namespace or hook annotation is not known may be it',
    };
  const target = targets[0]!;
  // The simulation follows the order as displayed; only an order Helm's key certainly gives is a claim.
  for (const candidate of targets) {
    if (!candidate.hook) continue;
    if (candidate.hook.deleted === undefined)
      return { ...base, present: null, content: null, why: 'its delete policy is not known' };
    if (
      candidate.hook.events.includes(event) &&
      reader.hook &&
      compareHooks(reader.hook, candidate.hook) === undefined
    ) {
      return { ...base, present: null, content: null, why: `its place among the ${event} hooks is not known` };
    }
  }
  if (live) {
    const content = contentOf(live);
    return {
      ...base,
      present: true,
      content,
      why: presentWhy(live.origin.type === 'hook' ? live.origin.event : undefined, content),
    };
  }
  const removed = targets
    .map((candidate) => present.removed.get(keyOf(candidate)!))
    .find((removal) => removal !== undefined);
  const later = targets.find(
    (candidate) =>
      candidate.hook?.events.includes(event) && reader.hook && compareHooks(reader.hook, candidate.hook) === -1,
  );
  if (later) {
    const earlier = removed ? `; what an earlier event made was ${removed.why}` : '';
    return {
      ...base,
      present: false,
      content: null,
      why: `a ${event} hook that Helm creates after this one (${whyLater(reader, later)})${earlier}`,
      laterInEvent: true,
    };
  }
  if (removed) return { ...base, present: false, content: null, why: removed.why };
  return { ...base, present: false, content: null, why: notCreatedYet(target, operation, event) };
}

function presentWhy(event: HookEvent | undefined, content: Content): string {
  if (event === undefined)
    return content === 'this-revision'
      ? 'a release resource of this revision'
      : 'a release resource, still as the previous revision applied it';
  return content === 'this-revision'
    ? `created by a ${event} hook of this run`
    : `left from an earlier ${event} run, with that run's content`;
}

/**
 * The failed install's part in an answer: what it never created, said so; a claim that rests on which pre-install
 * hooks ran before the failing one holds only where that order is certain.
 */
function afterFailedInstall(read: ReadPresence, reader: ChartObject, failure: FailurePoint): ReadPresence {
  if (read.present !== false || read.laterInEvent) return read;
  const failing = failure.hook.source;
  const at = `${failure.event} hook ${failing.kind} "${failing.name}"`;
  const target = read.targets[0]!;
  if (!target.hook) {
    if (failure.event !== 'pre-install')
      return {
        ...read,
        present: null,
        why: 'a release resource: whether the failed install created it depends on where it failed',
      };
    return { ...read, why: `a release resource: the install failed at ${at}, before Helm creates any` };
  }
  if (/hook-succeeded|before-hook-creation|uninstall/.test(read.why)) return read;
  const events = new Set(target.hook.events);
  const installOnly = [...events].every((event) => event === 'pre-install' || event === 'post-install');
  if (!installOnly || reader === target) return read;
  if (events.has('pre-install') && failure.event === 'pre-install' && compareHooks(failing.hook!, target.hook) !== -1) {
    return {
      ...read,
      present: null,
      why: `whether the failed install created it depends on the order of the pre-install hooks`,
    };
  }
  return { ...read, why: `created only at install, and the install failed at ${at} before creating it` };
}

/** Why an object the history never created is missing at this moment (a later hook of the same event is handled before). */
function notCreatedYet(target: ChartObject, operation: CheckedOperation, event: HookEvent): string {
  const hook = target.hook;
  const pre = operation === 'upgrade-after-failed-install' ? 'pre-upgrade' : PHASES[operation].pre;
  if (!hook) return `a release resource: Helm creates it only after every ${pre} hook has succeeded`;
  const events = [...new Set(hook.events)];
  const installOnly = events.every((e) => e === 'pre-install' || e === 'post-install');
  if (installOnly && operation !== 'install') return `a hook of ${events.join(', ')} only: created only at install`;
  return `a hook of ${events.join(', ')} only, which has not run by ${event} of ${operation === 'upgrade' ? 'a first upgrade' : `an ${operation}`}`;
}

function whyLater(reader: ChartObject, target: ChartObject): string {
  const a = reader.hook!;
  const b = target.hook!;
  if (a.weight !== b.weight) return `weight ${a.weight} runs before weight ${b.weight}`;
  if (reader.name !== target.name)
    return `same weight ${a.weight}; by name, "${reader.name}" sorts before "${target.name}"`;
  return `same weight and name; by kind, ${reader.kind} before ${target.kind}`;
}

function keyOf(object: ChartObject): string | undefined {
  if (object.kind === undefined || object.name === undefined || object.namespace === undefined) return undefined;
  return objectKey({
    kind: object.kind,
    name: object.name,
    namespace: namespaceOf(object.kind, object.namespace, object.namespace),
  });
}

/**
 * The revision the chart's objects make: hooks whose events are known, ordered per event by Helm's key as far as it is
 * known, and release resources by kind. Objects whose kind, name or namespace is not known are left out; a read that
 * may name one is uncertain (referencedObjects).
 */
export function revisionOfObjects(objects: readonly ChartObject[]): ChartRevision<ChartObject> {
  const hooks: { object: ChartObject; hook: RevisionHook<ChartObject> }[] = [];
  const resources: RevisionResource<ChartObject>[] = [];
  for (const object of objects) {
    if (object.kind === undefined || object.name === undefined || object.namespace === undefined || object.maybeHook)
      continue;
    const ref = {
      kind: object.kind,
      name: object.name,
      namespace: namespaceOf(object.kind, object.namespace, object.namespace),
    };
    if (object.hook) {
      hooks.push({
        object,
        hook: { ...ref, events: object.hook.events, deletePolicies: object.hook.deletePolicies ?? [], source: object },
      });
    } else if (object.kind !== '') {
      resources.push({ ...ref, ...(object.survivesUninstall ? { resourcePolicy: 'keep' } : {}), source: object });
    }
  }
  const byEvent = new Map<HookEvent, RevisionHook<ChartObject>[]>();
  for (const { hook } of hooks) {
    for (const event of hook.events) {
      const list = byEvent.get(event) ?? [];
      list.push(hook);
      byEvent.set(event, list);
    }
  }
  for (const list of byEvent.values()) list.sort((a, b) => displayOrder(a.source, b.source));
  // Release resources are applied between the events: their order among themselves does not change what a hook sees.
  return { hooksOf: (event) => byEvent.get(event) ?? [], resources };
}

function displayOrder(a: ChartObject, b: ChartObject): number {
  const certain = compareHooks(a.hook!, b.hook!);
  if (certain !== undefined) return certain;
  const wa = a.hook!.weight;
  const wb = b.hook!.weight;
  if (wa !== wb) return wa < wb ? -1 : 1;
  return (a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : 0;
}

/**
 * The chart's objects that are what `reference` names, and whether an object we cannot see well enough (kind, name,
 * namespace or hook annotation not known) might be it too.
 */
export function referencedObjects(
  objects: readonly ChartObject[],
  reader: ChartObject,
  reference: PodReference,
): { targets: ChartObject[]; uncertain: boolean } {
  const targets: ChartObject[] = [];
  let uncertain = reader.namespace === undefined;
  for (const object of objects) {
    if (object === reader) continue;
    const kindMatches = object.kind === undefined ? undefined : object.kind === reference.kind;
    const nameMatches = object.name === undefined ? undefined : object.name === reference.name;
    if (kindMatches === false || nameMatches === false) continue;
    if (kindMatches === undefined || nameMatches === undefined || object.namespace === undefined) {
      uncertain = true;
      continue;
    }
    if (object.namespace !== reader.namespace) continue;
    if (object.maybeHook) uncertain = true;
    else targets.push(object);
  }
  return { targets, uncertain };
}
