import type { TextRange } from '../../core/text';
import type { ChartObject } from './chart-objects';
import { shown } from './helpers';
import { deletedWhen } from '../../order/order';

/**
 * Hooks Helm waits for: their pods must start for the event to go on
 * (https://github.com/helm/helm/blob/v4.1.4/pkg/kube/statuswait.go#L71).
 */
export const WAITED_KINDS: ReadonlySet<string> = new Set(['Job', 'Pod']);

/** Where an object is named, for related locations: its `metadata.name`, else the whole document. */
export function nameRange(object: ChartObject): TextRange {
  return object.resource.name?.range ?? object.resource.range;
}

/** Whether Helm deletes the hook object once its event has succeeded (`hook-succeeded`), so nothing finds it after. */
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
  if (first.name !== second.name)
    return `both have weight ${a.weight}, and Helm then orders by name: "${first.name}" sorts before "${second.name}"`;
  return `both have weight ${a.weight} and the name "${first.name}", and Helm then orders by kind: ${first.kind} before ${second.kind}`;
}
