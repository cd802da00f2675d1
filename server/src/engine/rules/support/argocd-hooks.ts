import type { TemplateFile } from '../../analysis/file';
import { lastEntry } from '../../model/document';
import { HOOK_KEY } from '../../model/hook';
import type { ArgoObjectPlan } from '../../deployers/argocd';
import { ARGOCD_READ_KEYS, annotationItems, planArgoObject } from '../../deployers/argocd';
import type { LifecycleHook } from './lifecycle-helpers';
import { lifecycleHooks } from './lifecycle-helpers';

/** A Helm hook as Argo CD will see it, for the rules of the `argocd` target. */
export interface ArgoHookView {
  hook: LifecycleHook;
  plan: ArgoObjectPlan;
  /** Each annotation Argo CD reads, as Helm renders it; undefined where absent. */
  annotation(key: string): string | undefined;
  /** The items of `helm.sh/hook` as Argo CD compares them: trimmed, case kept. */
  helmItems: string[];
}

/**
 * The hooks of a template whose every annotation Argo CD reads is known (as written: literal; as evaluated: certain).
 * A document where one is templated, or where output we cannot see may add one, is left out: the rules stay silent.
 * Documents Helm drops (an event it does not know) never reach Argo CD: `helm template` leaves them out.
 */
export function argoHookViews(file: TemplateFile): ArgoHookView[] {
  const views: ArgoHookView[] = [];
  for (const hook of lifecycleHooks(file)) {
    if (!hook.events) continue;
    const values = new Map<string, string | undefined>();
    let known = true;
    for (const key of ARGOCD_READ_KEYS) {
      const entry = lastEntry(hook.annotations, key);
      if (!entry) {
        if (hook.annotations.hasUnknownEntries) known = false;
        values.set(key, undefined);
        continue;
      }
      if (entry.value.templated || entry.value.kind !== 'scalar') known = false;
      values.set(key, entry.value.helmString ?? entry.value.decoded ?? '');
    }
    if (!known) continue;
    const annotation = (key: string) => values.get(key);
    views.push({
      hook,
      plan: planArgoObject(hook.kind, annotation),
      annotation,
      helmItems: annotationItems(annotation(HOOK_KEY)),
    });
  }
  return views;
}

/** "a", "a and b", "a, b and c" */
export function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
