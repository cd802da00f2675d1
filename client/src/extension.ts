import * as vscode from 'vscode';
import { ServerConnection } from './client';
import { registerCommands } from './commands';
import { HookOrderView } from './hookOrderView';
import { ServerStatusItem } from './status';

let server: ServerConnection | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Helm Hooks', { log: true });
  server = new ServerConnection(context, output);
  const view = new HookOrderView(server);
  context.subscriptions.push(output, server, new ServerStatusItem(server), view, ...registerCommands(server, view));
  await server.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
