import { pathToFileURL } from 'node:url';
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ChartLint } from '../engine/lint/chart-lint';
import type { RenderedLiteral } from '../engine/lint/findings';
import { analyzeTemplate } from '../engine/analysis/file';
import { lintFile } from '../engine/lint/lint';
import type { Finding, Severity } from '../engine/rules/rule';
import { LineIndex } from '../engine/core/text';
import type { EffectiveConfig } from './configuration';
import { valuesFilesOf } from './configuration';
import type { ServerContext } from './context';
import { guard } from './context';
import type { DiagnosticReports } from './diagnosticReports';
import type { ChartEvaluator } from './evaluation';
import { toLspRange } from './ranges';
import type { Chart } from './workspace';
import { uriToPath } from './workspace';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export const DIAGNOSTIC_SOURCE = 'helm-hooks';

/** Quiet time after a chart's diagnostics before it is evaluated as Helm renders it. */
const EVALUATION_DELAY_MS = 300;

/**
 * Past this much text in the files that are not open, a chart is checked in its open files only (and the log says
 * so): twice the largest chart of the public corpus, a few seconds of one core for its first pass.
 */
export const MAX_UNOPENED_TEXT = 8 * 1024 * 1024;

/** How long a pass over unopened files works before it lets the server answer what came meanwhile. */
const SLICE_MS = 5;

/** Work cut into slices of SLICE_MS: yielding after each file would cost more than the files whose lints are kept. */
class TimeSlice {
  private started = performance.now();

  /** Yields to the event loop once the slice is spent; false when the pass went stale meanwhile. */
  async yieldIfDue(stale: () => boolean): Promise<boolean> {
    if (performance.now() - this.started < SLICE_MS) return true;
    await new Promise((resolve) => setImmediate(resolve));
    this.started = performance.now();
    return !stale();
  }
}

/** Charts whose lints of unopened files are kept after their last open file closed, for when one is opened again. */
const KEPT_CLOSED_CHARTS = 2;

/** A file that is not open, as its chart's passes keep it: its as-written findings (as the CLI lints it) and its lines. */
interface UnopenedLint {
  text: string;
  optionsKey: string;
  findings: Finding[];
  lines: LineIndex;
}

interface Evaluation {
  /** The versions of the open documents the evaluation read. */
  versions: Map<string, number>;
  /** When it was asked for, in `ticks`: it holds for a file that is not open unless the file changed since. */
  askedAt: number;
  findings: Finding[];
  /** Where it found the templates' literal text rendered (see mergeFindings). */
  rendered: RenderedLiteral;
}

/**
 * Checks a chart after a change anywhere in it, debounced per chart, and reports its files' diagnostics: every open
 * file, and with `helmHooks.diagnostics.scope` `chart` every other template (and values file) of a chart with an open
 * file, read from disk, as `helm-hooks lint` reports them. A newer change makes the running pass stop at its next
 * file: only the latest text is reported.
 *
 * Bounded for large workspaces: only charts with an open file are checked; files that are not open are read through
 * the workspace's disk cache (no file over 4 MB) and linted once per text, keeping their findings and lines, not their
 * syntax trees; a chart whose unopened files hold more than MAX_UNOPENED_TEXT is checked in its open files only; when
 * its last file closes, a chart's findings are cleared and its lints are kept for only KEPT_CLOSED_CHARTS charts.
 */
export class DiagnosticsScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generations = new Map<string, number>();
  private readonly evaluationTimers = new Map<string, NodeJS.Timeout>();
  private readonly evaluated = new Map<string, Evaluation>();
  /** Per file: when (in `ticks`) it last changed on disk or closed, which ends what an earlier evaluation said of it. */
  private readonly changedAt = new Map<string, number>();
  private ticks = 0;
  /** Per chart: the lints of its files that are not open. */
  private readonly unopened = new Map<string, Map<string, UnopenedLint>>();
  /** Charts whose last open file closed, the most recent last: their lints are kept for a while. */
  private readonly closedCharts: string[] = [];
  /** Charts over MAX_UNOPENED_TEXT, until a file of theirs changes on disk. */
  private readonly tooLarge = new Set<string>();
  /** Charts whose unopened files' findings may have changed since their last pass: a file opened, closed or saved. */
  private readonly unopenedChanged = new Set<string>();

  constructor(
    private readonly context: ServerContext,
    private readonly debounceMs: number,
    private readonly onChartChanged: (chart: Chart) => void,
    private readonly reports: DiagnosticReports,
    private readonly evaluator?: ChartEvaluator,
  ) {}

  /** A document opened or changed: re-check its chart, or clear it when it is in none. */
  documentChanged(uri: string): void {
    const chart = this.chartOfFile(uriToPath(uri));
    if (!chart) {
      this.reports.report(undefined, uri, { diagnostics: [], version: this.context.documents.get(uri)?.version }, true);
      this.reports.flush();
      return;
    }
    this.schedule(chart);
  }

  schedule(chart: Chart): void {
    const key = chart.directory;
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    clearTimeout(this.timers.get(key));
    const scheduledAt = performance.now();
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void guard(this.context, 'diagnostics', undefined, () => this.run(chart, scheduledAt));
      }, this.debounceMs),
    );
  }

  /** Every chart with an open document: after a settings or config-file change. */
  scheduleAll(): void {
    const charts = new Map<string, Chart>();
    for (const document of this.context.documents.all()) {
      const path = uriToPath(document.uri);
      const chart = path !== undefined ? this.context.workspace.chartOf(path) : undefined;
      if (chart) charts.set(chart.directory, chart);
    }
    for (const chart of charts.values()) {
      this.unopenedChanged.add(chart.directory);
      this.schedule(chart);
    }
  }

  /** A document opened: it leaves its chart's unopened files (and may be the chart's first open file). */
  documentOpened(uri: string): void {
    const chart = this.chartOfFile(uriToPath(uri));
    if (chart) this.unopenedChanged.add(chart.directory);
  }

  /** A file changed on disk: what was evaluated of it no longer holds, and its chart may have grown or shrunk. */
  fileChanged(path: string, chart: Chart | undefined): void {
    this.changedAt.set(path, ++this.ticks);
    if (!chart) return;
    this.tooLarge.delete(chart.directory);
    this.unopenedChanged.add(chart.directory);
  }

  /** A document closed: its diagnostics go now; the pass its close schedules reports it again from disk, in scope. */
  documentClosed(uri: string): void {
    this.reports.documentClosed(uri);
    // A closed file is read from disk from now on: what was evaluated from its buffer no longer holds.
    const path = uriToPath(uri);
    if (path === undefined) return;
    this.changedAt.set(path, ++this.ticks);
    for (const evaluation of this.evaluated.values()) evaluation.versions.delete(path);
    const chart = this.chartOfFile(path);
    if (chart) this.unopenedChanged.add(chart.directory);
  }

  /** The chart a template or values file belongs to. */
  private chartOfFile(path: string | undefined): Chart | undefined {
    const workspace = this.context.workspace;
    if (path === undefined) return undefined;
    return workspace.isTemplate(path) ? workspace.chartOf(path) : workspace.chartOfValues(path);
  }

  /**
   * `textDocument/diagnostic` for a file that is not open and that no pass reported (its chart has no open file, or
   * the scope is `openFiles`): computed now, as a pass would.
   */
  async diagnosticsOfUnopened(uri: string): Promise<Diagnostic[]> {
    const path = uriToPath(uri);
    const chart = this.chartOfFile(path);
    if (!chart) return [];
    const config = await this.context.configuration.effective(chart.directory, pathToFileURL(chart.directory).href);
    // A chart no pass keeps lints for does not start keeping them here.
    return this.unopenedDiagnostics(chart, path!, config, this.unopened.get(chart.directory) ?? new Map()) ?? [];
  }

  private async run(chart: Chart, scheduledAt: number): Promise<void> {
    const key = chart.directory;
    const generation = this.generations.get(key);
    const stale = () => this.generations.get(key) !== generation;
    const config = await this.context.configuration.effective(chart.directory, pathToFileURL(chart.directory).href);
    if (stale()) return;
    // The hook order follows the chart's new state (it tells the lenses when it changed).
    this.onChartChanged(chart);
    if (this.context.workspace.openChartFiles(chart).length === 0) {
      this.chartClosed(chart);
      return;
    }
    if (!(await this.reportChart(chart, config, stale, 'change'))) return;
    this.context.trace(
      `diagnostics for ${chart.name} in ${(performance.now() - scheduledAt).toFixed(1)} ms (debounce ${this.debounceMs} ms)`,
    );
    if (this.evaluator) {
      // Evaluation waits for a pause in typing: on 2 cores it would otherwise compete with the next keystroke's pass.
      clearTimeout(this.evaluationTimers.get(key));
      this.evaluationTimers.set(
        key,
        setTimeout(() => {
          this.evaluationTimers.delete(key);
          void guard(this.context, 'chart evaluation', undefined, () => this.evaluate(chart, config, stale));
        }, EVALUATION_DELAY_MS),
      );
    }
  }

  /**
   * The chart as Helm renders it, on the evaluator's thread: its findings are added to every file of the chart whose
   * text is still the one evaluated. A newer change discards the answer (its own pass asks again).
   */
  private async evaluate(chart: Chart, config: EffectiveConfig, stale: () => boolean): Promise<void> {
    const started = performance.now();
    const open = this.context.workspace.openChartFiles(chart);
    const overlay = open.map((document): [string, string] => [uriToPath(document.uri)!, document.getText()]);
    const versions = new Map(open.map((document) => [uriToPath(document.uri)!, document.version]));
    const askedAt = ++this.ticks;
    const options = { ...config.lint };
    const reply = await this.evaluator!.evaluate({
      chart: chart.directory,
      overlay,
      valuesFiles: valuesFilesOf(chart, config),
      options,
    });
    if (!reply || stale()) return;
    if (reply.skipped) this.context.trace(`${chart.name}: not evaluated: ${reply.skipped}`);
    this.evaluated.set(chart.directory, { versions, askedAt, findings: reply.findings, rendered: reply.rendered });
    this.forgetOldChanges();
    if (!(await this.reportChart(chart, config, stale, 'evaluation'))) return;
    this.context.trace(
      `evaluated ${chart.name} in ${(performance.now() - started).toFixed(1)} ms (${reply.executions} templates executed)`,
    );
  }

  /**
   * One pass over the chart: its open documents first, then (scope `chart`) its other files. After a change, an open
   * document's diagnostics are sent even when unchanged, and the other files are checked only if something besides
   * an edit of an open file happened: an edit changes no other file's findings until the chart is evaluated again.
   * False when a newer change made the pass stale.
   */
  private async reportChart(
    chart: Chart,
    config: EffectiveConfig,
    stale: () => boolean,
    after: 'change' | 'evaluation',
  ): Promise<boolean> {
    const key = chart.directory;
    const open = this.context.workspace.openChartFiles(chart);
    const reported = new Set<string>();
    for (const document of open) {
      await new Promise((resolve) => setImmediate(resolve));
      // A document closed while an earlier one was reported must not be analysed again (and kept) after its close.
      if (stale() || this.context.documents.get(document.uri) !== document) return false;
      const path = uriToPath(document.uri)!;
      const diagnostics = await guard(this.context, `diagnostics of ${path}`, [], () =>
        this.openDiagnostics(chart, path, document, config),
      );
      this.reports.report(key, document.uri, { diagnostics, version: document.version }, after === 'change');
      reported.add(document.uri);
    }
    const wholeChart = config.settings.diagnostics.scope === 'chart' && !this.tooLarge.has(key);
    if (after === 'change' && wholeChart && !this.unopenedChanged.has(key)) {
      this.reports.flush();
      return true;
    }
    if (wholeChart) {
      const openPaths = new Set(open.map((document) => uriToPath(document.uri)!));
      if (!(await this.reportUnopened(chart, config, openPaths, reported, stale))) return false;
    }
    this.unopenedChanged.delete(key);
    this.reports.passFinished(key, reported);
    this.reports.flush();
    return true;
  }

  /** The chart's files that are not open, one at a time. False when the pass went stale. */
  private async reportUnopened(
    chart: Chart,
    config: EffectiveConfig,
    openPaths: Set<string>,
    reported: Set<string>,
    stale: () => boolean,
  ): Promise<boolean> {
    const evaluation = this.evaluated.get(chart.directory);
    const files = new ChartLint({ asWritten: () => [], evaluated: () => evaluation?.findings }, config.file)
      .files(this.context.workspace.templatesOf(chart))
      .filter((path) => !openPaths.has(path));
    const slice = new TimeSlice();
    // The texts are read before any is linted, so that a chart too large is given up before its first finding is sent.
    let text = 0;
    for (const path of files) {
      if (!(await slice.yieldIfDue(stale))) return false;
      text += this.context.workspace.textOf(path)?.length ?? 0;
      if (text > MAX_UNOPENED_TEXT) {
        this.giveUp(chart, files);
        return true;
      }
    }
    const lints = this.lintsOf(chart);
    for (const path of files) {
      if (!(await slice.yieldIfDue(stale))) return false;
      const diagnostics = await guard(this.context, `diagnostics of ${path}`, undefined, () =>
        this.unopenedDiagnostics(chart, path, config, lints),
      );
      if (diagnostics === undefined) continue;
      const uri = this.context.workspace.uriOf(path);
      this.reports.report(chart.directory, uri, { diagnostics });
      reported.add(uri);
    }
    const listed = new Set(files);
    for (const path of lints.keys()) if (!listed.has(path)) lints.delete(path);
    return true;
  }

  /** A chart too large to check whole: the texts read for it and its lints go; the pass clears what it had reported. */
  private giveUp(chart: Chart, files: string[]): void {
    this.tooLarge.add(chart.directory);
    this.context.log(
      `${chart.name}: its files that are not open hold more than ${MAX_UNOPENED_TEXT / 1024 / 1024} MB of text; only its open files are checked (helm-hooks lint checks the whole chart)`,
    );
    this.context.workspace.forgetDiskTexts(files);
    this.unopened.delete(chart.directory);
  }

  private lintsOf(chart: Chart): Map<string, UnopenedLint> {
    const index = this.closedCharts.indexOf(chart.directory);
    if (index >= 0) this.closedCharts.splice(index, 1);
    let lints = this.unopened.get(chart.directory);
    if (!lints) this.unopened.set(chart.directory, (lints = new Map()));
    return lints;
  }

  /** The chart's last open file closed: its findings go; its lints stay for the most recently closed charts. */
  private chartClosed(chart: Chart): void {
    const key = chart.directory;
    this.reports.chartClosed(key);
    this.reports.flush();
    clearTimeout(this.evaluationTimers.get(key));
    this.evaluationTimers.delete(key);
    this.evaluated.delete(key);
    this.unopenedChanged.delete(key);
    this.forgetOldChanges();
    if (!this.unopened.has(key) || this.closedCharts.includes(key)) return;
    this.closedCharts.push(key);
    while (this.closedCharts.length > KEPT_CLOSED_CHARTS) {
      const oldest = this.closedCharts.shift()!;
      this.context.workspace.forgetDiskTexts(this.unopened.get(oldest)?.keys() ?? []);
      this.unopened.delete(oldest);
    }
  }

  /** The findings of an open document, as its diagnostics show them: what the hover explains. */
  async findingsOf(uri: string): Promise<Finding[]> {
    const document = this.context.documents.get(uri);
    const path = uriToPath(uri);
    const chart = path === undefined ? undefined : this.context.workspace.chartOf(path);
    if (!document || path === undefined || !chart) return [];
    const config = await this.context.configuration.effective(chart.directory, pathToFileURL(chart.directory).href);
    return this.openFindings(chart, path, document, config);
  }

  /** Changes older than every evaluation kept tell nothing: each of those evaluations saw them. */
  private forgetOldChanges(): void {
    const oldest = Math.min(...[...this.evaluated.values()].map((evaluation) => evaluation.askedAt));
    for (const [path, tick] of this.changedAt) if (tick < oldest) this.changedAt.delete(path);
  }

  private openDiagnostics(chart: Chart, path: string, document: TextDocument, config: EffectiveConfig): Diagnostic[] {
    const findings = this.openFindings(chart, path, document, config);
    if (findings.length === 0) return [];
    const text = document.getText();
    const lines =
      (this.context.workspace.isTemplate(path) ? this.context.workspace.analysis(path, text)?.file.lines : undefined) ??
      new LineIndex(text);
    return findings.map((finding) => this.toDiagnostic(lines, finding));
  }

  /** An open file's findings as written (templates) and as evaluated, while the evaluation saw the version it has now. */
  private openFindings(chart: Chart, path: string, document: TextDocument, config: EffectiveConfig): Finding[] {
    const text = document.getText();
    const evaluation = this.evaluated.get(chart.directory);
    const analysed = () =>
      this.context.workspace.isTemplate(path) ? this.context.workspace.analysis(path, text) : undefined;
    const lint = new ChartLint(
      {
        asWritten: () => {
          const file = analysed()?.file;
          return file ? this.context.workspace.lints.findingsFor(file, config.lint) : [];
        },
        evaluated: () => (evaluation?.versions.get(path) === document.version ? evaluation.findings : undefined),
        rendered: () => evaluation?.rendered,
      },
      config.file,
    );
    return lint.findingsOf(path);
  }

  /**
   * A file that is not open, as `helm-hooks lint` reports it: its text on disk linted as the CLI lints it, and the
   * evaluated findings unless it changed since they were asked for. Undefined when its text cannot be read.
   */
  private unopenedDiagnostics(
    chart: Chart,
    path: string,
    config: EffectiveConfig,
    lints: Map<string, UnopenedLint>,
  ): Diagnostic[] | undefined {
    const workspace = this.context.workspace;
    const text = workspace.textOf(path);
    if (text === undefined) {
      lints.delete(path);
      return undefined;
    }
    const optionsKey = JSON.stringify(config.lint);
    let lint = lints.get(path);
    if (!lint || lint.text !== text || lint.optionsKey !== optionsKey) {
      const file = workspace.isTemplate(path) ? analyzeTemplate(path, text, { hookDocumentsOnly: true }) : undefined;
      lint = {
        text,
        optionsKey,
        findings: file ? lintFile(file, config.lint) : [],
        lines: file?.lines ?? new LineIndex(text),
      };
      lints.set(path, lint);
    }
    const evaluation = this.evaluated.get(chart.directory);
    const holds = evaluation !== undefined && (this.changedAt.get(path) ?? 0) < evaluation.askedAt;
    const written = lint.findings;
    const findings = new ChartLint(
      {
        asWritten: () => written,
        evaluated: () => (holds ? evaluation.findings : undefined),
        rendered: () => evaluation?.rendered,
      },
      config.file,
    ).findingsOf(path);
    return findings.map((finding) => this.toDiagnostic(lint.lines, finding, lints));
  }

  /** `lints`: lines of unopened files already at hand, for related locations in them. */
  private toDiagnostic(lines: LineIndex, finding: Finding, lints?: Map<string, UnopenedLint>): Diagnostic {
    const diagnostic: Diagnostic = {
      range: toLspRange(lines, finding.range),
      severity: SEVERITY[finding.severity],
      code: finding.rule,
      source: DIAGNOSTIC_SOURCE,
      message: finding.message,
    };
    const docs = this.context.ruleDocs.link(finding.rule);
    if (this.context.capabilities.codeDescription && docs !== undefined) diagnostic.codeDescription = { href: docs };
    if (finding.related.length > 0 && this.context.capabilities.relatedInformation) {
      diagnostic.relatedInformation = finding.related.flatMap((related): DiagnosticRelatedInformation[] => {
        const relatedLines = related.file === finding.file ? lines : this.linesOf(related.file, lints);
        if (!relatedLines) return [];
        return [
          {
            location: {
              uri: this.context.workspace.uriOf(related.file),
              range: toLspRange(relatedLines, related.range),
            },
            message: related.message,
          },
        ];
      });
    }
    return diagnostic;
  }

  /** The lines of another file: an open template's analysis, an unopened file's lint, else its text (nothing kept). */
  private linesOf(path: string, lints: Map<string, UnopenedLint> | undefined): LineIndex | undefined {
    const workspace = this.context.workspace;
    const open = workspace.openDocument(path);
    if (open)
      return (
        (workspace.isTemplate(path) ? workspace.analysis(path, open.getText())?.file.lines : undefined) ??
        new LineIndex(open.getText())
      );
    const lint = lints?.get(path);
    if (lint && lint.text === workspace.textOf(path)) return lint.lines;
    const text = workspace.textOf(path);
    return text === undefined ? undefined : new LineIndex(text);
  }
}
