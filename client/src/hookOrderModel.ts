// What the "Helm Hooks" view shows for a `helmHooks/hookOrder` result. Kept free of `vscode` so that it can be
// tested outside an editor; hookOrderView.ts turns these nodes into tree items.
import type {
  ArgoOrderAnswer,
  ArgoOrderObject,
  HookOrderHook,
  HookOrderResource,
  HookOrderResult,
  OrderRange,
} from './protocol';

/**
 * What the view holds. Every state but `ready` shows a welcome text instead of a tree (package.json `viewsWelcome`,
 * keyed on the context key `helmHooks.hookOrder.state`).
 */
export const HOOK_ORDER_STATES = ['noChart', 'noHooks', 'ready', 'serverDown', 'error'] as const;
export type HookOrderState = (typeof HOOK_ORDER_STATES)[number];

/** A place in a file the view opens on click. */
export interface LeafNode {
  kind: 'hook' | 'resource' | 'unknown';
  id: string;
  label: string;
  description: string;
  tooltip: string;
  /** Whether the row is known for every release: a hook's place and name do not depend on unknowns. */
  certain: boolean;
  /** A hook reads an object that does not exist when Helm creates it (the presence simulation). */
  missingRead: boolean;
  uri: string;
  range: OrderRange;
}

export interface GroupNode {
  kind: 'operation' | 'event' | 'resources' | 'unknownGroup';
  id: string;
  label: string;
  description: string;
  /** Shown open when the view first shows it. */
  expanded: boolean;
  children: (GroupNode | LeafNode)[];
}

export function isGroup(node: GroupNode | LeafNode): node is GroupNode {
  return 'children' in node;
}

export interface HookOrderModel {
  state: HookOrderState;
  /** The view's header: chart, release and what the order was read from. */
  chart?: string;
  /** A line above the tree, when the order is not the current text's as Helm renders it. */
  message?: string;
  groups: GroupNode[];
}

export const UNKNOWN_GROUP_LABEL = 'not known';

/** What happens to the release resources between an operation's pre- and post- events (pkg/action). */
const RESOURCES_LABEL: Record<string, string> = {
  install: 'release resources created',
  upgrade: 'release resources updated',
  rollback: 'release resources rolled back',
  uninstall: 'release resources deleted',
};

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function hookNode(id: string, event: string, hook: HookOrderHook): LeafNode {
  const certain = hook.position !== null && hook.nameCertain;
  const name = hook.name ?? '(name not known)';
  const kind = hook.kind ?? '(kind not known)';
  const doubts: string[] = [];
  if (hook.position === null)
    doubts.push('Its place depends on what is not known, so it is shown where it most likely runs.');
  const missing = hook.reads.filter((read) => read.present === false);
  const reads = hook.reads.map(
    (read) =>
      `Reads ${read.kind} ${read.name} (${read.via}): ${read.present === true ? 'there' : read.present === false ? 'MISSING' : 'not known'} — ${read.why}`,
  );
  const missingText =
    missing.length > 0 ? ` · missing ${missing.map((read) => `${read.kind} ${read.name}`).join(', ')}` : '';
  return {
    kind: 'hook',
    id,
    label: name,
    description: `${kind}: ${hook.description}${missingText}`,
    tooltip: [
      `${kind} ${name}`,
      `${event}: ${hook.description}`,
      `${hook.file}:${hook.line}`,
      ...reads,
      ...doubts,
    ].join('\n'),
    certain,
    missingRead: missing.length > 0,
    uri: hook.uri,
    range: hook.range,
  };
}

function resourceNode(id: string, resource: HookOrderResource): LeafNode {
  const label = `${resource.kind ?? '(kind not known)'} ${resource.name ?? '(name not known)'}`;
  return {
    kind: 'resource',
    id,
    label,
    description: `${resource.file}:${resource.line}`,
    tooltip: label,
    certain: resource.name !== null,
    missingRead: false,
    uri: resource.uri,
    range: resource.range,
  };
}

export const ARGOCD_GROUP_LABEL = 'Argo CD sync';

function argoLeaf(id: string, object: ArgoOrderObject, why?: string): LeafNode {
  const label = `${object.kind ?? '(kind not known)'} ${object.name ?? '(name not known)'}`;
  const what = why ?? (object.hook ? `hook${object.deleted ? `, ${object.deleted}` : ''}` : 'resource');
  return {
    kind: object.hook ? 'hook' : 'resource',
    id,
    label,
    description: what,
    tooltip: [label, what, `${object.file}:${object.line}`].join('\n'),
    certain: object.name !== null,
    missingRead: false,
    uri: object.uri,
    range: object.range,
  };
}

/** Argo CD's sync as `helm-hooks order --target argocd` prints it: phases and their waves, the deletion, what is never applied. */
function argoGroup(argo: ArgoOrderAnswer): GroupNode {
  const id = '\u0000argocd';
  const children: GroupNode[] = argo.sync.map(({ phase, waves }) => ({
    kind: 'event',
    id: `${id}\u0000${phase}`,
    label: phase,
    description: waves.length === 0 ? 'nothing' : plural(waves.length, 'wave'),
    expanded: waves.length > 0,
    children: waves.map(({ wave, objects }) => ({
      kind: 'resources',
      id: `${id}\u0000${phase}\u0000${wave}`,
      label: `wave ${wave}`,
      description: plural(objects.length, 'object'),
      expanded: true,
      children: objects.map((object, index) => argoLeaf(`${id}\u0000${phase}\u0000${wave}\u0000${index}`, object)),
    })),
  }));
  children.push({
    kind: 'event',
    id: `${id}\u0000deletion`,
    label: 'Application deleted',
    description: plural(
      argo.deletion.phases.reduce((sum, phase) => sum + phase.objects.length, 0),
      'hook',
    ),
    expanded: false,
    children: [
      ...argo.deletion.phases.flatMap(({ phase, objects }) =>
        objects.map((object, index) =>
          argoLeaf(`${id}\u0000${phase}\u0000${index}`, object, `${phase}, ${object.deleted ?? ''}`),
        ),
      ),
      ...argo.deletion.kept.map((object, index) =>
        argoLeaf(`${id}\u0000kept\u0000${index}`, object, `kept: ${object.why}`),
      ),
    ],
  });
  if (argo.skipped.length > 0) {
    children.push({
      kind: 'unknownGroup',
      id: `${id}\u0000skipped`,
      label: 'never applied',
      description: plural(argo.skipped.length, 'object'),
      expanded: true,
      children: argo.skipped.map((object, index) => argoLeaf(`${id}\u0000skipped\u0000${index}`, object, object.why)),
    });
  }
  const hooks = argo.sync.reduce(
    (sum, phase) =>
      sum + phase.waves.reduce((count, wave) => count + wave.objects.filter((object) => object.hook).length, 0),
    0,
  );
  const description = argo.hooksOnly ? 'every object is a hook: automated sync never runs them' : plural(hooks, 'hook');
  return { kind: 'operation', id, label: ARGOCD_GROUP_LABEL, description, expanded: false, children };
}

/**
 * Nodes for a result: each operation as `helm-hooks order` prints it — its events in Helm's order (empty ones too),
 * each with its hooks in the order Helm runs them, and the release resources between the pre- and post- events.
 */
export function presentHookOrder(result: HookOrderResult): HookOrderModel {
  if (result.chart === null || result.order === null) return { state: 'noChart', groups: [] };
  const order = result.order;
  let hooks = 0;
  const groups: GroupNode[] = order.operations.map(({ operation, steps }, operationIndex) => {
    const children = steps.map((step, stepIndex): GroupNode => {
      const id = `${operation}\u0000${stepIndex}`;
      if ('resources' in step) {
        return {
          kind: 'resources',
          id,
          label: RESOURCES_LABEL[operation] ?? 'release resources',
          description: plural(step.resources.length, 'resource'),
          expanded: false,
          children: step.resources.map((resource, index) => resourceNode(`${id}\u0000${index}`, resource)),
        };
      }
      hooks += step.hooks.length;
      return {
        kind: 'event',
        id,
        label: step.event,
        description: step.hooks.length === 0 ? 'no hooks' : plural(step.hooks.length, 'hook'),
        expanded: true,
        children: step.hooks.map((hook, index) => hookNode(`${id}\u0000${index}`, step.event, hook)),
      };
    });
    const count = steps.reduce((sum, step) => sum + ('hooks' in step ? step.hooks.length : 0), 0);
    return {
      kind: 'operation',
      id: operation,
      label: operation,
      description: plural(count, 'hook'),
      expanded: operationIndex === 0,
      children,
    };
  });
  if (result.argocd) groups.push(argoGroup(result.argocd));
  if (order.unknown.length > 0) {
    groups.push({
      kind: 'unknownGroup',
      id: '\u0000unknown',
      label: UNKNOWN_GROUP_LABEL,
      description: `${plural(order.unknown.length, 'document')} not known to be a hook or not`,
      expanded: true,
      children: order.unknown.map((entry, index) => ({
        kind: 'unknown',
        id: `\u0000unknown\u0000${index}`,
        label: `${entry.file}:${entry.line}`,
        description: entry.reason,
        tooltip: `Not placed in the order: ${entry.reason}`,
        certain: false,
        missingRead: false,
        uri: entry.uri,
        range: entry.range,
      })),
    });
  }
  const view = result.view === 'as-written' ? ', as written' : '';
  const messages = [
    result.held,
    result.notEvaluated !== undefined ? `Not evaluated (${result.notEvaluated}): hooks as written.` : undefined,
  ].filter((text): text is string => !!text);
  return {
    state: hooks > 0 || order.unknown.length > 0 ? 'ready' : 'noHooks',
    chart: `${order.chart} · release ${order.releaseName}${view}`,
    ...(messages.length > 0 ? { message: messages.join(' ') } : {}),
    groups,
  };
}
