import type { Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { isMap, isPair, isScalar, isSeq } from '../../core/yaml-nodes';
import type { TemplateFile } from '../../analysis/file';
import type { EntryModel, MappingModel, ResourceDocument } from '../../model/document';
import { lastEntry, literalText } from '../../model/document';
import type { HookEvent } from '../../model/hook';
import { DELETE_POLICIES, DELETE_POLICY_KEY, HOOK_KEY, parseHookEvents, parsePolicyList } from '../../model/hook';
import { isNonString } from '../../model/scalar';
import type { TemplateAction } from '../../template/scanner';
import { actionsOverlapping } from '../../template/scanner';
import type { TextRange } from '../../core/text';
import type { HelmVersion } from '../rule';

/**
 * What Helm will do about deleting a hook, as far as the text shows it: the annotation is absent (Helm's default,
 * before-hook-creation), listed literally, or unknown (templated, or absent while template output we cannot see may
 * add it).
 */
export type PolicyState =
  { state: 'default' } | { state: 'listed'; entry: EntryModel; items: string[] } | { state: 'unknown' };

/** A document whose own annotations hold `helm.sh/hook`, with what Helm parses from them where the text is literal. */
export interface LifecycleHook {
  resource: ResourceDocument;
  annotations: MappingModel;
  /** The literal `kind`; undefined when absent or templated. */
  kind?: string;
  hookEntry: EntryModel;
  /** The events, duplicates kept; undefined when the value is templated. A value Helm drops is not a hook at all. */
  events?: HookEvent[];
  policy: PolicyState;
}

/** The hooks of a template as written: documents whose own `metadata.annotations` have the key `helm.sh/hook`. */
export function lifecycleHooks(file: TemplateFile): LifecycleHook[] {
  const hooks: LifecycleHook[] = [];
  if (file.isPartial) return hooks;
  for (const resource of file.model.documents) {
    const annotations = resource.annotations;
    const hookEntry = lastEntry(annotations, HOOK_KEY);
    if (!annotations || !hookEntry || hookEntry.value.kind !== 'scalar') continue;
    const hook: LifecycleHook = { resource, annotations, hookEntry, policy: policyState(annotations) };
    const kind = resource.kind && literalText(resource.kind);
    if (kind) hook.kind = kind;
    if (!hookEntry.value.templated) {
      const parsed = parseHookEvents(hookEntry.value.helmString ?? hookEntry.value.decoded ?? '');
      // Helm drops the document: it is neither a hook nor a release resource (unknown-hook-event reports it).
      if (parsed.dropped) continue;
      hook.events = parsed.events;
    }
    hooks.push(hook);
  }
  return hooks;
}

function policyState(annotations: MappingModel): PolicyState {
  const entry = lastEntry(annotations, DELETE_POLICY_KEY);
  if (!entry) return annotations.hasUnknownEntries ? { state: 'unknown' } : { state: 'default' };
  const value = entry.value;
  // A list or a YAML bool/number is another rule's error; what Helm then deletes is not worth guessing here.
  if (value.templated || value.kind !== 'scalar' || (value.kubeType !== undefined && isNonString(value.kubeType)))
    return { state: 'unknown' };
  return { state: 'listed', entry, items: parsePolicyList(value.helmString ?? value.decoded ?? '') };
}

/** The policies Helm applies at run time: the default `before-hook-creation` when the annotation is absent. */
export function effectivePolicies(policy: PolicyState): string[] | undefined {
  if (policy.state === 'default') return ['before-hook-creation'];
  if (policy.state === 'listed') return policy.items;
  return undefined;
}

/** Whether a listed policy names at least one policy Helm knows; otherwise unknown-delete-policy already speaks. */
export function hasKnownPolicy(items: readonly string[]): boolean {
  return items.some((item) => (DELETE_POLICIES as readonly string[]).includes(item));
}

/** Where delete-policy rules point: the delete-policy value, or the `helm.sh/hook` value when there is none. */
export function policyRange(hook: LifecycleHook): TextRange {
  return hook.policy.state === 'listed' ? hook.policy.entry.value.range : hook.hookEntry.value.range;
}

export const RECURRING_EVENTS: readonly HookEvent[] = [
  'pre-upgrade',
  'post-upgrade',
  'pre-rollback',
  'post-rollback',
  'test',
];

/** The Kubernetes resource name of a kind in error messages (`jobs.batch`, `configmaps`), as Helm 3 prints them. */
function alreadyExists(kind: string | undefined): string {
  const plural = kind ? `${kind.toLowerCase()}s` : 'objects';
  const group = kind === 'Job' || kind === 'CronJob' ? '.batch' : '';
  return `${plural}${group} "…" already exists`;
}

/**
 * What the next run of a hook meets when the old object is still there (hooks.go `hookSetDeletePolicy`, client.go
 * `makeCreateApplyFunc` @v4.1.4): Helm 3 creates, Helm 4 applies server-side when the operation does (install by
 * default; upgrade, rollback and test as the release was installed).
 */
export function nextRunMeetsOldObject(hook: LifecycleHook, helmVersion: HelmVersion): string {
  const exists = `"${alreadyExists(hook.kind)}"`;
  if (helmVersion === 3) return `Helm 3 creates hooks with a plain create, so that run fails with ${exists}`;
  const clientSide = `with client-side apply (--server-side=false, or a release Helm 3 installed) it fails with ${exists}`;
  if (hook.kind === 'Job' || hook.kind === 'Pod') {
    return (
      `Helm 4 with server-side apply applies the new ${hook.kind} over the old one: unchanged, a completed ${hook.kind} "succeeds" at once ` +
      `without running again; with a changed pod template it is rejected as immutable; ${clientSide}`
    );
  }
  return `Helm 4 with server-side apply re-applies it in place, which works unless a field is immutable or owned by another manager; ${clientSide}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Walking the YAML of a document as written.

/** A mapping of a document, with the key that holds it and whether template output we cannot see may add entries. */
export interface BlockMap {
  node: YAMLMap;
  /** The key that holds this mapping (`spec`), when it has one. */
  keyRange?: TextRange;
  hasUnknownEntries: boolean;
}

/** A value under a key: the key's range, the node, and whether it is wholly or partly built by a template. */
export interface KeyedValue {
  keyRange: TextRange;
  pair: Pair;
  node: Node | null;
}

export class DocumentWalker {
  private readonly standaloneOutputs: TemplateAction[];

  constructor(readonly file: TemplateFile) {
    this.standaloneOutputs = file.scan.actions.filter((action) => action.kind === 'output' && action.standsAlone);
  }

  /** The document's top-level mapping. */
  root(resource: ResourceDocument): BlockMap | undefined {
    const node = resource.doc.contents;
    if (!isMap(node)) return undefined;
    const unknownKeys = node.items.some((pair) => !this.plainKey(pair));
    return {
      node,
      hasUnknownEntries: unknownKeys || this.outputsAtColumn(resource.range.start, resource.range.end, 0),
    };
  }

  /** The entry Helm reads for `key` (the last one, as sigs.k8s.io/yaml keeps). */
  entry(map: BlockMap, key: string): KeyedValue | undefined {
    for (let index = map.node.items.length - 1; index >= 0; index--) {
      const pair = map.node.items[index]!;
      const keyRange = this.plainKey(pair);
      if (keyRange && (pair.key as Scalar).value === key)
        return { keyRange, pair, node: (pair.value as Node | null) ?? null };
    }
    return undefined;
  }

  /** The mapping under `key`; undefined when absent, not a mapping, or replaced by template output. */
  childMap(map: BlockMap, key: string): BlockMap | undefined {
    const entry = this.entry(map, key);
    return entry ? this.mapOf(entry) : undefined;
  }

  /** A keyed value as a mapping: an empty value whose block holds only template output counts as an unknown one. */
  mapOf(entry: KeyedValue): BlockMap | undefined {
    const node = entry.node;
    if (isMap(node)) {
      const unknownKeys = node.items.some((pair) => !this.plainKey(pair));
      return {
        node,
        keyRange: entry.keyRange,
        hasUnknownEntries: unknownKeys || this.hasOutputIn(entry.keyRange, this.childColumn(node)),
      };
    }
    return undefined;
  }

  /** Whether the value under a key may be built by a template: templated, or template output in its block. */
  isOpaque(entry: KeyedValue): boolean {
    if (this.hasOutputIn(entry.keyRange, undefined)) return true;
    const node = entry.node;
    return !!node && !!node.range && this.isTemplated({ start: node.range[0], end: node.range[1] });
  }

  /** The mappings of a sequence under a key, and whether it may hold items we cannot see. */
  seqMaps(entry: KeyedValue): { items: BlockMap[]; hasUnknownItems: boolean } {
    const node = entry.node;
    if (!isSeq(node)) return { items: [], hasUnknownItems: this.isOpaque(entry) };
    const items: BlockMap[] = [];
    let hasUnknownItems = this.hasOutputIn(entry.keyRange, this.childColumn(node));
    for (const item of (node as YAMLSeq).items) {
      if (isMap(item)) items.push({ node: item, hasUnknownEntries: item.items.some((pair) => !this.plainKey(pair)) });
      else hasUnknownItems = true;
    }
    return { items, hasUnknownItems };
  }

  /** A literal scalar: its decoded text and range; undefined when templated or not a scalar. */
  literal(node: unknown): { text: string; range: TextRange; node: Scalar } | undefined {
    if (!isScalar(node) || !node.range) return undefined;
    const range = { start: node.range[0], end: node.range[1] };
    if (this.isTemplated(range)) return undefined;
    return { text: String(node.value ?? ''), range, node };
  }

  /** Whether a template action (not a comment) overlaps the range. */
  isTemplated(range: TextRange): boolean {
    return actionsOverlapping(this.file.scan.actions, range).length > 0;
  }

  /** The column of the key at `keyRange`, when only blanks and `- ` sequence markers precede it on its line. */
  blockColumn(keyRange: TextRange): number | undefined {
    const lines = this.file.lines;
    const position = lines.position(keyRange.start);
    const before = this.file.text.slice(lines.lineStart(position.line), keyRange.start);
    return /^[ ]*(?:- +)*$/.test(before) ? position.character : undefined;
  }

  private plainKey(pair: Pair): TextRange | undefined {
    if (!isScalar(pair.key) || !pair.key.range) return undefined;
    const range = { start: pair.key.range[0], end: pair.key.range[1] };
    return this.isTemplated(range) ? undefined : range;
  }

  /** The column of a collection's first item, where template output adding an item of its own would start. */
  private childColumn(node: YAMLMap | YAMLSeq): number | undefined {
    const first = node.items[0] as Pair | Node | undefined;
    const anchor = first === undefined ? undefined : isPair(first) ? (first.key as Node | null) : first;
    if (!anchor?.range) return undefined;
    const position = this.file.lines.position(anchor.range[0]);
    // A sequence item's column is its dash's, just before the item's own content.
    if (isSeq(node)) {
      const line = this.file.text.slice(this.file.lines.lineStart(position.line), anchor.range[0]);
      const dash = line.lastIndexOf('-');
      return dash >= 0 ? dash : undefined;
    }
    return position.character;
  }

  /**
   * Whether an output action standing on its own lines may add entries to the collection that the key at `keyRange`
   * opens, whose items start at `childColumn`: an action in the key's block (after the key on its line, or on the
   * following lines up to the next line of YAML indented no deeper than the key) whose output lands at that column or
   * left of it. Output indented deeper (`nindent` more than the column) belongs to some item's value. With no known
   * column, any output in the block counts.
   */
  private hasOutputIn(keyRange: TextRange, childColumn: number | undefined): boolean {
    if (this.standaloneOutputs.length === 0) return false;
    const lines = this.file.lines;
    const masked = this.file.scan.masked;
    const keyPosition = lines.position(keyRange.start);
    let blockEnd = this.file.text.length;
    for (let line = keyPosition.line + 1; line < lines.lineCount; line++) {
      const start = lines.lineStart(line);
      const content = masked.slice(start, lines.lineEnd(line));
      const trimmed = content.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const indent = content.length - content.trimStart().length;
      if (indent <= keyPosition.character || trimmed === '---' || trimmed.startsWith('--- ')) {
        blockEnd = start;
        break;
      }
    }
    return this.outputsAtColumn(keyRange.end, blockEnd, childColumn);
  }

  private outputsAtColumn(from: number, to: number, column: number | undefined): boolean {
    return this.standaloneOutputs.some((action) => {
      if (action.range.start < from || action.range.start >= to) return false;
      return column === undefined || this.outputColumn(action) <= column;
    });
  }

  /** Where an action's output starts: the `indent`/`nindent` it is piped through, or the action's own column. */
  private outputColumn(action: TemplateAction): number {
    const inner = this.file.text.slice(action.inner.start, action.inner.end);
    const indents = [...inner.matchAll(/\bn?indent\s+(\d+)/g)];
    const last = indents[indents.length - 1];
    return last ? Number(last[1]) : this.file.lines.position(action.range.start).character;
  }
}

/** The path from a workload's top-level mapping to its pod spec, per kind. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
};

/** The pod spec of a workload as written, when every mapping on the way to it is literal. */
export function podSpecOf(
  walker: DocumentWalker,
  resource: ResourceDocument,
  kind: string | undefined,
): BlockMap | undefined {
  const path = kind ? POD_SPEC_PATHS[kind] : undefined;
  if (!path) return undefined;
  let map = walker.root(resource);
  for (const key of path) {
    if (!map) return undefined;
    map = walker.childMap(map, key);
  }
  return map;
}

/** The containers and init containers of a pod spec that are written as mappings. */
export function containersOf(walker: DocumentWalker, podSpec: BlockMap): BlockMap[] {
  const containers: BlockMap[] = [];
  for (const key of ['initContainers', 'containers']) {
    const entry = walker.entry(podSpec, key);
    if (entry) containers.push(...walker.seqMaps(entry).items);
  }
  return containers;
}
