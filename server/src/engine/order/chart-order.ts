import { readFileSync } from 'node:fs';
import { basename, relative, sep } from 'node:path';
import type { TextRange } from '../core/text';
import type { TemplateFile } from '../analysis/file';
import { analyzeTemplate } from '../analysis/file';
import { chartTemplates, describeFsError } from '../chart/discover';
import type { LoadedChart } from '../chart/types';
import { ChartRenderer } from '../eval/render';
import type { ResourceDocument } from '../model/document';
import { lastEntry, literalText } from '../model/document';
import type { HookEvent } from '../model/hook';
import { HOOK_KEY } from '../model/hook';
import { ordinal } from '../rules/support/helpers';
import type { HelmVersion } from '../rules/rule';
import type { ReadPresence } from '../lifecycle/reads';
import { hookReads } from '../lifecycle/reads';
import { chartObjectsOf } from '../rules/support/chart-objects';
import type { Content } from '../lifecycle/simulation';
import type { EvaluatedRelease } from './evaluated-order';
import { DEFAULT_RELEASE_NAME, evaluateReleaseOrder } from './evaluated-order';
import type { ChartOrder, DeletedWhen, HookInfo } from './order';
import { compareKindOrder, describeDeleted, hooksOfFile, orderHooks } from './order';

/**
 * The one answer to "in what order does a release run this chart's hooks": the chart as Helm renders it with the
 * given values, for each operation, with the release resources between the pre- and post- events; the templates as
 * written only when Helm would refuse the chart or the evaluator cannot follow it. `helm-hooks order` prints it and
 * the language server's hook order view, code lens and hover read it, so that they cannot disagree.
 */

export const OPERATIONS = ['install', 'upgrade', 'rollback', 'uninstall', 'test'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What the order was read from: what Helm renders, or the templates as written when the chart cannot be evaluated. */
export type OrderView = 'evaluated' | 'as-written';

export interface OrderHookJson {
  position: number | null;
  /** A number where it is exact in JSON, else its decimal text (weights are 64-bit). */
  weight: number | string | null;
  kind: string | null;
  name: string | null;
  nameCertain: boolean;
  /** Relative to the chart directory, `/`-separated; 1-based line. */
  file: string;
  line: number;
  deletePolicies: string[] | null;
  deleted: DeletedWhen | null;
  /** What the hook's pod reads by name, and whether it exists when Helm creates the hook (the presence simulation). */
  reads: OrderReadJson[];
}

export interface OrderReadJson {
  kind: string;
  name: string;
  /** Where the pod spec names it: `env secretKeyRef`, `volume "data"`, `serviceAccountName`. */
  via: string;
  /** Null when not known: the object is not the chart's, or it depends on what cannot be seen. */
  present: boolean | null;
  content: Content | null;
  why: string;
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

export interface ChartHookOrder {
  order: OrderJson;
  view: OrderView;
  /** Why the order is read from the templates as written. */
  notEvaluated?: string;
  /** Templates the as-written order could not read, with why. */
  unreadable: { path: string; reason: string }[];
}

export interface ChartHookOrderOptions {
  /** Default: every operation. */
  operations?: readonly Operation[];
  /** Order for this release only; by default positions are claimed only where they hold for any release name. */
  releaseName?: string;
  /** Texts that win over the disk (open editor buffers), for the as-written order. */
  overlay?: ReadonlyMap<string, string>;
  /** Whose behaviour the presence of reads follows; default 4. */
  helmVersion?: HelmVersion;
}

/** The hook events around the release resources of each operation (pkg/action); test has no resources step. */
const PHASES: Record<Operation, { pre: HookEvent; post?: HookEvent }> = {
  install: { pre: 'pre-install', post: 'post-install' },
  upgrade: { pre: 'pre-upgrade', post: 'post-upgrade' },
  rollback: { pre: 'pre-rollback', post: 'post-rollback' },
  uninstall: { pre: 'pre-delete', post: 'post-delete' },
  test: { pre: 'test' },
};

/** The namespace the order renders in (`helm template` without `-n`). */
const AS_WRITTEN_NAMESPACE = 'default';

const TEMPLATED_HOOK = 'helm.sh/hook is templated: its events are known only when rendered';

/**
 * The order of a loaded chart: install's render for every operation but upgrade, which renders with
 * `.Release.IsUpgrade`. A chart Helm refuses (its problems) or the evaluator cannot render is ordered as written.
 */
export function chartHookOrder(chart: LoadedChart, options: ChartHookOrderOptions = {}): ChartHookOrder {
  const name = chart.metadata.name !== '' ? chart.metadata.name : basename(chart.directory);
  const operations = options.operations ?? OPERATIONS;
  // Helm refuses such a chart; what is written is all there is to show.
  if (chart.problems.length > 0)
    return asWrittenOrder(
      chart.directory,
      name,
      operations,
      options.overlay,
      chart.problems[0]!.message,
      options.helmVersion ?? 4,
    );
  try {
    const renderer = new ChartRenderer(chart);
    const render = (isUpgrade: boolean) =>
      evaluateReleaseOrder(renderer, {
        isUpgrade,
        ...(options.releaseName !== undefined ? { releaseName: options.releaseName } : {}),
      });
    const install = operations.some((operation) => operation !== 'upgrade') ? render(false) : undefined;
    const upgrade = operations.includes('upgrade') ? render(true) : undefined;
    const order = evaluatedJson(
      name,
      operations,
      options.releaseName ?? DEFAULT_RELEASE_NAME,
      (operation) => (operation === 'upgrade' ? upgrade! : install!),
      options.helmVersion ?? 4,
    );
    return { order, view: 'evaluated', unreadable: [] };
  } catch (error) {
    return asWrittenOrder(
      chart.directory,
      name,
      operations,
      options.overlay,
      error instanceof Error ? error.message : String(error),
      options.helmVersion ?? 4,
    );
  }
}

function evaluatedJson(
  chart: string,
  operations: readonly Operation[],
  releaseName: string,
  renderOf: (operation: Operation) => EvaluatedRelease,
  helmVersion: HelmVersion,
): OrderJson {
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
    const objects = release.objects();
    const reads = hookReads(objects.all, {
      helmVersion,
      operations: [operation],
      unknownDocuments: release.unknown.length,
    });
    const hookJson = (event: HookEvent): OrderHookJson[] =>
      (release.events.find((candidate) => candidate.event === event)?.hooks ?? []).map(({ hook, position }) => {
        const object = objects.of(hook);
        return {
          position: position ?? null,
          weight: hook.weightCertain ? weightJson(hook.weight) : null,
          kind: hook.kind ?? null,
          name: hook.name ?? null,
          nameCertain: hook.name !== undefined,
          file: hook.at.path,
          line: hook.at.line,
          deletePolicies: hook.deletePolicies ?? null,
          deleted: hook.deleted ?? null,
          reads: readsJson(object ? reads.get(object) : undefined, event),
        };
      });
    const resources: OrderResourceJson[] = release.resources.map((resource) => ({
      kind: resource.kind,
      name: resource.name ?? null,
      file: resource.at.path,
      line: resource.at.line,
    }));
    return stepsOf(operation, hookJson, resources);
  };
  return {
    version: 1,
    chart,
    releaseName,
    operations: operations.map((operation) => ({ operation, steps: steps(operation) })),
    unknown,
  };
}

/** One event's reads of a hook, each reference once (an event listed twice reads at its first run). */
export function readsJson(reads: readonly ReadPresence[] | undefined, event: HookEvent): OrderReadJson[] {
  const seen = new Set<ReadPresence['reference']>();
  const result: OrderReadJson[] = [];
  for (const read of reads ?? []) {
    if (read.event !== event || seen.has(read.reference)) continue;
    seen.add(read.reference);
    result.push({
      kind: read.reference.kind,
      name: read.reference.name,
      via: read.reference.field,
      present: read.present,
      content: read.content,
      why: read.why,
    });
  }
  return result;
}

function stepsOf(
  operation: Operation,
  hooksOf: (event: HookEvent) => OrderHookJson[],
  resources: OrderResourceJson[],
): OrderStepJson[] {
  const phase = PHASES[operation];
  const steps: OrderStepJson[] = [{ event: phase.pre, hooks: hooksOf(phase.pre) }];
  if (phase.post) steps.push({ resources }, { event: phase.post, hooks: hooksOf(phase.post) });
  return steps;
}

interface AsWrittenFile {
  file: TemplateFile;
  chartPath: string;
}

/** The order from the chart's templates as written (every template on disk, subcharts' included), for a chart that cannot be evaluated. */
function asWrittenOrder(
  directory: string,
  chartName: string,
  operations: readonly Operation[],
  overlay: ReadonlyMap<string, string> | undefined,
  why: string,
  helmVersion: HelmVersion,
): ChartHookOrder {
  const files: AsWrittenFile[] = [];
  const unreadable: ChartHookOrder['unreadable'] = [];
  for (const path of chartTemplates(directory)) {
    let text = overlay?.get(path);
    if (text === undefined) {
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        unreadable.push({ path, reason: describeFsError(error) });
        continue;
      }
    }
    if (text.includes('\0')) continue;
    files.push({ file: analyzeTemplate(path, text), chartPath: relative(directory, path).split(sep).join('/') });
  }
  return {
    order: asWrittenJson(chartName, files, operations, helmVersion),
    view: 'as-written',
    notEvaluated: why,
    unreadable,
  };
}

/** The operations' steps from templates as written: hooks in Helm's order key, release resources between. */
function asWrittenJson(
  chart: string,
  files: readonly AsWrittenFile[],
  operations: readonly Operation[],
  helmVersion: HelmVersion,
): OrderJson {
  const hooks: HookInfo[] = [];
  const unknown: ChartOrder['unknown'] = [];
  const resources: { resource: ResourceDocument; loaded: AsWrittenFile }[] = [];
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
  // What is certain as written: literal names only; a templated name makes every read that may be it unknown.
  const objects = files.flatMap((loaded) => chartObjectsOf(loaded.file, loaded.chartPath, AS_WRITTEN_NAMESPACE));
  const reads = hookReads(objects, { helmVersion, operations, unknownDocuments: unknown.length });
  const objectOf = (hook: HookInfo) =>
    objects.find(
      (object) => object.file === byFile.get(hook.file)?.file && object.resource.index === hook.documentIndex,
    );
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
        reads: readsJson(reads.get(objectOf(hook)!), event),
      };
    });
  // Helm creates release resources sorted by kind (InstallOrder, unknown kinds last by name), stably.
  const sorted = resources
    .map((entry, index) => ({ ...entry, index, kind: literal(entry.resource.kind) }))
    .sort((a, b) => compareKindOrder(a.kind, b.kind) || a.index - b.index);
  const resourceJson: OrderResourceJson[] = sorted.map(({ resource, loaded, kind }) => ({
    kind: kind ?? null,
    name: resource.name ? (literal(resource.name) ?? resource.name.source) : null,
    file: loaded.chartPath,
    line: lineOf(loaded.file, resource),
  }));
  return {
    version: 1,
    chart,
    releaseName: DEFAULT_RELEASE_NAME,
    operations: operations.map((operation) => ({ operation, steps: stepsOf(operation, hookJson, resourceJson) })),
    unknown: order.unknown.map((entry) => {
      const loaded = byFile.get(entry.file)!;
      return {
        file: loaded.chartPath,
        line: loaded.file.lines.position(entry.range.start).line + 1,
        reason: TEMPLATED_HOOK,
      };
    }),
  };
}

/** A document Helm installs with the release: no `helm.sh/hook` key (a dropped or templated hook is neither). */
function isReleaseResource(resource: ResourceDocument): boolean {
  if (!resource.kind) return false;
  return lastEntry(resource.annotations, HOOK_KEY) === undefined;
}

function literal(value: ResourceDocument['kind']): string | undefined {
  return value ? literalText(value) : undefined;
}

function weightJson(weight: bigint): number | string {
  return weight >= BigInt(Number.MIN_SAFE_INTEGER) && weight <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(weight)
    : weight.toString();
}

/** The line of `metadata.name`, where a reader finds the object; the document's first line without one. */
function lineOf(file: TemplateFile, resource: ResourceDocument): number {
  const at = resource.name ? resource.name.range.start : resource.range.start;
  return file.lines.position(at).line + 1;
}

/** A hook's place in one event of the order. */
export interface HookPlace {
  operation: Operation;
  event: HookEvent;
  hook: OrderHookJson;
  /** How many hooks the event runs. */
  of: number;
}

/**
 * The places of the hooks a document of `file` (chart-relative) describes, between lines `first` and `last`
 * (1-based, inclusive): each rendered hook whose line falls there, in each event it runs in. A `range` loop makes
 * several hooks of one document; an `include` of a whole object places it at the include.
 */
export function placesIn(order: OrderJson, file: string, first: number, last: number): HookPlace[] {
  const places: HookPlace[] = [];
  for (const { operation, steps } of order.operations) {
    for (const step of steps) {
      if (!('event' in step)) continue;
      for (const hook of step.hooks) {
        if (hook.file === file && hook.line >= first && hook.line <= last)
          places.push({ operation, event: step.event, hook, of: step.hooks.length });
      }
    }
  }
  return places;
}

/**
 * The places of the hooks written in one document of a template (`range` in its text): every rendered hook whose line
 * falls inside the document, in each event it runs in.
 */
export function placesOfDocument(
  order: OrderJson,
  chartDirectory: string,
  file: TemplateFile,
  range: TextRange,
): HookPlace[] {
  const chartPath = relative(chartDirectory, file.path).split(sep).join('/');
  const first = file.lines.position(range.start).line + 1;
  const last = file.lines.position(Math.max(range.start, range.end - 1)).line + 1;
  return placesIn(order, chartPath, first, last);
}

/** "pre-install, 2nd of 4, weight -5, deleted before the next run" for each place. */
export function describePlaces(places: readonly HookPlace[], order: OrderJson): string[] {
  return places.map((place) => `${place.event}, ${describeOrderPlace(place, order)}`);
}

/** "2nd of 4, weight -5, deleted before the next run" */
export function describeOrderPlace(place: HookPlace, order: OrderJson): string {
  const { hook, of } = place;
  const position =
    hook.position !== null
      ? `${ordinal(hook.position)} of ${of}`
      : `place among ${of} not known (${unknownReason(hook, order)})`;
  const weight = hook.weight !== null ? `weight ${hook.weight}` : 'weight not known';
  const deleted = hook.deleted !== null ? describeDeleted(hook.deleted) : 'delete policy not known';
  return `${position}, ${weight}, ${deleted}`;
}

function unknownReason(hook: OrderHookJson, order: OrderJson): string {
  if (order.unknown.length > 0) {
    const count = order.unknown.length;
    return `${count} document${count === 1 ? ' is' : 's are'} not known to be hooks or not and may run here too`;
  }
  if (hook.weight === null) return 'its weight is not known';
  return 'it depends on a name that follows the release name';
}

export function isOperation(value: string): value is Operation {
  return (OPERATIONS as readonly string[]).includes(value);
}
