import { readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { chartTemplates, describeFsError, DiscoveryError, displayPath } from '../engine/chart/discover';
import { loadChart } from '../engine/chart/load';
import { ChartRenderer } from '../engine/eval/render';
import { DEFAULT_RELEASE_NAME, EvaluatedRelease, evaluateReleaseOrder } from '../engine/order/evaluated-order';
import { analyzeTemplate, TemplateFile } from '../engine/analysis/file';
import { lastEntry, literalText, ResourceDocument } from '../engine/model/document';
import { HOOK_KEY, HookEvent } from '../engine/model/hook';
import { ChartOrder, compareKindOrder, describeDeleted, DeletedWhen, HookInfo, hooksOfFile, orderHooks } from '../engine/order/order';
import { HelmVersion } from '../engine/rules/rule';
import { CommandIO, UsageError } from './lint-command';

export const OPERATIONS = ['install', 'upgrade', 'rollback', 'uninstall', 'test'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface OrderCommandOptions {
  chart: string;
  format: 'text' | 'json';
  operation?: Operation;
  helmVersion: HelmVersion;
  /** `-f` files, merged in order over values.yaml. */
  valuesFiles?: string[];
  /** Order for this release only; by default positions are claimed only where they hold for any release name. */
  releaseName?: string;
}

/** What the order was read from: what Helm renders, or the templates as written when the chart cannot be evaluated. */
export type OrderView = 'evaluated' | 'as-written';

export interface OrderHookJson {
  position: number | null;
  weight: number | string | null;
  kind: string | null;
  name: string | null;
  nameCertain: boolean;
  file: string;
  line: number;
  deletePolicies: string[] | null;
  deleted: DeletedWhen | null;
}

export interface OrderResourceJson {
  kind: string | null;
  name: string | null;
  file: string;
  line: number;
}

export type OrderStepJson = { event: HookEvent; hooks: OrderHookJson[] } | { resources: OrderResourceJson[] };

export interface OrderJson {
  version: 1;
  chart: string;
  releaseName: string;
  operations: { operation: Operation; steps: OrderStepJson[] }[];
  unknown: { file: string; line: number; reason: string }[];
}

/** The hook events around the release resources of each operation (reference/helm-hooks.md §5.1); test has none. */
const PHASES: Record<Operation, { pre: HookEvent; post?: HookEvent }> = {
  install: { pre: 'pre-install', post: 'post-install' },
  upgrade: { pre: 'pre-upgrade', post: 'post-upgrade' },
  rollback: { pre: 'pre-rollback', post: 'post-rollback' },
  uninstall: { pre: 'pre-delete', post: 'post-delete' },
  test: { pre: 'test' },
};

const TEMPLATED_HOOK = 'helm.sh/hook is templated: its events are known only when rendered';

interface Loaded {
  file: TemplateFile;
  chartPath: string;
}

export function runOrder(options: OrderCommandOptions, io: CommandIO): number {
  const directory = options.chart;
  if (!isFile(join(directory, 'Chart.yaml'))) {
    if (!exists(directory)) throw new UsageError(`${directory}: no such file or directory`);
    throw new UsageError(`${directory}: not a chart directory (no Chart.yaml)`);
  }
  const chartName = readChartName(directory);
  const operations = options.operation ? [options.operation] : [...OPERATIONS];
  const evaluated = evaluatedOrder(chartName, operations, options, io);
  const result = evaluated ?? asWrittenOrder(directory, chartName, operations, io);
  io.stdout(options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatOrderText(result, options.helmVersion, evaluated ? 'evaluated' : 'as-written'));
  return 0;
}

/**
 * The order as Helm renders the chart with the options' values: install's render for every operation but upgrade,
 * which renders with `.Release.IsUpgrade`. Undefined, with one line on stderr, when the chart cannot be evaluated.
 * A values file that cannot be read or parsed is a usage error, as it is for `helm template -f`.
 */
function evaluatedOrder(chartName: string, operations: readonly Operation[], options: OrderCommandOptions, io: CommandIO): OrderJson | undefined {
  const valuesFiles = (options.valuesFiles ?? []).map((file) => resolve(file));
  for (const file of valuesFiles) {
    try {
      readFileSync(file);
    } catch (error) {
      throw new UsageError(`values file ${displayPath(file)}: ${describeFsError(error)}`);
    }
  }
  const notEvaluated = (why: string) => {
    io.stderr(`helm-hooks: ${displayPath(options.chart)}: not evaluated (${why}): showing the hooks as written\n`);
    return undefined;
  };
  const chart = loadChart(options.chart, { valuesFiles });
  const broken = chart.problems.find((problem) => valuesFiles.includes(problem.path));
  if (broken) throw new UsageError(`values file ${displayPath(broken.path)}: ${broken.message}`);
  // Helm refuses such a chart; what is written is all there is to show.
  if (chart.problems.length > 0) return notEvaluated(chart.problems[0]!.message);
  try {
    const renderer = new ChartRenderer(chart);
    const render = (isUpgrade: boolean) => evaluateReleaseOrder(renderer, { isUpgrade, ...(options.releaseName !== undefined ? { releaseName: options.releaseName } : {}) });
    const install = operations.some((operation) => operation !== 'upgrade') ? render(false) : undefined;
    const upgrade = operations.includes('upgrade') ? render(true) : undefined;
    return evaluatedJson(chartName, operations, options.releaseName ?? DEFAULT_RELEASE_NAME, (operation) => (operation === 'upgrade' ? upgrade! : install!));
  } catch (error) {
    return notEvaluated(error instanceof Error ? error.message : String(error));
  }
}

function evaluatedJson(chart: string, operations: readonly Operation[], releaseName: string, renderOf: (operation: Operation) => EvaluatedRelease): OrderJson {
  const unknown: OrderJson['unknown'] = [];
  const seen = new Set<string>();
  const steps = (operation: Operation): OrderStepJson[] => {
    const release = renderOf(operation);
    for (const entry of release.unknown) {
      const key = JSON.stringify([entry.at.path, entry.at.line, entry.reason]);
      if (seen.has(key)) continue;
      seen.add(key);
      unknown.push({ file: entry.at.path, line: entry.at.line, reason: entry.reason });
    }
    const hookJson = (event: HookEvent): OrderHookJson[] =>
      (release.events.find((candidate) => candidate.event === event)?.hooks ?? []).map(({ hook, position }) => ({
        position: position ?? null,
        weight: hook.weightCertain ? weightJson(hook.weight) : null,
        kind: hook.kind ?? null,
        name: hook.name ?? null,
        nameCertain: hook.name !== undefined,
        file: hook.at.path,
        line: hook.at.line,
        deletePolicies: hook.deletePolicies ?? null,
        deleted: hook.deleted ?? null,
      }));
    const resources: OrderResourceJson[] = release.resources.map((resource) => ({ kind: resource.kind, name: resource.name ?? null, file: resource.at.path, line: resource.at.line }));
    const phase = PHASES[operation];
    const result: OrderStepJson[] = [{ event: phase.pre, hooks: hookJson(phase.pre) }];
    if (phase.post) result.push({ resources }, { event: phase.post, hooks: hookJson(phase.post) });
    return result;
  };
  return { version: 1, chart, releaseName, operations: operations.map((operation) => ({ operation, steps: steps(operation) })), unknown };
}

/** The order from the chart's templates as written, for a chart that cannot be evaluated. */
function asWrittenOrder(directory: string, chartName: string, operations: readonly Operation[], io: CommandIO): OrderJson {
  const files: Loaded[] = [];
  let templates: string[];
  try {
    templates = chartTemplates(directory);
  } catch (error) {
    if (error instanceof DiscoveryError) throw new UsageError(error.message);
    throw error;
  }
  for (const path of templates) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      io.stderr(`helm-hooks: ${displayPath(path)}: ${describeFsError(error)}\n`);
      continue;
    }
    if (text.includes('\0')) continue;
    files.push({ file: analyzeTemplate(path, text), chartPath: relative(directory, path).split(sep).join('/') });
  }
  return buildOrder(chartName, files, operations);
}

/** The operations' steps from the chart's templates as written: hooks in Helm's order key, release resources between. */
export function buildOrder(chart: string, files: readonly Loaded[], operations: readonly Operation[]): OrderJson {
  const hooks: HookInfo[] = [];
  const unknown: ChartOrder['unknown'] = [];
  const resources: { resource: ResourceDocument; loaded: Loaded }[] = [];
  for (const loaded of files) {
    const found = hooksOfFile(loaded.file, loaded.chartPath);
    hooks.push(...found.hooks);
    unknown.push(...found.unknown.map((range) => ({ file: loaded.file.path, chartPath: loaded.chartPath, range })));
    if (loaded.file.isPartial) continue;
    for (const resource of loaded.file.model.documents) {
      if (isReleaseResource(resource)) resources.push({ resource, loaded });
    }
  }
  const order = orderHooks(hooks, unknown);
  const byFile = new Map(files.map((loaded) => [loaded.file.path, loaded]));
  const hookJson = (event: HookEvent): OrderHookJson[] =>
    (order.events.find((candidate) => candidate.event === event)?.hooks ?? []).map(({ hook, position }) => {
      const loaded = byFile.get(hook.file)!;
      const resource = loaded.file.model.documents.find((document) => document.index === hook.documentIndex);
      return {
        position: position ?? null,
        weight: hook.weightCertain ? weightJson(hook.weight) : null,
        kind: hook.kind ?? null,
        name: hook.name ?? null,
        nameCertain: hook.nameCertain,
        file: loaded.chartPath,
        line: resource ? lineOf(loaded.file, resource) : loaded.file.lines.position(hook.hookKeyRange.start).line + 1,
        deletePolicies: hook.deletePolicies ?? null,
        deleted: hook.deleted ?? null,
      };
    });
  // Helm creates release resources sorted by kind (InstallOrder, unknown kinds last by name), stably.
  const sorted = resources
    .map((entry, index) => ({ ...entry, index, kind: literal(entry.resource.kind) }))
    .sort((a, b) => compareKindOrder(a.kind, b.kind) || a.index - b.index);
  const resourceJson: OrderResourceJson[] = sorted.map(({ resource, loaded, kind }) => ({
    kind: kind ?? null,
    name: resource.name ? literal(resource.name) ?? resource.name.source : null,
    file: loaded.chartPath,
    line: lineOf(loaded.file, resource),
  }));
  return {
    version: 1,
    chart,
    releaseName: DEFAULT_RELEASE_NAME,
    operations: operations.map((operation) => {
      const phase = PHASES[operation];
      const steps: OrderStepJson[] = [{ event: phase.pre, hooks: hookJson(phase.pre) }];
      if (phase.post) steps.push({ resources: resourceJson }, { event: phase.post, hooks: hookJson(phase.post) });
      return { operation, steps };
    }),
    unknown: order.unknown.map((entry) => {
      const loaded = byFile.get(entry.file)!;
      return { file: loaded.chartPath, line: loaded.file.lines.position(entry.range.start).line + 1, reason: TEMPLATED_HOOK };
    }),
  };
}

/** A document Helm installs with the release: no `helm.sh/hook` key (a dropped or templated hook is neither). */
function isReleaseResource(resource: ResourceDocument): boolean {
  if (!resource.kind) return false;
  const hook = lastEntry(resource.annotations, HOOK_KEY);
  return hook === undefined;
}

function literal(value: ResourceDocument['kind']): string | undefined {
  return value ? literalText(value) : undefined;
}

function weightJson(weight: bigint): number | string {
  return weight >= BigInt(Number.MIN_SAFE_INTEGER) && weight <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(weight) : weight.toString();
}

/** The line of `metadata.name`, where a reader finds the object; the document's first line without one. */
function lineOf(file: TemplateFile, resource: ResourceDocument): number {
  const at = resource.name ? resource.name.range.start : resource.range.start;
  return file.lines.position(at).line + 1;
}

const OPERATION_NOTES: Record<Operation, string> = {
  install: 'release resources created',
  upgrade: 'release resources updated',
  rollback: 'release resources rolled back (the hooks are the target revision\'s)',
  uninstall: 'release resources deleted',
  test: '',
};

export function formatOrderText(result: OrderJson, helmVersion: HelmVersion, view: OrderView): string {
  const source = view === 'evaluated' ? `as Helm renders it with these values (release ${result.releaseName})` : 'as written';
  // Null is a templated value as written, a value the evaluator could not know otherwise.
  const notKnown = view === 'evaluated' ? 'unknown' : 'templated';
  const out: string[] = [`Chart ${result.chart}: hooks ${source}, in Helm ${helmVersion}'s order (weight, then name, then kind)`];
  for (const { operation, steps } of result.operations) {
    out.push('', `${operation}`);
    for (const step of steps) {
      if ('resources' in step) {
        out.push(`  ${OPERATION_NOTES[operation]}: ${step.resources.length}`);
        for (const resource of step.resources) out.push(`      ${resource.kind ?? '?'} ${resource.name ?? '?'}  ${resource.file}:${resource.line}`);
        continue;
      }
      out.push(`  ${step.event}${step.hooks.length === 0 ? ': no hooks' : ''}`);
      for (const hook of step.hooks) {
        const place = hook.position === null ? '?.' : `${hook.position}.`;
        const weight = hook.weight === null ? `weight ${notKnown}` : `weight ${hook.weight}`;
        const deleted = hook.deleted === null ? `delete policy ${notKnown}` : describeDeleted(hook.deleted);
        out.push(`    ${place} ${weight}  ${hook.kind ?? '?'} ${hook.name ?? '?'}  ${hook.file}:${hook.line}  ${deleted}`);
      }
    }
  }
  if (result.unknown.length > 0) {
    out.push('', 'Unknown (not placed above; positions next to them are not claimed)');
    for (const entry of result.unknown) out.push(`  ${entry.file}:${entry.line}  ${entry.reason}`);
  }
  return `${out.join('\n')}\n`;
}

function readChartName(directory: string): string {
  try {
    const parsed = parseYaml(readFileSync(join(directory, 'Chart.yaml'), 'utf8')) as { name?: unknown } | null;
    if (parsed && typeof parsed.name === 'string' && parsed.name !== '') return parsed.name;
  } catch {
    // A Chart.yaml we cannot read still names the chart by its directory.
  }
  return directory.split(/[\\/]/).filter(Boolean).pop() ?? directory;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export function isOperation(value: string): value is Operation {
  return (OPERATIONS as readonly string[]).includes(value);
}

