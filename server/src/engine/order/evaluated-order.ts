import { relative, sep } from 'node:path';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import { parseDocument } from 'yaml';
import { isMap as isYamlMap, isScalar as isYamlScalar } from '../core/yaml-nodes';
import { SourceMapper } from '../analysis/source-map';
import type { EvaluatedDocument, EvaluatedFile, Field } from '../eval/hooks';
import { evaluateChart, splitRendered, UNKNOWN_TEXT } from '../eval/hooks';
import type { ChartRenderer, RenderedTemplate } from '../eval/render';
import type { Analyses } from '../analysis/rendered-document';
import { documentViews } from '../analysis/rendered-document';
import type { ChartObject } from '../rules/support/chart-objects';
import { setAsideCrdSchemas } from '../model/document';
import type { HookEvent } from '../model/hook';
import { HOOK_EVENTS, HOOK_KEY, RESOURCE_POLICY_KEY } from '../model/hook';
import type { DeletedWhen, EventOrder, OrderKey } from './order';
import { compareKindOrder, deletedWhen, orderEvents } from './order';
import type { TextRange } from '../core/text';

/**
 * Helm's order of a release operation as Helm renders the chart with the given values: the hooks of each event by
 * Helm's key (see orderKey in order.ts) and the release resources by kind, read from the evaluated documents
 * (eval/hooks) rather than from the templates as written, each located back in the template the user edits.
 */

export const DEFAULT_RELEASE_NAME = 'release-name';
/** The second name a default run is checked against, as evaluateChart and the evaluated lint do. */
const OTHER_RELEASE_NAME = 'zz-second';

/** A line of a template, the path relative to the chart directory and `/`-separated. */
export interface SourceLine {
  path: string;
  line: number;
}

export interface EvaluatedHook extends OrderKey {
  at: SourceLine;
  /** As Helm stores them; undefined when the annotation is absent (the default applies) or Unknown. */
  deletePolicies?: string[];
  /** Undefined when the policies or the kind are Unknown. */
  deleted?: DeletedWhen;
  /** `metadata.namespace` when written and certain; undefined means the release namespace, or Unknown (`namespaceCertain`). */
  namespace?: string;
  namespaceCertain: boolean;
}

export interface EvaluatedResource {
  kind: string;
  /** Undefined when Unknown. */
  name?: string;
  at: SourceLine;
  /** As for EvaluatedHook. */
  namespace?: string;
  namespaceCertain: boolean;
  /** `helm.sh/resource-policy` as rendered; undefined when absent or Unknown (`resourcePolicyCertain`). */
  resourcePolicy?: string;
  resourcePolicyCertain: boolean;
  /** The rendered document, when fully known. */
  manifest?: string;
}

export interface EvaluatedUnknown {
  at: SourceLine;
  reason: string;
  /** The document may be a hook of any event: no hook position is claimed next to it. */
  mayBeHook: boolean;
}

export interface EvaluatedRelease {
  events: EventOrder<EvaluatedHook>[];
  /** The rendered objects as the chart rules read them (hooks and what they may read), analysed when first asked for. */
  objects(): ChartObjects;
  /** The documents Helm creates with the release, in the order it creates them. */
  resources: EvaluatedResource[];
  unknown: EvaluatedUnknown[];
}

export interface ChartObjects {
  all: ChartObject[];
  /** The object an ordered hook is, by its template and document index. */
  of(hook: EvaluatedHook): ChartObject | undefined;
}

export interface EvaluatedOrderOptions {
  /**
   * The one release name to order for. Without it, names are rendered under `release-name` and a place that depends
   * on how names compare is claimed only where the comparison does not follow the release name (see compareNames).
   */
  releaseName?: string;
  isUpgrade: boolean;
  /** `.Release.Namespace`; default `default`, as `helm template` without `-n`. */
  namespace?: string;
  /** `.Release.Revision`; default 1. */
  revision?: number;
}

/** The order of one render of the chart (install or upgrade). */
export function evaluateReleaseOrder(renderer: ChartRenderer, options: EvaluatedOrderOptions): EvaluatedRelease {
  const releaseName = options.releaseName ?? DEFAULT_RELEASE_NAME;
  // With one name given, what follows from that name is certain: both renders use it.
  const otherReleaseName = options.releaseName ?? OTHER_RELEASE_NAME;
  const scope = {
    isUpgrade: options.isUpgrade,
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    ...(options.revision !== undefined ? { revision: options.revision } : {}),
  };
  const evaluation = evaluateChart(renderer, { releaseName, otherReleaseName, ...scope });
  let otherNames: Field<string>[][] | undefined;
  // Only a name that follows the release name needs its other rendering, so that render happens only then.
  const otherNameOf = (fileIndex: number, documentIndex: number): string | undefined => {
    otherNames ??= renderer
      .render({ releaseName: otherReleaseName, ...scope })
      .templates.map((rendered) => splitRendered(rendered).documents.map((document) => document.head.name));
    const name = otherNames[fileIndex]?.[documentIndex];
    return name?.certain ? name.value : undefined;
  };
  const mapper = new SourceMapper({ file: (name) => renderer.byName.get(name) });
  const hooks: EvaluatedHook[] = [];
  const resources: EvaluatedResource[] = [];
  const unknown: EvaluatedUnknown[] = [];
  // Helm collects manifests over template names in sorted order, then documents in file order.
  const files = evaluation.files
    .map((file, index) => ({ file, index }))
    .filter(({ file }) => !file.template.endsWith('NOTES.txt'))
    .sort((a, b) => (a.file.template < b.file.template ? -1 : a.file.template > b.file.template ? 1 : 0));
  for (const { file, index: fileIndex } of files) {
    const place = (document: EvaluatedDocument, ...offsets: (number | undefined)[]): SourceLine => {
      const found = mapper.placeInTemplate(document.pieces, file.file, offsets);
      return {
        path: relative(renderer.chart.directory, found.file).split(sep).join('/'),
        line: mapper.lineAt(found.file, found.range.start) + 1,
      };
    };
    for (const document of file.documents) {
      const head = readPlaces(document.text);
      if (!document.isHook.certain) {
        unknown.push({
          at: place(document, head.hookValue?.start, head.name),
          reason: explain('may be a hook', document.isHook.reason, causes(document)),
          mayBeHook: true,
        });
        continue;
      }
      if (!document.isHook.value) {
        if (!document.kind.certain) {
          unknown.push({
            at: place(document, head.name),
            reason: explain('kind', document.kind.reason, causes(document)),
            mayBeHook: false,
          });
        } else if (document.kind.value !== '') {
          resources.push({
            kind: document.kind.value,
            ...(document.name.certain ? { name: document.name.value } : {}),
            at: place(document, head.name),
            ...(head.namespace !== undefined ? { namespace: head.namespace } : {}),
            namespaceCertain: head.namespaceCertain,
            ...(head.resourcePolicy !== undefined ? { resourcePolicy: head.resourcePolicy } : {}),
            resourcePolicyCertain: head.resourcePolicyCertain,
            ...(document.exact ? { manifest: document.text } : {}),
          });
        }
        continue;
      }
      const { events, dropped } = document;
      const eventsUnknown = (reason: string) =>
        unknown.push({
          at: place(document, head.hookValue?.start, head.name),
          reason: explain(HOOK_KEY, reason, causes(document, head.hookValue)),
          mayBeHook: true,
        });
      if (!events.certain) {
        eventsUnknown(events.reason);
        continue;
      }
      if (!dropped.certain) {
        eventsUnknown(dropped.reason);
        continue;
      }
      // Helm drops a resource whose helm.sh/hook holds an event it does not know.
      if (dropped.value) continue;
      const other = document.nameFollowsRelease ? otherNameOf(fileIndex, document.index) : undefined;
      hooks.push(describeHook(document, events.value, file, place(document, head.name), other, head));
    }
  }
  const ordered = resources.map((resource, index) => ({ resource, index }));
  ordered.sort((a, b) => compareKindOrder(a.resource.kind, b.resource.kind) || a.index - b.index);
  let objects: ChartObjects | undefined;
  return {
    events: orderEvents(hooks, !unknown.some((entry) => entry.mayBeHook)),
    objects: () => (objects ??= chartObjects(evaluation.rendered, mapper)),
    resources: ordered.map((entry) => entry.resource),
    unknown,
  };
}

/** The objects of every document that may concern hooks, keyed as the order's hooks are (template name, document index). */
function chartObjects(rendered: readonly RenderedTemplate[], mapper: SourceMapper): ChartObjects {
  const analyses: Analyses = new Map();
  const all: ChartObject[] = [];
  const byKey = new Map<string, ChartObject>();
  for (const template of rendered) {
    for (const view of documentViews(template, mapper)) {
      if (!view.concernsHooks) continue;
      const objects = view.chartObjects(analyses);
      all.push(...objects);
      // One rendered document is one object.
      if (objects.length === 1) byKey.set(view.key, objects[0]!);
    }
  }
  return { all, of: (hook) => byKey.get(`${hook.file}#${hook.documentIndex}`) };
}

/** `otherName`: the name under the second release name, for a name that follows the release name. */
function describeHook(
  document: EvaluatedDocument,
  eventNames: string[],
  file: EvaluatedFile,
  at: SourceLine,
  otherName: string | undefined,
  head: Places,
): EvaluatedHook {
  const events = eventNames.filter((event): event is HookEvent => (HOOK_EVENTS as readonly string[]).includes(event));
  const kind = document.kind.certain ? document.kind.value : undefined;
  const policies = document.deletePolicies.certain ? document.deletePolicies.value : undefined;
  // No annotation and an empty list are the same to Helm: it applies its default to an empty list.
  const stored = policies && policies.length > 0 ? policies : undefined;
  const name = document.name.certain ? document.name.value : undefined;
  // A name that follows the release name compares with others only through its other rendering (see compareNames).
  const comparable = name !== undefined && (!document.nameFollowsRelease || otherName !== undefined);
  const hook: EvaluatedHook = {
    file: file.template,
    chartPath: file.template.slice(file.template.indexOf('/') + 1),
    documentIndex: document.index,
    events,
    weight: document.weight.certain ? document.weight.value : 0n,
    weightCertain: document.weight.certain,
    nameTokens: comparable ? [...name].map((char) => ({ char })) : [],
    at,
    namespaceCertain: head.namespaceCertain,
  };
  if (head.namespace !== undefined) hook.namespace = head.namespace;
  if (kind !== undefined) hook.kind = kind;
  if (name !== undefined) hook.name = name;
  if (document.nameFollowsRelease && otherName !== undefined) hook.otherName = otherName;
  if (stored) hook.deletePolicies = stored;
  if (policies && kind !== undefined) hook.deleted = deletedWhen(kind, stored);
  return hook;
}

function explain(subject: string, reason: string, causes: string[]): string {
  const because = causes.length > 0 ? ` (${causes.join('; ')})` : '';
  return `${reason.startsWith(subject) ? reason : `${subject}: ${reason}`}${because}`;
}

/** Why the Unknown output of a document (or of a range of it) is not known, as the evaluator says. */
function causes(document: EvaluatedDocument, within?: TextRange): string[] {
  const reasons = new Set<string>();
  for (const piece of document.pieces) {
    if (piece.chunk.text !== undefined || !piece.chunk.reason || piece.chunk.reason === 'unknown') continue;
    if (within && (piece.end <= within.start || piece.start >= within.end)) continue;
    reasons.add(piece.chunk.reason);
  }
  return [...reasons];
}

export interface Places {
  name?: number;
  hookValue?: TextRange;
  /** `metadata.namespace` when written (empty means the release namespace, as for Helm). */
  namespace?: string;
  namespaceCertain: boolean;
  resourcePolicy?: string;
  resourcePolicyCertain: boolean;
}

/**
 * Where `metadata.name` and the `helm.sh/hook` value stand in a rendered document, when it parses, and the namespace
 * and `helm.sh/resource-policy` the presence simulation reads.
 */
export function readPlaces(text: string): Places {
  const document = parseDocument(setAsideCrdSchemas(text), { uniqueKeys: false, version: '1.1' });
  if (document.errors.length > 0) return { namespaceCertain: false, resourcePolicyCertain: false };
  const metadata = lastValue(document.contents, 'metadata');
  const name = lastValue(metadata, 'name');
  const annotations = lastValue(metadata, 'annotations');
  const hook = lastValue(annotations, HOOK_KEY);
  const namespace = scalarText(lastValue(metadata, 'namespace'));
  const policy = scalarText(lastValue(annotations, RESOURCE_POLICY_KEY));
  return {
    ...(name?.range ? { name: name.range[0] } : {}),
    ...(hook?.range ? { hookValue: { start: hook.range[0], end: Math.max(hook.range[1], hook.range[0] + 1) } } : {}),
    ...(namespace !== undefined && namespace !== '' ? { namespace } : {}),
    namespaceCertain: namespace === undefined ? !text.includes(UNKNOWN_TEXT) : !namespace.includes(UNKNOWN_TEXT),
    ...(policy !== undefined ? { resourcePolicy: policy } : {}),
    resourcePolicyCertain: policy === undefined ? !text.includes(UNKNOWN_TEXT) : !policy.includes(UNKNOWN_TEXT),
  };
}

/** A scalar's text ('' for an empty value); undefined when absent or not a scalar. */
function scalarText(node: YamlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (!isYamlScalar(node)) return undefined;
  return node.value === null ? '' : String(node.value);
}

/** The value of the last entry with this key (the one Helm's decoder keeps). */
function lastValue(node: unknown, key: string): YamlNode | undefined {
  if (!isYamlMap(node)) return undefined;
  let found: YamlNode | undefined;
  for (const pair of (node as YAMLMap).items) {
    if (isYamlScalar(pair.key) && String(pair.key.value) === key) found = (pair.value as YamlNode | null) ?? undefined;
  }
  return found;
}
