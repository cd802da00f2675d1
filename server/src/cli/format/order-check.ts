import type { HookChange, OrderComparison, OrderEntry } from '../../engine/order/compare';
import { ordinal } from '../../engine/rules/support/helpers';

/** The text `order --check` prints: one line per changed hook, under its operation and event. */
export function formatOrderComparison(comparison: OrderComparison, savedPath: string): string {
  if (comparison.same) return `Hook order unchanged from ${savedPath}.\n`;
  const out = [`Hook order differs from ${savedPath}:`];
  for (const { operation, event, changes } of comparison.events) {
    out.push(`${operation}, ${event}`);
    for (const change of changes) out.push(`  ${change.change.padEnd(9)} ${describeChange(change)}`);
  }
  for (const note of comparison.notes) out.push(`note: ${note}`);
  out.push(`If the new order is meant, run the same command with --update to save it in ${savedPath}.`);
  return `${out.join('\n')}\n`;
}

/** "Job db-migrate: 3rd, was 1st (weight 5, was -5)" */
export function describeChange(change: HookChange): string {
  if (change.change === 'renamed')
    return `${hookName(change.was)} → ${change.now.name ?? '?'}: ${changeDetail(change)}`;
  return `${hookName(change.change === 'removed' ? change.was : change.now)}: ${changeDetail(change)}`;
}

/** What changed, without the hook's name: "3rd, was 1st (weight 5, was -5)". */
export function changeDetail(change: HookChange): string {
  switch (change.change) {
    case 'added':
      return `${place(change.now)}, weight ${weight(change.now)}`;
    case 'removed':
      return `was ${place(change.was)}, weight ${weight(change.was)}`;
    case 'renamed':
      return `${place(change.now)}${change.was.position !== change.now.position ? `, was ${place(change.was)}` : ''}${weightChange(change.was, change.now)}`;
    case 'moved':
    case 'position':
      return `${place(change.now)}, was ${place(change.was)}${weightChange(change.was, change.now)}`;
    case 'weight':
      return `weight ${weight(change.now)}, was ${weight(change.was)} (${change.was.position === change.now.position ? `still ${place(change.now)}` : `${place(change.now)}, was ${place(change.was)}`})`;
  }
}

export function hookName(entry: OrderEntry): string {
  return `${entry.kind ?? '?'} ${entry.name ?? '?'}`;
}

function place(entry: OrderEntry): string {
  return entry.position === null ? 'place not certain' : ordinal(entry.position);
}

function weight(entry: OrderEntry): string {
  return entry.weight ?? 'unknown';
}

function weightChange(was: OrderEntry, now: OrderEntry): string {
  return was.weight === now.weight ? '' : ` (weight ${weight(now)}, was ${weight(was)})`;
}
