import { dirname } from 'node:path';
import { CancellationToken } from 'vscode-languageserver/node';
import { describePlacement } from '../engine/services/hover';
import { OrderedHook } from '../engine/order/order';
import { HookOrderHook, HookOrderParams, HookOrderResult } from '../protocol';
import { ServerContext } from './context';
import { toLspRange } from './ranges';
import { uriToPath } from './workspace';

/** `helmHooks/hookOrder`: the chart's hooks per event, in Helm's order as far as the text shows it. */
export function hookOrder(context: ServerContext, params: HookOrderParams, token: CancellationToken): HookOrderResult {
  const empty: HookOrderResult = { chart: null, events: [], unknown: [] };
  const path = uriToPath(params.uri);
  if (path === undefined) return empty;
  const workspace = context.workspace;
  const chart = workspace.chartAt(path) ?? workspace.chartOf(path) ?? workspace.chartAt(dirname(path));
  if (!chart) return empty;
  const order = workspace.chartOrder(chart, () => token.isCancellationRequested);
  if (!order) return empty;
  const lines = (file: string) => workspace.analysis(file)?.file.lines;
  const toHook = (entry: OrderedHook, of: number): HookOrderHook[] => {
    const hook = entry.hook;
    const fileLines = lines(hook.file);
    if (!fileLines) return [];
    return [{
      position: entry.position ?? null,
      kind: hook.kind ?? null,
      name: hook.name ?? null,
      nameCertain: hook.nameCertain,
      weight: hook.weightCertain ? String(hook.weight) : null,
      deletePolicies: hook.deletePolicies ?? null,
      deleted: hook.deleted ?? null,
      description: describePlacement(entry, of, order),
      uri: workspace.uriOf(hook.file),
      range: toLspRange(fileLines, hook.hookValueRange),
    }];
  };
  return {
    chart: { name: chart.name, uri: workspace.uriOf(chart.directory) },
    events: order.events.map((event) => ({ event: event.event, hooks: event.hooks.flatMap((entry) => toHook(entry, event.hooks.length)) })),
    unknown: order.unknown.flatMap((entry) => {
      const fileLines = lines(entry.file);
      return fileLines ? [{ uri: workspace.uriOf(entry.file), range: toLspRange(fileLines, entry.range), reason: 'helm.sh/hook is templated: its events are known only when rendered' }] : [];
    }),
  };
}
