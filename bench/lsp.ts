import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { chartTemplates } from '../server/src/engine/chart/discover';
import type { TypingPlace } from './generate';
import { generatedTemplate, weightOffset, writeChartWith, writeWorkspace } from './generate';
import { LspSession } from './lsp-client';
import { median, percentile, timeMs } from './stats';

export interface LatencyMeasure {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  /** `yaml.parseAllDocuments` of the same template, median. */
  parseMs: number;
}

export interface MemoryMeasure {
  templates: number;
  rssBytes: number;
  openMs: number;
}

const TIMEOUT_MS = 30_000;

/**
 * Change→diagnostics latency on the generated 2,000-line template while typing at one of its hook weights: each
 * change inserts one more digit after the last, as typing does, so that each text is new and every later document
 * moves. The clock runs from sending `didChange` to reading the `publishDiagnostics` of that version.
 */
export async function measureLatency(samples: number, place: TypingPlace): Promise<LatencyMeasure> {
  const root = mkdtempSync(join(tmpdir(), 'helm-hooks-bench-'));
  const text = generatedTemplate(2000);
  const path = writeChartWith(root, 'bench', text);
  const session = await LspSession.start({ root, debounceMs: 0 });
  try {
    await session.open(path, text, 1);
    await session.diagnostics(path, 1, TIMEOUT_MS);
    const offset = weightOffset(text, place);
    const line = text.slice(0, offset).split('\n').length - 1;
    const character = offset - (text.lastIndexOf('\n', offset - 1) + 1);
    const latencies: number[] = [];
    const warmUp = 10;
    for (let version = 2; version < samples + warmUp + 2; version++) {
      const start = { line, character: character + version - 2 };
      const sent = performance.now();
      const received = session.diagnostics(path, version, TIMEOUT_MS);
      await session.change(path, version, [{ range: { start, end: start }, text: String(version % 10) }]);
      const { at } = await received;
      if (version >= warmUp + 2) latencies.push(at - sent);
    }
    const parseTimes: number[] = [];
    for (let round = 0; round < 40; round++) parseTimes.push(timeMs(() => parseAllDocuments(text)));
    return {
      samples: latencies.length,
      p50Ms: median(latencies),
      p95Ms: percentile(latencies, 0.95),
      parseMs: median(parseTimes.slice(5)),
    };
  } finally {
    await session.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/** RSS of the server after every template of a generated 1,000-template workspace (10 charts) is open and checked. */
export async function measureMemory(): Promise<MemoryMeasure> {
  const root = mkdtempSync(join(tmpdir(), 'helm-hooks-bench-'));
  const paths = writeWorkspace(root, 10, 100);
  const session = await LspSession.start({ root, debounceMs: 0 });
  try {
    const start = performance.now();
    const checked = paths.map((path) => session.diagnostics(path, 1, 120_000));
    for (const path of paths) await session.open(path, readFileSync(path, 'utf8'), 1);
    await Promise.all(checked);
    const openMs = performance.now() - start;
    return { templates: paths.length, rssBytes: session.rss(), openMs };
  } finally {
    await session.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

export interface ChartWideMeasure {
  chart: string;
  templates: number;
  textBytes: number;
  /** didOpen of one template → the end of the pass that reported every file of the chart, as written. */
  firstPassMs: number;
  /** didOpen → the end of the pass that added the chart's evaluated findings. */
  evaluatedMs: number;
  /**
   * Median, over other templates opened one after the other (each closed again), of didOpen → the end of the pass over
   * every file of the chart, their lints kept from the first pass. An edit of an open file does not check the others.
   */
  passMs: number;
  /** Files with findings published. */
  files: number;
  /** The server's heap in use after a forced GC, once the evaluated pass is out: what it keeps. */
  heapBytes: number;
  rssBytes: number;
  /** The same with `helmHooks.diagnostics.scope` `openFiles`: what checking the whole chart costs beside it. */
  openFiles: { heapBytes: number; rssBytes: number };
}

/** The corpus chart with the most templates (its subcharts' included). */
export function largestChart(corpusCharts: string): string {
  const charts = readdirSync(corpusCharts, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(corpusCharts, entry.name));
  return charts.reduce((largest, chart) =>
    chartTemplates(chart).length > chartTemplates(largest).length ? chart : largest,
  );
}

const PASSES = 20;

/** One session with one template of `chart` open under `scope`: the times of its passes (trace log), then its RSS. */
async function chartWideSession(
  chart: string,
  scope: 'chart' | 'openFiles',
): Promise<Omit<ChartWideMeasure, 'openFiles' | 'templates' | 'textBytes'>> {
  const name = basename(chart);
  const opened = chartTemplates(chart).find((path) => path.endsWith('.yaml'))!;
  const text = readFileSync(opened, 'utf8');
  const session = await LspSession.start({
    root: chart,
    debounceMs: 0,
    measurableHeap: true,
    settings: { diagnostics: { scope }, trace: { server: 'verbose' } },
  });
  try {
    const pass = () => session.log((message) => message.includes(`diagnostics for ${name} in `), 300_000);
    const firstPass = pass();
    const evaluated = session.log((message) => message.includes(`evaluated ${name} in `), 300_000);
    const start = performance.now();
    await session.open(opened, text, 1);
    const firstPassMs = (await firstPass) - start;
    const evaluatedMs = (await evaluated) - start;
    const { heapUsed: heapBytes, rss: rssBytes } = await session.memory();
    const passes: number[] = [];
    for (const other of chartTemplates(chart)
      .filter((path) => path !== opened)
      .slice(0, PASSES)) {
      const opening = pass();
      const sent = performance.now();
      await session.open(other, readFileSync(other, 'utf8'), 1);
      passes.push((await opening) - sent);
      const closing = pass();
      await session.close(other);
      await closing;
    }
    return {
      chart: name,
      firstPassMs,
      evaluatedMs,
      passMs: median(passes),
      files: session.filesWithDiagnostics(),
      heapBytes,
      rssBytes,
    };
  } finally {
    await session.stop();
  }
}

/**
 * The whole chart in Problems on the corpus chart with the most templates, one of them open: how long until every
 * file's findings are out (as written, then evaluated), what a later pass over every file costs, and the
 * server's memory (heap kept after a GC, and RSS), beside the same session with the scope `openFiles`.
 */
export async function measureChartWide(corpusCharts: string): Promise<ChartWideMeasure> {
  const chart = largestChart(corpusCharts);
  const templates = chartTemplates(chart);
  const textBytes = templates.reduce((sum, path) => sum + statSync(path).size, 0);
  const openFiles = await chartWideSession(chart, 'openFiles');
  const whole = await chartWideSession(chart, 'chart');
  return {
    ...whole,
    templates: templates.length,
    textBytes,
    openFiles: { heapBytes: openFiles.heapBytes, rssBytes: openFiles.rssBytes },
  };
}
