import { CancellationToken, Hover, HoverParams, MarkupKind } from 'vscode-languageserver/node';
import { hover as engineHover } from '../engine/services/hover';
import { ServerContext } from './context';
import { toLspRange } from './ranges';
import { uriToPath } from './workspace';

export function hover(context: ServerContext, params: HoverParams, token: CancellationToken): Hover | null {
  const document = context.documents.get(params.textDocument.uri);
  const path = uriToPath(params.textDocument.uri);
  if (!document || path === undefined || !context.workspace.isTemplate(path)) return null;
  const analysed = context.workspace.analysis(path, document.getText());
  if (!analysed || token.isCancellationRequested) return null;
  const file = analysed.file;
  const offset = file.lines.offset(params.position);
  const chart = context.workspace.chartOf(path);
  const order = chart && analysed.hooks.length > 0 ? context.workspace.chartOrder(chart, () => token.isCancellationRequested) : undefined;
  if (token.isCancellationRequested) return null;
  const result = engineHover(file, offset, order);
  if (!result) return null;
  return { contents: { kind: MarkupKind.Markdown, value: result.contents }, range: toLspRange(file.lines, result.range) };
}
