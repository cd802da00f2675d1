import type { CancellationToken, Hover, HoverParams } from 'vscode-languageserver/node';
import { MarkupKind } from 'vscode-languageserver/node';
import { hover as engineHover } from '../engine/services/hover';
import { findingsHelp } from '../engine/services/finding-help';
import type { Finding } from '../engine/rules/rule';
import type { ServerContext } from './context';
import { describePlaces, placesOfDocument } from '../engine/order/chart-order';
import type { HookOrders } from './hookOrder';
import { toLspRange } from './ranges';
import { uriToPath } from './workspace';

/** `findingsOf` gives the document's findings as its diagnostics show them: the hover starts with their help. */
export async function hover(
  context: ServerContext,
  orders: HookOrders,
  params: HoverParams,
  token: CancellationToken,
  findingsOf: (uri: string) => Promise<Finding[]>,
): Promise<Hover | null> {
  const document = context.documents.get(params.textDocument.uri);
  const path = uriToPath(params.textDocument.uri);
  if (!document || path === undefined || !context.workspace.isTemplate(path)) return null;
  const analysed = context.workspace.analysis(path, document.getText());
  if (!analysed || token.isCancellationRequested) return null;
  const file = analysed.file;
  const offset = file.lines.offset(params.position);
  const chart = context.workspace.chartOf(path);
  // The chart's order is computed only for a hover that shows a hook's place.
  const placesOf = chart
    ? async (documentRange: { start: number; end: number }) => {
        const { result } = await orders.orderOf(chart, false);
        return describePlaces(placesOfDocument(result.order, chart.directory, file, documentRange), result.order);
      }
    : undefined;
  const version = document.version;
  const help = findingsHelp(await findingsOf(params.textDocument.uri), offset);
  const result = await engineHover(file, offset, placesOf);
  // An analysis holds until the file's next one (analysis/file.ts): a hover of an older text is not answered.
  if ((!result && !help) || token.isCancellationRequested || document.version !== version) return null;
  const contents = [help?.contents, result?.contents].filter((part) => part !== undefined).join('\n\n---\n\n');
  return {
    contents: { kind: MarkupKind.Markdown, value: contents },
    range: toLspRange(file.lines, (result ?? help)!.range),
  };
}
