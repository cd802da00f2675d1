import * as vscode from 'vscode';
import type { ServerConnection } from './client';
import { documentSelector } from './client';
import type { HookOrderView } from './hookOrderView';
import { HOOK_ORDER_VIEW_ID } from './hookOrderView';
import { FIX_ALL_KIND as FIX_ALL_KIND_VALUE } from './protocol';

const FIX_ALL_KIND = vscode.CodeActionKind.Empty.append(FIX_ALL_KIND_VALUE);

export function registerCommands(server: ServerConnection, view: HookOrderView): vscode.Disposable[] {
  return [
    // The server's code lenses pass the document's URI as a string.
    vscode.commands.registerCommand('helmHooks.showHookOrder', (uri?: string | vscode.Uri) =>
      showHookOrder(view, typeof uri === 'string' ? server.asCodeUri(uri) : uri),
    ),
    vscode.commands.registerCommand('helmHooks.refreshHookOrder', () => view.show()),
    vscode.commands.registerCommand('helmHooks.fixAll', () => fixAll()),
    vscode.commands.registerCommand('helmHooks.restartServer', () => restartServer(server)),
    vscode.commands.registerCommand('helmHooks.showOutput', () => server.output.show(true)),
  ];
}

async function showHookOrder(view: HookOrderView, given: vscode.Uri | undefined): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  const active =
    document && document.uri.scheme === 'file' && vscode.languages.match(documentSelector, document) > 0
      ? document.uri
      : undefined;
  await vscode.commands.executeCommand(`${HOOK_ORDER_VIEW_ID}.focus`);
  await view.show(given ?? active);
  if (view.state !== 'noChart') return;
  const chart = await pickChart();
  if (chart) await view.show(chart);
}

/** The folder of the chart to show when the editor names none; a workspace with one chart needs no question. */
async function pickChart(): Promise<vscode.Uri | undefined> {
  const charts = (await vscode.workspace.findFiles('**/Chart.yaml', '**/node_modules/**', 200)).map((uri) =>
    vscode.Uri.joinPath(uri, '..'),
  );
  if (charts.length <= 1) return charts[0];
  const items = charts
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Which chart’s hook order?' });
  return picked?.uri;
}

async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || vscode.languages.match(documentSelector, editor.document) === 0) {
    void vscode.window.showInformationMessage('Helm Hooks: open a chart template to fix its hooks.');
    return;
  }
  const document = editor.document;
  const whole = document.validateRange(new vscode.Range(0, 0, document.lineCount, 0));
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[] | undefined>(
    'vscode.executeCodeActionProvider',
    document.uri,
    whole,
    FIX_ALL_KIND.value,
    // The server may leave edits to codeAction/resolve; resolve every returned action.
    10,
  );
  const fixes = (actions ?? []).filter(
    (action): action is vscode.CodeAction =>
      'kind' in action && action.kind !== undefined && FIX_ALL_KIND.contains(action.kind),
  );
  let applied = false;
  for (const fix of fixes) {
    if (fix.edit && fix.edit.size > 0) applied = (await vscode.workspace.applyEdit(fix.edit)) || applied;
    if (fix.command) {
      await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
      applied = true;
    }
  }
  vscode.window.setStatusBarMessage(
    applied ? 'Helm Hooks: applied the safe fixes.' : 'Helm Hooks: no safe fixes in this file.',
    4000,
  );
}

async function restartServer(server: ServerConnection): Promise<void> {
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Restarting the Helm Hooks language server' },
    () => server.restart(),
  );
}
