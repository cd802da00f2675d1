import { parentPort } from 'node:worker_threads';
import type { ChartEvaluationMessage } from './engine/lint/chart-evaluation';
import { evaluateChart, isChartEvaluationMessage } from './engine/lint/chart-evaluation';
import { loadChart } from './engine/chart/load';
import { EngineCaches } from './engine/core/caches';
import { RenderCache } from './engine/eval/cache';
import { evaluateLint, loadedChartFindings } from './engine/lint/evaluated-lint';
import type { LoadedChart } from './engine/chart/types';
import type { EvaluationReply, EvaluationRequest, OrderRequest } from './features/evaluation';
import { isOrderRequest, orderFor } from './features/evaluation';

/**
 * The language server's chart evaluation thread (see features/evaluation.ts): loads the chart with the open editors'
 * texts, renders it through a cache kept per chart and values files, so that an edit re-executes only the templates it
 * can change, and answers with the evaluated findings. The CLI runs it too, for one whole chart on disk at a time
 * (see engine/lint/chart-evaluation.ts).
 */

/**
 * What this thread keeps between requests, for as long as it lives (the server ends a thread idle for a minute, and
 * every thread on shutdown; the CLI at the end of its run): the engine's caches, and the render caches by chart and
 * values files, least recently evaluated first. What is kept depends on texts only, never on settings, which each
 * request brings.
 */
const engineCaches = new EngineCaches();
const caches = new Map<string, RenderCache>();
const KEPT_CHARTS = 3;

/**
 * Past this much template text the editor leaves evaluation to the CLI: rendering megabytes of generated YAML on every
 * pause in typing costs seconds of a core and hundreds of megabytes of findings for one change.
 */
const EDITOR_TEMPLATE_LIMIT = 2 * 1024 * 1024;

function templateBytes(chart: LoadedChart): number {
  return (
    chart.templates.reduce((sum, template) => sum + template.text.length, 0) +
    chart.subcharts.reduce((sum, subchart) => sum + templateBytes(subchart), 0)
  );
}

function evaluate(request: EvaluationRequest): EvaluationReply {
  const chart = loadChart(request.chart, { valuesFiles: request.valuesFiles, overlay: new Map(request.overlay) });
  const size = templateBytes(chart);
  if (size > EDITOR_TEMPLATE_LIMIT) {
    caches.delete(JSON.stringify([request.chart, request.valuesFiles]));
    // What Helm's loader says of the chart costs nothing to tell, however large its templates.
    return {
      findings: loadedChartFindings(chart, request.options),
      rendered: {},
      executions: 0,
      skipped: `its templates hold ${(size / 1024 / 1024).toFixed(1)} MB of text; run helm-hooks lint for its evaluated findings`,
    };
  }
  const key = JSON.stringify([request.chart, request.valuesFiles]);
  let cache = caches.get(key);
  if (cache) {
    cache.update(chart);
    caches.delete(key);
  } else cache = new RenderCache(chart);
  // The most recently evaluated charts keep their renders: the ones being edited. Others start again if reopened.
  caches.set(key, cache);
  for (const oldest of caches.keys()) {
    if (caches.size <= KEPT_CHARTS) break;
    caches.delete(oldest);
  }
  const before = cache.executions;
  const { findings, rendered } = evaluateLint(cache, request.options);
  return { findings, rendered, executions: cache.executions - before };
}

parentPort?.on('message', (request: EvaluationRequest | OrderRequest | ChartEvaluationMessage) => {
  if (isChartEvaluationMessage(request)) {
    parentPort!.postMessage(engineCaches.run(() => evaluateChart(request.chartEvaluation)));
    return;
  }
  if (isOrderRequest(request)) {
    try {
      parentPort!.postMessage(engineCaches.run(() => orderFor(request.order)));
    } catch (error) {
      parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  let reply: EvaluationReply;
  try {
    reply = engineCaches.run(() => evaluate(request));
  } catch (error) {
    reply = {
      findings: [],
      rendered: {},
      executions: 0,
      error: error instanceof Error ? error.message : String(error),
    };
  }
  parentPort!.postMessage(reply);
});
