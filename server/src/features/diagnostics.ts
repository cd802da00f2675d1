import { pathToFileURL } from 'node:url';
import { Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, PublishDiagnosticsNotification } from 'vscode-languageserver/node';
import { TemplateFile } from '../engine/file';
import { LintMemo, lintFileReusing, LintOptions } from '../engine/lint';
import { Finding, ruleDocsUrl, Severity } from '../engine/rules/rule';
import { LineIndex } from '../engine/text';
import { EffectiveConfig, isIgnored } from './configuration';
import { guard, ServerContext } from './context';
import { toLspRange } from './ranges';
import { Chart, uriToPath } from './workspace';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export const DIAGNOSTIC_SOURCE = 'helm-hooks';

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
  private readonly orderSignatures = new Map<string, string>();

  constructor(
    private readonly context: ServerContext,
    private readonly debounceMs: number,
    private readonly onOrderChanged: (chart: Chart) => void,
  ) {}

  /** A document opened or changed: re-check its chart, or clear it when it is in none. */
  documentChanged(uri: string): void {
    const path = uriToPath(uri);
    const chart = path !== undefined ? this.context.workspace.chartOf(path) : undefined;
    if (!chart || !this.context.workspace.isTemplate(path!)) {
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
    void this.publish(uri, []);
  }

  private async run(chart: Chart, scheduledAt: number): Promise<void> {
    const key = chart.directory;
    const generation = this.generations.get(key);
    const stale = () => this.generations.get(key) !== generation;
    const config = await this.context.configuration.effective(chart.directory, pathToFileURL(chart.directory).href);
    if (stale()) return;
    // The chart-level pass: the order of every hook of the chart, open buffers over disk.
    const order = this.context.workspace.chartOrder(chart, stale);
    if (!order || stale()) return;
    const signature = JSON.stringify(order.events.map((event) => event.hooks.map((entry) => [entry.hook.file, entry.hook.documentIndex, entry.position ?? null, String(entry.hook.weight)])));
    if (this.orderSignatures.get(key) !== signature) {
      this.orderSignatures.set(key, signature);
      this.onOrderChanged(chart);
    }
    for (const document of this.context.workspace.openDocumentsOf(chart)) {
      await new Promise((resolve) => setImmediate(resolve));
      if (stale()) return;
      const path = uriToPath(document.uri)!;
      const diagnostics = this.context.workspace.isTemplate(path)
        ? await guard(this.context, `diagnostics of ${path}`, [], () => this.diagnosticsFor(path, document.getText(), config))
        : [];
      await this.publish(document.uri, diagnostics, document.version);
    }
    this.context.trace(`diagnostics for ${chart.name} in ${(performance.now() - scheduledAt).toFixed(1)} ms (debounce ${this.debounceMs} ms)`);
  }

  private diagnosticsFor(path: string, text: string, config: EffectiveConfig): Diagnostic[] {
    if (isIgnored(path, config)) return [];
    const analysed = this.context.workspace.analysis(path, text);
    if (!analysed) return [];
    const findings = findingsFor(analysed.file, config.lint);
    return findings.map((finding) => this.toDiagnostic(analysed.file.lines, finding));
  }

  toDiagnostic(lines: LineIndex, finding: Finding): Diagnostic {
    const diagnostic: Diagnostic = {
      range: toLspRange(lines, finding.range),
      severity: SEVERITY[finding.severity],
      code: finding.rule,
      source: DIAGNOSTIC_SOURCE,
      message: finding.message,
    };
    if (this.context.capabilities.codeDescription) diagnostic.codeDescription = { href: ruleDocsUrl(finding.rule) };
    if (finding.related.length > 0 && this.context.capabilities.relatedInformation) {
      diagnostic.relatedInformation = finding.related.flatMap((related): DiagnosticRelatedInformation[] => {
        const relatedLines = related.file === finding.file ? lines : this.context.workspace.analysis(related.file)?.file.lines;
        if (!relatedLines) return [];
        return [{ location: { uri: this.context.workspace.uriOf(related.file), range: toLspRange(relatedLines, related.range) }, message: related.message }];
      });
    }
    return diagnostic;
  }

  private async publish(uri: string, diagnostics: Diagnostic[], version?: number): Promise<void> {
    const params = version === undefined ? { uri, diagnostics } : { uri, version, diagnostics };
    await this.context.connection.sendNotification(PublishDiagnosticsNotification.type, params);
  }
}
