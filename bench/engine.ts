import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { discover } from '../server/src/engine/chart/discover';
import { analyzeTemplate } from '../server/src/engine/analysis/file';
import { lintFile } from '../server/src/engine/lint/lint';
import { generatedTemplate } from './generate';
import { median, timeMs } from './stats';

export interface EngineMeasure {
  label: string;
  files: number;
  bytes: number;
  /** Median over rounds of the time to analyse and lint every file once. */
  engineMs: number;
  /** Median over rounds of the time `yaml.parseAllDocuments` (default options) takes on the same texts. */
  parseMs: number;
}

interface Source {
  path: string;
  text: string;
}

function engine(sources: readonly Source[]): void {
  for (const { path, text } of sources) lintFile(analyzeTemplate(path, text));
}

function parse(sources: readonly Source[]): void {
  for (const { text } of sources) parseAllDocuments(text);
}

/**
 * Both sides run on the same texts in the same process, alternating round by round so that GC and JIT state are
 * shared fairly; the first round of each warms up and is discarded.
 */
function measure(label: string, sources: readonly Source[], rounds: number): EngineMeasure {
  engine(sources);
  parse(sources);
  const engineTimes: number[] = [];
  const parseTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    engineTimes.push(timeMs(() => engine(sources)));
    parseTimes.push(timeMs(() => parse(sources)));
  }
  const bytes = sources.reduce((sum, source) => sum + Buffer.byteLength(source.text), 0);
  return { label, files: sources.length, bytes, engineMs: median(engineTimes), parseMs: median(parseTimes) };
}

export function corpusSources(corpusCharts: string): Source[] {
  return discover(corpusCharts).flatMap((target) =>
    target.kind === 'chart' ? target.chart.templates.map((path) => ({ path, text: readFileSync(path, 'utf8') })) : [],
  );
}

export function measureEngine(corpusCharts: string | undefined): EngineMeasure[] {
  const results: EngineMeasure[] = [];
  if (corpusCharts) results.push(measure('corpus templates', corpusSources(corpusCharts), 3));
  const generated = [{ path: '/bench/templates/generated.yaml', text: generatedTemplate(2000) }];
  results.push(measure('generated 2,000-line template', generated, 40));
  return results;
}
