import { isInArchive } from '../chart/archive';
import type { DocumentPiece } from '../eval/hooks';
import { splitRendered, UNKNOWN_TEXT } from '../eval/hooks';
import type { RenderedTemplate } from '../eval/render';
import type { TemplateFile } from './file';
import { analyzeTemplate } from './file';
import { blockBodies, topLevelBodies } from '../model/document';
import { joinLenientFlowScalars } from '../model/go-yaml-leniency';
import { wholeParse } from '../model/yaml-documents';
import { holdsHookRelatedText } from '../model/hook-text';
import type { ChartObject } from '../rules/support/chart-objects';
import { chartObjectsOf } from '../rules/support/chart-objects';
import { KINDS_WITH_POD_TEMPLATE_METADATA } from '../rules/non-string-annotation';
import type { Finding } from '../rules/rule';
import type { RenderedPart } from '../lint/findings';
import type { TextRange } from '../core/text';
import { overlaps } from '../core/text';
import type { MappedRange, SourceMapper } from './source-map';

/** The namespace the evaluator renders in (`.Release.Namespace`), as `helm template` does without `-n`. */
const RELEASE_NAMESPACE = 'default';

export type Piece = DocumentPiece;

/**
 * One rendered document as the rules read it: its text with each unknown run written as a template action, so every
 * rule treats it as text it cannot see, and the way back from offsets in that text to the user's files.
 */
export type Analyses = Map<string, TemplateFile>;

export class DocumentView {
  private analysed: TemplateFile | undefined;
  private objects: ChartObject[] | undefined;
  /** The rules ask several times, and a CRD's text runs to megabytes. */
  private hookRelated: boolean | undefined;
  readonly findings = new Map<string, Finding[]>();
  private readonly unknownRanges: TextRange[] = [];
  /** Blocks no rule reads were left out of the analysed text (unreadBlocks). */
  private readonly hasCuts: boolean;
  private readonly shifts: Array<{ at: number; by: number }> = [];
  private readonly synthetic: string;
  /** The document's top-level `kind` when it is written literally. */
  private readonly kind: string | undefined;

  constructor(
    readonly template: string,
    /** The document's place in its template's output. */
    private readonly index: number,
    private readonly text: string,
    private readonly pieces: Piece[],
    private readonly mapper: SourceMapper,
  ) {
    this.kind = /^kind:[ \t]*(["']?)([A-Za-z0-9]+)\1[ \t]*(?:#.*)?\r?$/m.exec(text)?.[2];
    const cuts = unreadBlocks(text, this.kind);
    this.hasCuts = cuts.length > 0;
    const edits: Array<TextRange & { unknown: boolean }> = cuts.map((cut) => ({ ...cut, unknown: false }));
    for (let index = text.indexOf(UNKNOWN_TEXT); index >= 0; index = text.indexOf(UNKNOWN_TEXT, index + 1)) {
      if (!cuts.some((cut) => cut.start <= index && index < cut.end))
        edits.push({ start: index, end: index + UNKNOWN_TEXT.length, unknown: true });
    }
    edits.sort((a, b) => a.start - b.start);
    let synthetic = '';
    let last = 0;
    for (const edit of edits) {
      synthetic += text.slice(last, edit.start);
      const replacement = edit.unknown
        ? unknownAction(pieces.find((piece) => piece.start === edit.start)?.chunk.reason)
        : '';
      if (edit.unknown)
        this.unknownRanges.push({ start: synthetic.length, end: synthetic.length + replacement.length });
      synthetic += replacement;
      this.shifts.push({ at: synthetic.length, by: replacement.length - (edit.end - edit.start) });
      last = edit.end;
    }
    this.synthetic = synthetic + text.slice(last);
  }

  /** Which document of which template: the same document under another release name or operation. */
  get key(): string {
    return `${this.template}#${this.index}`;
  }

  /** The analysis of the text, shared with every document of the same template and text in `analyses`. */
  file(analyses: Analyses): TemplateFile {
    if (!this.analysed) {
      const key = `${this.template}\0${this.synthetic}`;
      this.analysed = analyses.get(key) ?? analyzeTemplate(`${this.template}#evaluated`, this.synthetic);
      analyses.set(key, this.analysed);
    }
    return this.analysed;
  }

  /**
   * The text of this template's own, written literally, that this document renders, as ranges of the template's
   * file: where a rule that reads documents found nothing here, Helm's render shows there is nothing to find (the
   * blocks left out of the analysed text are those no rule reads). None when any of the document is unknown (a rule
   * may have stayed silent for that), or in an archive. `parsed`: the document is valid YAML (see parses).
   */
  renderedLiteral(analyses: Analyses): RenderedPart | undefined {
    const file = this.mapper.absolutePath(this.template);
    if (this.unknownRanges.length > 0 || file === undefined || isInArchive(file)) return undefined;
    const ranges: TextRange[] = [];
    for (const piece of this.pieces) {
      if (!this.mapper.isOwnLiteral(piece.chunk, this.template)) continue;
      const toSource = piece.chunk.source!.start + piece.skip - piece.start;
      ranges.push({ start: piece.start + toSource, end: piece.end + toSource });
    }
    // Whether the document parses decides only whether an invalid-yaml finding of the template as written stands, and
    // that rule reports only in documents that hold hook-related text: in a template without any, none can stand.
    const template = this.mapper.templateText(this.template);
    const parsed = template !== undefined && holdsHookRelatedText(template) && this.parses(analyses);
    return { file, ranges, parsed };
  }

  /**
   * Whether the whole rendered document is valid YAML as go-yaml reads it: the rules' analysis says so when there is
   * one of all of it; otherwise the text is parsed on its own, except a CRD's (its schema is most of the chart's bytes,
   * and no hook check reads it).
   */
  private parses(analyses: Analyses): boolean {
    if (!this.hasCuts && this.analysed) return this.file(analyses).model.yamlProblems.length === 0;
    if (this.kind === 'CustomResourceDefinition') return false;
    const clean = (text: string) => wholeParse(text).every((doc) => doc.errors.length === 0);
    if (clean(this.text)) return true;
    const lenient = joinLenientFlowScalars(this.text);
    return lenient !== this.text && clean(lenient);
  }

  /** Holds what the file rules report on (model/hook-text.ts): without it, they find nothing in the document. */
  get holdsHookRelatedText(): boolean {
    this.hookRelated ??= holdsHookRelatedText(this.text);
    return this.hookRelated;
  }

  /** May be a hook, an object a hook reads, or a workload that reads a hook: the chart rules need it. */
  get concernsHooks(): boolean {
    if (/helm\.sh\/hook/i.test(this.text)) return true;
    return this.kind === undefined || READ_KINDS.has(this.kind) || POD_SPEC_KINDS.has(this.kind);
  }

  /**
   * A release workload whose text, all known and free of escapes, holds no hook-related text (model/hook-text.ts): it
   * relates to hooks only by name (reading one, reading what one reads, or sharing a name with one), and each name it
   * holds is written literally in its text, so the chart rules can leave it out when it holds none of theirs (holdsAnyName).
   */
  get isPlainReleaseWorkload(): boolean {
    if (this.kind === undefined || !POD_SPEC_KINDS.has(this.kind) || this.unknownRanges.length > 0) return false;
    return !this.text.includes('\\') && !this.holdsHookRelatedText;
  }

  /** Whether the text holds one of `names` as a whole word of a Kubernetes name (letters, digits, `-`, `.`, `_`). */
  holdsAnyName(names: ReadonlySet<string>): boolean {
    for (const name of names) if (holdsName(this.text, name)) return true;
    return false;
  }

  chartObjects(analyses: Analyses): ChartObject[] {
    this.objects ??= chartObjectsOf(this.file(analyses), this.template, RELEASE_NAMESPACE, this.index);
    return this.objects;
  }

  /** Offsets in the analysed text are offsets in the rendered text, shifted by the actions written before them. */
  private toRendered(offset: number): number {
    let shift = 0;
    for (const entry of this.shifts) if (entry.at <= offset) shift += entry.by;
    return offset - shift;
  }

  touchesUnknown(range: TextRange): boolean {
    return this.unknownRanges.some(
      (unknown) => overlaps(unknown, range) || (unknown.start === range.start && range.end === unknown.start),
    );
  }

  /**
   * A range of the analysed text in the user's files.
   * `atCallSite`: text a `define` printed is placed at the `include` in this document's template, where the object
   * is written, rather than in the shared define (values-file text keeps its place in the values file).
   */
  locate(range: TextRange, atCallSite = false): MappedRange | undefined {
    const rendered = { start: this.toRendered(range.start), end: this.toRendered(range.end) };
    const mapped = atCallSite
      ? this.mapper.atCallSite(rendered, this.pieces, this.text, this.template)
      : this.mapper.map(rendered, this.pieces, this.text, this.template, true);
    return mapped && !isInArchive(mapped.file) ? mapped : undefined;
  }
}

function holdsName(text: string, name: string): boolean {
  if (name === '') return true;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    if (!NAME_CHARACTER.test(text.charAt(at - 1)) && !NAME_CHARACTER.test(text.charAt(at + name.length))) return true;
  }
  return false;
}

const NAME_CHARACTER = /^[A-Za-z0-9._-]$/;

const READ_KINDS: ReadonlySet<string> = new Set(['Secret', 'ConfigMap', 'ServiceAccount', 'PersistentVolumeClaim']);
/** Kinds whose pod spec the chart rules read even when they are no hook: a release workload may read a hook object. */
const POD_SPEC_KINDS: ReadonlySet<string> = new Set([
  'Pod',
  'Job',
  'CronJob',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
]);
/**
 * The blocks of a rendered document that no rule reads, left out of the analysed text: a CRD's `spec` (its schema,
 * most of the bytes Helm renders); and, in an object that is no hook (no `helm.sh/hook` text, nothing unknown) nor a
 * workload (whose pod spec the chart rules read), every block but `apiVersion`, `kind` and `metadata`, except, in a
 * kind with pod templates, the blocks on the way to a nested `metadata`: the chart rules read such an object's kind,
 * name, namespace and annotations only, and the annotation rules its metadata and that of its pod or claim templates.
 */
function unreadBlocks(text: string, kind: string | undefined): TextRange[] {
  if (kind === undefined || POD_SPEC_KINDS.has(kind)) return [];
  if (/helm\.sh\/hook/i.test(text) || text.includes(UNKNOWN_TEXT)) {
    return kind === 'CustomResourceDefinition'
      ? topLevelBodies(text)
          .filter((block) => block.key === 'spec')
          .map((block) => block.body)
      : [];
  }
  const podTemplates = KINDS_WITH_POD_TEMPLATE_METADATA.has(kind);
  const unread: TextRange[] = [];
  const visit = (within: TextRange, indent: number) => {
    for (const block of blockBodies(text, within, indent)) {
      if ((indent === 0 && OBJECT_KEYS.has(block.key)) || block.key === 'metadata') continue;
      const body = text.slice(block.body.start, block.body.end);
      if (!podTemplates || !NESTED_METADATA.test(body)) unread.push(block.body);
      else {
        // Descend into a mapping only: a list's items are kept whole.
        const first = /^([ \t]*)(\S)/m.exec(body);
        if (first && first[2] !== '-' && first[2] !== '#' && !first[1]!.includes('\t'))
          visit(block.body, first[1]!.length);
      }
    }
  };
  visit({ start: 0, end: text.length }, 0);
  return unread;
}

/** A `metadata:` key, as a mapping key or a list item's first key. */
const NESTED_METADATA = /^[ \t]*(?:-[ \t]+)?metadata:/m;

const OBJECT_KEYS: ReadonlySet<string> = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * An unknown run as an output action whose text names why it is unknown (`randAlphaNum is random`), for rules that
 * look for such functions in actions. It reads a variable, so no two of them count as the same text.
 */
function unknownAction(reason: string | undefined): string {
  const words = (reason ?? 'unknown')
    .replace(/[^A-Za-z0-9 _.-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `{{$unknown ${words}}}`;
}

/**
 * A RenderCache hands back the same object for a template whose output cannot have changed (its key covers the texts
 * findings point into), so its document views, and their findings, are kept with it.
 */
const viewsByRender = new WeakMap<RenderedTemplate, DocumentView[]>();

export function documentViews(rendered: RenderedTemplate, mapper: SourceMapper): DocumentView[] {
  let views = viewsByRender.get(rendered);
  if (!views) {
    // Helm takes every NOTES.txt out of the output before it reads manifests (pkg/action: renderResources).
    const isNotes = rendered.file.name.endsWith('NOTES.txt');
    views =
      rendered.error !== undefined || isNotes
        ? []
        : splitRendered(rendered, false).documents.map(
            (document, index) => new DocumentView(rendered.file.name, index, document.text, document.pieces, mapper),
          );
    viewsByRender.set(rendered, views);
  }
  return views;
}
