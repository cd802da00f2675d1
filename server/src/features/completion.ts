import type { CancellationToken, CompletionItem, CompletionParams } from 'vscode-languageserver/node';
import { CompletionItemKind, MarkupKind, TextEdit } from 'vscode-languageserver/node';
import { join } from 'node:path';
import type { OrderJson } from '../engine/order/chart-order';
import type { CompletionKind, WeightInUse } from '../engine/services/complete';
import { complete, completesWeight } from '../engine/services/complete';
import type { ServerContext } from './context';
import type { HookOrders } from './hookOrder';
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

export async function completion(
  context: ServerContext,
  orders: HookOrders,
  params: CompletionParams,
  token: CancellationToken,
): Promise<CompletionItem[]> {
  const document = context.documents.get(params.textDocument.uri);
  const path = uriToPath(params.textDocument.uri);
  if (!document || path === undefined || !context.workspace.isTemplate(path)) return [];
  const analysed = context.workspace.analysis(path, document.getText());
  if (!analysed || token.isCancellationRequested) return [];
  const file = analysed.file;
  const offset = file.lines.offset(params.position);
  // The weights in use come from the whole chart; other kinds of completion need only this file.
  const chart = context.workspace.chartOf(path);
  // Waits for the current order: a weight offered from an older state of the chart would mislead.
  const version = document.version;
  const weights =
    completesWeight(file, offset) && chart
      ? weightsInUse((await orders.orderOf(chart)).result.order, chart.directory)
      : [];
  // An analysis holds until the file's next one (analysis/file.ts): completions of an older text are not answered.
  if (token.isCancellationRequested || document.version !== version) return [];
  return complete(file, offset, weights).map((item) => {
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

/** The weights the chart's hooks run with in each event, from the chart's order as Helm renders it. */
function weightsInUse(order: OrderJson, chartDirectory: string): WeightInUse[] {
  return order.operations.flatMap(({ steps }) =>
    steps.flatMap((step) =>
      'hooks' in step
        ? step.hooks.flatMap((hook) =>
            hook.weight === null
              ? []
              : [
                  {
                    event: step.event,
                    weight: BigInt(hook.weight),
                    ...(hook.name !== null ? { name: hook.name } : {}),
                    ...(hook.kind !== null ? { kind: hook.kind } : {}),
                    file: join(chartDirectory, ...hook.file.split('/')),
                    line: hook.line,
                  },
                ],
          )
        : [],
    ),
  );
}
