import { existsSync } from 'node:fs';
import type { ArgoOrderResult } from '../engine/order/argocd-order';
import { argoSyncOrder } from '../engine/order/argocd-order';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadChart } from '../engine/chart/load';
import type { EvaluatedLintOptions } from '../engine/lint/evaluated-lint';
import type { ChartHookOrder } from '../engine/order/chart-order';
import { chartHookOrder } from '../engine/order/chart-order';
import type { RenderedLiteral } from '../engine/lint/findings';
import type { Finding, HelmVersion } from '../engine/rules/rule';

/** What the evaluator thread is asked: one chart, with the open editors' texts over the files on disk. */
export interface EvaluationRequest {
  chart: string;
  /** Absolute path → text of every open document of the chart. */
  overlay: [string, string][];
  /** Absolute paths, merged over values.yaml in order. */
  valuesFiles: string[];
  options: EvaluatedLintOptions;
}

export interface EvaluationReply {
  findings: Finding[];
  /** Where Helm's render holds the templates' literal text (see mergeFindings). */
  rendered: RenderedLiteral;
  /** Templates executed for this request: what the render cache could not reuse. */
  executions: number;
  error?: string;
  /** Why the chart was not evaluated in the editor (too large). */
  skipped?: string;
}

/** What the evaluator thread is asked for the hook order: the chart as `EvaluationRequest` gives it. */
export interface OrderRequest {
  /** `argocd`: Argo CD's sync as well (the chart's `.helm-hooks.yaml` lists the target). */
  order: {
    chart: string;
    overlay: [string, string][];
    valuesFiles: string[];
    helmVersion: HelmVersion;
    argocd?: boolean;
  };
}

/** The editor's order: Helm's, and Argo CD's sync when asked for. */
export type EditorChartOrder = ChartHookOrder & { argocd?: ArgoOrderResult };

export function isOrderRequest(message: unknown): message is OrderRequest {
  return typeof message === 'object' && message !== null && 'order' in message;
}

/**
 * The chart's hook order with the open editors' texts: `helm-hooks order`'s answer, on whichever thread calls it. Unlike
 * the lint, it is not limited to small charts: it runs when the view, a lens or a hover asks, once per state of the
 * chart, and a large chart's order as written would contradict what `helm-hooks order` prints.
 */
export function orderFor(request: OrderRequest['order']): EditorChartOrder {
  const overlay = new Map(request.overlay);
  const chart = loadChart(request.chart, { valuesFiles: request.valuesFiles, overlay });
  const helm = chartHookOrder(chart, { overlay, helmVersion: request.helmVersion });
  return request.argocd ? { ...helm, argocd: argoSyncOrder(chart) } : helm;
}

/** How long an idle evaluation thread is kept (with its render caches) before it is ended. */
const IDLE_MS = 60_000;

/** Where the evaluator says what it did and what failed. */
export interface EvaluationLog {
  info(message: string): void;
  error(message: string): void;
}

interface Job {
  request: EvaluationRequest | OrderRequest;
  // The reply's type follows the request's: EvaluationReply for a lint, ChartHookOrder for an order.
  resolve: (reply: never) => void;
}

/**
 * Evaluates charts on a worker thread, so that a chart whose templates take seconds to render never delays a
 * completion or a hover. One request runs at a time; a newer request for a chart replaces one still waiting, and
 * the replaced caller gets `undefined`, so a burst of edits costs at most one evaluation behind the one running.
 */
export class ChartEvaluator {
  private worker: Worker | undefined;
  private running: Job | undefined;
  /** When the thread was given the running request. */
  private runningSince = 0;
  private readonly waiting = new Map<string, Job>();
  private disabled: string | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly script: string,
    private readonly log: EvaluationLog,
  ) {
    if (!existsSync(script)) this.disabled = `${script} is missing`;
  }

  /** The worker script next to the running server (dist/evaluator.js, or out/…/evaluator.js under test). */
  static beside(serverDirectory: string, log: EvaluationLog): ChartEvaluator {
    return new ChartEvaluator(join(serverDirectory, 'evaluator.js'), log);
  }

  /** Why charts are not evaluated at all; undefined while they are. */
  get unavailable(): string | undefined {
    return this.disabled;
  }

  evaluate(request: EvaluationRequest): Promise<EvaluationReply | undefined> {
    return this.ask(`lint\0${request.chart}`, request);
  }

  /** The chart's hook order; undefined when the thread cannot answer (disabled, replaced by a newer request, died). */
  order(request: OrderRequest): Promise<(EditorChartOrder & { error?: string }) | undefined> {
    return this.ask(`order\0${request.order.chart}`, request);
  }

  private ask<Reply>(key: string, request: EvaluationRequest | OrderRequest): Promise<Reply | undefined> {
    if (this.disabled) return Promise.resolve(undefined);
    return new Promise<Reply | undefined>((resolve) => {
      this.waiting.get(key)?.resolve(undefined as never);
      this.waiting.set(key, { request, resolve: resolve as (reply: never) => void });
      this.next();
    });
  }

  async dispose(): Promise<void> {
    this.disabled = 'the server is shutting down';
    clearTimeout(this.idleTimer);
    for (const job of this.waiting.values()) job.resolve(undefined as never);
    this.waiting.clear();
    this.running?.resolve(undefined as never);
    this.running = undefined;
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private next(): void {
    if (this.running || this.disabled) return;
    clearTimeout(this.idleTimer);
    const [key, job] = this.waiting.entries().next().value ?? [];
    if (!key || !job) return;
    this.waiting.delete(key);
    this.running = job;
    const worker = this.thread();
    // A request waits for its answer; an idle thread must not keep the server alive once the client has gone.
    worker.ref();
    this.runningSince = performance.now();
    worker.postMessage(job.request);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    worker.on('message', (reply: EvaluationReply | ChartHookOrder) => this.finish(reply));
    worker.on('error', (error) => {
      this.log.error(`The chart evaluation thread failed: ${error.stack ?? error.message}`);
      this.finish(undefined);
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.running) {
        this.log.error(`The chart evaluation thread exited with code ${code}`);
        this.finish(undefined);
      }
    });
    this.worker = worker;
    return worker;
  }

  private finish(reply: EvaluationReply | ChartHookOrder | undefined): void {
    const job = this.running;
    this.running = undefined;
    if (job && !isOrderRequest(job.request))
      this.logEvaluation(
        job.request.chart,
        performance.now() - this.runningSince,
        reply as EvaluationReply | undefined,
      );
    job?.resolve(reply as never);
    this.next();
    if (!this.running) {
      this.worker?.unref();
      this.stopWhenIdle();
    }
  }

  /** One line per evaluation: its time and the templates it executed, or why there are no evaluated findings. */
  private logEvaluation(chart: string, milliseconds: number, reply: EvaluationReply | undefined): void {
    if (!reply) return;
    const took = `${milliseconds.toFixed(0)} ms`;
    if (reply.error !== undefined) this.log.error(`Evaluating ${chart} failed after ${took}: ${reply.error}`);
    else if (reply.skipped !== undefined) this.log.info(`Did not evaluate ${chart}: ${reply.skipped}`);
    else this.log.info(`Evaluated ${chart} in ${took} (${reply.executions} templates executed)`);
  }

  /** A thread left without work ends after a while, and its memory with it; the next request starts a new one. */
  private stopWhenIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.running || !this.worker) return;
      const worker = this.worker;
      this.worker = undefined;
      void worker.terminate();
    }, IDLE_MS);
    this.idleTimer.unref();
  }
}
