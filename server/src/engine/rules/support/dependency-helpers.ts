import { HookEvent } from '../../model/hook';
import { deletedWhen } from '../../order/order';
import { TextRange } from '../../core/text';
import { ChartObject, ChartRuleContext } from './chart-objects';
import { shown } from './helpers';
import { PodReference } from './pod-references';

/**
 * Hooks Helm waits for: their pods must start for the event to go on
 * (https://github.com/helm/helm/blob/v4.1.4/pkg/kube/statuswait.go#L71).
 */
export const WAITED_KINDS: ReadonlySet<string> = new Set(['Job', 'Pod']);

/** A reference a waited hook's pod cannot start without, on one event the hook runs on, and what it certainly names. */
export interface BlockingRead {
  reader: ChartObject;
  event: HookEvent;
  reference: PodReference;
  /** The chart's objects of that kind and name; none other may be it. */
  targets: ChartObject[];
}

/**
 * The blocking reads of every hook Helm waits for, on each event it runs on (once, even when listed twice), that name
 * objects the chart renders and that no object we cannot see well enough might also be.
 */
export function blockingReads(context: ChartRuleContext): BlockingRead[] {
  const result: BlockingRead[] = [];
  for (const reader of context.objects) {
    if (!reader.hook || !reader.kind || !WAITED_KINDS.has(reader.kind) || reader.reads.length === 0) continue;
    for (const event of new Set(reader.hook.events)) {
      if (!context.events.has(event)) continue;
      for (const reference of reader.reads) {
        if (!reference.blocking) continue;
        const { targets, uncertain } = referencedObjects(context.objects, reader, reference);
        if (!uncertain && targets.length > 0) result.push({ reader, event, reference, targets });
      }
    }
  }
  return result;
}

/** Where an object is named, for related locations: its `metadata.name`, else the whole document. */
export function nameRange(object: ChartObject): TextRange {
  return object.resource.name?.range ?? object.resource.range;
}

/**
 * The objects of the chart that are what `reference` names, and whether some object we cannot see well enough (kind,
 * name, namespace or hook annotation not known) might be it too. A rule that finds `uncertain` says nothing.
 */
function referencedObjects(objects: readonly ChartObject[], reader: ChartObject, reference: PodReference): { targets: ChartObject[]; uncertain: boolean } {
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

/** Deleted after every successful run of its events (`hook-succeeded`), so no earlier run leaves it behind. */
export function deletedAfterSuccess(object: ChartObject): boolean {
  const hook = object.hook;
  if (!hook || hook.deleted === undefined) return false;
  const when = deletedWhen(object.kind, hook.deletePolicies);
  return when === 'after-event-success' || when === 'after-event-success-or-failure';
}

/** `Secret "db"`; `max` cuts a long name short, for a message. */
export function describeObject(object: ChartObject, max = Infinity): string {
  return `${object.kind} "${shown(object.name ?? '', max)}"`;
}

/** Why `first` runs before `second` by Helm's key, in words: their weights, or their names at the same weight. */
export function whyFirst(first: ChartObject, second: ChartObject): string {
  const a = first.hook!;
  const b = second.hook!;
  if (a.weight !== b.weight) return `weight ${a.weight} runs before weight ${b.weight}`;
  if (first.name !== second.name) return `both have weight ${a.weight}, and Helm then orders by name: "${first.name}" sorts before "${second.name}"`;
  return `both have weight ${a.weight} and the name "${first.name}", and Helm then orders by kind: ${first.kind} before ${second.kind}`;
}
