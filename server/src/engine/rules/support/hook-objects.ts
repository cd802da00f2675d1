import { literalText } from '../../model/document';
import type { HookEvent } from '../../model/hook';
import type { ChartObject } from './chart-objects';
import type { PodReference } from './pod-references';

/** The events `helm install` runs (also `upgrade --install` when no release exists) and those `helm upgrade` runs. */
export const INSTALL_EVENTS: readonly HookEvent[] = ['pre-install', 'post-install'];
export const UPGRADE_EVENTS: readonly HookEvent[] = ['pre-upgrade', 'post-upgrade'];

/**
 * Rendered by a subchart (`app/charts/db/templates/x.yaml`): its hooks run in the parent's release, but the parent's
 * author cannot change them, and a subchart's objects are often meant to be overridden or disabled; the chart rules
 * that judge how objects fit together leave them alone.
 */
export function fromSubchart(object: ChartObject): boolean {
  return /^[^/]+\/charts\//.test(object.template);
}

/** A hook of the chart itself whose kind, name and namespace are certain. */
export function isCertainHook(
  object: ChartObject,
): object is ChartObject & { hook: NonNullable<ChartObject['hook']>; kind: string; name: string; namespace: string } {
  return (
    !!object.hook &&
    object.kind !== undefined &&
    object.name !== undefined &&
    object.namespace !== undefined &&
    !fromSubchart(object)
  );
}

/** A release resource of the chart itself (certainly no hook) whose kind and namespace are certain. */
export function isCertainReleaseResource(object: ChartObject): boolean {
  return (
    !object.hook &&
    !object.maybeHook &&
    object.kind !== undefined &&
    object.namespace !== undefined &&
    !fromSubchart(object)
  );
}

/** The API group of the object's `apiVersion` (`apps` of `apps/v1`, `` of `v1`); undefined when not literal. */
function apiGroup(object: ChartObject): string | undefined {
  const text = object.resource.apiVersion && literalText(object.resource.apiVersion);
  if (text === undefined) return undefined;
  const slash = text.indexOf('/');
  return slash < 0 ? '' : text.slice(0, slash);
}

/**
 * Whether two objects are the same object to the API server: same kind, namespace and name, and no literal API
 * groups that differ. Undefined when one of kind, name or namespace is not certain.
 */
export function sameIdentity(a: ChartObject, b: ChartObject): boolean | undefined {
  if (
    a.kind === undefined ||
    b.kind === undefined ||
    a.name === undefined ||
    b.name === undefined ||
    a.namespace === undefined ||
    b.namespace === undefined
  )
    return undefined;
  if (a.kind !== b.kind || a.name !== b.name || a.namespace !== b.namespace) return false;
  const groupA = apiGroup(a);
  const groupB = apiGroup(b);
  return groupA === undefined || groupB === undefined || groupA === groupB;
}

/**
 * The other objects of the chart that are certainly the same object as `target`, and whether some object we cannot
 * see well enough (kind, name or namespace not certain, or a maybe-hook) might be it too.
 */
export function sameObjects(
  objects: readonly ChartObject[],
  target: ChartObject,
): { same: ChartObject[]; uncertain: boolean } {
  const same: ChartObject[] = [];
  let uncertain = false;
  for (const object of objects) {
    if (object === target) continue;
    const identical = sameIdentity(object, target);
    if (identical === false) continue;
    if (identical === undefined) {
      // Only an object that may have this kind and name may be it.
      const kindMay = object.kind === undefined || object.kind === target.kind;
      const nameMay = object.name === undefined || object.name === target.name;
      if (kindMay && nameMay) uncertain = true;
      continue;
    }
    if (object.maybeHook || fromSubchart(object)) uncertain = true;
    else same.push(object);
  }
  return { same, uncertain };
}

/** The references of `reader`'s pod to `target`: same kind and name, read from the target's namespace. */
export function readsOf(reader: ChartObject, target: ChartObject): PodReference[] {
  if (reader.namespace === undefined || reader.namespace !== target.namespace) return [];
  return reader.reads.filter((reference) => reference.kind === target.kind && reference.name === target.name);
}

/** `pre-install`, `pre-install and post-install`, `pre-install, post-install and test`. */
export function listEvents(events: readonly string[]): string {
  if (events.length <= 1) return events.join('');
  return `${events.slice(0, -1).join(', ')} and ${events[events.length - 1]}`;
}
