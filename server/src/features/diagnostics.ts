import { pathToFileURL } from 'node:url';
import { Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, PublishDiagnosticsNotification } from 'vscode-languageserver/node';
import { ChartLint } from '../engine/lint/chart-lint';
import { TemplateFile } from '../engine/analysis/file';
import { LintMemo, lintFileReusing, LintOptions } from '../engine/lint/lint';
import { Finding, Severity } from '../engine/rules/rule';
import { LineIndex } from '../engine/core/text';
import { EffectiveConfig, valuesFilesOf } from './configuration';
import { guard, ServerContext } from './context';
import { ChartEvaluator } from './evaluation';
import { toLspRange } from './ranges';
import { Chart, uriToPath } from './workspace';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export const DIAGNOSTIC_SOURCE = 'helm-hooks';

/** Quiet time after a chart's diagnostics before it is evaluated as Helm renders it. */
const EVALUATION_DELAY_MS = 300;

interface LintResult {
  text: string;
  findings: Finding[];
  memo: LintMemo;
}

const lintCache = new Map<string, LintResult>();

/**
 * The findings of a template's current text under these options, cached until either changes; after a change, the
 * findings of the documents it did not touch are reused.
 */
export function findingsFor(file: TemplateFile, options: LintOptions): Finding[] {
  const cached = lintCache.get(file.path);
  if (cached && cached.text === file.text && cached.memo.optionsKey === JSON.stringify(options)) return cached.findings;
  const { findings, memo } = lintFileReusing(file, options, cached?.memo);
  lintCache.set(file.path, { text: file.text, findings, memo });
  return findings;
}

export function forgetFindings(path: string): void {
  lintCache.delete(path);
}

/**
 * Pushes diagnostics for every open template of a chart after a change anywhere in it, debounced per chart. A newer
 * change makes the running pass stop at its next file: only the latest text is reported.
 */
export class DiagnosticsScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generations = new Map<string, number>();
  private readonly evaluationTimers = new Map<string, NodeJS.Timeout>();
  /** Per chart: the evaluated findings, and the versions of the open documents they were computed from. */
  private readonly evaluated = new Map<string, { versions: Map<string, number>; findings: Finding[] }>();
  /** What was last published per document, so that an evaluation that changes nothing sends nothing. */
  private readonly published = new Map<string, string>();

  constructor(
    private readonly context: ServerContext,
    private readonly debounceMs: number,
    private readonly onChartChanged: (chart: Chart) => void,
    private readonly evaluator?: ChartEvaluator,
  ) {}

  /** A document opened or changed: re-check its chart, or clear it when it is in none. */
  documentChanged(uri: string): void {
    const path = uriToPath(uri);
    const workspace = this.context.workspace;
    const chart = path === undefined ? undefined : workspace.isTemplate(path) ? workspace.chartOf(path) : workspace.chartOfValues(path);
    if (!chart) {
      void this.publish(uri, [], this.context.documents.get(uri)?.version);
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
    for (const chart of charts.values()) this.schedule(chart);
  }

  documentClosed(uri: string): void {
    this.published.delete(uri);
    // A closed file is read from disk from now on: what was evaluated from its buffer no longer holds.
    const path = uriToPath(uri);
    for (const evaluation of this.evaluated.values()) if (path !== undefined) evaluation.versions.delete(path);
    void this.publish(uri, []);
  }

  private async run(chart: Chart, scheduledAt: number): Promise<void> {
    const key = chart.directory;
    const generation = this.generations.get(key);
    const stale = () => this.generations.get(key) !== generation;
    const config = await this.context.configuration.effective(chart.directory, pathToFileURL(chart.directory).href);
    if (stale()) return;
    // The hook order follows the chart's new state (it tells the lenses when it changed).
    this.onChartChanged(chart);
    for (const document of this.context.workspace.openChartFiles(chart)) {
      await new Promise((resolve) => setImmediate(resolve));
      if (stale() || this.context.documents.get(document.uri) !== document) return;
      const path = uriToPath(document.uri)!;
      const diagnostics = await guard(this.context, `diagnostics of ${path}`, [], () => this.diagnosticsFor(chart, path, document.getText(), document.version, config));
      await this.publish(document.uri, diagnostics, document.version);
    }
    this.context.trace(`diagnostics for ${chart.name} in ${(performance.now() - scheduledAt).toFixed(1)} ms (debounce ${this.debounceMs} ms)`);
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
   * The chart as Helm renders it, on the evaluator's thread: its findings are added to every open file of the chart
   * whose text is still the one evaluated. A newer change discards the answer (its own pass asks again).
   */
  private async evaluate(chart: Chart, config: EffectiveConfig, stale: () => boolean): Promise<void> {
    const started = performance.now();
    const open = this.context.workspace.openChartFiles(chart);
    const overlay = open.map((document): [string, string] => [uriToPath(document.uri)!, document.getText()]);
    const versions = new Map(open.map((document) => [uriToPath(document.uri)!, document.version]));
    const options = { ...config.lint };
    const reply = await this.evaluator!.evaluate({ chart: chart.directory, overlay, valuesFiles: valuesFilesOf(chart, config), options });
    if (!reply || stale()) return;
    if (reply.error) this.context.log(`${chart.name}: not evaluated: ${reply.error}`);
    if (reply.skipped) this.context.trace(`${chart.name}: not evaluated: ${reply.skipped}`);
    this.evaluated.set(chart.directory, { versions, findings: reply.findings });
    this.context.trace(`evaluated ${chart.name} in ${(performance.now() - started).toFixed(1)} ms (${reply.executions} templates executed)`);
    for (const document of this.context.workspace.openChartFiles(chart)) {
      // A document closed while an earlier one was published must not be analysed again (and kept) after its close.
      if (stale() || this.context.documents.get(document.uri) !== document) return;
      const path = uriToPath(document.uri)!;
      const diagnostics = await guard(this.context, `diagnostics of ${path}`, [], () => this.diagnosticsFor(chart, path, document.getText(), document.version, config));
      await this.publish(document.uri, diagnostics, document.version, true);
    }
  }

  /** The findings of an open document, as its diagnostics show them: what the hover explains. */
  async findingsOf(uri: string): Promise<Finding[]> {
    const document = this.context.documents.get(uri);
    const path = uriToPath(uri);
    const chart = path === undefined ? undefined : this.context.workspace.chartOf(path);
    if (!document || path === undefined || !chart) return [];
    const config = await this.context.configuration.effective(chart.directory, pathToFileURL(chart.directory).href);
    return this.currentFindings(chart, path, document.getText(), document.version, config);
  }

  private diagnosticsFor(chart: Chart, path: string, text: string, version: number, config: EffectiveConfig): Diagnostic[] {
    const findings = this.currentFindings(chart, path, text, version, config);
    if (findings.length === 0) return [];
    const lines = (this.context.workspace.isTemplate(path) ? this.context.workspace.analysis(path, text)?.file.lines : undefined) ?? new LineIndex(text);
    return findings.map((finding) => this.toDiagnostic(lines, finding));
  }

  /** A file's findings as written (templates) and as evaluated, while the evaluation saw the version it has now. */
  private currentFindings(chart: Chart, path: string, text: string, version: number, config: EffectiveConfig): Finding[] {
    const evaluation = this.evaluated.get(chart.directory);
    const analysed = () => (this.context.workspace.isTemplate(path) ? this.context.workspace.analysis(path, text) : undefined);
    const lint = new ChartLint(
      {
        asWritten: () => {
          const file = analysed()?.file;
          return file ? findingsFor(file, config.lint) : [];
        },
        evaluated: () => (evaluation?.versions.get(path) === version ? evaluation.findings : undefined),
      },
      config.file,
    );
    return lint.findingsOf(path);
  }

  toDiagnostic(lines: LineIndex, finding: Finding): Diagnostic {
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
        const relatedLines = related.file === finding.file ? lines : this.context.workspace.analysis(related.file)?.file.lines;
        if (!relatedLines) return [];
        return [{ location: { uri: this.context.workspace.uriOf(related.file), range: toLspRange(relatedLines, related.range) }, message: related.message }];
      });
    }
    return diagnostic;
  }

  /** `onlyIfChanged`: skip a publish that repeats the last one for this document. */
  private async publish(uri: string, diagnostics: Diagnostic[], version?: number, onlyIfChanged = false): Promise<void> {
    const signature = JSON.stringify(diagnostics);
    if (onlyIfChanged && this.published.get(uri) === signature) return;
    this.published.set(uri, signature);
    const params = version === undefined ? { uri, diagnostics } : { uri, version, diagnostics };
    await this.context.connection.sendNotification(PublishDiagnosticsNotification.type, params);
  }
}
