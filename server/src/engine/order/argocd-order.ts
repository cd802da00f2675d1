import { readFileSync } from 'node:fs';
import { basename, relative, sep } from 'node:path';
import { SourceMapper } from '../analysis/source-map';
import { analyzeTemplate } from '../analysis/file';
import { chartTemplates } from '../chart/discover';
import type { LoadedChart } from '../chart/types';
import type { ArgoDeletePolicy, ArgoObjectPlan, DeletionPhase, SkipReason, SyncPhase } from '../deployers/argocd';
import {
  ARGOCD_READ_KEYS,
  compareSyncTasks,
  describeArgoDeletion,
  describeDeletionHookCleanup,
  planArgoObject,
  SYNC_PHASES,
} from '../deployers/argocd';
import { evaluateChart, readAnnotationValues } from '../eval/hooks';
import { ChartRenderer } from '../eval/render';
import { lastEntry, literalText } from '../model/document';
import { HOOK_KEY, parseHookEvents } from '../model/hook';
import { DEFAULT_RELEASE_NAME, readPlaces } from './evaluated-order';

/**
 * The sync of a chart as Argo CD runs it: rendered once, as `helm template` renders it for Argo CD (an install, with
 * no cluster to look up), each object planned by deployers/argocd.ts, then the sync's tasks in Argo CD's order (phase,
 * wave, kind, name), what the Application's deletion runs, and what a sync never applies, with why.
 */

export interface ArgoOrderObjectJson {
  kind: string | null;
  name: string | null;
  /** Relative to the chart directory, `/`-separated; 1-based line. */
  file: string;
  line: number;
  /** Run as a hook (true) or applied as a resource the Application manages (false). */
  hook: boolean;
  /** Whose annotation gave its phase: `argocd` (argocd.argoproj.io/hook), `helm` (helm.sh/hook) or `none`. */
  eventsFrom: 'argocd' | 'helm' | 'none';
  /** For a hook, Argo CD's and Helm's delete policies together; null for a resource. */
  deletePolicies: ArgoDeletePolicy[] | null;
  /** For a hook, when Argo CD deletes it, in words; null for a resource. */
  deleted: string | null;
}

export interface ArgoOrderJson {
  version: 1;
  target: 'argocd';
  chart: string;
  releaseName: string;
  /** Each phase of a sync, in order, with its waves in order; SyncFail runs only when the sync fails. */
  sync: { phase: SyncPhase; waves: { wave: number | string; objects: ArgoOrderObjectJson[] }[] }[];
  /** What deleting the Application runs (PreDelete before its resources are deleted, PostDelete after), and keeps. */
  deletion: {
    phases: { phase: DeletionPhase; objects: ArgoOrderObjectJson[] }[];
    kept: (ArgoOrderObjectJson & { why: string })[];
  };
  /** Objects of the chart that a sync never applies. */
  skipped: (ArgoOrderObjectJson & { reason: SkipReason; why: string })[];
  unknown: { file: string; line: number; reason: string }[];
  /** Every object is a hook: the Application never goes OutOfSync, so automated sync never runs them. */
  hooksOnly: boolean;
}

export interface ArgoOrderResult {
  order: ArgoOrderJson;
  view: 'evaluated' | 'as-written';
  notEvaluated?: string;
}

interface PlannedObject {
  json: ArgoOrderObjectJson;
  kind?: string;
  name?: string;
  plan: ArgoObjectPlan;
}

const SKIP_WHY: Record<SkipReason, (plan: ArgoObjectPlan) => string> = {
  'ignored-helm-events': (plan) =>
    `Argo CD runs none of its helm.sh/hook events (${plan.unmappedHelmEvents.join(', ')})`,
  'skip-annotation': () => 'argocd.argoproj.io/hook: Skip',
  'deletion-only': (plan) => `runs only when the Application is deleted (${plan.deletionPhases.join(', ')})`,
};

const KEPT_WHY: Record<NonNullable<ArgoObjectPlan['keptOnDelete']>, string> = {
  'resource-policy-keep': 'helm.sh/resource-policy: keep',
  'delete-false': 'argocd.argoproj.io/sync-options: Delete=false',
  crd: 'Argo CD never deletes a CustomResourceDefinition with the Application',
};

/** Argo CD's sync of a loaded chart; as written when Helm would refuse the chart or the evaluator cannot render it. */
export function argoSyncOrder(chart: LoadedChart, options: { releaseName?: string } = {}): ArgoOrderResult {
  const chartName = chart.metadata.name !== '' ? chart.metadata.name : basename(chart.directory);
  const releaseName = options.releaseName ?? DEFAULT_RELEASE_NAME;
  if (chart.problems.length > 0) return asWritten(chart.directory, chartName, releaseName, chart.problems[0]!.message);
  try {
    const { objects, unknown } = evaluatedObjects(chart, releaseName);
    return { order: assemble(chartName, releaseName, objects, unknown), view: 'evaluated' };
  } catch (error) {
    return asWritten(chart.directory, chartName, releaseName, error instanceof Error ? error.message : String(error));
  }
}

function evaluatedObjects(
  chart: LoadedChart,
  releaseName: string,
): { objects: PlannedObject[]; unknown: ArgoOrderJson['unknown'] } {
  const renderer = new ChartRenderer(chart);
  // Argo CD runs `helm template` without --is-upgrade: every sync renders as an install (util/helm/cmd.go:429-470).
  const evaluation = evaluateChart(renderer, { releaseName, otherReleaseName: releaseName, isUpgrade: false });
  const mapper = new SourceMapper({ file: (name) => renderer.byName.get(name) });
  const objects: PlannedObject[] = [];
  const unknown: ArgoOrderJson['unknown'] = [];
  const files = [...evaluation.files]
    .filter((file) => !file.template.endsWith('NOTES.txt'))
    .sort((a, b) => (a.template < b.template ? -1 : a.template > b.template ? 1 : 0));
  for (const file of files) {
    for (const document of file.documents) {
      const head = readPlaces(document.text);
      const found = mapper.placeInTemplate(document.pieces, file.file, [head.name]);
      const at = {
        file: relative(chart.directory, found.file).split(sep).join('/'),
        line: mapper.lineAt(found.file, found.range.start) + 1,
      };
      if (!document.isHook.certain || !document.kind.certain) {
        unknown.push({
          ...at,
          reason: document.isHook.certain
            ? `kind: ${reasonOf(document.kind)}`
            : `may be a hook: ${reasonOf(document.isHook)}`,
        });
        continue;
      }
      if (document.kind.value === '') continue;
      if (document.isHook.value) {
        if (!document.dropped.certain) {
          unknown.push({ ...at, reason: `${HOOK_KEY}: ${reasonOf(document.dropped)}` });
          continue;
        }
        // Helm drops a document with an event it does not know: helm template never hands it to Argo CD.
        if (document.dropped.value) continue;
      }
      const values = readAnnotationValues(document.text, ARGOCD_READ_KEYS);
      const notKnown = ARGOCD_READ_KEYS.find((key) => !values[key]!.certain);
      if (notKnown) {
        unknown.push({ ...at, reason: `${notKnown}: ${reasonOf(values[notKnown]!)}` });
        continue;
      }
      const annotation = (key: string) => {
        const field = values[key];
        return field?.certain ? field.value : undefined;
      };
      const name = document.name.certain ? document.name.value : undefined;
      objects.push(planned(document.kind.value, name, at, annotation));
    }
  }
  return { objects, unknown };
}

function reasonOf(field: { certain: boolean; reason?: string }): string {
  return field.reason ?? 'not known';
}

function planned(
  kind: string,
  name: string | undefined,
  at: { file: string; line: number },
  annotation: (key: string) => string | undefined,
): PlannedObject {
  const plan = planArgoObject(kind, annotation);
  const isHook = plan.hook || plan.deletionPhases.length > 0;
  const json: ArgoOrderObjectJson = {
    kind,
    name: name ?? null,
    file: at.file,
    line: at.line,
    hook: isHook,
    eventsFrom: plan.eventsFrom,
    deletePolicies: isHook ? plan.deletePolicies : null,
    deleted: isHook ? describeArgoDeletion(plan.deletePolicies) : null,
  };
  const object: PlannedObject = { json, plan, kind };
  if (name !== undefined) object.name = name;
  return object;
}

function waveJson(wave: bigint): number | string {
  return wave >= BigInt(Number.MIN_SAFE_INTEGER) && wave <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(wave)
    : wave.toString();
}

function assemble(
  chart: string,
  releaseName: string,
  objects: readonly PlannedObject[],
  unknown: ArgoOrderJson['unknown'],
): ArgoOrderJson {
  const tasks = objects.flatMap((object, index) =>
    object.plan.syncPhases.map((phase) => ({ object, index, phase, wave: object.plan.wave })),
  );
  // sync_tasks.go Less; where a kind or name is not known, the chart's order stands (no place is claimed then).
  tasks.sort(
    (a, b) =>
      compareSyncTasks(
        { phase: a.phase, wave: a.wave, kind: a.object.kind, name: a.object.name },
        { phase: b.phase, wave: b.wave, kind: b.object.kind, name: b.object.name },
      ) ?? a.index - b.index,
  );
  const sync: ArgoOrderJson['sync'] = SYNC_PHASES.map((phase) => {
    const waves: { wave: number | string; objects: ArgoOrderObjectJson[] }[] = [];
    let current: bigint | undefined;
    for (const task of tasks.filter((candidate) => candidate.phase === phase)) {
      if (current === undefined || task.wave !== current) {
        waves.push({ wave: waveJson(task.wave), objects: [] });
        current = task.wave;
      }
      waves[waves.length - 1]!.objects.push(task.object.json);
    }
    return { phase, waves };
  });
  const deletionPhases: DeletionPhase[] = ['PreDelete', 'PostDelete'];
  return {
    version: 1,
    target: 'argocd',
    chart,
    releaseName,
    sync,
    deletion: {
      phases: deletionPhases.map((phase) => ({
        phase,
        objects: objects
          .filter((object) => object.plan.deletionPhases.includes(phase))
          .map((object) => ({ ...object.json, deleted: describeDeletionHookCleanup(object.plan.deletePolicies) })),
      })),
      kept: objects
        .filter((object) => object.plan.keptOnDelete && !object.json.hook)
        .map((object) => ({ ...object.json, why: KEPT_WHY[object.plan.keptOnDelete!] })),
    },
    skipped: objects
      .filter((object) => object.plan.skipped !== undefined && object.plan.skipped !== 'deletion-only')
      .map((object) => ({
        ...object.json,
        reason: object.plan.skipped!,
        why: SKIP_WHY[object.plan.skipped!](object.plan),
      })),
    unknown,
    hooksOnly:
      objects.length > 0 &&
      !objects.some((object) => !object.json.hook && object.plan.syncPhases.length > 0) &&
      unknown.length === 0,
  };
}

/** The templates as written, for a chart that cannot be evaluated: literal annotations only, the rest Unknown. */
function asWritten(directory: string, chartName: string, releaseName: string, why: string): ArgoOrderResult {
  const objects: PlannedObject[] = [];
  const unknown: ArgoOrderJson['unknown'] = [];
  for (const path of chartTemplates(directory)) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    if (text.includes('\0')) continue;
    const file = analyzeTemplate(path, text);
    if (file.isPartial) continue;
    const chartPath = relative(directory, path).split(sep).join('/');
    for (const resource of file.model.documents) {
      const kind = resource.kind && literalText(resource.kind);
      if (!resource.kind) continue;
      const line = file.lines.position((resource.name ?? resource).range.start).line + 1;
      const values = new Map<string, string | undefined>();
      let notKnown: string | undefined;
      for (const key of ARGOCD_READ_KEYS) {
        const entry = lastEntry(resource.annotations, key);
        const value =
          entry && !entry.value.templated && entry.value.kind === 'scalar'
            ? (entry.value.helmString ?? entry.value.decoded ?? '')
            : undefined;
        if ((entry && value === undefined) || (!entry && resource.annotations?.hasUnknownEntries)) notKnown ??= key;
        values.set(key, value);
      }
      if (!kind || notKnown) {
        unknown.push({ file: chartPath, line, reason: kind ? `${notKnown} is templated` : 'kind is templated' });
        continue;
      }
      const hook = values.get(HOOK_KEY);
      if (hook !== undefined && parseHookEvents(hook).dropped) continue;
      const name = resource.name ? literalText(resource.name) : undefined;
      objects.push(planned(kind, name, { file: chartPath, line }, (key) => values.get(key)));
    }
  }
  return { order: assemble(chartName, releaseName, objects, unknown), view: 'as-written', notEvaluated: why };
}
