import * as vscode from 'vscode';
import type { ServerConnection } from './client';
import { documentSelector } from './client';
import type { GroupNode, HookOrderModel, HookOrderState, LeafNode } from './hookOrderModel';
import { isGroup, presentHookOrder } from './hookOrderModel';

export const HOOK_ORDER_VIEW_ID = 'helmHooks.hookOrder';
const STATE_CONTEXT_KEY = 'helmHooks.hookOrder.state';
/** The server re-publishes diagnostics for every open file of a chart after one edit: ask once for the burst. */
const REFRESH_DELAY_MS = 300;

type Node = GroupNode | LeafNode;

const GROUP_ICONS: Record<GroupNode['kind'], string> = {
  operation: 'run-all',
  event: 'symbol-event',
  resources: 'package',
  unknownGroup: 'question',
};

/**
 * The "Helm Hooks" view: the timeline of the chart that holds the chart file last active in the editor, by event,
 * in the order Helm runs the hooks. The timeline comes from the server (`helmHooks/hookOrder`), so the view and the code lenses agree.
 */
export class HookOrderView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly treeView: vscode.TreeView<Node>;
  private readonly listeners: vscode.Disposable[];
  private model: HookOrderModel = { state: 'noChart', groups: [] };
  /** The file (or chart folder) whose chart is asked for. */
  private target: vscode.Uri | undefined;
  /** The target whose chart is on display; the view returns to it when the user visits a file outside any chart. */
  private shown: vscode.Uri | undefined;
  private pending: vscode.CancellationTokenSource | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly server: ServerConnection) {
    this.treeView = vscode.window.createTreeView(HOOK_ORDER_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.listeners = [
      this.treeView,
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && this.follow(editor.document)) this.scheduleRefresh();
      }),
      vscode.workspace.onDidSaveTextDocument(() => this.scheduleRefresh()),
      server.onDidPublishDiagnostics(() => this.scheduleRefresh()),
      server.onDidChangeStatus(() => this.scheduleRefresh()),
      this.treeView.onDidChangeVisibility(({ visible }) => {
        if (visible) this.scheduleRefresh();
      }),
    ];
    const active = vscode.window.activeTextEditor?.document;
    if (active) this.follow(active);
    void this.setState('noChart');
  }

  /** Shows the chart of `uri` (or of the file already followed) now, even when `uri` belongs to no chart. */
  async show(uri?: vscode.Uri): Promise<void> {
    if (uri) this.target = uri;
    await this.refresh(true);
  }

  get state(): HookOrderState {
    return this.model.state;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (isGroup(node)) {
      const item = new vscode.TreeItem(
        node.label,
        node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = node.id;
      item.description = node.description;
      item.iconPath = new vscode.ThemeIcon(GROUP_ICONS[node.kind]);
      item.contextValue = `helmHooks.${node.kind}`;
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(
      node.kind === 'resource'
        ? 'symbol-object'
        : node.missingRead
          ? 'warning'
          : node.certain
            ? 'debug-stackframe-dot'
            : 'question',
    );
    item.contextValue = `helmHooks.${node.kind}`;
    const { start, end } = node.range;
    const options: vscode.TextDocumentShowOptions = {
      selection: new vscode.Range(start.line, start.character, end.line, end.character),
    };
    item.command = { command: 'vscode.open', title: 'Open', arguments: [this.server.asCodeUri(node.uri), options] };
    return item;
  }

  getChildren(node?: Node): Node[] {
    if (node === undefined) return this.model.groups;
    return isGroup(node) ? node.children : [];
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.pending?.cancel();
    this.pending?.dispose();
    for (const listener of this.listeners) listener.dispose();
    this.changeEmitter.dispose();
  }

  /** Follows `document` when it is a chart file; reports whether the followed file changed. */
  private follow(document: vscode.TextDocument): boolean {
    if (document.uri.scheme !== 'file' || vscode.languages.match(documentSelector, document) === 0) return false;
    if (this.target?.toString() === document.uri.toString()) return false;
    this.target = document.uri;
    return true;
  }

  private scheduleRefresh(): void {
    if (!this.treeView.visible) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  private async refresh(explicit = false): Promise<void> {
    clearTimeout(this.timer);
    this.pending?.cancel();
    this.pending?.dispose();
    this.pending = new vscode.CancellationTokenSource();
    const token = this.pending.token;
    const target = this.target;
    let model: HookOrderModel;
    if (target === undefined) model = { state: 'noChart', groups: [] };
    else if (this.server.status !== 'running') model = { state: 'serverDown', groups: [] };
    else {
      try {
        model = presentHookOrder(await this.server.hookOrder(target, token));
      } catch (error) {
        if (token.isCancellationRequested) return;
        this.server.output.error(
          `Computing the hook order failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        model = { state: this.server.status === 'running' ? 'error' : 'serverDown', groups: [] };
      }
    }
    if (token.isCancellationRequested) return;
    if (model.state === 'noChart' && !explicit && this.shown !== undefined && target !== this.shown) {
      // A config file above the chart, or a stray `templates/` folder: keep the chart the user was looking at.
      this.target = this.shown;
      return;
    }
    if (model.chart !== undefined) this.shown = target;
    this.model = model;
    this.treeView.description = model.chart;
    this.treeView.message = model.message;
    await this.setState(model.state);
    this.changeEmitter.fire(undefined);
  }

  private async setState(state: HookOrderState): Promise<void> {
    await vscode.commands.executeCommand('setContext', STATE_CONTEXT_KEY, state);
  }
}
