import * as vscode from 'vscode';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { LanguageClient, RequestType, State, TransportKind } from 'vscode-languageclient/node';
import type { HookOrderParams, HookOrderResult } from './protocol';
import { HOOK_ORDER_METHOD, SERVER_NODE_OPTIONS } from './protocol';
import type { ServerStatus } from './statusModel';

/** The client id is also the settings prefix: vscode-languageclient reads `helmHooks.trace.server` by it. */
export const CLIENT_ID = 'helmHooks';
export const CLIENT_NAME = 'Helm Hooks';

/**
 * Chart templates are `helm` once the language contribution claims them, but another extension may keep them as
 * `yaml`, so the patterns match them either way. Only `file` documents belong to a chart on disk; untitled `helm`
 * buffers still get the syntax checks. Patterns are plain strings so that the same selector serves
 * `vscode.languages.match` and the LanguageClient.
 */
export const documentSelector: { scheme: string; language?: string; pattern?: string }[] = [
  { scheme: 'file', language: 'helm' },
  { scheme: 'untitled', language: 'helm' },
  { scheme: 'file', pattern: '**/templates/**/*.{yaml,yml,tpl}' },
  { scheme: 'file', pattern: '**/{Chart.yaml,values.yaml,.helm-hooks.yaml}' },
];

const hookOrderRequest = new RequestType<HookOrderParams, HookOrderResult, void>(HOOK_ORDER_METHOD);

/**
 * Owns the LanguageClient. A client whose start failed cannot be started again, so a restart after a failure makes
 * a new one; listeners subscribe here rather than to a particular client.
 */
export class ServerConnection implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private clientListeners: vscode.Disposable[] = [];
  private stopRequested = false;
  private currentStatus: ServerStatus = 'stopped';
  private readonly statusEmitter = new vscode.EventEmitter<ServerStatus>();
  private readonly diagnosticsEmitter = new vscode.EventEmitter<vscode.Uri>();

  /** Fires on every change of the server's state. */
  readonly onDidChangeStatus = this.statusEmitter.event;
  /**
   * Fires after the server published diagnostics or the client pulled them: its view of the chart changed, and so may
   * the hook order.
   */
  readonly onDidPublishDiagnostics = this.diagnosticsEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
  ) {}

  get status(): ServerStatus {
    return this.currentStatus;
  }

  /** Starts the server; a failure is reported to the user and in the status, never thrown. */
  async start(): Promise<void> {
    this.stopRequested = false;
    this.client ??= this.createClient();
    try {
      await this.client.start();
    } catch (error) {
      this.output.error(`The language server failed to start: ${describe(error)}`);
      // The LanguageClient has already told the user; the status item keeps saying it.
      this.setStatus('failed');
    }
  }

  async restart(): Promise<void> {
    const client = this.client;
    // A client cannot be stopped half-way through its start.
    if (client?.state === State.Starting) await client.start().catch(() => undefined);
    if (client?.isRunning()) {
      this.stopRequested = true;
      try {
        await client.restart();
        this.stopRequested = false;
        return;
      } catch (error) {
        this.output.error(`Restarting the language server failed: ${describe(error)}`);
      }
    }
    await this.disposeClient();
    await this.start();
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    await this.disposeClient();
  }

  /** The timeline of the chart holding `uri`. */
  async hookOrder(uri: vscode.Uri, token: vscode.CancellationToken): Promise<HookOrderResult> {
    const client = this.client;
    if (!client?.isRunning()) throw new Error('the Helm Hooks language server is not running');
    return client.sendRequest(hookOrderRequest, { uri: client.code2ProtocolConverter.asUri(uri) }, token);
  }

  /** The editor URI of a URI the server sent. */
  asCodeUri(uri: string): vscode.Uri {
    return this.client ? this.client.protocol2CodeConverter.asUri(uri) : vscode.Uri.parse(uri);
  }

  dispose(): void {
    void this.stop();
    this.statusEmitter.dispose();
    this.diagnosticsEmitter.dispose();
  }

  private createClient(): LanguageClient {
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_OPTIONS] } },
      debug: {
        module,
        transport: TransportKind.ipc,
        options: { execArgv: [...SERVER_NODE_OPTIONS, '--nolazy', '--inspect=6009'] },
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector,
      outputChannel: this.output,
      diagnosticCollectionName: 'helm-hooks',
      // No `synchronize`: the server registers the file watchers and the configuration notification it needs.
      // The server offers pull diagnostics (LSP 3.17: the open documents' and, through the workspace pull, the rest of
      // each chart's), which this client uses; each answer, like a publish, says the chart was checked again.
      middleware: {
        handleDiagnostics: (uri, diagnostics, next) => {
          next(uri, diagnostics);
          this.diagnosticsEmitter.fire(uri);
        },
        provideDiagnostics: async (document, previousResultId, token, next) => {
          const report = await next(document, previousResultId, token);
          this.diagnosticsEmitter.fire(document instanceof vscode.Uri ? document : document.uri);
          return report;
        },
        provideWorkspaceDiagnostics: (resultIds, token, resultReporter, next) =>
          next(resultIds, token, (chunk) => {
            resultReporter(chunk);
            for (const item of chunk?.items ?? []) this.diagnosticsEmitter.fire(item.uri);
          }),
      },
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    this.clientListeners.push(client.onDidChangeState(({ newState }) => this.setStatus(this.statusOf(newState))));
    return client;
  }

  private statusOf(state: State): ServerStatus {
    switch (state) {
      case State.Starting:
        return 'starting';
      case State.Running:
        return 'running';
      case State.StartFailed:
        return 'failed';
      case State.Stopped:
        return this.stopRequested ? 'stopped' : 'crashed';
    }
  }

  private setStatus(status: ServerStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.statusEmitter.fire(status);
  }

  private async disposeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        // dispose() stops a running server and releases the client; it throws for a client that never ran.
        await client.dispose();
      } catch (error) {
        this.output.debug(`Disposing the language client: ${describe(error)}`);
      }
    }
    for (const listener of this.clientListeners.splice(0)) listener.dispose();
    this.setStatus('stopped');
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
