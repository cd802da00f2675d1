import { Connection, Diagnostic, PublishDiagnosticsNotification } from 'vscode-languageserver/node';

/** One file's diagnostics; `version` when they are an open document's. */
export interface FileReport {
  diagnostics: Diagnostic[];
  version?: number;
}

/**
 * What the client has been given of each file, per chart, so that a file is sent only when its diagnostics change and
 * a file a chart no longer reports is cleared. How a report reaches the client is the subclass's.
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

function publish(connection: Connection, uri: string, report: FileReport | undefined, log: (message: string) => void): void {
  const diagnostics = report?.diagnostics ?? [];
  const params = report?.version === undefined ? { uri, diagnostics } : { uri, version: report.version, diagnostics };
  connection.sendNotification(PublishDiagnosticsNotification.type, params).catch((error: unknown) => log(`[error] publishing diagnostics for ${uri}: ${String(error)}`));
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
