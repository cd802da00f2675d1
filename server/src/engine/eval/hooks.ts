import type { Scalar, Node as YamlNode, YAMLMap } from 'yaml';
import { parseDocument } from 'yaml';
import { isMap as isYamlMap, isScalar as isYamlScalar } from '../core/yaml-nodes';
import type { LoadedChart } from '../chart/types';
import {
  DELETE_POLICY_KEY,
  HOOK_KEY,
  OUTPUT_LOG_POLICY_KEY,
  WEIGHT_KEY,
  parseHookEvents,
  parseHookWeight,
  parsePolicyList,
} from '../model/hook';
import { setAsideCrdSchemas } from '../model/document';
import { helmStringOf } from '../model/scalar';
import type { RenderOptions, RenderedTemplate, TemplateFile } from './render';
import { ChartRenderer } from './render';
import type { Chunk } from './value';
import type { TextRange } from '../core/text';

/**
 * What Helm's manifest sorter sees in the evaluated output: documents split as releaseutil.SplitManifests splits them,
 * each decoded into SimpleHead (apiVersion, kind, metadata.name, metadata.annotations as strings), and for hooks the
 * events, weight and delete policies as Helm parses them. Every field is certain or Unknown.
 *
 * Certain means: computed from literals, Chart.yaml and the merged values, and the same under both release names
 * (`release-name` and `zz-second` by default). A name that changes with the release name keeps the value for the
 * first name and says so (`nameFollowsRelease`); any other field that differs between the two renders is Unknown.
 */

export type Field<T> = { certain: true; value: T } | { certain: false; reason: string };

export interface DocumentHead {
  apiVersion: Field<string>;
  kind: Field<string>;
  name: Field<string>;
  /** Certainly not a hook, certainly a hook, or Unknown. */
  isHook: Field<boolean>;
  /** For a hook: its `helm.sh/hook` events; empty with `dropped` when Helm drops the resource (an unknown event). */
  events: Field<string[]>;
  dropped: Field<boolean>;
  /** Helm's weight is a Go int (64-bit): exact only as a bigint. */
  weight: Field<bigint>;
  deletePolicies: Field<string[]>;
  outputLogPolicies: Field<string[]>;
}

export interface EvaluatedDocument extends DocumentHead {
  /** Helm's template name of the file the document comes from. */
  template: string;
  file: TemplateFile;
  /** Position among the file's documents; `indexCertain` is false after output whose document count is unknown. */
  index: number;
  indexCertain: boolean;
  /** The document's text is fully known (no Unknown in it). */
  exact: boolean;
  /** The rendered text, with one U+E000 character (UNKNOWN_TEXT) for each run that is not known. */
  text: string;
  /** The name differs between the two release names (it is derived from `.Release.Name`). */
  nameFollowsRelease: boolean;
  /** Source of each piece of the document's text, in order, with offsets into `text`. */
  pieces: DocumentPiece[];
}

/** A run of a document's text from one chunk; `skip` chunk characters lie before the document (a chunk holding `---`). */
export interface DocumentPiece {
  start: number;
  end: number;
  chunk: Chunk;
  skip: number;
}

export interface EvaluatedFile {
  template: string;
  file: TemplateFile;
  documents: EvaluatedDocument[];
  /** Every document of the file is listed: no Unknown output could add, remove or merge documents. */
  complete: boolean;
  error?: string;
}

export interface ChartEvaluation {
  files: EvaluatedFile[];
  releaseName: string;
  otherReleaseName: string;
  /** The templates' output under the first release name, for readers that analyse the documents further. */
  rendered: RenderedTemplate[];
}

export interface EvaluateOptions extends RenderOptions {
  /** The second release name that certainty is checked against; default `zz-second`. */
  otherReleaseName?: string;
}

const unknownField = <T>(reason: string): Field<T> => ({ certain: false, reason });
const certain = <T>(value: T): Field<T> => ({ certain: true, value });

/** Renders the chart under two release names and returns its documents with what is certain about each. */
export function evaluateChart(chart: LoadedChart | ChartRenderer, options: EvaluateOptions = {}): ChartEvaluation {
  const renderer = chart instanceof ChartRenderer ? chart : new ChartRenderer(chart);
  const releaseName = options.releaseName ?? 'release-name';
  const otherReleaseName = options.otherReleaseName ?? (releaseName === 'zz-second' ? 'release-name' : 'zz-second');
  const rendered = renderer.render({ ...options, releaseName }).templates;
  const first = rendered.map((template) => splitRendered(template));
  const second = renderer
    .render({ ...options, releaseName: otherReleaseName })
    .templates.map((rendered) => splitRendered(rendered));
  const files = first.map((file, index) => combine(file, second[index]!));
  return { files, releaseName, otherReleaseName, rendered };
}

interface SplitFile {
  rendered: RenderedTemplate;
  documents: Array<{
    text: string;
    pieces: EvaluatedDocument['pieces'];
    exact: boolean;
    indexCertain: boolean;
    head: DocumentHead;
  }>;
  complete: boolean;
}

/**
 * releaseutil.SplitManifests over the chunks, keeping each document's pieces and whether Unknown output is in it.
 * Without `readHeads`, every head is Unknown: for callers that read the text themselves.
 */
export function splitRendered(rendered: RenderedTemplate, readHeads = true): SplitFile {
  // Unknown chunks become one private-use character each, which no separator pattern can match or cross.
  const pieces: Array<{ start: number; end: number; chunk: Chunk }> = [];
  let text = '';
  for (const chunk of rendered.chunks) {
    const start = text.length;
    text += chunk.text ?? PLACEHOLDER;
    pieces.push({ start, end: text.length, chunk });
  }
  const structural = new Set<number>();
  for (const piece of pieces) {
    if (piece.chunk.text !== undefined) continue;
    // An unknown value that starts its line may hold whole YAML lines (keys, even documents): treat it as control.
    const lineStart = text.lastIndexOf('\n', piece.start - 1) + 1;
    if (piece.chunk.unknown === 'control' || /^[ \t]*$/.test(text.slice(lineStart, piece.start)))
      structural.add(piece.start);
  }
  const documents: SplitFile['documents'] = [];
  let indexCertain = true;
  const { start: trimmedStart, end: trimmedEnd } = trimSpan(text, 0, text.length);
  const body = text.slice(trimmedStart, trimmedEnd);
  let cursor = 0;
  const spans: Array<{ start: number; end: number }> = [];
  for (const separator of separators(body)) {
    spans.push({ start: cursor, end: separator.start });
    cursor = separator.end;
  }
  spans.push({ start: cursor, end: body.length });
  for (const span of spans) {
    if (span.end <= span.start) continue;
    const { start, end } = trimSpan(text, trimmedStart + span.start, trimmedStart + span.end);
    if (end <= start) continue;
    const docPieces = pieces
      .filter((piece) => piece.end > start && piece.start < end)
      .map((piece) => ({
        start: Math.max(piece.start, start) - start,
        end: Math.min(piece.end, end) - start,
        chunk: piece.chunk,
        skip: Math.max(0, start - piece.start),
      }));
    const hasStructural = [...structural].some((offset) => offset >= start && offset < end);
    const raw = text.slice(start, end);
    const exact = !raw.includes(PLACEHOLDER);
    documents.push({
      text: raw,
      pieces: docPieces,
      exact,
      indexCertain,
      head: hasStructural
        ? unknownHead('the document holds output that depends on an unknown value')
        : readHeads
          ? readHead(raw)
          : unknownHead('not read'),
    });
    if (hasStructural) indexCertain = false;
  }
  return { rendered, documents, complete: structural.size === 0 && rendered.error === undefined };
}

/**
 * The matches of releaseutil's separator `(?:^|\s*\n)---\s*` (Go's `\s` is `[\t\n\f\r ]`), found in one pass: a
 * backtracking regular expression takes quadratic time on the long runs of blank lines that charts render.
 */
export function separators(text: string): TextRange[] {
  const found: TextRange[] = [];
  let from = 0;
  for (let dash = text.indexOf('---'); dash >= 0; dash = text.indexOf('---', Math.max(dash + 1, from))) {
    let start: number;
    if (dash === 0) start = 0;
    else if (text[dash - 1] === '\n' && dash - 1 >= from) {
      // The leftmost match starts where the run of blanks before that line break starts (not before the last match).
      start = dash - 1;
      while (start > from && isGoSpace(text[start - 1]!)) start--;
    } else continue;
    let end = dash + 3;
    while (end < text.length && isGoSpace(text[end]!)) end++;
    found.push({ start, end });
    from = end;
  }
  return found;
}

function isGoSpace(char: string): boolean {
  return char === ' ' || char === '\n' || char === '\t' || char === '\r' || char === '\f';
}

const PLACEHOLDER = '\uE000';
/** Stands in a document's text for each run of output that is not known. */
export const UNKNOWN_TEXT = PLACEHOLDER;

/** strings.TrimSpace's span */
function trimSpan(text: string, start: number, end: number): { start: number; end: number } {
  while (start < end && /[\s\u0085]/.test(text[start]!)) start++;
  while (end > start && /[\s\u0085]/.test(text[end - 1]!)) end--;
  return { start, end };
}

function unknownHead(reason: string): DocumentHead {
  return {
    apiVersion: unknownField(reason),
    kind: unknownField(reason),
    name: unknownField(reason),
    isHook: unknownField(reason),
    events: unknownField(reason),
    dropped: unknownField(reason),
    weight: unknownField(reason),
    deletePolicies: unknownField(reason),
    outputLogPolicies: unknownField(reason),
  };
}

const VALUE_REASON = 'depends on an unknown value';

/** A scalar as sigs.k8s.io/yaml decodes it into a Go string field; undefined for a collection. */
function scalarString(node: unknown): Field<string> | undefined {
  if (node === null || node === undefined) return certain('');
  if (!isYamlScalar(node)) return undefined;
  const scalar = node as Scalar;
  const source = typeof scalar.source === 'string' ? scalar.source : String(scalar.value ?? '');
  const value = scalar.type === 'PLAIN' ? helmStringOf(source, 'plain') : String(scalar.value ?? '');
  if (value.includes(PLACEHOLDER) || source.includes(PLACEHOLDER)) return unknownField(VALUE_REASON);
  return certain(value);
}

/** A missing value, `~` or `null`: Go decodes it as a nil map. */
function isNull(node: unknown): boolean {
  return node === null || node === undefined || (isYamlScalar(node) && (node as Scalar).value === null);
}

function get(map: YAMLMap, key: string): { found: boolean; node: unknown; keysUnknown: boolean } {
  let found = false;
  let node: unknown;
  let keysUnknown = false;
  for (const pair of map.items) {
    const keyField = scalarString(pair.key);
    if (!keyField || !keyField.certain) {
      keysUnknown = true;
      continue;
    }
    // Duplicate keys: the last one wins, as in Helm's decode.
    if (keyField.value === key) {
      found = true;
      node = pair.value;
    }
  }
  return { found, node, keysUnknown };
}

/** SimpleHead and the hook fields of one document's text (with placeholders for unknown values). */
export function readHead(text: string): DocumentHead {
  // Nothing here reads a CRD's schema, which is most of the bytes of a chart that ships CRDs.
  const doc = parseDocument(setAsideCrdSchemas(text), { uniqueKeys: false, version: '1.1' });
  if (doc.errors.length > 0) {
    return unknownHead(
      text.includes(PLACEHOLDER) ? VALUE_REASON : `YAML parse error: ${doc.errors[0]!.message.split('\n')[0]}`,
    );
  }
  const root = doc.contents as YamlNode | null;
  const head = unknownHead(VALUE_REASON);
  if (root === null || (isYamlScalar(root) && (root.value === null || root.value === ''))) {
    return { ...head, apiVersion: certain(''), kind: certain(''), name: certain(''), isHook: certain(false) };
  }
  if (!isYamlMap(root)) {
    return unknownHead(text.includes(PLACEHOLDER) ? VALUE_REASON : 'the document is not a mapping');
  }
  const field = (map: YAMLMap, key: string): Field<string> => {
    const entry = get(map, key);
    if (!entry.found) return entry.keysUnknown ? unknownField(VALUE_REASON) : certain('');
    const value = scalarString(entry.node);
    return value ?? unknownField(`${key} is not a string`);
  };
  head.apiVersion = field(root, 'apiVersion');
  head.kind = field(root, 'kind');
  const metadataEntry = get(root, 'metadata');
  if (!metadataEntry.found) {
    if (metadataEntry.keysUnknown) return head;
    return { ...head, name: certain(''), isHook: certain(false) };
  }
  const metadata = metadataEntry.node;
  if (isNull(metadata)) return { ...head, name: certain(''), isHook: certain(false) };
  if (!isYamlMap(metadata)) return head;
  head.name = field(metadata, 'name');
  const annotationsEntry = get(metadata, 'annotations');
  if (!annotationsEntry.found) {
    if (!annotationsEntry.keysUnknown) head.isHook = certain(false);
    return head;
  }
  const annotations = annotationsEntry.node;
  if (isNull(annotations)) {
    head.isHook = certain(false);
    return head;
  }
  if (!isYamlMap(annotations)) return head;
  const hook = get(annotations, HOOK_KEY);
  if (hook.keysUnknown) return head;
  if (!hook.found) {
    head.isHook = certain(false);
    return head;
  }
  head.isHook = certain(true);
  const hookValue = scalarString(hook.node);
  if (hookValue?.certain) {
    const parsed = parseHookEvents(hookValue.value);
    head.events = certain(parsed.events);
    head.dropped = certain(parsed.dropped);
  } else if (!hookValue) {
    const reason = 'helm.sh/hook is not a string: Helm fails to decode the annotations';
    head.events = unknownField(reason);
    head.dropped = unknownField(reason);
  }
  const weightEntry = get(annotations, WEIGHT_KEY);
  const weightText = weightEntry.found ? scalarString(weightEntry.node) : certain<string | undefined>(undefined);
  if (weightText?.certain) head.weight = certain(parseHookWeight(weightText.value).weight);
  const policies = (key: string): Field<string[]> => {
    const entry = get(annotations, key);
    if (!entry.found) return certain([]);
    const value = scalarString(entry.node);
    return value?.certain ? certain(parsePolicyList(value.value)) : unknownField(VALUE_REASON);
  };
  head.deletePolicies = policies(DELETE_POLICY_KEY);
  head.outputLogPolicies = policies(OUTPUT_LOG_POLICY_KEY);
  return head;
}

/**
 * The string values of some `metadata.annotations` keys of one rendered document, as sigs.k8s.io/yaml decodes them:
 * undefined where the key is certainly absent, Unknown where the value (or whether the key is there) is not known.
 * For deployers that read annotations Helm does not (deployers/argocd.ts).
 */
export function readAnnotationValues(text: string, keys: readonly string[]): Record<string, Field<string | undefined>> {
  const all = (field: Field<string | undefined>) => Object.fromEntries(keys.map((key) => [key, field]));
  const doc = parseDocument(setAsideCrdSchemas(text), { uniqueKeys: false, version: '1.1' });
  if (doc.errors.length > 0 || !isYamlMap(doc.contents)) return all(unknownField(VALUE_REASON));
  const metadata = get(doc.contents, 'metadata');
  if (!metadata.found) return all(metadata.keysUnknown ? unknownField(VALUE_REASON) : certain(undefined));
  if (isNull(metadata.node)) return all(certain(undefined));
  if (!isYamlMap(metadata.node)) return all(unknownField(VALUE_REASON));
  const annotations = get(metadata.node, 'annotations');
  if (!annotations.found) return all(annotations.keysUnknown ? unknownField(VALUE_REASON) : certain(undefined));
  if (isNull(annotations.node)) return all(certain(undefined));
  if (!isYamlMap(annotations.node)) return all(unknownField(VALUE_REASON));
  const map = annotations.node;
  return Object.fromEntries(
    keys.map((key): [string, Field<string | undefined>] => {
      const entry = get(map, key);
      if (!entry.found) return [key, entry.keysUnknown ? unknownField(VALUE_REASON) : certain(undefined)];
      return [key, scalarString(entry.node) ?? unknownField(`${key} is not a string`)];
    }),
  );
}

/** Field values are primitives (a weight is a bigint, which JSON.stringify rejects) or lists of strings. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => item === b[index]);
  return a === b;
}

function merge<T>(a: Field<T>, b: Field<T>, what: string): Field<T> {
  if (!a.certain) return a;
  if (!b.certain) return b;
  return sameValue(a.value, b.value) ? a : unknownField(`${what} differs between release names`);
}

/** One file's documents under the two release names: certain only where both agree. */
function combine(first: SplitFile, second: SplitFile): EvaluatedFile {
  const file = first.rendered.file;
  const sameShape = first.documents.length === second.documents.length && first.complete === second.complete;
  const documents = first.documents.map((doc, index): EvaluatedDocument => {
    const other = sameShape ? second.documents[index] : undefined;
    const head: DocumentHead = other
      ? {
          apiVersion: merge(doc.head.apiVersion, other.head.apiVersion, 'apiVersion'),
          kind: merge(doc.head.kind, other.head.kind, 'kind'),
          // A name may follow the release name and still be certain for each (nameFollowsRelease says so).
          name: !doc.head.name.certain ? doc.head.name : !other.head.name.certain ? other.head.name : doc.head.name,
          isHook: merge(doc.head.isHook, other.head.isHook, 'whether it is a hook'),
          events: merge(doc.head.events, other.head.events, 'helm.sh/hook'),
          dropped: merge(doc.head.dropped, other.head.dropped, 'helm.sh/hook'),
          weight: merge(doc.head.weight, other.head.weight, 'helm.sh/hook-weight'),
          deletePolicies: merge(doc.head.deletePolicies, other.head.deletePolicies, 'helm.sh/hook-delete-policy'),
          outputLogPolicies: merge(
            doc.head.outputLogPolicies,
            other.head.outputLogPolicies,
            'helm.sh/hook-output-log-policy',
          ),
        }
      : unknownHead('the documents differ between release names');
    const nameFollowsRelease =
      !!other && doc.head.name.certain && other.head.name.certain && doc.head.name.value !== other.head.name.value;
    return {
      ...head,
      template: file.name,
      file,
      index,
      indexCertain: doc.indexCertain && !!other?.indexCertain,
      exact: doc.exact,
      text: doc.text,
      nameFollowsRelease,
      pieces: doc.pieces,
    };
  });
  const error = first.rendered.error;
  return {
    template: file.name,
    file,
    documents,
    complete: first.complete && second.complete && sameShape,
    ...(error ? { error } : {}),
  };
}
