/**
 * What the language server and its clients share beyond LSP itself. Dependency-free on purpose: the VS Code client
 * and the tests import it without pulling in the server.
 */

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

export type DeletedWhen = 'before-next-run' | 'after-event-success' | 'on-failure' | 'after-event-success-or-failure' | 'never';

export interface HookOrderHook {
  /** 1-based place in the event; null when it depends on templated text (then the list order is a best guess). */
  position: number | null;
  kind: string | null;
  /** As written: the template text when templated. */
  name: string | null;
  nameCertain: boolean;
  /** Decimal text (weights are 64-bit); null when templated. */
  weight: string | null;
  deletePolicies: string[] | null;
  /** null when the delete policy is templated. */
  deleted: DeletedWhen | null;
  /** A short sentence: "2nd of 4, weight -5, deleted before the next run". */
  description: string;
  uri: string;
  /** The `helm.sh/hook` value of the hook. */
  range: OrderRange;
}

export interface HookOrderEvent {
  event: string;
  hooks: HookOrderHook[];
}

export interface HookOrderResult {
  /** null when `uri` belongs to no chart. */
  chart: { name: string; uri: string } | null;
  /** Events in Helm's documented order; only events that have hooks. */
  events: HookOrderEvent[];
  /** Documents whose `helm.sh/hook` is templated: they may be hooks of any event. */
  unknown: { uri: string; range: OrderRange; reason: string }[];
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
  trace: { server: 'off' | 'messages' | 'verbose' };
}

/** `initializationOptions` the server understands. */
export interface HelmHooksInitializationOptions {
  /** Delay between the last change and the diagnostics, in milliseconds (default 200). */
  debounceMs?: number;
  /** Evaluate charts as Helm renders them, on a worker thread, for the findings that need values (default true). */
  evaluate?: boolean;
}
