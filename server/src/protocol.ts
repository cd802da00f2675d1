/**
 * What the language server and its clients share beyond LSP itself. Dependency-free on purpose: the VS Code client
 * and the tests import it without pulling in the server.
 */

/**
 * Node options the VS Code extension starts the server with (other editors may pass them too). A young generation of
 * 2 MB semi-spaces instead of V8's 16: opening hundreds of templates makes V8 grow it to its maximum, which it keeps,
 * and that was a quarter of the server's memory with 1,000 templates open; a keystroke's short-lived objects fit in 2.
 * The evaluation thread's is capped the same way (features/evaluation.ts).
 */
export const SERVER_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=2'];

/** Request `helmHooks/hookOrder`: the hook timeline of the chart that holds `uri`. */
export const HOOK_ORDER_METHOD = 'helmHooks/hookOrder';

export interface HookOrderParams {
  /** A template of the chart, or the chart's directory. */
  uri: string;
}

/** Zero-based, columns in UTF-16 code units: the same shape as an LSP Position. */
export interface OrderPosition {
  line: number;
  character: number;
}

export interface OrderRange {
  start: OrderPosition;
  end: OrderPosition;
}

import type { OrderHookJson, OrderJson, OrderResourceJson, OrderView } from './engine/order/chart-order';
import type { ArgoOrderJson, ArgoOrderObjectJson } from './engine/order/argocd-order';

export type { DeletedWhen } from './engine/order/order';
export type {
  Operation,
  OrderHookJson,
  OrderJson,
  OrderResourceJson,
  OrderStepJson,
  OrderView,
} from './engine/order/chart-order';

/** A hook of the order as `helm-hooks order --format json` gives it, with where the editor opens it. */
export interface HookOrderHook extends OrderHookJson {
  /** "2nd of 4, weight -5, deleted before the next run". */
  description: string;
  uri: string;
  /** The hook's line (its `metadata.name`, or where an `include` writes the object). */
  range: OrderRange;
}

export interface HookOrderResource extends OrderResourceJson {
  uri: string;
  range: OrderRange;
}

export type HookOrderStep = { event: string; hooks: HookOrderHook[] } | { resources: HookOrderResource[] };

/**
 * `helm-hooks order --format json` for the chart, built by the same engine function from the same values (the
 * config file's `values:`, else the `helmHooks.valuesFiles` setting), with the editor's places added.
 */
export interface HookOrderAnswer extends Omit<OrderJson, 'operations' | 'unknown'> {
  operations: { operation: string; steps: HookOrderStep[] }[];
  unknown: { file: string; line: number; reason: string; uri: string; range: OrderRange }[];
}

/** An object of Argo CD's sync as `helm-hooks order --target argocd --format json` gives it, with where the editor opens it. */
export type ArgoOrderObject = ArgoOrderObjectJson & { uri: string; range: OrderRange };

/** `helm-hooks order --target argocd --format json`, with the editor's places added. */
export interface ArgoOrderAnswer extends Omit<ArgoOrderJson, 'sync' | 'deletion' | 'skipped' | 'unknown'> {
  sync: { phase: string; waves: { wave: number | string; objects: ArgoOrderObject[] }[] }[];
  deletion: { phases: { phase: string; objects: ArgoOrderObject[] }[]; kept: (ArgoOrderObject & { why: string })[] };
  skipped: (ArgoOrderObject & { reason: string; why: string })[];
  unknown: { file: string; line: number; reason: string; uri: string; range: OrderRange }[];
}

export interface HookOrderResult {
  /** null when `uri` belongs to no chart. */
  chart: { name: string; uri: string } | null;
  order: HookOrderAnswer | null;
  /** Argo CD's sync of the chart, when its `.helm-hooks.yaml` lists the target `argocd`. */
  argocd?: ArgoOrderAnswer;
  /** What the order was read from: the chart as Helm renders it, or its templates as written. */
  view: OrderView | null;
  /** Why the order is read as written. */
  notEvaluated?: string;
  /** Why the last complete answer is shown instead of the current text's (an unfinished edit). */
  held?: string;
}

/** Command ids. Code lenses carry `showHookOrder` with the document's uri as argument; the client implements them. */
export const COMMANDS = {
  showHookOrder: 'helmHooks.showHookOrder',
  fixAll: 'helmHooks.fixAll',
  restartServer: 'helmHooks.restartServer',
} as const;

/** The code action kind of "fix all safe problems"; the client's fixAll command asks for it. */
export const FIX_ALL_KIND = 'source.fixAll.helmHooks';

/** The `workspace/configuration` section. */
export const SETTINGS_SECTION = 'helmHooks';

export interface HelmHooksSettings {
  helmVersion: 3 | 4;
  valuesFiles: string[];
  /** Severity per rule id: off, info, warning or error. */
  rules: Record<string, string>;
  codeLens: { enable: boolean };
  /** `chart`: the findings of every file of a chart with an open file; `openFiles`: of the open files only. */
  diagnostics: { scope: DiagnosticsScope };
  trace: { server: 'off' | 'messages' | 'verbose' };
}

export type DiagnosticsScope = 'chart' | 'openFiles';

/** `initializationOptions` the server understands. */
export interface HelmHooksInitializationOptions {
  /** Delay between the last change and the diagnostics, in milliseconds (default 200). */
  debounceMs?: number;
  /** Evaluate charts as Helm renders them, on a worker thread, for the findings that need values (default true). */
  evaluate?: boolean;
}
