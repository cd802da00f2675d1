import type { TemplateFile } from '../analysis/file';
import type { MappingModel, ResourceDocument, ValueModel } from '../model/document';
import { lastEntry } from '../model/document';
import type { HookEvent } from '../model/hook';
import {
  DELETE_POLICY_KEY,
  HOOK_EVENTS,
  HOOK_KEY,
  parseHookEvents,
  parseHookWeight,
  parsePolicyList,
  WEIGHT_KEY,
} from '../model/hook';
import type { TemplateAction } from '../template/scanner';
import type { TextRange } from '../core/text';

/**
 * Helm's InstallOrder (https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/kind_sorter.go#L31). Among hooks it only
 * breaks ties between equal (weight, name) pairs; unknown kinds come last, sorted by kind name.
 */
export const INSTALL_ORDER = [
  'PriorityClass',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
] as const;

/** When Helm deletes a hook object, from its delete policies (https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L59). */
export type DeletedWhen =
  'before-next-run' | 'after-event-success' | 'on-failure' | 'after-event-success-or-failure' | 'never';

/** A token of a name as written: one literal character, or one template action standing for text we cannot see. */
export type NameToken = { char: string } | { action: string; stable: boolean };

/** A hook as written in one template: a document whose own annotations hold a literal `helm.sh/hook` Helm accepts. */
export interface HookInfo {
  /** The file's path as given to the engine. */
  file: string;
  /** The path Helm sorts by: relative to the chart, `/`-separated. */
  chartPath: string;
  documentIndex: number;
  documentRange: TextRange;
  /** In Helm's order of the value, duplicates kept: Helm runs the hook once per occurrence. */
  events: HookEvent[];
  hookKeyRange: TextRange;
  hookValueRange: TextRange;
  kind?: string;
  /** The name as written (the template text when templated). */
  name?: string;
  nameCertain: boolean;
  weight: bigint;
  weightCertain: boolean;
  weightText?: string;
  /** Delete policies as Helm stores them; undefined when the annotation is absent (the default applies). */
  deletePolicies?: string[];
  /** Undefined when the policy is templated. */
  deleted?: DeletedWhen;
  nameTokens: NameToken[];
}

/** What Helm's order key reads of a hook: also built from the evaluated view, where a hook has no ranges as written. */
export interface OrderKey extends Pick<
  HookInfo,
  'file' | 'chartPath' | 'documentIndex' | 'events' | 'kind' | 'name' | 'weight' | 'weightCertain' | 'nameTokens'
> {
  /** On the evaluated view, the name rendered under a second release name, when it differs: it follows the release. */
  otherName?: string;
}

export interface OrderedHook<H extends OrderKey = HookInfo> {
  hook: H;
  /** 1-based place among the event's hooks; undefined when its place depends on text we cannot see. */
  position?: number;
}

export interface EventOrder<H extends OrderKey = HookInfo> {
  event: HookEvent;
  /** Every occurrence of a hook on this event, by Helm's key as far as it is known. */
  hooks: OrderedHook<H>[];
}

export interface ChartOrder {
  events: EventOrder[];
  /** Documents that may be hooks but whose `helm.sh/hook` is templated: their events are not known. */
  unknown: { file: string; chartPath: string; range: TextRange }[];
}

/** The hooks of one analysed template, as written. `chartPath` is the file's path relative to its chart. */
export function hooksOfFile(file: TemplateFile, chartPath: string): { hooks: HookInfo[]; unknown: TextRange[] } {
  const hooks: HookInfo[] = [];
  const unknown: TextRange[] = [];
  if (file.isPartial) return { hooks, unknown };
  for (const set of file.model.annotationSets) {
    if (set.origin !== 'object' || !set.resource) continue;
    const entry = lastEntry(set.mapping, HOOK_KEY);
    if (!entry) continue;
    const value = entry.value;
    if (value.templated || value.kind !== 'scalar') {
      if (value.templated) unknown.push(entry.value.range);
      continue;
    }
    const parsed = parseHookEvents(value.helmString ?? value.decoded ?? '');
    if (parsed.dropped) continue;
    hooks.push(describeHook(file, chartPath, set.resource, set.mapping, parsed.events, entry.keyRange, value.range));
  }
  return { hooks, unknown };
}

/**
 * Whether a template holds a hook that is being typed: an unclosed action, YAML that does not parse, or a literal
 * `helm.sh/hook` whose events Helm would drop (`pre-ins`, a trailing comma). The editor keeps its last complete
 * order meanwhile.
 */
export function hasUnfinishedHook(file: TemplateFile): boolean {
  if (file.scan.problems.length > 0 || file.model.yamlProblems.length > 0) return true;
  return file.model.annotationSets.some((set) => {
    if (set.origin !== 'object') return false;
    const value = lastEntry(set.mapping, HOOK_KEY)?.value;
    return (
      !!value &&
      !value.templated &&
      value.kind === 'scalar' &&
      parseHookEvents(value.helmString ?? value.decoded ?? '').dropped
    );
  });
}

function describeHook(
  file: TemplateFile,
  chartPath: string,
  resource: ResourceDocument,
  annotations: MappingModel,
  events: HookEvent[],
  hookKeyRange: TextRange,
  hookValueRange: TextRange,
): HookInfo {
  const kind = literal(resource.kind);
  const nameValue = resource.name;
  const nameLiteral = literal(nameValue);
  const weightEntry = lastEntry(annotations, WEIGHT_KEY);
  const weightText = weightEntry ? literal(weightEntry.value) : undefined;
  // Without the annotation, output we cannot see (toYaml of values) may still set a weight.
  const weightCertain = weightEntry ? weightText !== undefined : !annotations.hasUnknownEntries;
  const policyEntry = lastEntry(annotations, DELETE_POLICY_KEY);
  const policyText = policyEntry ? literal(policyEntry.value) : undefined;
  const policyKnown = policyEntry ? policyText !== undefined : !annotations.hasUnknownEntries;
  const deletePolicies = policyText !== undefined ? parsePolicyList(policyText) : undefined;
  const hook: HookInfo = {
    file: file.path,
    chartPath,
    documentIndex: resource.index,
    documentRange: resource.range,
    events,
    hookKeyRange,
    hookValueRange,
    nameCertain: nameLiteral !== undefined && nameLiteral !== '',
    weight: weightText !== undefined ? parseHookWeight(weightText).weight : 0n,
    weightCertain,
    nameTokens: nameValue ? nameTokens(file, nameValue) : [],
  };
  if (kind !== undefined) hook.kind = kind;
  if (nameValue) hook.name = nameLiteral ?? unquoted(nameValue);
  if (weightText !== undefined) hook.weightText = weightText;
  if (deletePolicies) hook.deletePolicies = deletePolicies;
  if (policyKnown) hook.deleted = deletedWhen(kind, deletePolicies);
  return hook;
}

/** A templated scalar's text without its YAML quotes. */
function unquoted(value: ValueModel): string {
  return value.style === 'double' || value.style === 'single' ? value.source.slice(1, -1) : value.source;
}

/** The string Helm reads from a literal scalar; undefined when templated or not a scalar. */
function literal(value: ValueModel | undefined): string | undefined {
  if (!value || value.templated || value.kind !== 'scalar') return undefined;
  return value.helmString ?? value.decoded;
}

export function deletedWhen(kind: string | undefined, policies: string[] | undefined): DeletedWhen {
  // deleteHookByPolicy never deletes a CustomResourceDefinition (§3.2).
  if (kind === 'CustomResourceDefinition') return 'never';
  const effective = policies ?? ['before-hook-creation'];
  const succeeded = effective.includes('hook-succeeded');
  const failed = effective.includes('hook-failed');
  if (succeeded && failed) return 'after-event-success-or-failure';
  if (succeeded) return 'after-event-success';
  if (failed) return 'on-failure';
  if (effective.includes('before-hook-creation')) return 'before-next-run';
  return 'never';
}

const DELETED_TEXT: Record<DeletedWhen, string> = {
  'before-next-run': 'deleted before the next run',
  'after-event-success': 'deleted after the event succeeds',
  'on-failure': 'deleted if it fails',
  'after-event-success-or-failure': 'deleted after it succeeds or fails',
  never: 'never deleted',
};

export function describeDeleted(deleted: DeletedWhen): string {
  return DELETED_TEXT[deleted];
}

/**
 * A name's text as tokens. An action is "stable" when it renders the same text in every template of the chart, so
 * that two names sharing it compare by what follows: it reads no variable, no per-file or random value and does not
 * stand inside `with`/`range`, which change the dot.
 */
function nameTokens(file: TemplateFile, value: ValueModel): NameToken[] {
  const known = literal(value);
  if (known !== undefined) return [...known].map((char) => ({ char }));
  const text = file.text;
  let { start, end } = value.range;
  if (value.style === 'double' || value.style === 'single') {
    start++;
    end--;
  } else if (value.style !== 'plain') {
    return [{ action: text.slice(start, end), stable: false }];
  }
  const tokens: NameToken[] = [];
  let cursor = start;
  for (const action of value.actions) {
    for (; cursor < Math.min(action.range.start, end); cursor++) tokens.push({ char: text[cursor]! });
    const inner = text.slice(action.inner.start, action.inner.end).trim().replace(/\s+/g, ' ');
    tokens.push({ action: inner, stable: isStableAction(file, action, inner) });
    cursor = Math.max(cursor, action.range.end);
  }
  for (; cursor < end; cursor++) tokens.push({ char: text[cursor]! });
  return tokens;
}

const UNSTABLE_FUNCTIONS =
  /\b(?:rand\w*|uuidv4|now|date\w*|unixEpoch|genCA|genPrivateKey|genSelfSignedCert\w*|genSignedCert\w*|lookup|htpasswd|derivePassword|shuffle)\b|\.Template\b|\$[A-Za-z_]/;

function isStableAction(file: TemplateFile, action: TemplateAction, inner: string): boolean {
  if (!action.closed || action.kind !== 'output' || UNSTABLE_FUNCTIONS.test(inner)) return false;
  return !dotChangingActions(file).has(action);
}

const dotChangingCache = new WeakMap<TemplateFile, Set<TemplateAction>>();

/** The actions of a file that stand inside a `with`, `range`, `define` or `block`, which change the dot; one pass. */
function dotChangingActions(file: TemplateFile): Set<TemplateAction> {
  const cached = dotChangingCache.get(file);
  if (cached) return cached;
  const inside = new Set<TemplateAction>();
  const open: string[] = [];
  let nonIfDepth = 0;
  for (const action of file.scan.actions) {
    if (nonIfDepth > 0) inside.add(action);
    if (action.kind !== 'control' || !action.keyword) continue;
    if (action.keyword === 'end') {
      const closed = open.pop();
      if (closed !== undefined && closed !== 'if') nonIfDepth--;
    } else if (action.keyword !== 'else' && action.keyword !== 'break' && action.keyword !== 'continue') {
      open.push(action.keyword);
      if (action.keyword !== 'if') nonIfDepth++;
    }
  }
  dotChangingCache.set(file, inside);
  return inside;
}

/**
 * How two names compare byte-wise once rendered: -1, 0 or 1, or undefined when it depends on output we cannot see.
 * Equal stable actions render equal text, so only the first difference matters.
 */
export function compareNames(a: OrderKey, b: OrderKey): -1 | 0 | 1 | undefined {
  const x = a.nameTokens;
  const y = b.nameTokens;
  if (x.length === 0 || y.length === 0) return undefined;
  if (a.otherName !== undefined || b.otherName !== undefined) return compareAcrossReleases(a, b);
  for (let i = 0; ; i++) {
    const p = x[i];
    const q = y[i];
    if (!p && !q) return 0;
    if (!p) return 'char' in q! ? -1 : undefined;
    if (!q) return 'char' in p ? 1 : undefined;
    if ('char' in p && 'char' in q) {
      if (p.char === q.char) continue;
      return byteCompare(p.char, q.char);
    }
    if ('action' in p && 'action' in q && p.stable && q.stable && p.action === q.action) continue;
    return undefined;
  }
}

/**
 * Rendered names of which one follows the release name compare only when, under both release names, they share a
 * prefix (what the release name made) and differ by the same text after it: the order then holds for either name.
 */
function compareAcrossReleases(a: OrderKey, b: OrderKey): -1 | 0 | 1 | undefined {
  if (a.name === undefined || b.name === undefined) return undefined;
  const first = afterCommonPrefix(a.name, b.name);
  const second = afterCommonPrefix(a.otherName ?? a.name, b.otherName ?? b.name);
  if (first[0] !== second[0] || first[1] !== second[1]) return undefined;
  return byteCompare(first[0], first[1]);
}

function afterCommonPrefix(a: string, b: string): [string, string] {
  const x = [...a];
  const y = [...b];
  let common = 0;
  while (common < x.length && common < y.length && x[common] === y[common]) common++;
  return [x.slice(common).join(''), y.slice(common).join('')];
}

function byteCompare(a: string, b: string): -1 | 0 | 1 {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  const c = Buffer.compare(x, y);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

export function kindRank(kind: string | undefined): number {
  const index = kind === undefined ? -1 : (INSTALL_ORDER as readonly string[]).indexOf(kind);
  return index < 0 ? INSTALL_ORDER.length : index;
}

/** How Helm's kind sorter orders two kinds: InstallOrder, unknown kinds last by name; 0 keeps the original order. */
export function compareKindOrder(a: string | undefined, b: string | undefined): number {
  const rank = kindRank(a) - kindRank(b);
  if (rank !== 0 || kindRank(a) !== INSTALL_ORDER.length || a === b) return rank;
  return (a ?? '') < (b ?? '') ? -1 : 1;
}

/** (kind install order, then unknown kinds by name, then file path, then document index): a certain comparison. */
function tieBreak(a: OrderKey, b: OrderKey): -1 | 0 | 1 | undefined {
  if (a.kind === undefined || b.kind === undefined) {
    if (a.file === b.file && a.documentIndex === b.documentIndex) return 0;
    return undefined;
  }
  const rank = kindRank(a.kind) - kindRank(b.kind);
  if (rank !== 0) return rank < 0 ? -1 : 1;
  if (kindRank(a.kind) === INSTALL_ORDER.length && a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  if (a.chartPath !== b.chartPath) return a.chartPath < b.chartPath ? -1 : 1;
  return a.documentIndex === b.documentIndex ? 0 : a.documentIndex < b.documentIndex ? -1 : 1;
}

/**
 * Helm's order key (https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L172, after a stable sort by kind): weight, then metadata.name byte-wise, then kind install order,
 * file path and document index. Undefined when the order depends on text we cannot see.
 */
export function compareHooks(a: OrderKey, b: OrderKey): -1 | 0 | 1 | undefined {
  if (a.weightCertain && b.weightCertain && a.weight !== b.weight) return a.weight < b.weight ? -1 : 1;
  if ((!a.weightCertain || !b.weightCertain) && a !== b) return undefined;
  const names = compareNames(a, b);
  if (names === undefined) return a === b ? 0 : undefined;
  if (names !== 0) return names;
  return tieBreak(a, b);
}

/** A total order for display, following Helm's key on what is written; positions are claimed only where certain. */
function displayCompare(a: OrderKey, b: OrderKey): number {
  const wa = a.weightCertain ? a.weight : 0n;
  const wb = b.weightCertain ? b.weight : 0n;
  if (wa !== wb) return wa < wb ? -1 : 1;
  const na = a.name ?? '';
  const nb = b.name ?? '';
  if (na !== nb) return byteCompare(na, nb);
  const rank = kindRank(a.kind) - kindRank(b.kind);
  if (rank !== 0) return rank;
  if ((a.kind ?? '') !== (b.kind ?? '')) return (a.kind ?? '') < (b.kind ?? '') ? -1 : 1;
  if (a.chartPath !== b.chartPath) return a.chartPath < b.chartPath ? -1 : 1;
  return a.documentIndex - b.documentIndex;
}

/**
 * Orders a chart's hooks per event. A hook's position is known when its order against every other hook of the event
 * is; a chart with templated `helm.sh/hook` values may hold more hooks than these, which `unknown` lists.
 */
export function orderHooks(hooks: readonly HookInfo[], unknown: ChartOrder['unknown'] = []): ChartOrder {
  return { events: orderEvents(hooks, unknown.length === 0), unknown };
}

/**
 * The hooks of each event by Helm's key. `complete`: no other document may be a hook; otherwise no position is
 * claimed, as a hook we cannot see may run anywhere.
 */
export function orderEvents<H extends OrderKey>(hooks: readonly H[], complete: boolean): EventOrder<H>[] {
  const events: EventOrder<H>[] = [];
  for (const event of HOOK_EVENTS) {
    const occurrences: H[] = [];
    for (const hook of hooks) for (const e of hook.events) if (e === event) occurrences.push(hook);
    if (occurrences.length === 0) continue;
    const sorted = occurrences
      .map((hook, index) => ({ hook, index }))
      .sort((x, y) => displayCompare(x.hook, y.hook) || x.index - y.index)
      .map((entry) => entry.hook);
    const ordered = positionsOf(sorted, complete);
    // A hook listed twice on one event runs twice in a row: the second occurrence follows the first.
    const seen = new Map<H, number>();
    for (const entry of ordered) {
      const count = seen.get(entry.hook) ?? 0;
      if (entry.position !== undefined) entry.position += count;
      seen.set(entry.hook, count + 1);
    }
    events.push({ event, hooks: ordered });
  }
  return events;
}

/**
 * The position of each hook of one event, already sorted for display, where it is certain. A hook's position is
 * known when its order against every other hook is. Hooks of different certain weights compare by weight alone, so
 * only hooks sharing a weight are compared pairwise, and a weight group whose names are all literal and kinds known
 * is ordered exactly by the display sort.
 */
function positionsOf<H extends OrderKey>(sorted: H[], chartFullyKnown: boolean): OrderedHook<H>[] {
  if (!chartFullyKnown || sorted.some((hook) => !hook.weightCertain)) {
    const anyOther = sorted.length > 1 || !chartFullyKnown;
    return sorted.map((hook) => (anyOther ? { hook } : { hook, position: 1 }));
  }
  const result: OrderedHook<H>[] = [];
  let groupStart = 0;
  while (groupStart < sorted.length) {
    let groupEnd = groupStart;
    while (groupEnd + 1 < sorted.length && sorted[groupEnd + 1]!.weight === sorted[groupStart]!.weight) groupEnd++;
    const group = sorted.slice(groupStart, groupEnd + 1);
    const literal = group.every(
      (hook) =>
        hook.kind !== undefined &&
        hook.otherName === undefined &&
        hook.nameTokens.length > 0 &&
        hook.nameTokens.every((token) => 'char' in token),
    );
    let repeats = 0;
    group.forEach((hook, index) => {
      if (literal) {
        // Occurrences of the same hook (an event listed twice) sit together; the caller numbers them in turn.
        repeats = index > 0 && group[index - 1] === hook ? repeats + 1 : 0;
        result.push({ hook, position: groupStart + index - repeats + 1 });
        return;
      }
      let before = 0;
      for (const other of group) {
        if (other === hook) continue;
        const comparison = compareHooks(other, hook);
        if (comparison === undefined) {
          result.push({ hook });
          return;
        }
        if (comparison < 0) before++;
      }
      result.push({ hook, position: groupStart + before + 1 });
    });
    groupStart = groupEnd + 1;
  }
  return result;
}

/** The places of one document's hook in the chart's order, per event occurrence. */
export function placesOf(
  order: ChartOrder,
  file: string,
  documentIndex: number,
): { event: HookEvent; entry: OrderedHook; of: number }[] {
  const places: { event: HookEvent; entry: OrderedHook; of: number }[] = [];
  for (const eventOrder of order.events) {
    for (const entry of eventOrder.hooks) {
      if (entry.hook.file === file && entry.hook.documentIndex === documentIndex)
        places.push({ event: eventOrder.event, entry, of: eventOrder.hooks.length });
    }
  }
  return places;
}
