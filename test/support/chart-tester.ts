import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { loadChart } from '../../server/src/engine/chart/load';
import type { LoadedChart, LoadOptions } from '../../server/src/engine/chart/types';
import type { FileAccess } from '../../server/src/engine/core/files';
import { MemoryFiles, nodeFiles, readTextFile } from '../../server/src/engine/core/files';
import type { EvaluatedLintOptions } from '../../server/src/engine/lint/evaluated-lint';
import { evaluatedFindings } from '../../server/src/engine/lint/evaluated-lint';
import { ALL_RULES } from '../../server/src/engine/rules';
import type { Finding } from '../../server/src/engine/rules/rule';
import { LineIndex } from '../../server/src/engine/core/text';
import { assertShortMessage } from './messages';

const CHART_DEFAULTS = { 'Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n', 'values.yaml': '' };

/** Where MemoryCharts keep their charts: one tree for the test file, under a root no disk path starts with. */
const MEMORY = new MemoryFiles(resolve(sep, 'memory-charts'));
let memoryCharts = 0;

/** The files of a chart directory: memory for a MemoryCharts chart, else the disk. */
export function filesAt(directory: string): FileAccess {
  return directory.startsWith(MEMORY.root + sep) ? MEMORY : nodeFiles;
}

/** A chart of MemoryCharts or on disk, loaded from where it is. */
export function loadTestChart(directory: string, options: LoadOptions = {}): LoadedChart {
  return loadChart(directory, { ...options, files: filesAt(directory) });
}

/**
 * Charts held in memory from a map of files, linted on the evaluated view: for rules that read the whole chart as
 * Helm renders it. No folder is written; what needs a real one (the CLI, `tar`) uses ScratchCharts.
 */
export class MemoryCharts {
  private readonly root = join(MEMORY.root, `charts-${++memoryCharts}`);
  private count = 0;

  /** Puts `Chart.yaml` (unless given), `values.yaml` (empty unless given) and the files; returns the directory. */
  write(files: Record<string, string>): string {
    const directory = join(this.root, `chart-${++this.count}`);
    for (const [path, text] of Object.entries({ ...CHART_DEFAULTS, ...files }))
      MEMORY.write(join(directory, ...path.split('/')), text);
    return directory;
  }
}

/** Charts written to a temporary directory from a map of files, for tests that need them on disk. */
export class ScratchCharts {
  private readonly root = mkdtempSync(join(tmpdir(), 'helm-hooks-charts-'));
  private count = 0;

  /** Writes `Chart.yaml` (unless given), `values.yaml` (empty unless given) and the files; returns the directory. */
  write(files: Record<string, string>): string {
    const directory = join(this.root, `chart-${++this.count}`);
    const all = { ...CHART_DEFAULTS, ...files };
    for (const [path, text] of Object.entries(all)) {
      mkdirSync(dirname(join(directory, path)), { recursive: true });
      writeFileSync(join(directory, path), text);
    }
    return directory;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The evaluated findings of one rule on a chart directory (every other rule off); each keeps the short-message contract. */
export function chartFindings(
  directory: string,
  ruleId: string,
  options: Partial<EvaluatedLintOptions> & { valuesFiles?: string[] } = {},
): Finding[] {
  const others = Object.fromEntries(
    ALL_RULES.filter((rule) => rule.id !== ruleId).map((rule) => [rule.id, 'off' as const]),
  );
  const { valuesFiles, ...lintOptions } = options;
  const findings = evaluatedFindings(loadTestChart(directory, valuesFiles ? { valuesFiles } : {}), {
    helmVersion: 4,
    ...lintOptions,
    rules: { ...others, ...(lintOptions.rules ?? {}) },
  });
  findings.forEach(assertShortMessage);
  return findings;
}

/** What a user sees of a finding: `file:line "text"`, the file relative to the chart. */
export function where(directory: string, finding: { file: string; range: { start: number; end: number } }): string {
  const text = readTextFile(filesAt(finding.file), finding.file);
  const line = new LineIndex(text).position(finding.range.start).line + 1;
  return `${finding.file.slice(directory.length + 1)}:${line} ${JSON.stringify(text.slice(finding.range.start, finding.range.end))}`;
}

/** Asserts that a chart rule reports its documented bad example and not its good one, each as a chart's one template. */
export function assertChartDocsExamples(charts: MemoryCharts | ScratchCharts, ruleId: string): void {
  const rule = ALL_RULES.find((candidate) => candidate.id === ruleId);
  assert.ok(rule?.checkChart, `${ruleId} is a chart rule`);
  const bad = charts.write({ 'templates/example.yaml': rule.docs.bad, 'values.yaml': 'password: secret\n' });
  assert.ok(chartFindings(bad, ruleId).length > 0, `the bad example of ${ruleId} is reported`);
  const good = charts.write({ 'templates/example.yaml': rule.docs.good, 'values.yaml': 'password: secret\n' });
  assert.deepEqual(chartFindings(good, ruleId), [], `the good example of ${ruleId} is clean`);
}
