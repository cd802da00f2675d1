import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { IgnoreRules } from './helmignore';
import { defaultIgnoreRules, ignoresFile, parseHelmignore } from './helmignore';

/** A chart found on disk: its directory and the template files Helm renders or reads defines from. */
export interface DiscoveredChart {
  directory: string;
  templates: string[];
}

export type Target = { kind: 'chart'; chart: DiscoveredChart } | { kind: 'file'; path: string };

export class DiscoveryError extends Error {}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);
const TEMPLATE_EXTENSIONS = /\.(ya?ml|tpl)$/i;

/**
 * Resolves one CLI path: a template file, a chart directory (holds Chart.yaml), or a directory searched for charts.
 * Throws DiscoveryError with a one-line message when the path cannot be read or holds no chart.
 */
export function discover(path: string): Target[] {
  const absolute = resolve(path);
  const stats = statOrThrow(absolute, path);
  if (stats.isFile()) return [{ kind: 'file', path: absolute }];
  if (!stats.isDirectory()) throw new DiscoveryError(`${path}: not a file or directory`);
  const charts: DiscoveredChart[] = [];
  collectCharts(absolute, charts);
  if (charts.length === 0) throw new DiscoveryError(`${path}: no chart found (no Chart.yaml in it or below it)`);
  return charts.map((chart) => ({ kind: 'chart', chart }));
}

function statOrThrow(absolute: string, shown: string) {
  try {
    return statSync(absolute);
  } catch (error) {
    throw new DiscoveryError(`${shown}: ${describeFsError(error)}`);
  }
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return (error as Error).message ?? String(error);
  }
}

function listDirectory(directory: string): { name: string; isDirectory: boolean; isFile: boolean }[] {
  try {
    return readdirSync(directory, { withFileTypes: true }).map((entry) => ({
      name: entry.name,
      isDirectory: entry.isDirectory(),
      isFile: entry.isFile(),
    }));
  } catch (error) {
    throw new DiscoveryError(`${displayPath(directory)}: ${describeFsError(error)}`);
  }
}

function collectCharts(directory: string, charts: DiscoveredChart[]): void {
  const entries = listDirectory(directory);
  if (entries.some((entry) => entry.isFile && entry.name === 'Chart.yaml')) {
    charts.push({ directory, templates: chartTemplates(directory) });
    return;
  }
  for (const entry of entries) {
    if (entry.isDirectory && !SKIPPED_DIRECTORIES.has(entry.name)) collectCharts(join(directory, entry.name), charts);
  }
}

/**
 * Templates of the chart and of its unpacked subcharts under charts/, whose hooks run in the same release; those that
 * the chart's `.helmignore` leaves out are not loaded by Helm, so they are none of the chart's. A subchart's own
 * `.helmignore` plays no part: Helm v4.1.4 pkg/chart/v2/loader/directory.go `LoadDir` reads the top chart's rules
 * only, walks the whole tree with them, and `LoadFiles` then splits the files under charts/ into subcharts.
 */
export function chartTemplates(chartDirectory: string): string[] {
  return releaseTemplates(chartDirectory, chartDirectory, chartIgnoreRules(chartDirectory));
}

function releaseTemplates(topChart: string, chartDirectory: string, rules: IgnoreRules): string[] {
  const isKept = (path: string) => !ignoresFile(rules, relative(topChart, path).split(sep).join('/'));
  const files: string[] = [];
  const templates = join(chartDirectory, 'templates');
  if (isDirectory(templates)) walkTemplates(templates, files);
  const subcharts = join(chartDirectory, 'charts');
  if (isDirectory(subcharts)) {
    for (const entry of listDirectory(subcharts)) {
      const subchart = join(subcharts, entry.name);
      if (entry.isDirectory && isKept(join(subchart, 'Chart.yaml')) && isFile(join(subchart, 'Chart.yaml')))
        files.push(...releaseTemplates(topChart, subchart, rules));
    }
  }
  return files.filter((path) => (path.startsWith(templates + sep) ? isKept(path) : true)).sort();
}

/**
 * Whether Helm never loads the template at `path`: the `.helmignore` of the outermost chart holding it (the folder
 * above its `templates/` that holds Chart.yaml, or a chart holding that one under `charts/`) leaves it out. Only that
 * chart's rules count, as in `chartTemplates`. `rulesOf` gives a chart directory's rules, `isChart` says whether a
 * directory holds a Chart.yaml.
 */
export function isHelmIgnored(
  path: string,
  rulesOf: (chart: string) => IgnoreRules = chartIgnoreRules,
  isChart: (directory: string) => boolean = (directory) => isFile(join(directory, 'Chart.yaml')),
): boolean {
  let directory = dirname(path);
  while (basename(directory) !== 'templates') {
    const parent = dirname(directory);
    if (parent === directory) return false;
    directory = parent;
  }
  let chart = dirname(directory);
  if (!isChart(chart)) return false;
  while (basename(dirname(chart)) === 'charts' && isChart(dirname(dirname(chart)))) chart = dirname(dirname(chart));
  return ignoresFile(rulesOf(chart), relative(chart, path).split(sep).join('/'));
}

/** The chart's `.helmignore` rules (Helm's defaults when it has none or it cannot be read). */
export function chartIgnoreRules(chartDirectory: string): IgnoreRules {
  let text: string;
  try {
    text = readFileSync(join(chartDirectory, '.helmignore'), 'utf8');
  } catch {
    return defaultIgnoreRules();
  }
  return parseHelmignore(text).rules;
}

function walkTemplates(directory: string, files: string[]): void {
  for (const entry of listDirectory(directory)) {
    const path = join(directory, entry.name);
    if (entry.isDirectory) walkTemplates(path, files);
    else if (entry.isFile && TEMPLATE_EXTENSIONS.test(entry.name) && basename(path) !== 'NOTES.txt') files.push(path);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A path relative to `base` with `/` separators, as the JSON and SARIF contracts want. */
export function displayPath(path: string, base: string = process.cwd()): string {
  const relativePath = relative(base, path) || basename(path);
  return relativePath.split(sep).join('/');
}
