import { randomUUID } from 'node:crypto';
import type {
  CancellationToken,
  Connection,
  Diagnostic,
  ResultProgressReporter,
  TextDocuments,
  WorkspaceDiagnosticParams,
  WorkspaceDiagnosticReport,
  WorkspaceDiagnosticReportPartialResult,
  WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import { DocumentDiagnosticReportKind, PublishDiagnosticsNotification } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { uriToPath } from './workspace';

/** One file's diagnostics; `version` when they are an open document's. */
export interface FileReport {
  diagnostics: Diagnostic[];
  version?: number;
}

/**
 * What the client has been given of each file, per chart, so that a file is sent only when its diagnostics change and
 * a file a chart no longer reports is cleared. How a report reaches the client is the subclass's: published, or kept
 * for the client to pull.
 */
export abstract class DiagnosticReports {
  /** Per file: its last report as sent, version included (an open document's new version is always sent). */
  private readonly signatures = new Map<string, string>();
  /** Per chart: the files reported since its last complete pass, so that the next complete pass can clear the rest. */
  private readonly filesOfCharts = new Map<string, Set<string>>();

  /**
   * A file's diagnostics, for the chart whose pass computed them (none for a document outside every chart). A file that
   * is not open and has none is not sent unless it had some: the client has nothing to clear. `repeat` sends an
   * unchanged report again where that tells the client something.
   */
  report(chart: string | undefined, uri: string, report: FileReport, repeat = false): void {
    if (chart !== undefined) this.filesOf(chart).add(uri);
    const signature = JSON.stringify([report.version ?? null, report.diagnostics]);
    const last = this.signatures.get(uri);
    if (last === signature && !(repeat && this.repeatsUnchanged)) return;
    if (last === undefined && report.version === undefined && report.diagnostics.length === 0) return;
    this.signatures.set(uri, signature);
    this.deliver(uri, report);
  }

  /** A pass over a chart reported each of `reported`: the files it reported before and not now lose their diagnostics. */
  passFinished(chart: string, reported: ReadonlySet<string>): void {
    const files = this.filesOf(chart);
    for (const uri of files) if (!reported.has(uri)) this.clear(uri);
    this.filesOfCharts.set(chart, new Set(reported));
  }

  /** No file of the chart is open any more: every file it reported loses its diagnostics. */
  chartClosed(chart: string): void {
    for (const uri of this.filesOfCharts.get(chart) ?? []) this.clear(uri);
    this.filesOfCharts.delete(chart);
  }

  /** A document closed: its diagnostics go until a pass reports the file again, as it is on disk. */
  documentClosed(uri: string): void {
    for (const files of this.filesOfCharts.values()) files.delete(uri);
    this.clear(uri);
  }

  /** Whether `repeat` sends an unchanged report again. */
  protected abstract readonly repeatsUnchanged: boolean;

  /** Sends what is held back until a pass ends (nothing, unless the client pulls); called after each pass. */
  flush(): void {}

  protected abstract deliver(uri: string, report: FileReport | undefined): void;

  private clear(uri: string): void {
    if (!this.signatures.delete(uri)) return;
    this.deliver(uri, undefined);
  }

  private filesOf(chart: string): Set<string> {
    let files = this.filesOfCharts.get(chart);
    if (!files) this.filesOfCharts.set(chart, (files = new Set()));
    return files;
  }
}

function publish(
  connection: Connection,
  uri: string,
  report: FileReport | undefined,
  log: (message: string) => void,
): void {
  const diagnostics = report?.diagnostics ?? [];
  const params = report?.version === undefined ? { uri, diagnostics } : { uri, version: report.version, diagnostics };
  connection
    .sendNotification(PublishDiagnosticsNotification.type, params)
    .catch((error: unknown) => log(`[error] publishing diagnostics for ${uri}: ${String(error)}`));
}

/** For clients without pull diagnostics: every report is published as it comes (`textDocument/publishDiagnostics`). */
export class PublishedDiagnostics extends DiagnosticReports {
  /** A client such as VS Code's hook order view takes a publish as the sign that the chart was checked again. */
  protected readonly repeatsUnchanged = true;

  constructor(
    private readonly connection: Connection,
    private readonly log: (message: string) => void,
  ) {
    super();
  }

  protected deliver(uri: string, report: FileReport | undefined): void {
    publish(this.connection, uri, report, this.log);
  }
}

function pathOf(uri: string): string {
  return uriToPath(uri) ?? uri;
}

interface Kept extends FileReport {
  resultId: string;
}

interface Waiter {
  version: number;
  answer: (kept: Kept | undefined) => void;
}

/** The workspace pull being answered: with partial results it stays open and each batch goes out as one. */
interface WorkspaceAnswer {
  progress: ResultProgressReporter<WorkspaceDiagnosticReportPartialResult> | undefined;
  resolve: (report: WorkspaceDiagnosticReport) => void;
}

/**
 * For clients with pull diagnostics (LSP 3.17): an open document's diagnostics answer `textDocument/diagnostic` once
 * the pass over its current version has reported them; the other files' go to the pending `workspace/diagnostic`
 * request, which stays open and gets each pass's changes as a partial result (VS Code's client keeps one open so).
 * When another open document's diagnostics change, the client is asked to pull again (`workspace/diagnostic/refresh`).
 * A client that declares pull support but has not asked for workspace diagnostics gets the files that are not open
 * published, until it asks.
 */
export class PulledDiagnostics extends DiagnosticReports {
  /** An unchanged report would only make the client pull again for nothing. */
  protected readonly repeatsUnchanged = false;
  private readonly kept = new Map<string, Kept>();
  private readonly waiters = new Map<string, Waiter[]>();
  /** Files whose diagnostics changed since the last workspace answer. */
  private readonly unsent = new Set<string>();
  /** Files the client pulls one by one: new diagnostics for one that no pull takes make the client pull again. */
  private readonly pulled = new Set<string>();
  /** Files that are not open whose diagnostics were published while the client had not pulled the workspace. */
  private readonly published = new Set<string>();
  private workspacePulled = false;
  /** A document pulled before got new diagnostics that no pull took: the client must pull again. */
  private refreshWanted = false;
  private workspace: WorkspaceAnswer | undefined;
  private readonly resultPrefix = randomUUID();
  private results = 0;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly canRefresh: boolean,
    private readonly log: (message: string) => void,
  ) {
    super();
  }

  /**
   * `textDocument/diagnostic`: an open document's diagnostics once a pass has reported its current version (or the
   * request is cancelled); a file that is not open gets what its chart's pass reported, else `unopened` computes them.
   */
  async documentDiagnostics(
    uri: string,
    token: CancellationToken,
    unopened: () => Promise<Diagnostic[]>,
  ): Promise<Diagnostic[]> {
    const document = this.documents.get(uri);
    // A later change of a file the client pulls asks it to pull again, even if it was not open when it asked.
    this.pulled.add(uri);
    if (!document) return this.kept.get(uri)?.diagnostics ?? unopened();
    const kept = this.kept.get(uri);
    if (kept?.version !== undefined && kept.version >= document.version) return kept.diagnostics;
    const answer = await new Promise<Kept | undefined>((resolve) => {
      const waiter: Waiter = { version: document.version, answer: resolve };
      const waiting = this.waiters.get(uri) ?? [];
      waiting.push(waiter);
      this.waiters.set(uri, waiting);
      token.onCancellationRequested(() => this.answer(uri, waiter, this.kept.get(uri)));
    });
    return answer?.diagnostics ?? [];
  }

  /**
   * `workspace/diagnostic`: every file whose diagnostics the client does not have, then (with partial results) each
   * change. The client's result ids are matched by path: its URIs may escape characters that ours do not.
   */
  workspaceDiagnostics(
    params: WorkspaceDiagnosticParams,
    token: CancellationToken,
    progress: ResultProgressReporter<WorkspaceDiagnosticReportPartialResult> | undefined,
  ): Promise<WorkspaceDiagnosticReport> {
    if (!this.workspacePulled) {
      this.workspacePulled = true;
      // From now on these come through the workspace pull; the published copies would show twice.
      for (const uri of this.published) publish(this.connection, uri, undefined, this.log);
      this.published.clear();
    }
    this.endWorkspaceAnswer();
    const known = new Map(params.previousResultIds.map((previous) => [pathOf(previous.uri), previous.value]));
    const keptPaths = new Set([...this.kept.keys()].map(pathOf));
    const items = [...new Set([...this.unsent, ...this.kept.keys()])]
      .filter((uri) => this.unsent.has(uri) || known.get(pathOf(uri)) !== this.kept.get(uri)?.resultId)
      .map((uri) => this.item(uri));
    // What the client has of a file no pass reports any more.
    for (const previous of params.previousResultIds)
      if (!keptPaths.has(pathOf(previous.uri)) && !this.unsent.has(previous.uri)) items.push(this.item(previous.uri));
    this.unsent.clear();
    return new Promise((resolve) => {
      const answer: WorkspaceAnswer = { progress, resolve };
      this.workspace = answer;
      token.onCancellationRequested(() => {
        if (this.workspace === answer) this.endWorkspaceAnswer();
      });
      if (items.length > 0) this.sendToWorkspace(items);
    });
  }

  override flush(): void {
    if (this.unsent.size > 0) {
      if (this.workspace) this.sendToWorkspace(this.takeUnsent());
      else if (!this.workspacePulled) this.publishUnopened();
    }
    if (this.refreshWanted && this.canRefresh) {
      this.refreshWanted = false;
      this.connection.languages.diagnostics
        .refresh()
        .catch((error: unknown) => this.log(`[error] asking the client to pull diagnostics again: ${String(error)}`));
    }
  }

  override documentClosed(uri: string): void {
    super.documentClosed(uri);
    this.pulled.delete(uri);
    // The client keeps what it last pulled for the file: the next batch tells it what the file has now, if only [].
    this.unsent.add(uri);
    for (const waiter of [...(this.waiters.get(uri) ?? [])]) this.answer(uri, waiter, undefined);
  }

  /** Answers a workspace pull still open (the server is shutting down). */
  dispose(): void {
    this.endWorkspaceAnswer();
  }

  protected deliver(uri: string, report: FileReport | undefined): void {
    this.unsent.add(uri);
    if (!report) {
      this.kept.delete(uri);
      return;
    }
    const kept: Kept = { ...report, resultId: `${this.resultPrefix}:${++this.results}` };
    this.kept.set(uri, kept);
    const taken = (this.waiters.get(uri) ?? []).filter(
      (waiter) => report.version !== undefined && report.version >= waiter.version,
    );
    for (const waiter of taken) this.answer(uri, waiter, kept);
    if (taken.length === 0 && this.pulled.has(uri)) this.refreshWanted = true;
  }

  /** Gives a waiting document pull its answer (undefined: nothing to give). */
  private answer(uri: string, waiter: Waiter, kept: Kept | undefined): void {
    const waiting = this.waiters.get(uri);
    const index = waiting?.indexOf(waiter) ?? -1;
    if (index < 0) return;
    waiting!.splice(index, 1);
    if (waiting!.length === 0) this.waiters.delete(uri);
    waiter.answer(kept);
  }

  private item(uri: string): WorkspaceDocumentDiagnosticReport {
    const kept = this.kept.get(uri);
    if (!kept) return { kind: DocumentDiagnosticReportKind.Full, uri, version: null, items: [] };
    return {
      kind: DocumentDiagnosticReportKind.Full,
      uri,
      version: kept.version ?? null,
      resultId: kept.resultId,
      items: kept.diagnostics,
    };
  }

  private takeUnsent(): WorkspaceDocumentDiagnosticReport[] {
    const items = [...this.unsent].map((uri) => this.item(uri));
    this.unsent.clear();
    return items;
  }

  /** A request without partial results is answered with the first batch; the client asks again for the next. */
  private sendToWorkspace(items: WorkspaceDocumentDiagnosticReport[]): void {
    const answer = this.workspace!;
    if (answer.progress) {
      answer.progress.report({ items });
      return;
    }
    this.workspace = undefined;
    answer.resolve({ items });
  }

  private endWorkspaceAnswer(): void {
    const answer = this.workspace;
    this.workspace = undefined;
    answer?.resolve({ items: [] });
  }

  /** Without a workspace pull: the files that are not open are published; an open one is pulled, so its copy goes. */
  private publishUnopened(): void {
    for (const uri of this.takeUnsentUris()) {
      const kept = this.kept.get(uri);
      if (kept && kept.version === undefined && !this.documents.get(uri)) {
        publish(this.connection, uri, kept, this.log);
        this.published.add(uri);
      } else if (this.published.delete(uri)) {
        publish(this.connection, uri, undefined, this.log);
      }
    }
  }

  private takeUnsentUris(): string[] {
    const uris = [...this.unsent];
    this.unsent.clear();
    return uris;
  }
}
