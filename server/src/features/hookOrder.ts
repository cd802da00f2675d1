import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CancellationToken } from 'vscode-languageserver/node';
import type { TemplateFile } from '../engine/analysis/file';
import { describeOrderPlace } from '../engine/order/chart-order';
import type { ArgoOrderObjectJson } from '../engine/order/argocd-order';
import { hasUnfinishedHook } from '../engine/order/order';
import type { HookOrderAnswer, HookOrderParams, HookOrderResult, OrderRange } from '../protocol';
import { valuesFilesOf } from './configuration';
import type { ServerContext } from './context';
import type { ChartEvaluator, EditorChartOrder, OrderRequest } from './evaluation';
import { orderFor } from './evaluation';
import type { Chart } from './workspace';
import { uriToPath } from './workspace';

/** An order for the editor: the engine's answer, and which half-typed file's hooks it shows as they were. */
export interface EditorOrder {
  result: EditorChartOrder;
  held?: string;
}

interface Answer extends EditorOrder {
  signature: string;
}

interface ChartEntry {
  /** The chart's state (values files, open documents' versions, changes on disk) the pending answer is for. */
  key: string;
  pending: Promise<void>;
  /** The newest answer computed. */
  answer?: Answer;
}

/** Quiet time after a change before a chart's order is computed again for the lenses and the view. */
const REFRESH_DELAY_MS = 300;

/**
 * The hook order of each chart the editor asks about, computed by the same engine function as `helm-hooks order`
 * (on the evaluation thread when there is one), once per state of the chart: its values files, its open documents and
 * its files on disk. While a template's hook annotation is half-typed (Helm would drop the object, or the file does
 * not parse), that template is ordered with its last complete text, so that the view and the lenses do not lose its
 * hooks and bring them back at each keystroke, while every other file's changes still count. Lenses and hovers do not
 * wait for a new answer when there is an older one: when the new one differs, `onChanged` asks for the lenses again.
 */
export class HookOrders {
  private readonly charts = new Map<string, ChartEntry>();
  /** Bumped by every change to a chart, open or on disk. */
  private readonly generations = new Map<string, number>();
  /** The last text of each open template that had no unfinished hook annotation. */
  private readonly lastComplete = new Map<string, string>();
  /** Per chart: the refresh waiting for a pause in typing. */
  private readonly refreshTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly context: ServerContext,
    private readonly evaluator: ChartEvaluator | undefined,
    /** Called when a chart's answer differs from the one before it. */
    private readonly onChanged: (chart: Chart) => void,
  ) {}

  /**
   * The chart's order for its current state. `current: false` accepts the last answer while a newer one is computed
   * (lenses, hovers); the view and weight completion wait for the current one.
   */
  async orderOf(chart: Chart, current = true): Promise<EditorOrder> {
    const entry = await this.entryFor(chart);
    // A newer state may replace the one awaited: wait for the newest.
    if (current || !entry.answer)
      for (let awaited: Promise<void> | undefined; awaited !== entry.pending;) await (awaited = entry.pending);
    if (!entry.answer) throw new Error(`no hook order for ${chart.name}`);
    return { result: entry.answer.result, ...(entry.answer.held !== undefined ? { held: entry.answer.held } : {}) };
  }

  /**
   * After a chart changed: its next answer is computed, when the editor has asked about the chart before, once typing
   * pauses (a request for the order meanwhile computes it at once). Computed on every keystroke, it doubled the
   * server's CPU per keystroke in a 2,000-line template with a lens shown, and on 2 cores it competes with the next.
   */
  chartChanged(chart: Chart): void {
    this.generations.set(chart.directory, (this.generations.get(chart.directory) ?? 0) + 1);
    if (!this.charts.has(chart.directory)) return;
    clearTimeout(this.refreshTimers.get(chart.directory));
    const timer = setTimeout(() => {
      this.refreshTimers.delete(chart.directory);
      void this.entryFor(chart).catch((error: unknown) =>
        this.context.error(
          `Hook order of ${chart.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
      );
    }, REFRESH_DELAY_MS);
    timer.unref();
    this.refreshTimers.set(chart.directory, timer);
  }

  /** A document closed: its last complete text is the file on disk from now on. */
  documentClosed(path: string): void {
    this.lastComplete.delete(path);
  }

  private async entryFor(chart: Chart): Promise<ChartEntry> {
    const config = await this.context.configuration.effective(chart.directory, pathToFileURL(chart.directory).href);
    const valuesFiles = valuesFilesOf(chart, config);
    const argocd = config.lint.targets?.includes('argocd') ?? false;
    // The reads' presence follows the Helm version the lint checks against.
    const helmVersion = config.lint.helmVersion;
    const open = this.context.workspace.openChartFiles(chart);
    const key = JSON.stringify([
      valuesFiles,
      helmVersion,
      argocd,
      this.generations.get(chart.directory) ?? 0,
      open.map((document) => [document.uri, document.version]),
    ]);
    let entry = this.charts.get(chart.directory);
    if (!entry) {
      entry = { key: '', pending: Promise.resolve() };
      this.charts.set(chart.directory, entry);
    }
    if (entry.key !== key) {
      const { overlay, held } = this.overlayOf(open.map((document) => [uriToPath(document.uri)!, document.getText()]));
      const target = entry;
      target.key = key;
      target.pending = this.compute(
        { chart: chart.directory, overlay, valuesFiles, helmVersion, ...(argocd ? { argocd } : {}) },
        () => target.key === key,
      ).then(
        (result) => {
          if (result && target.key === key) this.settle(chart, target, result, held);
        },
        (error: unknown) =>
          this.context.error(
            `Hook order of ${chart.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          ),
      );
    }
    return entry;
  }

  /** The open files' texts, a half-typed template's replaced by its last complete text. */
  private overlayOf(open: [string, string][]): { overlay: [string, string][]; held?: string } {
    const overlay: [string, string][] = [];
    let held: string | undefined;
    for (const [path, text] of open) {
      const analysed = this.context.workspace.isTemplate(path)
        ? this.context.workspace.analysis(path, text)
        : undefined;
      const unfinished = analysed !== undefined && hasUnfinishedHook(analysed.file);
      const complete = unfinished ? this.lastComplete.get(path) : undefined;
      if (complete !== undefined) {
        held ??= `${basename(path)} has an unfinished hook annotation: its hooks are shown as they were before that edit`;
        overlay.push([path, complete]);
        continue;
      }
      if (analysed && !unfinished) this.lastComplete.set(path, text);
      overlay.push([path, text]);
    }
    return held !== undefined ? { overlay, held } : { overlay };
  }

  /** Keeps the new answer; tells the client when it differs from the one before. */
  private settle(chart: Chart, entry: ChartEntry, result: EditorChartOrder, held: string | undefined): void {
    const previous = entry.answer;
    const signature = JSON.stringify([result.view, result.order, result.argocd?.order ?? null, held ?? null]);
    entry.answer = { result, signature, ...(held !== undefined ? { held } : {}) };
    if (previous && previous.signature !== signature) this.onChanged(chart);
  }

  private async compute(
    request: OrderRequest['order'],
    isCurrent: () => boolean,
  ): Promise<EditorChartOrder | undefined> {
    const started = performance.now();
    const chart = request.chart;
    const reply = await this.evaluator?.order({ order: request });
    if (!reply && !isCurrent()) return undefined;
    if (reply?.error)
      this.context.error(`Hook order of ${chart} failed on the evaluation thread, computing it here: ${reply.error}`);
    // Without a thread (or when it failed), the same function on this one: the answer must not depend on the thread.
    const result = reply && !reply.error ? reply : this.context.workspace.caches.run(() => orderFor(request));
    this.context.log(`Hook order of ${chart} in ${(performance.now() - started).toFixed(0)} ms (${result.view})`);
    return result;
  }
}

/** `helmHooks/hookOrder`: `helm-hooks order --format json` of the chart that holds `uri`, with places to open. */
export async function hookOrder(
  context: ServerContext,
  orders: HookOrders,
  params: HookOrderParams,
  token: CancellationToken,
): Promise<HookOrderResult> {
  const none: HookOrderResult = { chart: null, order: null, view: null };
  const path = uriToPath(params.uri);
  if (path === undefined) return none;
  const workspace = context.workspace;
  const chart = workspace.chartAt(path) ?? workspace.chartOf(path) ?? workspace.chartAt(dirname(path));
  if (!chart) return none;
  const { result, held } = await orders.orderOf(chart);
  if (token.isCancellationRequested) return none;
  const files = new Map<string, TemplateFile | undefined>();
  const place = (file: string, line: number) => {
    const absolute = join(chart.directory, ...file.split('/'));
    if (!files.has(absolute)) files.set(absolute, workspace.analysis(absolute)?.file);
    return { uri: workspace.uriOf(absolute), range: lineRange(files.get(absolute), line) };
  };
  const order = result.order;
  const answer: HookOrderAnswer = {
    ...order,
    operations: order.operations.map(({ operation, steps }) => ({
      operation,
      steps: steps.map((step) => {
        if ('resources' in step)
          return {
            resources: step.resources.map((resource) => ({ ...resource, ...place(resource.file, resource.line) })),
          };
        return {
          event: step.event,
          hooks: step.hooks.map((hook) => ({
            ...hook,
            description: describeOrderPlace({ operation, event: step.event, hook, of: step.hooks.length }, order),
            ...place(hook.file, hook.line),
          })),
        };
      }),
    })),
    unknown: order.unknown.map((entry) => ({ ...entry, ...place(entry.file, entry.line) })),
  };
  const argo = result.argocd?.order;
  const argoObject = <T extends ArgoOrderObjectJson>(object: T) => ({ ...object, ...place(object.file, object.line) });
  return {
    chart: { name: order.chart, uri: workspace.uriOf(chart.directory) },
    order: answer,
    ...(argo
      ? {
          argocd: {
            ...argo,
            sync: argo.sync.map(({ phase, waves }) => ({
              phase,
              waves: waves.map(({ wave, objects }) => ({ wave, objects: objects.map(argoObject) })),
            })),
            deletion: {
              phases: argo.deletion.phases.map(({ phase, objects }) => ({ phase, objects: objects.map(argoObject) })),
              kept: argo.deletion.kept.map(argoObject),
            },
            skipped: argo.skipped.map(argoObject),
            unknown: argo.unknown.map((entry) => ({ ...entry, ...place(entry.file, entry.line) })),
          },
        }
      : {}),
    view: result.view,
    ...(result.notEvaluated !== undefined ? { notEvaluated: result.notEvaluated } : {}),
    ...(held !== undefined ? { held } : {}),
  };
}

/** The whole 1-based `line`, without its indentation where the file's text is known. */
function lineRange(file: TemplateFile | undefined, line: number): OrderRange {
  const zeroBased = Math.max(0, line - 1);
  if (!file) return { start: { line: zeroBased, character: 0 }, end: { line: zeroBased, character: 0 } };
  const start = file.lines.offset({ line: zeroBased, character: 0 });
  const end = file.lines.offset({ line: zeroBased + 1, character: 0 });
  const text = file.text.slice(start, end).replace(/\r?\n$/, '');
  const indent = text.length - text.trimStart().length;
  return { start: { line: zeroBased, character: indent }, end: { line: zeroBased, character: text.length } };
}
