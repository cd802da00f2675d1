import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type {
  Diagnostic,
  InitializeParams,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import { SERVER_NODE_OPTIONS } from '../server/src/protocol';
import { REPO_ROOT } from '../test/support/paths';

/** The bundled server; HELM_HOOKS_SERVER names another bundle (a private build measured beside dist/). */
export const SERVER = process.env.HELM_HOOKS_SERVER ?? join(REPO_ROOT, 'dist', 'server.js');

/**
 * Node options for the server process, space-separated, from HELM_HOOKS_SERVER_NODE_ARGS: to profile it under the
 * bench's load (`--cpu-prof --cpu-prof-dir=DIR`), which NODE_OPTIONS does not allow.
 */
const SERVER_NODE_ARGS = (process.env.HELM_HOOKS_SERVER_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');

export interface Memory {
  heapUsed: number;
  rss: number;
}

interface Waiter {
  uri: string;
  accept: (params: PublishDiagnosticsParams) => boolean;
  resolve: (received: Received) => void;
}

export interface Received {
  params: PublishDiagnosticsParams;
  /** performance.now() when the notification was read. */
  at: number;
}

export interface SessionOptions {
  /** The workspace folder the client opens. */
  root: string;
  debounceMs?: number;
  /** Evaluate charts on the server's worker thread (its default); false checks templates as written only. */
  evaluate?: boolean;
  /** `helmHooks` settings, sent with didChangeConfiguration once initialized (default: the server's defaults). */
  settings?: Record<string, unknown>;
  /**
   * Run the server under bench/server-host (same bundle, same stdio transport) with `--expose-gc`, so that `memory()`
   * can report the heap after a forced GC.
   */
  measurableHeap?: boolean;
}

/** An LSP client over stdio to `node [SERVER_NODE_OPTIONS] dist/server.js --stdio`, with only what the bench and the stress tests need. */
export class LspSession {
  private readonly waiters: Waiter[] = [];
  private readonly logWaiters: { accept: (message: string) => boolean; resolve: (at: number) => void }[] = [];
  private readonly latest = new Map<string, Received>();
  private readonly stderr: string[] = [];
  private exited = false;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    child.on('exit', () => {
      this.exited = true;
    });
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      const received = { params, at: performance.now() };
      this.latest.set(params.uri, received);
      for (let index = this.waiters.length - 1; index >= 0; index--) {
        const waiter = this.waiters[index]!;
        if (waiter.uri === params.uri && waiter.accept(params)) {
          this.waiters.splice(index, 1);
          waiter.resolve(received);
        }
      }
    });
    connection.onNotification('window/logMessage', ({ message }: { message: string }) => {
      const at = performance.now();
      for (let index = this.logWaiters.length - 1; index >= 0; index--) {
        const waiter = this.logWaiters[index]!;
        if (waiter.accept(message)) {
          this.logWaiters.splice(index, 1);
          waiter.resolve(at);
        }
      }
    });
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => null));
    connection.onRequest('client/registerCapability', () => null);
    connection.listen();
  }

  static available(): boolean {
    return existsSync(SERVER);
  }

  static async start(options: SessionOptions): Promise<LspSession> {
    // Started as the VS Code extension starts it (SERVER_NODE_OPTIONS), over stdio as other editors talk to it.
    const args = [
      ...SERVER_NODE_OPTIONS,
      ...SERVER_NODE_ARGS,
      ...(options.measurableHeap ? ['--expose-gc', join(__dirname, 'server-host.js'), '--stdio'] : [SERVER, '--stdio']),
    ];
    const child = spawn(process.execPath, args, {
      cwd: options.root,
      stdio: options.measurableHeap ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, HELM_HOOKS_SERVER: SERVER },
    });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const session = new LspSession(child, connection);
    const rootUri = pathToFileURL(options.root).href;
    const params: InitializeParams = {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } } },
      initializationOptions: {
        debounceMs: options.debounceMs ?? 0,
        ...(options.evaluate === false ? { evaluate: false } : {}),
      },
    };
    await connection.sendRequest('initialize', params);
    await connection.sendNotification('initialized', {});
    if (options.settings)
      await connection.sendNotification('workspace/didChangeConfiguration', {
        settings: { helmHooks: options.settings },
      });
    return session;
  }

  static uri(path: string): string {
    return pathToFileURL(path).href;
  }

  async open(path: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: LspSession.uri(path), languageId: 'helm', version, text },
    });
  }

  async change(path: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: LspSession.uri(path), version },
      contentChanges: changes,
    });
  }

  async close(path: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri: LspSession.uri(path) } });
  }

  /** The next diagnostics for `path` that `accept` takes (by default: those of `version`), within `timeoutMs`. */
  diagnostics(
    path: string,
    version: number | undefined,
    timeoutMs: number,
    accept?: (params: PublishDiagnosticsParams) => boolean,
  ): Promise<Received> {
    const uri = LspSession.uri(path);
    const test = accept ?? ((params: PublishDiagnosticsParams) => params.version === version);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(
          new Error(
            `no diagnostics for ${path}${version === undefined ? '' : ` version ${version}`} within ${timeoutMs} ms${this.exited ? ' (the server exited)' : ''}: ${this.stderr.join('').slice(-2000)}`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        uri,
        accept: test,
        resolve: (received) => {
          clearTimeout(timer);
          resolve(received);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** performance.now() when the next log message that `accept` takes was read, within `timeoutMs`. */
  log(accept: (message: string) => boolean, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no such log message within ${timeoutMs} ms${this.exited ? ' (the server exited)' : ''}`)),
        timeoutMs,
      );
      this.logWaiters.push({
        accept,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      });
    });
  }

  /** How many files have had diagnostics published (the last publish of each not empty). */
  filesWithDiagnostics(): number {
    return [...this.latest.values()].filter((received) => received.params.diagnostics.length > 0).length;
  }

  /** The last diagnostics received for `path`. */
  lastDiagnostics(path: string): Received | undefined {
    return this.latest.get(LspSession.uri(path));
  }

  /** The server's heap in use after a forced GC, and its RSS (only with `measurableHeap`). */
  memory(): Promise<Memory & { gc: boolean }> {
    return new Promise((resolve, reject) => {
      if (!this.child.send) {
        reject(new Error('the server was not started with measurableHeap'));
        return;
      }
      this.child.once('message', (message) => resolve(message as Memory & { gc: boolean }));
      this.child.send('memory');
    });
  }

  /** Resident set size of the server process, read by the OS (bytes). */
  rss(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kilobytes = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (!kilobytes) throw new Error('no VmRSS in /proc status');
    return Number(kilobytes) * 1024;
  }

  isRunning(): boolean {
    return !this.exited;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), delay(2000)]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone; killing it below is what matters.
    }
    await Promise.race([exited, delay(2000)]);
    if (!this.exited) this.child.kill();
    this.connection.dispose();
  }
}

export type { Diagnostic };

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
