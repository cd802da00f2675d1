import * as vscode from 'vscode';
import type { ServerConnection } from './client';
import { documentSelector } from './client';
import { presentStatus } from './statusModel';

/**
 * A status bar item for the language server: shown next to chart files, and always while the server is down, so
 * that silence in the Problems panel is never mistaken for a clean chart.
 */
export class ServerStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'helmHooks.serverStatus',
    vscode.StatusBarAlignment.Right,
    100,
  );
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly server: ServerConnection) {
    this.item.name = 'Helm Hooks Language Server';
    this.item.command = 'helmHooks.showOutput';
    this.listeners = [
      server.onDidChangeStatus(() => this.update()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
    ];
    this.update();
  }

  dispose(): void {
    for (const listener of this.listeners) listener.dispose();
    this.item.dispose();
  }

  private update(): void {
    const presentation = presentStatus(this.server.status);
    this.item.text = presentation.text;
    this.item.tooltip = presentation.tooltip;
    this.item.backgroundColor = presentation.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    const document = vscode.window.activeTextEditor?.document;
    const nearChart = document !== undefined && vscode.languages.match(documentSelector, document) > 0;
    if (presentation.error || nearChart) this.item.show();
    else this.item.hide();
  }
}
