import { CancellationToken, CompletionItem, CompletionItemKind, CompletionParams, MarkupKind, TextEdit } from 'vscode-languageserver/node';
import { complete, CompletionKind } from '../engine/services/complete';
import { ServerContext } from './context';
import { toLspRange } from './ranges';
import { uriToPath } from './workspace';

/** Typing one of these right after a key, inside a list or a quote may open the list by itself. */
export const COMPLETION_TRIGGERS = [':', ',', '"', '/'];

const KIND: Record<CompletionKind, CompletionItemKind> = {
  key: CompletionItemKind.Property,
  event: CompletionItemKind.EnumMember,
  policy: CompletionItemKind.EnumMember,
  weight: CompletionItemKind.Value,
};

export function completion(context: ServerContext, params: CompletionParams, token: CancellationToken): CompletionItem[] {
  const document = context.documents.get(params.textDocument.uri);
  const path = uriToPath(params.textDocument.uri);
  if (!document || path === undefined || !context.workspace.isTemplate(path)) return [];
  const analysed = context.workspace.analysis(path, document.getText());
  if (!analysed || token.isCancellationRequested) return [];
  const file = analysed.file;
  const offset = file.lines.offset(params.position);
  // The weights in use come from the whole chart; other kinds of completion need only this file.
  const needsChart = /helm\.sh\/hook-weight\s*:/.test(file.text.slice(file.lines.lineStart(params.position.line), offset));
  const chart = context.workspace.chartOf(path);
  const order = needsChart && chart ? context.workspace.chartOrder(chart, () => token.isCancellationRequested) : undefined;
  if (token.isCancellationRequested) return [];
  const hooks = order ? order.events.flatMap((event) => event.hooks.map((entry) => entry.hook)) : [];
  return complete(file, offset, [...new Set(hooks)]).map((item) => {
    const result: CompletionItem = {
      label: item.label,
      kind: KIND[item.kind],
      textEdit: TextEdit.replace(toLspRange(file.lines, item.edit.range), item.edit.newText),
      sortText: item.sortText,
      filterText: item.label,
    };
    if (item.detail) result.detail = item.detail;
    if (item.documentation) result.documentation = { kind: MarkupKind.Markdown, value: item.documentation };
    return result;
  });
}
