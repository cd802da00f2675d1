import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities,
  CodeAction,
  CodeLens,
  CompletionItem,
  Diagnostic,
  Hover,
  InitializeResult,
  LogMessageParams,
  Position,
  ProtocolConnection,
  PublishDiagnosticsParams,
  Range,
  WorkspaceDiagnosticReport,
  WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import {
  createProtocolConnection,
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DiagnosticRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticReportKind,
  DocumentDiagnosticRequest,
  ExitNotification,
  FileChangeType,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  MessageType,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  WorkspaceDiagnosticRequest,
} from 'vscode-languageserver-protocol/node';
import type { HookOrderResult } from '../../server/src/protocol';
import { HOOK_ORDER_METHOD } from '../../server/src/protocol';
import { REPO_ROOT } from '../support/paths';

export const SERVER = join(REPO_ROOT, 'dist', 'server.js');

export interface Publish {
  seq: number;
  at: number;
  params: PublishDiagnosticsParams;
}

/** A file's report from a workspace diagnostic pull, streamed as a partial result or in the final answer. */
export interface WorkspaceItem {
  seq: number;
  report: WorkspaceDocumentDiagnosticReport;
}

export interface StartOptions {
  initializationOptions?: unknown;
  /** What `workspace/configuration` answers for the `helmHooks` section. */
  settings?: Record<string, unknown>;
  capabilities?: ClientCapabilities;
}

export const CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    codeLens: { refreshSupport: true },
  },
  textDocument: {
    publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, versionSupport: true },
    completion: { completionItem: { snippetSupport: false } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } } },
  },
};

/** A language client speaking JSON-RPC (vscode-jsonrpc streams, typed by vscode-languageserver-protocol) to `node dist/server.js --stdio`, recording what the server sends. */
export class LspClient {
  readonly publishes: Publish[] = [];
  /** `window/logMessage`: what the client shows in its output channel. */
  readonly logs: LogMessageParams[] = [];
  readonly registrations: string[] = [];
  /** Every file report the workspace diagnostic pulls brought, in order (sharing `seq` with `publishes`). */
  readonly workspaceItems: WorkspaceItem[] = [];
  codeLensRefreshes = 0;
  diagnosticRefreshes = 0;
  settings: Record<string, unknown>;
  exitCode: number | null = null;
  private seq = 0;
  private readonly versions = new Map<string, number>();
  private readonly waiters: (() => void)[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
    settings: Record<string, unknown>,
  ) {
    this.settings = settings;
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        this.exitCode = code;
        resolve(code);
        this.notify();
      }),
    );
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.publishes.push({ seq: ++this.seq, at: performance.now(), params });
      this.notify();
    });
    connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params);
      this.notify();
    });
    connection.onRequest('client/registerCapability', (params: { registrations: { method: string }[] }) => {
      for (const registration of params.registrations) this.registrations.push(registration.method);
      return null;
    });
    connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === 'helmHooks' ? this.settings : null)),
    );
    connection.onRequest(DiagnosticRefreshRequest.method, () => {
      this.diagnosticRefreshes++;
      this.notify();
      return null;
    });
    connection.onRequest('workspace/codeLens/refresh', () => {
      this.codeLensRefreshes++;
      this.notify();
      return null;
    });
  }

  static async start(options: StartOptions = {}): Promise<{ client: LspClient; initialize: InitializeResult }> {
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    connection.listen();
    const client = new LspClient(child, connection, options.settings ?? {});
    const initialize = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: options.capabilities ?? CAPABILITIES,
      initializationOptions: options.initializationOptions ?? { debounceMs: 0 },
      workspaceFolders: null,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return { client, initialize };
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves when `condition` holds, re-checked after every message; rejects after `timeoutMs`. */
  async waitFor<T>(what: string, condition: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = condition();
      if (value !== undefined && value !== false) return value;
      if (this.exitCode !== null) throw new Error(`server exited (${this.exitCode}) while waiting for ${what}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** The first diagnostics published for `uri` after publish number `afterSeq` (and for `version`, when given). */
  diagnosticsAfter(uri: string, afterSeq: number, version?: number): Promise<Publish> {
    return this.waitFor(`diagnostics for ${uri}`, () =>
      this.publishes.find(
        (p) => p.seq > afterSeq && p.params.uri === uri && (version === undefined || p.params.version === version),
      ),
    );
  }

  async open(path: string, text: string = readFileSync(path, 'utf8'), languageId = 'helm'): Promise<string> {
    const uri = pathToFileURL(path).href;
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
    return uri;
  }

  /** Opens a document and waits for its first diagnostics. */
  async openAndWait(path: string, text?: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const before = this.lastSeq;
    const uri = await this.open(path, text);
    const publish = await this.diagnosticsAfter(uri, before, 1);
    return { uri, diagnostics: publish.params.diagnostics };
  }

  /** Sends a change (whole text, or a range edit) and returns the new version. */
  async change(uri: string, edit: string | { range: Range; text: string }): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const change = typeof edit === 'string' ? { text: edit } : edit;
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [change],
    });
    return version;
  }

  async changeAndWait(uri: string, edit: string | { range: Range; text: string }): Promise<Diagnostic[]> {
    const before = this.lastSeq;
    const version = await this.change(uri, edit);
    return (await this.diagnosticsAfter(uri, before, version)).params.diagnostics;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { helmHooks: settings },
    });
  }

  async fileChanged(path: string, type: FileChangeType = FileChangeType.Changed): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(path).href, type }],
    });
  }

  completion(uri: string, position: Position): Promise<CompletionItem[]> {
    return this.connection
      .sendRequest(CompletionRequest.type, { textDocument: { uri }, position })
      .then((result) => (Array.isArray(result) ? result : (result?.items ?? [])));
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[] = [], only?: string[]): Promise<CodeAction[]> {
    const context = only ? { diagnostics, only } : { diagnostics };
    const result = await this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context });
    return (result ?? []).filter(
      (action): action is CodeAction =>
        'title' in action && !('command' in action && typeof action.command === 'string'),
    );
  }

  async codeLenses(uri: string): Promise<CodeLens[]> {
    return (await this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  }

  /** `textDocument/diagnostic`: the items of the full report the server answers with. */
  async pullDiagnostics(uri: string): Promise<Diagnostic[]> {
    const report = await this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    if (report.kind !== DocumentDiagnosticReportKind.Full)
      throw new Error(`expected a full report for ${uri}, got ${report.kind}`);
    return report.items;
  }

  /**
   * `workspace/diagnostic`, as VS Code's client sends it: with a partial result token, so that the server can stream
   * each change while the request stays open. Every report received is recorded in `workspaceItems`; the returned
   * promise settles with the final answer (once the server ends the request).
   */
  pullWorkspace(
    previousResultIds: { uri: string; value: string }[] = [],
    streamed = true,
  ): Promise<WorkspaceDiagnosticReport> {
    const record = (items: WorkspaceDocumentDiagnosticReport[]) => {
      for (const report of items) this.workspaceItems.push({ seq: ++this.seq, report });
      this.notify();
    };
    const partialResultToken = streamed ? `workspace-${this.seq}-${Math.random()}` : undefined;
    if (partialResultToken)
      this.connection.onProgress(WorkspaceDiagnosticRequest.partialResult, partialResultToken, (partial) =>
        record(partial.items),
      );
    return this.connection
      .sendRequest(
        WorkspaceDiagnosticRequest.type,
        partialResultToken ? { previousResultIds, partialResultToken } : { previousResultIds },
      )
      .then((result) => {
        record(result.items);
        return result;
      });
  }

  /** The last diagnostics a workspace pull brought for `uri`. */
  latestWorkspaceItem(uri: string): WorkspaceDocumentDiagnosticReport | undefined {
    return this.workspaceItems.filter((item) => item.report.uri === uri).pop()?.report;
  }

  hookOrder(uri: string): Promise<HookOrderResult> {
    return this.connection.sendRequest(HOOK_ORDER_METHOD, { uri });
  }

  /** shutdown then exit; resolves with the exit code. */
  async shutdown(): Promise<number | null> {
    if (this.exitCode !== null) return this.exitCode;
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await Promise.race([
      this.exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000)),
    ]);
    this.connection.dispose();
    if (code === 'timeout') {
      this.child.kill();
      throw new Error('server did not exit after shutdown and exit');
    }
    return code;
  }

  /** Errors the server logged instead of crashing: a handler or an evaluation that failed. */
  get handlerErrors(): string[] {
    return this.logs.filter((log) => log.type === MessageType.Error).map((log) => log.message);
  }
}
