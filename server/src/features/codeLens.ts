import { pathToFileURL } from 'node:url';
import { CancellationToken, CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import { describePlace } from '../engine/services/hover';
import { placesOf } from '../engine/order/order';
import { COMMANDS } from '../protocol';
import { ServerContext } from './context';
import { toLspRange } from './ranges';
import { uriToPath } from './workspace';

/** One lens on each `helm.sh/hook` line: the hook's place in the order of each of its events. */
export async function codeLenses(context: ServerContext, params: CodeLensParams, token: CancellationToken): Promise<CodeLens[]> {
  const document = context.documents.get(params.textDocument.uri);
  const path = uriToPath(params.textDocument.uri);
  if (!document || path === undefined || !context.workspace.isTemplate(path)) return [];
  const chart = context.workspace.chartOf(path)!;
  const settings = await context.configuration.settingsFor(pathToFileURL(chart.directory).href);
  if (!settings.codeLens.enable || token.isCancellationRequested) return [];
  const analysed = context.workspace.analysis(path, document.getText());
  if (!analysed || analysed.hooks.length === 0) return [];
  const order = context.workspace.chartOrder(chart, () => token.isCancellationRequested);
  if (!order) return [];
  return analysed.hooks.map((hook) => {
    const places = placesOf(order, path, hook.documentIndex);
    const title = places.map((place) => describePlace(place.event, place.entry, place.of, order)).join(' | ');
    return {
      range: toLspRange(analysed.file.lines, hook.hookKeyRange),
      command: { title, command: COMMANDS.showHookOrder, arguments: [params.textDocument.uri] },
    };
  });
}
