import type { HookEvent } from '../../model/hook';
import type { CheckedOperation, ReadPresence } from '../../lifecycle/reads';
import { CHECKED_OPERATIONS, hookReads } from '../../lifecycle/reads';
import type { ChartObject, ChartRuleContext } from './chart-objects';
import { WAITED_KINDS } from './dependency-helpers';
import { argoCdOnly } from './targets';

/** The events of each operation, to tell which operations a render of the chart stands for. */
const OPERATION_EVENTS: Record<CheckedOperation, readonly HookEvent[]> = {
  install: ['pre-install', 'post-install'],
  upgrade: ['pre-upgrade', 'post-upgrade'],
  rollback: ['pre-rollback', 'post-rollback'],
  uninstall: ['pre-delete', 'post-delete'],
  test: ['test'],
  'upgrade-after-failed-install': ['pre-upgrade'],
};

const cache = new WeakMap<readonly ChartObject[], Map<string, Map<ChartObject, ReadPresence[]>>>();

/** The simulation's answer for the operations this render stands for, computed once per render and Helm version. */
export function presenceOfReads(context: ChartRuleContext): Map<ChartObject, ReadPresence[]> {
  const operations = CHECKED_OPERATIONS.filter((operation) =>
    OPERATION_EVENTS[operation].some((event) => context.events.has(event)),
  );
  const key = `${context.helmVersion}:${operations.join(',')}`;
  let byOptions = cache.get(context.objects);
  if (!byOptions) cache.set(context.objects, (byOptions = new Map()));
  let reads = byOptions.get(key);
  if (!reads)
    byOptions.set(key, (reads = hookReads(context.objects, { helmVersion: context.helmVersion, operations })));
  return reads;
}

/** A blocking read a waited hook (Job, Pod) makes of a chart object that is certainly missing, per read, first operation first. */
export interface MissingRead {
  reader: ChartObject;
  /** Every operation and event where it is missing, in order; the first is the one to report. */
  missing: ReadPresence[];
}

/**
 * Helm's answer, asked only when Helm is among the targets: with Argo CD alone, Helm never runs the hooks, and the
 * dependency rules speak of Argo CD's syncs only (argocd-presence.ts).
 */
export function missingReads(context: ChartRuleContext): MissingRead[] {
  const result: MissingRead[] = [];
  if (argoCdOnly(context.targets)) return result;
  for (const [reader, reads] of presenceOfReads(context)) {
    if (!reader.kind || !WAITED_KINDS.has(reader.kind)) continue;
    const byReference = new Map<ReadPresence['reference'], ReadPresence[]>();
    for (const read of reads) {
      if (!read.reference.blocking || read.present !== false) continue;
      const list = byReference.get(read.reference) ?? [];
      list.push(read);
      byReference.set(read.reference, list);
    }
    for (const missing of byReference.values()) result.push({ reader, missing });
  }
  return result;
}

export const OPERATION_WORDS: Record<CheckedOperation, string> = {
  install: 'install',
  upgrade: 'upgrade',
  rollback: 'rollback',
  uninstall: 'uninstall',
  test: 'helm test',
  'upgrade-after-failed-install': 'upgrade --install after a failed install',
};

/** "pre-upgrade of an upgrade (deleted at the end of pre-install (hook-succeeded))" for each further place. */
export function otherPlaces(missing: readonly ReadPresence[]): string {
  if (missing.length <= 1) return '';
  return ` It is missing there too: ${missing
    .slice(1)
    .map((read) => `${read.event} of ${OPERATION_WORDS[read.operation]} (${read.why})`)
    .join('; ')}.`;
}

/** "an install", "a helm test" */
export function article(operation: string): string {
  return /^[aeiou]/.test(operation) ? `an ${operation}` : `a ${operation}`;
}
