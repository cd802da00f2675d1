import type { Document, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { isMap, isPair, isScalar, isSeq } from '../core/yaml-nodes';
import type { ScanResult, TemplateAction } from '../template/scanner';
import { actionRunsAcross, actionsOverlapping, outputIndentation } from '../template/scanner';
import type { LineIndex, TextRange } from '../core/text';
import type { EngineCaches } from '../core/caches';
import { parsedPieceOf, parseWithout, parseYamlDocuments, wholeParse } from './yaml-documents';
import type { KubeScalarType, ScalarStyle } from './scalar';
import { helmStringOf, resolvePlainScalar } from './scalar';
import { joinLenientFlowScalars, joinTrimmedLines } from './go-yaml-leniency';
import { blankDocumentsWithoutHookText, holdsHookRelatedText } from './hook-text';

/** A YAML value as the user wrote it, with what Kubernetes and Helm make of it when it holds no template action. */
export interface ValueModel {
  kind: 'scalar' | 'seq' | 'map' | 'alias';
  node: Node | null;
  /** The value's text in the user's file (for a quoted scalar, including its quotes). */
  range: TextRange;
  /** The user's text of the value. */
  source: string;
  /** Template actions overlapping the value: its rendered text is not known from the file alone. */
  actions: TemplateAction[];
  templated: boolean;
  style?: ScalarStyle;
  /** An explicit tag such as `!!str`. */
  tag?: string;
  /** The string the YAML parser decodes (quotes and escapes resolved); meaningless when templated. */
  decoded?: string;
  /** How kubectl / the API server type the scalar; undefined when templated or not a scalar. */
  kubeType?: KubeScalarType;
  /** The string Helm's own parser reads (YAML 1.1 conversion); undefined when templated or not a scalar. */
  helmString?: string;
}

export interface EntryModel {
  key: string;
  keyRange: TextRange;
  keyTemplated: boolean;
  value: ValueModel;
  pair: Pair;
}

export interface MappingModel {
  node: YAMLMap | null;
  /** The key that holds this mapping in its parent (e.g. `annotations`), when there is one. */
  keyRange?: TextRange;
  entries: EntryModel[];
  /**
   * Entries may come from template output we cannot see: a templated key, an output action standing on its own line
   * inside the mapping (`{{- toYaml .Values.annotations | nindent 4 }}`), or the whole value being an action.
   */
  hasUnknownEntries: boolean;
}

export type AnnotationOrigin = 'object' | 'nested' | 'define';

export interface AnnotationSet {
  origin: AnnotationOrigin;
  mapping: MappingModel;
  /** The resource these annotations belong to; undefined for a `define` fragment. */
  resource?: ResourceDocument;
  /** For `nested` sets, the YAML path of the annotations map (`spec.template.metadata.annotations`). */
  path: (string | number)[];
}

export interface ResourceDocument {
  index: number;
  range: TextRange;
  doc: Document.Parsed;
  apiVersion?: ValueModel;
  kind?: ValueModel;
  name?: ValueModel;
  metadata?: MappingModel;
  annotations?: MappingModel;
  labels?: MappingModel;
  /** The metadata mapping has entries we cannot see, so the object may carry annotations we do not know about. */
  metadataUnknown: boolean;
}

export interface YamlProblem {
  range: TextRange;
  message: string;
}

export interface DocumentsModel {
  documents: ResourceDocument[];
  annotationSets: AnnotationSet[];
  yamlProblems: YamlProblem[];
  /** The text the YAML parser read: the masked text with CRD schemas set aside (same length and line breaks). */
  yamlText: string;
  /** Every YAML document of `yamlText`, resources or not, in order. */
  documentRanges: TextRange[];
  /**
   * The text the documents were parsed from: `yamlText`, or the same with some line breaks made spaces and `nindent`
   * outputs moved to their column, where go-yaml and Helm read it so and that parses with fewer errors
   * (go-yaml-leniency.ts). Same length.
   */
  parsedText: string;
}

/**
 * Builds the as-written model of one template file from its scan. `hookDocumentsOnly`: only the documents that hold
 * hook-related text are parsed and modelled (model/hook-text.ts), the only ones a file rule reports on; the others
 * are left out of `documents`, `annotationSets` and `yamlProblems` (a batch run, which asks nothing else of them).
 */
export function buildDocuments(
  text: string,
  scan: ScanResult,
  lines: LineIndex,
  isPartial: boolean,
  caches?: EngineCaches,
  hookDocumentsOnly = false,
  owner?: string,
): DocumentsModel {
  const context = new ModelContext(text, scan, lines);
  const documents: ResourceDocument[] = [];
  const annotationSets: AnnotationSet[] = [];
  const yamlProblems: YamlProblem[] = [];
  const { text: yamlText, schemas } = isPartial ? { text: scan.masked, schemas: [] } : crdSchemasSetAside(scan.masked);
  const documentRanges: TextRange[] = [];
  let parsedText = yamlText;

  // Without hook-related text, the file holds nothing a file rule reports on: nothing to parse.
  if (!isPartial && !(hookDocumentsOnly && !holdsHookRelatedText(text))) {
    // Read once, a CRD's schema need not even be lexed: it is parsed without, and positions put back where they were.
    const parse = (text: string) =>
      !caches && schemas.length > 0 ? parseWithout(text, schemas) : parseYamlDocuments(text, caches, owner);
    const parseText = hookDocumentsOnly ? blankDocumentsWithoutHookText(text, yamlText, scan.actions) : yamlText;
    parsedText = parseText;
    let parsed = parse(parseText);
    // Where the YAML spec rejects what go-yaml reads, or the masked text keeps line breaks that trim markers remove
    // (go-yaml-leniency.ts), the text as Helm and go-yaml read it is parsed instead when that gives fewer errors (a
    // quote in a shell script of a block scalar must not be taken for one). Offsets are the same; `yamlText` keeps
    // its line breaks, which the pieces of the language server are cut at.
    if (parsed.some((doc) => doc.errors.length > 0)) {
      const flowJoined = joinLenientFlowScalars(parseText);
      for (const lenient of [flowJoined, joinLenientFlowScalars(joinTrimmedLines(parseText, scan.actions, text))]) {
        if (lenient === parseText) continue;
        const reparsed = parse(lenient);
        if (errorCount(reparsed) < errorCount(parsed)) {
          parsed = reparsed;
          parsedText = lenient;
        }
        if (errorCount(parsed) === 0) break;
      }
    }
    parsed.forEach((doc, index) => {
      documentRanges.push({ start: doc.range[0], end: doc.range[2] });
      for (const error of doc.errors)
        yamlProblems.push({ range: errorRange(error.pos, text.length), message: error.message.split('\n')[0]! });
      // A blanked document (or the `~` that keeps the first one's place) is no resource.
      if (parseText !== yamlText && !holdsHookRelatedText(text.slice(doc.range[0], doc.range[2]))) return;
      const built = caches ? context.keptOrBuilt(doc, index) : context.built(doc, index);
      if (!built.resource) return;
      documents.push(built.resource);
      annotationSets.push(...built.annotationSets);
    });
  }

  for (const define of scan.defines) {
    const body = text.slice(define.body.start, define.body.end);
    if (!/helm\.sh\//i.test(body)) continue;
    const fragmentText = blankOutside(scan.maskedKeepingDefines, define.body);
    for (const doc of wholeParse(fragmentText)) {
      if (doc.errors.length > 0) continue; // a define body need not be YAML on its own; stay silent rather than guess
      for (const mapping of context.mappingsWithHelmKeys(doc.contents)) {
        annotationSets.push({ origin: 'define', mapping, path: [] });
      }
    }
  }
  return { documents, annotationSets, yamlProblems, yamlText, documentRanges, parsedText };
}

function errorCount(documents: readonly Document.Parsed[]): number {
  return documents.reduce((sum, doc) => sum + doc.errors.length, 0);
}

const CRD_KIND_LINE = /^kind:[ \t]*(["']?)CustomResourceDefinition\1[ \t]*(?:#.*)?$/;
const SPEC_LINE = /^spec:[ \t]*(?:[ \t]#.*)?$/;
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t]|$)/;
/** Same length as `spec:`: a key whose value is a literal block scalar indented by one space, whatever it holds. */
const OPAQUE_SPEC = 's: |1';

/**
 * No rule reads a CustomResourceDefinition's `spec` (its schema, which holds most of the corpus's bytes), so the YAML
 * parser gets it as one opaque block scalar instead of building thousands of nodes: the top-level `spec:` line of a
 * document whose top-level `kind` is literally `CustomResourceDefinition` becomes `s: |1`, and the block's lines that
 * do not start with a space (blank lines, comments, tab-indented lines) become spaces, so the scalar ends exactly where
 * the block did. Offsets and line breaks are unchanged; YAML mistakes inside a CRD's schema go unreported.
 */
export function setAsideCrdSchemas(masked: string): string {
  return crdSchemasSetAside(masked).text;
}

/** setAsideCrdSchemas, with the ranges of the lines inside each set-aside block (after its `s: |1` line). */
export function crdSchemasSetAside(masked: string): { text: string; schemas: TextRange[] } {
  if (!masked.includes('CustomResourceDefinition')) return { text: masked, schemas: [] };
  const lines = masked.split('\n');
  const blocks: Array<{ from: number; to: number }> = [];
  let documentStart = 0;
  for (let index = 0; index <= lines.length; index++) {
    if (index < lines.length && !(index > documentStart && DOCUMENT_MARKER.test(lines[index]!))) continue;
    blocks.push(...setAsideInDocument(lines, documentStart, index));
    documentStart = index;
  }
  if (blocks.length === 0) return { text: masked, schemas: [] };
  const lineStarts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStarts.push(offset);
    offset += line.length + 1;
  }
  const at = (line: number) => (line < lines.length ? lineStarts[line]! : masked.length);
  const schemas = blocks
    .filter((block) => block.to > block.from)
    .map((block) => ({ start: at(block.from), end: at(block.to) }));
  return { text: lines.join('\n'), schemas };
}

/**
 * Sets aside the `spec` blocks of lines [from, to) when they are a CRD's; returns the lines [from, to) inside each
 * block it set aside.
 */
function setAsideInDocument(lines: string[], from: number, to: number): Array<{ from: number; to: number }> {
  const content = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
  let isCrd = false;
  const specs: number[] = [];
  for (let index = from; index < to; index++) {
    const line = content(lines[index]!);
    if (CRD_KIND_LINE.test(line)) isCrd = true;
    else if (SPEC_LINE.test(line)) specs.push(index);
  }
  if (!isCrd || specs.length === 0) return [];
  const blocks: Array<{ from: number; to: number }> = [];
  for (const spec of specs) {
    lines[spec] = OPAQUE_SPEC + lines[spec]!.slice(OPAQUE_SPEC.length);
    let end = spec + 1;
    for (; end < to; end++) {
      const line = lines[end]!;
      const first = line.charAt(0);
      if (first === ' ') continue;
      if (first !== '' && first !== '\r' && first !== '\t' && first !== '#') break;
      lines[end] = line.replace(/[^\r]/g, ' ');
    }
    blocks.push({ from: spec + 1, to: end });
  }
  return blocks;
}

/**
 * In the text of one YAML document (or the body of one of its blocks, whose keys are indented by `indent`): the lines
 * of each block after its key line, for keys whose value starts on the next line (the key line holds nothing else, a
 * comment or a block scalar header), with blank, comment and tab-indented lines inside, up to the next line indented
 * no deeper than the key.
 */
export function blockBodies(
  text: string,
  within: TextRange = { start: 0, end: text.length },
  indent = 0,
): Array<{ key: string; body: TextRange }> {
  const bodies: Array<{ key: string; body: TextRange }> = [];
  const prefix = ' '.repeat(indent);
  let open: { key: string; body: TextRange } | undefined;
  const close = () => {
    if (open && open.body.end > open.body.start) bodies.push(open);
    open = undefined;
  };
  for (let offset = within.start; offset < within.end;) {
    const lineFeed = text.indexOf('\n', offset);
    const lineEnd = lineFeed < 0 || lineFeed >= within.end ? within.end : lineFeed;
    const next = lineEnd === within.end ? within.end : lineEnd + 1;
    if (open && isInsideBlock(text, offset, lineEnd, indent)) open.body.end = next;
    else {
      close();
      const line = text.slice(offset, text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd);
      const key = line.startsWith(prefix) ? KEY_LINE.exec(line.slice(indent))?.[1] : undefined;
      if (key !== undefined) open = { key, body: { start: next, end: next } };
    }
    offset = next;
  }
  close();
  return bodies;
}

/** A line indented deeper than `indent` (by spaces, then a space or tab), blank, or a comment. */
function isInsideBlock(text: string, start: number, end: number, indent: number): boolean {
  let at = start;
  while (at < end && at - start < indent && text.charCodeAt(at) === 32) at++;
  if (at - start === indent && at < end) {
    const code = text.charCodeAt(at);
    if (code === 32 || code === 9) return true;
  }
  while (at < end && (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 9)) at++;
  return at === end || text.charCodeAt(at) === 35 || (text.charCodeAt(at) === 13 && at + 1 === end);
}

/** The top-level blocks of one YAML document's text (see blockBodies). */
export function topLevelBodies(text: string): Array<{ key: string; body: TextRange }> {
  return blockBodies(text);
}

const KEY_LINE = /^([A-Za-z_][\w.-]*):[ \t]*(?:[|>][-+0-9]*)?[ \t]*(?:#.*)?$/;

function errorRange(pos: [number, number], length: number): TextRange {
  const start = Math.min(pos[0], length);
  return { start, end: Math.max(start, Math.min(pos[1], length)) };
}

function blankOutside(text: string, keep: TextRange): string {
  const blank = (part: string) => part.replace(/[^\r\n]/g, ' ');
  return blank(text.slice(0, keep.start)) + text.slice(keep.start, keep.end) + blank(text.slice(keep.end));
}

/** The model of one parsed document: the resource, if it is one, and its annotation sets. */
interface BuiltDocument {
  resource: ResourceDocument | undefined;
  annotationSets: AnnotationSet[];
}

/**
 * The model built from each document that model/yaml-documents.ts keeps between keystrokes, with what it was built
 * from: the text of the document's piece (its YAML text is the same while the document is, but template actions may
 * differ under the same masking), the document's index in the file and the piece's offset when it was built.
 */
const keptModels = new WeakMap<Document.Parsed, BuiltDocument & { source: string; index: number; at: number }>();

class ModelContext {
  /** Output actions that the scanner blanked because they stand alone on their lines, sorted by offset. */
  private readonly standaloneOutputs: TemplateAction[];

  constructor(
    private readonly text: string,
    private readonly scan: ScanResult,
    private readonly lines: LineIndex,
  ) {
    this.standaloneOutputs = scan.actions.filter((action) => action.kind === 'output' && action.standsAlone);
  }

  built(doc: Document.Parsed, index: number): BuiltDocument {
    const resource = this.resource(doc, index);
    if (!resource) return { resource, annotationSets: [] };
    const annotationSets: AnnotationSet[] = [];
    if (resource.annotations)
      annotationSets.push({
        origin: 'object',
        mapping: resource.annotations,
        resource,
        path: ['metadata', 'annotations'],
      });
    annotationSets.push(...this.nestedAnnotations(doc, resource));
    return { resource, annotationSets };
  }

  /**
   * The model built before from the same parsed document, when the text of its piece and its index are unchanged
   * and no template action runs across the piece's ends (inside, the actions then are those of the piece's text
   * alone): a document's model reads nothing outside its piece. Otherwise built again.
   */
  keptOrBuilt(doc: Document.Parsed, index: number): BuiltDocument {
    const piece = parsedPieceOf(doc);
    const actions = this.scan.actions;
    if (!piece || actionRunsAcross(actions, piece.start) || actionRunsAcross(actions, piece.end))
      return this.built(doc, index);
    const source = this.text.slice(piece.start, piece.end);
    const kept = keptModels.get(doc);
    if (kept && kept.source === source && kept.index === index) {
      // The document was moved in place (only for the file whose analysis this one replaces): so is its model.
      if (kept.at !== piece.start) {
        this.moveBuilt(kept, piece.start - kept.at);
        kept.at = piece.start;
      }
      return kept;
    }
    const built = this.built(doc, index);
    keptModels.set(doc, { ...built, source, index, at: piece.start });
    return built;
  }

  /**
   * Moves a model built before by `delta`, as its document was moved: each range once (entries, mappings and sets
   * share some), and the actions of each value taken again from this scan, whose actions are the moved ones.
   */
  private moveBuilt(built: BuiltDocument, delta: number): void {
    const seen = new Set<object>();
    const move = (range: TextRange | undefined) => {
      if (!range || seen.has(range)) return;
      seen.add(range);
      range.start += delta;
      range.end += delta;
    };
    const value = (model: ValueModel | undefined) => {
      if (!model || seen.has(model)) return;
      seen.add(model);
      move(model.range);
      if (model.actions.length > 0) model.actions = this.actionsIn(model.range);
    };
    const mapping = (model: MappingModel | undefined) => {
      if (!model || seen.has(model)) return;
      seen.add(model);
      move(model.keyRange);
      for (const entry of model.entries) {
        if (seen.has(entry)) continue;
        seen.add(entry);
        move(entry.keyRange);
        value(entry.value);
      }
    };
    const resource = built.resource;
    if (resource && !seen.has(resource)) {
      seen.add(resource);
      move(resource.range);
      for (const field of [resource.apiVersion, resource.kind, resource.name]) value(field);
      for (const field of [resource.metadata, resource.annotations, resource.labels]) mapping(field);
    }
    for (const set of built.annotationSets) mapping(set.mapping);
  }

  resource(doc: Document.Parsed, index: number): ResourceDocument | undefined {
    const root = doc.contents;
    const range = { start: doc.range[0], end: doc.range[2] };
    if (!isMap(root)) {
      if (root === null || (isScalar(root) && this.text.slice(root.range![0], root.range![1]).trim() === ''))
        return undefined;
      return { index, range, doc, metadataUnknown: true };
    }
    const top = this.mapping(root, undefined);
    const resource: ResourceDocument = { index, range, doc, metadataUnknown: top.hasUnknownEntries };
    const apiVersion = lastEntry(top, 'apiVersion');
    const kind = lastEntry(top, 'kind');
    if (apiVersion) resource.apiVersion = apiVersion.value;
    if (kind) resource.kind = kind.value;
    const metadataEntry = lastEntry(top, 'metadata');
    if (metadataEntry) {
      const metadata = this.childMapping(metadataEntry);
      if (metadata) {
        resource.metadata = metadata;
        resource.metadataUnknown = metadata.hasUnknownEntries;
        const name = lastEntry(metadata, 'name');
        if (name) resource.name = name.value;
        const annotations = lastEntry(metadata, 'annotations');
        if (annotations) resource.annotations = this.childMapping(annotations) ?? unknownMapping(annotations);
        const labels = lastEntry(metadata, 'labels');
        if (labels) resource.labels = this.childMapping(labels) ?? unknownMapping(labels);
      } else {
        resource.metadataUnknown = true;
      }
    }
    return resource;
  }

  /** Every `annotations` mapping under some `metadata` key below the object's own metadata (pod templates). */
  nestedAnnotations(doc: Document.Parsed, resource: ResourceDocument): AnnotationSet[] {
    const found: AnnotationSet[] = [];
    const visit = (node: unknown, path: (string | number)[]) => {
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
          if (key === undefined) continue;
          const childPath = [...path, key];
          if (key === 'annotations' && path.length >= 2 && path[path.length - 1] === 'metadata') {
            const entry = this.entry(pair);
            const mapping = entry && (this.childMapping(entry) ?? unknownMapping(entry));
            if (mapping) found.push({ origin: 'nested', mapping, resource, path: childPath });
            continue;
          }
          if (path.length === 0 && key === 'metadata') continue;
          visit(pair.value, childPath);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, index) => visit(item, [...path, index]));
      }
    };
    visit(doc.contents, []);
    return found;
  }

  mappingsWithHelmKeys(root: unknown): MappingModel[] {
    const found: MappingModel[] = [];
    const visit = (node: unknown) => {
      if (isMap(node)) {
        // Case-insensitively, so that `Helm.sh/hook`, which Helm ignores, is still seen.
        if (
          node.items.some((pair) => isScalar(pair.key) && String(pair.key.value).toLowerCase().startsWith('helm.sh/'))
        ) {
          found.push(this.mapping(node, undefined));
        }
        for (const pair of node.items) visit(pair.value);
      } else if (isSeq(node)) {
        for (const item of node.items) visit(item);
      }
    };
    visit(root);
    return found;
  }

  childMapping(entry: EntryModel): MappingModel | undefined {
    const node = entry.pair.value;
    if (isMap(node)) {
      const mapping = this.mapping(node, entry.keyRange);
      if (this.hasStandaloneOutputIn(entry.keyRange)) mapping.hasUnknownEntries = true;
      return mapping;
    }
    const isEmpty = node === null || (isScalar(node) && entry.value.source.trim() === '' && !entry.value.templated);
    if (isEmpty) {
      return {
        node: null,
        keyRange: entry.keyRange,
        entries: [],
        hasUnknownEntries: this.hasStandaloneOutputIn(entry.keyRange),
      };
    }
    return undefined;
  }

  mapping(node: YAMLMap, keyRange: TextRange | undefined): MappingModel {
    const entries: EntryModel[] = [];
    let hasUnknownEntries = false;
    for (const pair of node.items) {
      const entry = this.entry(pair);
      if (!entry || this.followsControlOnItsLine(entry.keyRange)) {
        hasUnknownEntries = true;
        continue;
      }
      if (entry.keyTemplated) hasUnknownEntries = true;
      entries.push(entry);
    }
    const model: MappingModel = { node, entries, hasUnknownEntries };
    if (keyRange) model.keyRange = keyRange;
    return model;
  }

  /**
   * A key written after an `if`, `else` or `end` on its line (`{{ if .x -}} stringData: {{- else -}} data: {{- end }}`)
   * is not where the masked text shows it: Helm renders one branch, where its trim markers put it. Its mapping is not
   * known from the text alone.
   */
  private followsControlOnItsLine(keyRange: TextRange): boolean {
    const lineStart = this.lines.lineStart(this.lines.position(keyRange.start).line);
    return actionsOverlapping(this.scan.actions, { start: lineStart, end: keyRange.start }).some(
      (action) => action.kind === 'control',
    );
  }

  entry(pair: Pair): EntryModel | undefined {
    if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) return undefined;
    const keyRange = { start: pair.key.range[0], end: pair.key.range[1] };
    const keyActions = this.actionsIn(keyRange);
    const key = keyActions.length > 0 ? this.text.slice(keyRange.start, keyRange.end) : String(pair.key.value);
    const value = this.value(pair.value as Node | null, keyRange.end);
    return { key, keyRange, keyTemplated: keyActions.length > 0, value, pair };
  }

  value(node: Node | null, after: number): ValueModel {
    if (node === null || !node.range) {
      const at = this.valueStartAfterKey(after);
      return {
        kind: 'scalar',
        node: null,
        range: { start: at, end: at },
        source: '',
        actions: [],
        templated: false,
        style: 'plain',
        decoded: '',
        kubeType: 'null',
        helmString: '',
      };
    }
    const range = { start: node.range[0], end: node.range[1] };
    if (!isScalar(node)) {
      // A block collection's range runs through its last line break; the value ends at its last character.
      range.end = range.start + this.text.slice(range.start, range.end).trimEnd().length;
    }
    const source = this.text.slice(range.start, range.end);
    const actions = this.actionsIn(range);
    const model: ValueModel = {
      kind: isMap(node) ? 'map' : isSeq(node) ? 'seq' : isScalar(node) ? 'scalar' : 'alias',
      node,
      range,
      source,
      actions,
      templated: actions.length > 0,
    };
    if (node.tag) model.tag = node.tag;
    if (isScalar(node)) {
      const style = scalarStyle(node);
      model.style = style;
      const decoded = String(node.value ?? '');
      model.decoded = decoded;
      if (!model.templated) {
        const explicitString = node.tag === '!!str' || node.tag === 'tag:yaml.org,2002:str';
        model.kubeType = explicitString || style !== 'plain' ? 'string' : resolvePlainScalar(decoded).type;
        model.helmString = explicitString ? decoded : helmStringOf(decoded, style);
      }
    }
    return model;
  }

  private valueStartAfterKey(keyEnd: number): number {
    const colon = this.scan.masked.indexOf(':', keyEnd);
    const lineEnd = this.lines.lineEnd(this.lines.position(keyEnd).line);
    return colon >= 0 && colon < lineEnd ? colon + 1 : keyEnd;
  }

  /** Actions overlapping a range; a zero-width range never overlaps. */
  actionsIn(range: TextRange): TemplateAction[] {
    return actionsOverlapping(this.scan.actions, range);
  }

  /**
   * Whether an output action standing on its own line may add entries to the mapping that the key at `keyRange`
   * opens: an action inside the key's block (the lines after the key up to the next line of YAML indented no deeper
   * than the key) whose output can start a line at the column of the mapping's keys. Output that `nindent N` or
   * `indent N` puts deeper than those keys belongs to the value of one of them (`labels:` then
   * `{{- include "x.labels" . | nindent 4 }}` adds nothing to `metadata`); with no literal key to go by, any output
   * in the block counts.
   */
  private hasStandaloneOutputIn(keyRange: TextRange): boolean {
    if (this.standaloneOutputs.length === 0) return false;
    const keyPosition = this.lines.position(keyRange.start);
    const keyIndent = keyPosition.character;
    const sameLineRest = { start: keyRange.end, end: this.lines.lineEnd(keyPosition.line) };
    let blockEnd = this.text.length;
    let childColumn: number | undefined;
    for (let line = keyPosition.line + 1; line < this.lines.lineCount; line++) {
      const start = this.lines.lineStart(line);
      const content = this.scan.masked.slice(start, this.lines.lineEnd(line));
      const indent = content.length - content.trimStart().length;
      const trimmed = content.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      if (indent <= keyIndent || trimmed === '---' || trimmed.startsWith('--- ')) {
        blockEnd = start;
        break;
      }
      childColumn ??= indent;
    }
    const outputs = this.standaloneOutputs;
    let low = 0;
    let high = outputs.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (outputs[mid]!.range.start < sameLineRest.start) low = mid + 1;
      else high = mid;
    }
    for (let index = low; index < outputs.length && outputs[index]!.range.start < blockEnd; index++) {
      const indentation = outputIndentation(this.text, outputs[index]!);
      if (childColumn === undefined || indentation === undefined || indentation <= childColumn) return true;
    }
    return false;
  }
}

function unknownMapping(entry: EntryModel): MappingModel {
  return { node: null, keyRange: entry.keyRange, entries: [], hasUnknownEntries: true };
}

export function lastEntry(mapping: MappingModel | undefined, key: string): EntryModel | undefined {
  if (!mapping) return undefined;
  for (let i = mapping.entries.length - 1; i >= 0; i--) {
    if (mapping.entries[i]!.key === key) return mapping.entries[i];
  }
  return undefined;
}

function scalarStyle(node: Scalar): ScalarStyle {
  switch (node.type) {
    case 'QUOTE_DOUBLE':
      return 'double';
    case 'QUOTE_SINGLE':
      return 'single';
    case 'BLOCK_LITERAL':
      return 'literal';
    case 'BLOCK_FOLDED':
      return 'folded';
    default:
      return 'plain';
  }
}

/** A literal scalar (not templated) whose text is known. */
export function literalText(value: ValueModel): string | undefined {
  if (value.kind !== 'scalar' || value.templated) return undefined;
  return value.decoded;
}
