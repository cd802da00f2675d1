// What the "Helm Hooks" view shows for a `helmHooks/hookOrder` result. Kept free of `vscode` so that it can be
// tested outside an editor; hookOrderView.ts turns these nodes into tree items.
import type { HookOrderHook, HookOrderResult, OrderRange } from './protocol';

/**
 * What the view holds. Every state but `ready` shows a welcome text instead of a tree (package.json `viewsWelcome`,
 * keyed on the context key `helmHooks.hookOrder.state`).
 */
export const HOOK_ORDER_STATES = ['noChart', 'noHooks', 'ready', 'serverDown', 'error'] as const;
export type HookOrderState = (typeof HOOK_ORDER_STATES)[number];

/** A place in a file the view opens on click. */
export interface LeafNode {
  kind: 'hook' | 'unknown';
  id: string;
  label: string;
  description: string;
  tooltip: string;
  /** Whether the hook's place in its event is known for every release: position and name do not depend on unknowns. */
  certain: boolean;
  uri: string;
  range: OrderRange;
}

export interface GroupNode {
  kind: 'event' | 'unknownGroup';
  id: string;
  label: string;
  description: string;
  children: LeafNode[];
}

export function isGroup(node: GroupNode | LeafNode): node is GroupNode {
  return node.kind === 'event' || node.kind === 'unknownGroup';
}

export interface HookOrderModel {
  state: HookOrderState;
  chart?: string;
  groups: GroupNode[];
}

export const UNKNOWN_GROUP_LABEL = 'events not known';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function hookNode(event: string, hook: HookOrderHook, index: number): LeafNode {
  const certain = hook.position !== null && hook.nameCertain;
  const name = hook.name ?? '(templated name)';
  const kind = hook.kind ?? '(templated kind)';
  const doubts: string[] = [];
  if (hook.position === null) doubts.push('Its place depends on templated text, so it is shown where it most likely runs.');
  else if (!hook.nameCertain) doubts.push('Its name depends on the release name or values, so its place may differ between releases.');
  return {
    kind: 'hook',
    id: `${event}\u0000${index}\u0000${hook.uri}\u0000${hook.range.start.line}`,
    label: name,
    description: `${kind}: ${hook.description}`,
    tooltip: [`${kind} ${name}`, `${event}: ${hook.description}`, ...doubts].join('\n'),
    certain,
    uri: hook.uri,
    range: hook.range,
  };
}

function fileName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

/** Nodes for a result: events in Helm's order, each with its hooks in the order Helm runs them. */
export function presentHookOrder(result: HookOrderResult): HookOrderModel {
  if (result.chart === null) return { state: 'noChart', groups: [] };
  const groups: GroupNode[] = result.events
    .filter((step) => step.hooks.length > 0)
    .map((step) => ({
      kind: 'event',
      id: step.event,
      label: step.event,
      description: plural(step.hooks.length, 'hook'),
      children: step.hooks.map((hook, index) => hookNode(step.event, hook, index)),
    }));
  if (result.unknown.length > 0) {
    groups.push({
      kind: 'unknownGroup',
      id: '\u0000unknown',
      label: UNKNOWN_GROUP_LABEL,
      description: `${plural(result.unknown.length, 'document')} with a templated helm.sh/hook`,
      children: result.unknown.map((entry, index) => ({
        kind: 'unknown',
        id: `\u0000unknown\u0000${index}\u0000${entry.uri}\u0000${entry.range.start.line}`,
        label: `${fileName(entry.uri)}:${entry.range.start.line + 1}`,
        description: entry.reason,
        tooltip: `This document may be a hook of any event: ${entry.reason}`,
        certain: false,
        uri: entry.uri,
        range: entry.range,
      })),
    });
  }
  return { state: groups.length > 0 ? 'ready' : 'noHooks', chart: result.chart.name, groups };
}
