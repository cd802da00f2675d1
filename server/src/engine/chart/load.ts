import { basename, join, resolve, sep } from 'node:path';
import type { FileAccess, FileStat } from '../core/files';
import { nodeFiles } from '../core/files';
import { MAX_DECOMPRESSED_FILE_SIZE, readChartArchive } from './archive';
import { describeFsError } from './discover';
import type { IgnoreRules } from './helmignore';
import { defaultIgnoreRules, ignoresFile, parseHelmignore } from './helmignore';
import { formatGoFloat } from '../model/scalar';
import { isCompatibleRange, parseVersion } from './semver';
import type { ChartMetadata, ChartProblem, ChartTemplate, LoadedChart, LoadOptions, ValuesSource } from './types';
import type { CoalesceReport, Values } from './values';
import {
  coalesceTables,
  coalesceValues,
  deepCopy,
  isTable,
  mergeMaps,
  mergeValues,
  parseValues,
  pathValue,
  setKey,
  table,
} from './values';

export type { LoadedChart, LoadOptions } from './types';

/** A file of a chart as Helm's loader sees it: its name inside the chart and where it came from. */
interface ChartFile {
  name: string;
  absolutePath: string;
  data: Buffer;
  /** A UTF-8 byte-order mark was dropped from the start of the file, as Helm drops it. */
  bom?: true;
}

/** A `dependencies` entry of Chart.yaml (or requirements.yaml). */
interface Requirement {
  name: string;
  version: string;
  condition: string;
  tags: string[];
  alias: string;
  importValues: unknown[];
  enabled: boolean;
}

/** Helm's chart.Chart while dependencies are processed: `dependencies` are the subcharts still in play. */
interface WorkingChart {
  name: string;
  metadata: ChartMetadata;
  /** null when Chart.yaml has no `dependencies` key: Helm then leaves every subchart (and their own) enabled. */
  requirements: Requirement[] | null;
  values: Values;
  /** Its own values.yaml, for tracing values back to their text. */
  valuesFile?: { path: string; text: string };
  dependencies: WorkingChart[];
  /** The file whose `dependencies` Helm reads: Chart.yaml, or requirements.yaml when it lists them. */
  requirementsSource?: { path: string; text: string };
  directory: string;
  templates: ChartTemplate[];
  files: Map<string, string>;
  problems: ChartProblem[];
}

/**
 * Loads a chart as `helm template` does before rendering: reads the directory (with `.helmignore`) and its subcharts
 * under `charts/` (directories and `.tgz` archives), drops the subcharts that conditions or tags disable, applies
 * aliases and `import-values`, and computes every chart's `.Values` from `values.yaml`, the `-f` files and globals.
 * Where Helm would refuse the chart, the reason is in `problems` and loading goes on as far as it can.
 */
export function loadChart(directory: string, options: LoadOptions = {}): LoadedChart {
  const root = resolve(directory);
  const overlay = options.overlay ?? new Map<string, string>();
  const access = options.files ?? nodeFiles;
  const problems: ChartProblem[] = [];
  const files = readChartDirectory(access, root, overlay, problems);
  const chart = loadFiles(files, root, basename(root), problems);

  let userValues: Values = {};
  const userSources: ValuesSource[] = [];
  for (const file of options.valuesFiles ?? []) {
    const path = resolve(file);
    const text = readText(access, path, overlay, problems);
    if (text === undefined) continue;
    const parsed = parseValues(text);
    if (parsed.error) chart.problems.push({ path, message: `failed to parse ${file}: ${parsed.error}` });
    else {
      userValues = mergeMaps(userValues, parsed.values);
      userSources.push({ path, text, at: [] });
    }
  }

  // action.CheckDependencies: Helm checks the top chart's entries by name only, before anything else.
  const missing = (chart.requirements ?? []).filter(
    (requirement) => !chart.dependencies.some((sub) => sub.name === requirement.name),
  );
  if (missing.length > 0) {
    chart.problems.push({
      path: chart.directory,
      message: `found in Chart.yaml, but missing in charts/ directory: ${missing.map((requirement) => requirement.name).join(', ')}`,
    });
  }

  const report: CoalesceReport = (message, fatal) => {
    if (fatal && !chart.problems.some((problem) => problem.message === message))
      chart.problems.push({ path: chart.directory, message });
  };
  processDependencyEnabled(chart, userValues, '', report);
  processDependencyImportValues(chart);
  const values = coalesceValues(chart, userValues, report);
  const loaded = toLoadedChart(chart, values, chart.name, userSources);
  if (missing.length > 0 && chart.requirementsSource)
    loaded.missingDependencies = { ...chart.requirementsSource, names: missing.map((requirement) => requirement.name) };
  return loaded;
}

/** `above`: the values texts of the parents and the user, lowest precedence first, seen from this chart. */
function toLoadedChart(
  chart: WorkingChart,
  values: Values,
  templatePrefix: string,
  above: ValuesSource[],
): LoadedChart {
  const isLibrary = chart.metadata.type === 'library';
  const valuesSources: ValuesSource[] = [...(chart.valuesFile ? [{ ...chart.valuesFile, at: [] }] : []), ...above];
  return {
    directory: chart.directory,
    metadata: chart.metadata,
    values,
    // A library chart's other templates are never rendered (engine.isTemplateValid).
    templates: isLibrary
      ? chart.templates.filter((template) => basename(template.path).startsWith('_'))
      : chart.templates,
    files: chart.files,
    subcharts: chart.dependencies.map((sub) =>
      toLoadedChart(
        sub,
        table(values, sub.name) ?? {},
        `${templatePrefix}/charts/${sub.name}`,
        valuesSources.map((source) => ({ ...source, at: [...source.at, sub.name] })),
      ),
    ),
    templatePrefix,
    problems: chart.problems,
    valuesSources,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading files

function readText(
  access: FileAccess,
  path: string,
  overlay: ReadonlyMap<string, string>,
  problems: ChartProblem[],
): string | undefined {
  const open = overlay.get(path);
  if (open !== undefined) return open;
  try {
    return stripBom(access.readFile(path)).toString('utf8');
  } catch (error) {
    problems.push({ path, message: `cannot read ${path}: ${describeFsError(error)}` });
    return undefined;
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function stripBom(data: Buffer): Buffer {
  return data.subarray(0, 3).equals(UTF8_BOM) ? data.subarray(3) : data;
}

/** loader.LoadDir: every file under the chart directory that `.helmignore` keeps, symlinks followed, in lexical order. */
function readChartDirectory(
  access: FileAccess,
  root: string,
  overlay: ReadonlyMap<string, string>,
  problems: ChartProblem[],
): ChartFile[] {
  let rules: IgnoreRules = defaultIgnoreRules();
  const ignorePath = join(root, '.helmignore');
  const ignoreText = overlay.get(ignorePath) ?? readIfExists(access, ignorePath, problems);
  if (ignoreText !== undefined) {
    const parsed = parseHelmignore(ignoreText);
    if (parsed.error) problems.push({ path: ignorePath, message: `Helm cannot read .helmignore: ${parsed.error}` });
    rules = parsed.rules;
  }

  const files: ChartFile[] = [];
  const seen = new Set<string>();
  const walk = (directory: string, relative: string, ancestors: Set<string>): void => {
    let names: string[];
    try {
      names = access.readDirectory(directory).sort(compareBytes);
    } catch (error) {
      problems.push({ path: directory, message: `cannot read directory ${directory}: ${describeFsError(error)}` });
      return;
    }
    for (const entry of names) {
      const absolutePath = join(directory, entry);
      const name = relative === '' ? entry : `${relative}/${entry}`;
      let stats: FileStat;
      try {
        stats = access.stat(absolutePath);
      } catch (error) {
        problems.push({ path: absolutePath, message: `cannot read ${absolutePath}: ${describeFsError(error)}` });
        continue;
      }
      if (stats.isDirectory()) {
        if (rules.ignores(name, true)) continue;
        let real: string;
        try {
          real = access.realPath(absolutePath);
        } catch {
          real = absolutePath;
        }
        // A symlink back up the tree would make Helm's walk recurse until the path is too long.
        if (ancestors.has(real)) {
          problems.push({ path: absolutePath, message: `symbolic link loop at ${absolutePath}` });
          continue;
        }
        walk(absolutePath, name, new Set([...ancestors, real]));
        continue;
      }
      if (rules.ignores(name, false)) continue;
      seen.add(absolutePath);
      if (!stats.isFile()) {
        problems.push({ path: absolutePath, message: `cannot load irregular file ${absolutePath}` });
        continue;
      }
      const open = overlay.get(absolutePath);
      if (open !== undefined) {
        files.push({ name, absolutePath, data: Buffer.from(open, 'utf8') });
        continue;
      }
      if (stats.size > MAX_DECOMPRESSED_FILE_SIZE) {
        problems.push({
          path: absolutePath,
          message: `chart file "${entry}" is larger than the maximum file size ${MAX_DECOMPRESSED_FILE_SIZE}`,
        });
        continue;
      }
      try {
        const bytes = access.readFile(absolutePath);
        const data = stripBom(bytes);
        files.push({ name, absolutePath, data, ...(data !== bytes ? { bom: true as const } : {}) });
      } catch (error) {
        problems.push({ path: absolutePath, message: `error reading ${name}: ${describeFsError(error)}` });
      }
    }
  };
  let rootReal: string;
  try {
    rootReal = access.realPath(root);
  } catch (error) {
    problems.push({ path: root, message: `cannot read chart directory ${root}: ${describeFsError(error)}` });
    return files;
  }
  walk(root, '', new Set([rootReal]));

  // Buffers of files not yet saved to disk belong to the chart too.
  const prefix = root.endsWith(sep) ? root : root + sep;
  for (const [path, text] of overlay) {
    if (!path.startsWith(prefix) || seen.has(path)) continue;
    const name = path.slice(prefix.length).split(sep).join('/');
    if (!ignoresFile(rules, name)) files.push({ name, absolutePath: path, data: Buffer.from(text, 'utf8') });
  }
  return files;
}

function readIfExists(access: FileAccess, path: string, problems: ChartProblem[]): string | undefined {
  try {
    return stripBom(access.readFile(path)).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR')
      problems.push({ path, message: `cannot read ${path}: ${describeFsError(error)}` });
    return undefined;
  }
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

// ---------------------------------------------------------------------------------------------------------------
// loader.LoadFiles

/** Builds a chart from its files; subcharts come from `charts/` (directories by their files, `.tgz` by unpacking). */
function loadFiles(
  files: readonly ChartFile[],
  directory: string,
  fallbackName: string,
  parentProblems: ChartProblem[],
): WorkingChart {
  const problems = parentProblems;
  const chartYaml = files.find((file) => file.name === 'Chart.yaml');
  let raw: Values = {};
  if (!chartYaml) problems.push({ path: join(directory, 'Chart.yaml'), message: 'Chart.yaml file is missing' });
  else {
    const parsed = parseValues(chartYaml.data.toString('utf8'));
    if (parsed.error)
      problems.push({ path: chartYaml.absolutePath, message: `cannot load Chart.yaml: ${parsed.error}` });
    raw = parsed.values;
  }
  // Without Chart.yaml Helm stops at "Chart.yaml file is missing"; field-by-field complaints would only add noise.
  const metadata = readMetadata(
    raw,
    fallbackName,
    chartYaml?.absolutePath ?? join(directory, 'Chart.yaml'),
    chartYaml ? problems : [],
  );
  let requirements = readRequirements(raw, chartYaml?.absolutePath ?? directory, problems);

  const chart: WorkingChart = {
    name: metadata.name,
    metadata,
    requirements,
    values: {},
    dependencies: [],
    directory,
    templates: [],
    files: new Map(),
    problems,
  };
  if (chartYaml && requirements)
    chart.requirementsSource = { path: chartYaml.absolutePath, text: chartYaml.data.toString('utf8') };
  const subchartFiles = new Map<string, ChartFile[]>();
  for (const file of files) {
    const name = file.name;
    if (name === 'Chart.yaml' || name === 'Chart.lock' || name === 'values.schema.json') continue;
    if (name === 'values.yaml') {
      const text = file.data.toString('utf8');
      const parsed = parseValues(text);
      if (parsed.error) problems.push({ path: file.absolutePath, message: `cannot load values.yaml: ${parsed.error}` });
      chart.values = parsed.values;
      chart.valuesFile = { path: file.absolutePath, text };
    } else if (name === 'requirements.yaml' || name === 'requirements.lock') {
      if (name === 'requirements.yaml') {
        const parsed = parseValues(file.data.toString('utf8'));
        if (parsed.error)
          problems.push({ path: file.absolutePath, message: `cannot load requirements.yaml: ${parsed.error}` });
        // Helm decodes requirements.yaml into the metadata, so its `dependencies` replace those of Chart.yaml.
        if (Object.prototype.hasOwnProperty.call(parsed.values, 'dependencies')) {
          requirements = readRequirements(parsed.values, file.absolutePath, problems);
          chart.requirements = requirements;
          if (requirements) chart.requirementsSource = { path: file.absolutePath, text: file.data.toString('utf8') };
          else delete chart.requirementsSource;
        }
      }
      if (metadata.apiVersion === 'v1') chart.files.set(name, file.data.toString('utf8'));
    } else if (name.startsWith('templates/')) {
      chart.templates.push({
        path: name,
        absolutePath: file.absolutePath,
        text: file.data.toString('utf8'),
        ...(file.bom ? { textStart: 1 } : {}),
      });
    } else if (name.startsWith('charts/')) {
      if (name.endsWith('.prov')) {
        chart.files.set(name, file.data.toString('utf8'));
        continue;
      }
      const rest = name.slice('charts/'.length);
      const subchart = rest.split('/')[0]!;
      const group = subchartFiles.get(subchart) ?? [];
      group.push({ ...file, name: rest });
      subchartFiles.set(subchart, group);
    } else {
      chart.files.set(name, file.data.toString('utf8'));
    }
  }

  for (const [entry, group] of [...subchartFiles].sort(([a], [b]) => compareBytes(a, b))) {
    if (entry.startsWith('_') || entry.startsWith('.')) continue;
    const sub = entry.endsWith('.tgz')
      ? loadArchiveSubchart(entry, group, chart)
      : loadDirectorySubchart(entry, group, chart);
    if (sub) chart.dependencies.push(sub);
  }
  return chart;
}

function loadArchiveSubchart(entry: string, group: ChartFile[], parent: WorkingChart): WorkingChart | undefined {
  const file = group[0]!;
  if (file.name !== entry) {
    parent.problems.push({
      path: file.absolutePath,
      message: `error unpacking subchart tar in ${parent.name}: expected ${entry}, got ${file.name}`,
    });
    return undefined;
  }
  const archive = readChartArchive(file.data);
  if (!archive.ok) {
    parent.problems.push({
      path: file.absolutePath,
      message: `error unpacking subchart ${entry} in ${parent.name}: ${archive.error}`,
    });
    return undefined;
  }
  const directory = `${file.absolutePath}#${archive.contents.root}`;
  const files = archive.contents.files.map((member) => ({
    name: member.name,
    absolutePath: `${directory}/${member.name}`,
    data: member.data,
  }));
  return loadSubchart(entry, files, directory, parent);
}

function loadDirectorySubchart(entry: string, group: ChartFile[], parent: WorkingChart): WorkingChart | undefined {
  const files = group
    .filter((file) => file.name.includes('/'))
    .map((file) => ({ ...file, name: file.name.slice(file.name.indexOf('/') + 1) }));
  const directory = group[0]!.absolutePath.slice(0, group[0]!.absolutePath.length - group[0]!.name.length) + entry;
  return loadSubchart(entry, files, directory, parent);
}

function loadSubchart(
  entry: string,
  files: ChartFile[],
  directory: string,
  parent: WorkingChart,
): WorkingChart | undefined {
  if (!files.some((file) => file.name === 'Chart.yaml')) {
    // Helm refuses the parent chart here; the stray entry cannot be a subchart.
    parent.problems.push({
      path: directory,
      message: `error unpacking subchart ${entry} in ${parent.name}: Chart.yaml file is missing`,
    });
    return undefined;
  }
  return loadFiles(files, directory, entry, []);
}

function readMetadata(raw: Values, fallbackName: string, path: string, problems: ChartProblem[]): ChartMetadata {
  // Chart.yaml decodes into string fields, so sigs.k8s.io/yaml turns `name: off` into "false" and `version: 1.0` into "1".
  const text = (key: string): string | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'boolean') return String(value);
    if (typeof value === 'number')
      return Number.isInteger(value) && Math.abs(value) < 2 ** 53 ? String(value) : formatGoFloat(value);
    problems.push({ path, message: `cannot load Chart.yaml: ${key} must be a string` });
    return undefined;
  };
  const name = text('name');
  const version = text('version');
  const apiVersion = text('apiVersion') || 'v1';
  const type = text('type');
  const appVersion = text('appVersion');
  if (!name) problems.push({ path, message: 'chart.metadata.name is required' });
  else if (name === '.' || name === '..' || name.includes('/'))
    problems.push({ path, message: `chart.metadata.name ${JSON.stringify(name)} is invalid` });
  if (!version) problems.push({ path, message: 'chart.metadata.version is required' });
  else if (!parseVersion(version))
    problems.push({ path, message: `chart.metadata.version ${JSON.stringify(version)} is invalid` });
  if (type !== undefined && type !== '' && type !== 'application' && type !== 'library') {
    problems.push({ path, message: 'chart.metadata.type must be application or library' });
  }
  const metadata: ChartMetadata = { name: name || fallbackName, version: version ?? '', apiVersion, raw };
  if (appVersion !== undefined) metadata.appVersion = appVersion;
  if (type !== undefined) metadata.type = type;
  return metadata;
}

const ALIAS_FORMAT = /^[a-zA-Z0-9_-]+$/;

function readRequirements(raw: Values, path: string, problems: ChartProblem[]): Requirement[] | null {
  const list = raw['dependencies'];
  if (list === undefined || list === null) return null;
  if (!Array.isArray(list)) {
    problems.push({ path, message: 'cannot load dependencies: not a list' });
    return null;
  }
  const requirements: Requirement[] = [];
  const keys = new Set<string>();
  for (const item of list) {
    if (!isTable(item)) {
      problems.push({ path, message: 'dependencies must not contain empty or null nodes' });
      continue;
    }
    const field = (key: string): string =>
      typeof item[key] === 'string'
        ? (item[key] as string)
        : item[key] === undefined || item[key] === null
          ? ''
          : String(item[key]);
    const tags = item['tags'];
    const requirement: Requirement = {
      name: field('name'),
      version: field('version'),
      condition: field('condition'),
      tags: Array.isArray(tags) ? tags.map((tag) => String(tag)) : [],
      alias: field('alias'),
      importValues: Array.isArray(item['import-values']) ? (item['import-values'] as unknown[]) : [],
      enabled: true,
    };
    if (requirement.alias !== '' && !ALIAS_FORMAT.test(requirement.alias)) {
      problems.push({ path, message: `dependency "${requirement.name}" has disallowed characters in the alias` });
    }
    const key = requirement.alias || requirement.name;
    if (keys.has(key)) problems.push({ path, message: `more than one dependency with name or alias "${key}"` });
    keys.add(key);
    requirements.push(requirement);
  }
  return requirements;
}

// ---------------------------------------------------------------------------------------------------------------
// chartutil.ProcessDependencies

/** getAliasDependency: a copy of the first vendored chart that the entry's name and version range select, renamed by the alias. */
function aliasDependency(charts: readonly WorkingChart[], requirement: Requirement): WorkingChart | undefined {
  const found = charts.find(
    (chart) => chart.name === requirement.name && isCompatibleRange(requirement.version, chart.metadata.version),
  );
  if (!found) return undefined;
  const name = requirement.alias || found.name;
  return {
    ...found,
    name,
    metadata: {
      ...found.metadata,
      name,
      raw: requirement.alias ? { ...found.metadata.raw, name } : found.metadata.raw,
    },
    requirements: found.requirements && found.requirements.map((entry) => ({ ...entry })),
    dependencies: found.dependencies.map((dependency) => ({ ...dependency })),
  };
}

function processDependencyEnabled(chart: WorkingChart, values: Values, path: string, report: CoalesceReport): void {
  if (chart.requirements === null) return;
  const requirements = chart.requirements.map((entry) => ({ ...entry }));
  const kept: WorkingChart[] = chart.dependencies.filter(
    (existing) =>
      !requirements.some(
        (requirement) =>
          existing.name === requirement.name && isCompatibleRange(requirement.version, existing.metadata.version),
      ),
  );
  for (const requirement of requirements) {
    const dependency = aliasDependency(chart.dependencies, requirement);
    if (dependency) kept.push(dependency);
    if (requirement.alias) requirement.name = requirement.alias;
  }
  chart.dependencies = kept;
  for (const requirement of requirements) requirement.enabled = true;

  const coalesced = coalesceValues(chart, values, report);
  processDependencyTags(requirements, coalesced);
  processDependencyConditions(requirements, coalesced, path);
  const disabled = new Set(
    requirements.filter((requirement) => !requirement.enabled).map((requirement) => requirement.name),
  );
  const enabled = chart.dependencies.filter((dependency) => !disabled.has(dependency.name));
  for (const dependency of enabled)
    processDependencyEnabled(dependency, coalesced, `${path}${dependency.name}.`, report);
  chart.requirements = requirements.filter((requirement) => !disabled.has(requirement.name));
  chart.dependencies = enabled;
}

/** Tags: a true tag enables, false tags disable only when no tag of the entry is true; an unset tag decides nothing. */
function processDependencyTags(requirements: Requirement[], values: Values): void {
  const tags = table(values, 'tags');
  if (!tags) return;
  for (const requirement of requirements) {
    let hasTrue = false;
    let hasFalse = false;
    for (const tag of requirement.tags) {
      if (!Object.prototype.hasOwnProperty.call(tags, tag)) continue;
      if (tags[tag] === true) hasTrue = true;
      else if (tags[tag] === false) hasFalse = true;
    }
    if (!hasTrue && hasFalse) requirement.enabled = false;
    else requirement.enabled = true;
  }
}

/** Conditions: the first comma-separated path (not trimmed) that resolves to a bool decides; others are skipped. */
function processDependencyConditions(requirements: Requirement[], values: Values, path: string): void {
  for (const requirement of requirements) {
    for (const condition of requirement.condition.trim().split(',')) {
      if (condition.length === 0) continue;
      const found = pathValue(values, path + condition);
      if (found.found && typeof found.value === 'boolean') {
        requirement.enabled = found.value;
        break;
      }
    }
  }
}

/** processDependencyImportValues, in merge mode as ProcessDependencies runs it: children first, then the chart. */
function processDependencyImportValues(chart: WorkingChart): void {
  for (const dependency of chart.dependencies) processDependencyImportValues(dependency);
  if (chart.requirements === null) return;
  const merged = mergeValues(chart, {});
  let imported: Values = {};
  for (const requirement of chart.requirements) {
    for (const entry of requirement.importValues) {
      let child: Values | undefined;
      let parent = '.';
      if (isTable(entry)) {
        child = table(merged, `${requirement.name}.${goString(entry['child'])}`);
        parent = goString(entry['parent']);
      } else if (typeof entry === 'string') {
        child = table(merged, `${requirement.name}.exports.${entry}`);
      }
      if (child) imported = coalesceTables(imported, pathToMap(parent, deepCopy(child)), '', true);
    }
  }
  // Imported values rank below the parent's own.
  chart.values = coalesceTables(deepCopy(merged), imported, '', true);
}

function goString(value: unknown): string {
  if (value === undefined || value === null) return '<nil>';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function pathToMap(path: string, data: Values): Values {
  if (path === '.') return data;
  let current: Values = data;
  for (const part of path.split('.').reverse()) {
    const wrapper: Values = {};
    setKey(wrapper, part, current);
    current = wrapper;
  }
  return current;
}
