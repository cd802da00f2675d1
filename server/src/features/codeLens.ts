import { pathToFileURL } from 'node:url';
import type { CancellationToken, CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import { lastEntry } from '../engine/model/document';
import { HOOK_KEY } from '../engine/model/hook';
import { COMMANDS } from '../protocol';
import type { ServerContext } from './context';
import { describePlaces, placesOfDocument } from '../engine/order/chart-order';
import type { HookOrders } from './hookOrder';
import { toLspRange } from './ranges';
import { uriToPath } from './workspace';

/**
 * One lens on each `helm.sh/hook` key: the hook's place in each event it runs in, from the chart's order as Helm renders
 * it (`helm-hooks order`); a hook the current values do not render says so.
 */
export async function codeLenses(
  context: ServerContext,
  orders: HookOrders,
  params: CodeLensParams,
  token: CancellationToken,
): Promise<CodeLens[]> {
  const document = context.documents.get(params.textDocument.uri);
  const path = uriToPath(params.textDocument.uri);
  if (!document || path === undefined || !context.workspace.isTemplate(path)) return [];
  const chart = context.workspace.chartOf(path)!;
  const settings = await context.configuration.settingsFor(pathToFileURL(chart.directory).href);
  if (!settings.codeLens.enable || token.isCancellationRequested) return [];
  const analysed = context.workspace.analysis(path, document.getText());
  if (!analysed) return [];
  const hookKeys = analysed.file.model.annotationSets.flatMap((set) => {
    const entry = set.origin === 'object' && set.resource ? lastEntry(set.mapping, HOOK_KEY) : undefined;
    return entry ? [{ entry, resource: set.resource! }] : [];
  });
  if (hookKeys.length === 0) return [];
  const version = document.version;
  const { result } = await orders.orderOf(chart, false);
  // An analysis holds until the file's next one (analysis/file.ts): lenses of an older text are not answered.
  if (token.isCancellationRequested || document.version !== version) return [];
  return hookKeys.map(({ entry, resource }) => {
    const places = placesOfDocument(result.order, chart.directory, analysed.file, resource.range);
    const title =
      places.length > 0
        ? describePlaces(places, result.order).join(' | ')
        : 'not in the order: the current values do not render this hook, or Helm drops it';
    return {
      range: toLspRange(analysed.file.lines, entry.keyRange),
      command: { title, command: COMMANDS.showHookOrder, arguments: [params.textDocument.uri] },
    };
  });
}
