import { isMap as isYamlMap, isScalar as isYamlScalar, isSeq as isYamlSeq, Node as YamlNode, parseDocument } from 'yaml';
import { loadChart } from './chart/load';
import { LoadedChart, LoadOptions } from './chart/types';
import { locateValue, ValueLocation } from './chart/values';
import { DocumentPiece, splitRendered, UNKNOWN_TEXT } from './eval/hooks';
import { ValueOrigin } from './eval/origin';
import { RenderCache } from './eval/cache';
import { RenderedTemplate, TemplateFile as RenderFile } from './eval/render';
import { Chunk } from './eval/value';
import { analyzeTemplate, TemplateFile } from './file';
import { blockBodies, topLevelBodies } from './model/document';
import { HookEvent } from './model/hook';
import { DEFAULT_LINT_OPTIONS, effectiveSeverity, lintChartObjects, lintFile, LintOptions } from './lint';
import { ALL_RULES, LIFECYCLE_RULES } from './rules';
import { ChartObject, chartObjectsOf } from './rules/chart-objects';
import { KINDS_WITH_POD_TEMPLATE_METADATA } from './rules/non-string-annotation';
import { Finding, Fix, RelatedLocation, Report, Rule } from './rules/rule';
import { findSuppressions, isSuppressed } from './suppress';
import { LineIndex, overlaps, TextRange } from './text';

/**
 * The rules on the evaluated view: each document Helm would render is analysed as rendered text, the file rules run
 * on it, the chart rules run on all of the chart's objects together, and each finding is moved back to the text the
 * user wrote: the key or value in a values file when `toYaml` printed a map of `.Values`, the line of a `define` for
 * text an `include` brought in, the action for a value an action printed.
 *
 * Only what is certain is reported: a finding must hold under both release names (or the one given), must not touch
 * output the evaluator could not know, and must not rest on a rule's guess (`uncertain`). Annotation findings on text
 * written literally in the template itself are left to the as-written pass, which reports them with their fixes.
 */

const LIFECYCLE_IDS: ReadonlySet<string> = new Set(LIFECYCLE_RULES.map((rule) => rule.id));

export interface EvaluatedLintOptions extends LintOptions {
  /** Evaluate with this release name only; by default findings must hold under `release-name` and `zz-second`. */
  releaseName?: string;
}

export interface ChartLintOptions extends EvaluatedLintOptions, LoadOptions {}

export const DEFAULT_RELEASE_NAMES = ['release-name', 'zz-second'] as const;

/** The namespace the evaluator renders in (`.Release.Namespace`), as `helm template` does without `-n`. */
const RELEASE_NAMESPACE = 'default';

/** Renders a chart, re-executing only what can have changed since the last render (see eval/cache). */
export interface Renderer {
  /** Every template's output, or (with `only`) at least those templates' outputs. */
  render(options: { releaseName: string; isUpgrade: boolean }, only?: ReadonlySet<string>): RenderedTemplate[];
  /** The parsed files by Helm template name, for mapping output back to its source. */
  file(name: string): RenderFile | undefined;
  chart: LoadedChart;
}

/**
 * The findings of the evaluated chart that the as-written view cannot see. Findings point into files by their
 * absolute paths; findings that would point inside a packaged subchart (`.tgz`) are left out, as nobody edits those.
 */
export function evaluatedFindings(chartOrRenderer: LoadedChart | Renderer, options: EvaluatedLintOptions = DEFAULT_LINT_OPTIONS): Finding[] {
  // A cache even for one evaluation: templates that cannot tell install from upgrade are executed once for both.
  const renderer = 'render' in chartOrRenderer ? chartOrRenderer : new RenderCache(chartOrRenderer);
  const enabled = (rule: Rule | undefined): rule is Rule => !!rule && options.rules[rule.id] !== 'off';
  // The annotation rules that read annotation values, and the per-hook lifecycle rules.
  const fileRules = ALL_RULES.filter((rule) => rule.check && !rule.syntaxOnly && enabled(rule));
  const chartRules = ALL_RULES.filter((rule) => rule.checkChart && enabled(rule));
  if (fileRules.length === 0 && chartRules.length === 0) return [];
  const names = options.releaseName !== undefined ? [options.releaseName] : [...DEFAULT_RELEASE_NAMES];
  const mapper = new SourceMapper(renderer);
  const found = new Map<string, Finding>();
  const operations = operationsToRender(renderer.chart);
  // Documents that render the same text (most, between install and upgrade) are analysed once.
  const analyses: Analyses = new Map();
  for (const isUpgrade of operations) {
    const events = operations.length === 1 ? ALL_EVENTS : isUpgrade ? UPGRADE_EVENTS : INSTALL_EVENTS;
    let certain: Map<string, Finding> | undefined;
    // After the first name, only the documents that had file findings can have them under both names, and only the
    // templates that gave a finding, or (for a chart finding) an object the chart rules read, need rendering again.
    let withFindings: Set<string> | undefined;
    let needed: Set<string> | undefined;
    for (const releaseName of names) {
      const findings = new Map<string, Finding>();
      const views = renderer.render({ releaseName, isUpgrade }, needed).flatMap((rendered) => documentViews(rendered, mapper));
      const documentsWithFindings = new Set<string>();
      const templatesNeeded = new Set<string>();
      for (const view of views) {
        if (withFindings && !withFindings.has(view.key)) continue;
        const fileFound = cachedFileFindings(view, fileRules, options, mapper, analyses);
        if (fileFound.length > 0) {
          documentsWithFindings.add(view.key);
          templatesNeeded.add(view.template);
        }
        for (const finding of fileFound) findings.set(certaintyKey(finding), finding);
      }
      withFindings = documentsWithFindings;
      const chartFound = chartRules.length > 0 ? chartFindings(views, chartRules, events, options, mapper, analyses) : [];
      for (const finding of chartFound) findings.set(certaintyKey(finding), finding);
      if (chartFound.length > 0) for (const view of views) if (view.concernsHooks) templatesNeeded.add(view.template);
      needed = templatesNeeded;
      certain = certain ? new Map([...certain].filter(([key]) => findings.has(key))) : findings;
      // Nothing under one name: nothing can hold under both, so the other render is not needed.
      if (certain.size === 0) break;
    }
    for (const finding of certain?.values() ?? []) if (!found.has(findingKey(finding))) found.set(findingKey(finding), finding);
  }
  return [...found.values()].sort(compareFindings);
}

const INSTALL_EVENTS: ReadonlySet<HookEvent> = new Set(['pre-install', 'post-install', 'pre-delete', 'post-delete', 'test']);
const UPGRADE_EVENTS: ReadonlySet<HookEvent> = new Set(['pre-upgrade', 'post-upgrade', 'pre-rollback', 'post-rollback']);
const ALL_EVENTS: ReadonlySet<HookEvent> = new Set([...INSTALL_EVENTS, ...UPGRADE_EVENTS]);

/**
 * What must be equal under both release names for a finding to be certain. A file rule's message must be the same
 * too: one that quotes a name built from the release name (hook-fixed-name) is then not certain. A chart rule's
 * message names the objects it links, which follow the release name; its place is what must agree.
 */
function certaintyKey(finding: Finding): string {
  return CHART_RULE_IDS.has(finding.rule) ? findingKey(finding) : `${findingKey(finding)}\0${finding.message}`;
}

const CHART_RULE_IDS: ReadonlySet<string> = new Set(ALL_RULES.filter((rule) => rule.checkChart).map((rule) => rule.id));

/** Install always; upgrade too when some template can tell them apart. */
function operationsToRender(chart: LoadedChart): boolean[] {
  const all = (current: LoadedChart): boolean => current.templates.some((template) => /\b(IsUpgrade|IsInstall|Revision)\b/.test(template.text)) || current.subcharts.some(all);
  return all(chart) ? [false, true] : [false];
}

/**
 * The as-written findings of every template of a chart on disk plus the evaluated findings they do not already
 * hold. Where both report one rule at one range, the more severe is kept (the evaluated view knows a value the
 * as-written view could only warn about); on a tie the as-written one, which carries the safe fixes.
 */
export function lintChart(directory: string, options: ChartLintOptions = DEFAULT_LINT_OPTIONS): Finding[] {
  const chart = loadChart(directory, options);
  const asWritten: Finding[] = [];
  const visit = (current: LoadedChart) => {
    for (const template of current.templates) {
      if (isInArchive(template.absolutePath)) continue;
      asWritten.push(...lintFile(analyzeTemplate(template.absolutePath, template.text), options));
    }
    current.subcharts.forEach(visit);
  };
  visit(chart);
  return mergeFindings(asWritten, evaluatedFindings(chart, options));
}

const RANK = { info: 0, warning: 1, error: 2 } as const;

/** The union of as-written and evaluated findings, one per rule, file and range (see lintChart). */
export function mergeFindings(asWritten: readonly Finding[], evaluated: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const finding of asWritten) byKey.set(findingKey(finding), finding);
  for (const finding of evaluated) {
    const existing = byKey.get(findingKey(finding));
    if (!existing || RANK[finding.severity] > RANK[existing.severity]) byKey.set(findingKey(finding), finding);
  }
  return [...byKey.values()].sort(compareFindings);
}

export function findingKey(finding: Finding): string {
  return `${finding.rule}\0${finding.file}\0${finding.range.start}\0${finding.range.end}`;
}

function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start - b.range.start || a.range.end - b.range.end || a.rule.localeCompare(b.rule);
}

function isInArchive(path: string): boolean {
  return /\.tgz#/i.test(path);
}

type Piece = DocumentPiece;

/**
 * One rendered document as the rules read it: its text with each unknown run written as a template action, so every
 * rule treats it as text it cannot see, and the way back from offsets in that text to the user's files.
 */
type Analyses = Map<string, TemplateFile>;

class DocumentView {
  private analysed: TemplateFile | undefined;
  private objects: ChartObject[] | undefined;
  readonly findings = new Map<string, Finding[]>();
  private readonly unknownRanges: TextRange[] = [];
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
    const edits: Array<TextRange & { unknown: boolean }> = cuts.map((cut) => ({ ...cut, unknown: false }));
    for (let index = text.indexOf(UNKNOWN_TEXT); index >= 0; index = text.indexOf(UNKNOWN_TEXT, index + 1)) {
      if (!cuts.some((cut) => cut.start <= index && index < cut.end)) edits.push({ start: index, end: index + UNKNOWN_TEXT.length, unknown: true });
    }
    edits.sort((a, b) => a.start - b.start);
    let synthetic = '';
    let last = 0;
    for (const edit of edits) {
      synthetic += text.slice(last, edit.start);
      const replacement = edit.unknown ? unknownAction(pieces.find((piece) => piece.start === edit.start)?.chunk.reason) : '';
      if (edit.unknown) this.unknownRanges.push({ start: synthetic.length, end: synthetic.length + replacement.length });
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

  /** Every piece is this template's own literal text: the as-written pass has read all of it. */
  get ownLiteral(): boolean {
    return this.pieces.every((piece) => this.mapper.isOwnLiteral(piece.chunk, this.template));
  }

  /** May hold annotations for the annotation rules to read. */
  get mentionsAnnotations(): boolean {
    // Nearly every rendered object carries the `helm.sh/chart` label, which no rule reads.
    return /annotations|helm\.sh\/(?!chart\b)/i.test(this.text);
  }

  /** May be a hook, or an object a hook reads: the chart rules need it. */
  get concernsHooks(): boolean {
    if (/helm\.sh\/hook/i.test(this.text)) return true;
    return this.kind === undefined || READ_KINDS.has(this.kind);
  }

  chartObjects(analyses: Analyses): ChartObject[] {
    this.objects ??= chartObjectsOf(this.file(analyses), this.template, RELEASE_NAMESPACE);
    return this.objects;
  }

  /** Offsets in the analysed text are offsets in the rendered text, shifted by the actions written before them. */
  private toRendered(offset: number): number {
    let shift = 0;
    for (const entry of this.shifts) if (entry.at <= offset) shift += entry.by;
    return offset - shift;
  }

  touchesUnknown(range: TextRange): boolean {
    return this.unknownRanges.some((unknown) => overlaps(unknown, range) || (unknown.start === range.start && range.end === unknown.start));
  }

  /**
   * A range of the analysed text in the user's files; `ownLiteral` allows this template's own text as a target.
   * `atCallSite`: text a `define` printed is placed at the `include` in this document's template, where the object
   * is written, rather than in the shared define (values-file text keeps its place in the values file).
   */
  locate(range: TextRange, ownLiteral: boolean, atCallSite = false): MappedRange | undefined {
    const rendered = { start: this.toRendered(range.start), end: this.toRendered(range.end) };
    const mapped = atCallSite ? this.mapper.atCallSite(rendered, this.pieces, this.text, this.template) : this.mapper.map(rendered, this.pieces, this.text, this.template, ownLiteral);
    return mapped && !isInArchive(mapped.file) ? mapped : undefined;
  }
}

const READ_KINDS: ReadonlySet<string> = new Set(['Secret', 'ConfigMap', 'ServiceAccount', 'PersistentVolumeClaim']);
/**
 * The blocks of a rendered document that no rule reads, left out of the analysed text: a CRD's `spec` (its schema,
 * most of the bytes Helm renders); and, in an object that is no hook (no `helm.sh/hook` text, nothing unknown),
 * every block but `apiVersion`, `kind` and `metadata`, except, in a kind with pod templates, the blocks on the way to
 * a nested `metadata`: the chart rules read such an object's kind, name, namespace and annotations only, and the
 * annotation rules its metadata and that of its pod or claim templates.
 */
function unreadBlocks(text: string, kind: string | undefined): TextRange[] {
  if (kind === undefined) return [];
  if (/helm\.sh\/hook/i.test(text) || text.includes(UNKNOWN_TEXT)) {
    return kind === 'CustomResourceDefinition' ? topLevelBodies(text).filter((block) => block.key === 'spec').map((block) => block.body) : [];
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
        if (first && first[2] !== '-' && first[2] !== '#' && !first[1]!.includes('\t')) visit(block.body, first[1]!.length);
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
  const words = (reason ?? 'unknown').replace(/[^A-Za-z0-9 _.-]/g, ' ').replace(/\s+/g, ' ').trim();
  return `{{$unknown ${words}}}`;
}

/**
 * A RenderCache hands back the same object for a template whose output cannot have changed (its key covers the texts
 * findings point into), so its document views, and their findings, are kept with it.
 */
const viewsByRender = new WeakMap<RenderedTemplate, DocumentView[]>();

function documentViews(rendered: RenderedTemplate, mapper: SourceMapper): DocumentView[] {
  let views = viewsByRender.get(rendered);
  if (!views) {
    // Helm takes every NOTES.txt out of the output before it reads manifests (pkg/action: renderResources).
    const isNotes = rendered.file.name.endsWith('NOTES.txt');
    views = rendered.error !== undefined || isNotes ? [] : splitRendered(rendered, false).documents.map((document, index) => new DocumentView(rendered.file.name, index, document.text, document.pieces, mapper));
    viewsByRender.set(rendered, views);
  }
  return views;
}

function cachedFileFindings(view: DocumentView, rules: readonly Rule[], options: EvaluatedLintOptions, mapper: SourceMapper, analyses: Analyses): Finding[] {
  if (!view.mentionsAnnotations || view.ownLiteral) return [];
  const optionsKey = JSON.stringify([options.helmVersion, options.rules]);
  let findings = view.findings.get(optionsKey);
  if (!findings) {
    findings = fileFindings(view, rules, options, mapper, analyses);
    view.findings.set(optionsKey, findings);
  }
  return findings;
}

function fileFindings(view: DocumentView, rules: readonly Rule[], options: EvaluatedLintOptions, mapper: SourceMapper, analyses: Analyses): Finding[] {
  const file = view.file(analyses);
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (!rule.check) continue;
    const setting = options.rules[rule.id];
    const ownLiteral = LIFECYCLE_IDS.has(rule.id);
    const report = (reported: Report) => {
      if (reported.uncertain || view.touchesUnknown(reported.range)) return;
      const severity = effectiveSeverity(rule, setting, reported);
      if (!severity) return;
      const mapped = view.locate(reported.range, ownLiteral, ownLiteral);
      if (!mapped || mapper.isSuppressed(mapped.file, mapped.range.start, rule.id)) return;
      const related: RelatedLocation[] = [];
      for (const location of reported.related ?? []) {
        const target = view.locate(location.range, true, ownLiteral);
        if (target) related.push({ file: target.file, range: target.range, message: location.message });
      }
      findings.push({ rule: rule.id, severity, file: mapped.file, range: mapped.range, message: reported.message, related, fixes: mapFixes(reported, view, ownLiteral) });
    };
    rule.check({ file, helmVersion: options.helmVersion, report });
  }
  return findings;
}

/** The chart rules over every object of one render: hooks, and what they may read. */
function chartFindings(views: readonly DocumentView[], rules: readonly Rule[], events: ReadonlySet<HookEvent>, options: EvaluatedLintOptions, mapper: SourceMapper, analyses: Analyses): Finding[] {
  const objects: ChartObject[] = [];
  const viewOf = new Map<ChartObject, DocumentView>();
  for (const view of views) {
    if (!view.concernsHooks) continue;
    for (const object of view.chartObjects(analyses)) {
      objects.push(object);
      viewOf.set(object, view);
    }
  }
  if (!objects.some((object) => object.hook && object.reads.length > 0)) return [];
  return lintChartObjects(
    objects,
    events,
    options,
    (object, range, rule) => {
      const view = viewOf.get(object)!;
      if (rule !== undefined && view.touchesUnknown(range)) return undefined;
      const mapped = view.locate(range, true, true);
      if (!mapped || (rule !== undefined && mapper.isSuppressed(mapped.file, mapped.range.start, rule))) return undefined;
      return { file: mapped.file, range: mapped.range };
    },
    rules,
  );
}

/**
 * A fix survives only when each of its edits lands on exactly the text it was computed on, so the edit means the same
 * in the user's file; it is never `safe`, since an edit to a values file or a shared `define` reaches further than
 * the one document that showed the problem.
 */
function mapFixes(reported: Report, view: DocumentView, ownLiteral: boolean): Fix[] {
  const fixes: Fix[] = [];
  for (const fix of reported.fixes ?? []) {
    const edits = [];
    for (const edit of fix.edits) {
      if (edit.file !== undefined) break;
      const mapped = view.locate(edit.range, ownLiteral);
      if (!mapped?.exact) break;
      edits.push({ file: mapped.file, range: mapped.range, newText: edit.newText });
    }
    if (edits.length === fix.edits.length && edits.length > 0) fixes.push({ title: fix.title, safe: false, edits });
  }
  return fixes;
}

interface MappedRange {
  file: string;
  range: TextRange;
  /** The range holds exactly the rendered text it stands for. */
  exact: boolean;
}

/** Moves ranges of rendered text back to the files they came from. */
class SourceMapper {
  private readonly suppressions = new Map<string, Map<number, Set<string>>>();
  private readonly lineIndexes = new Map<string, LineIndex>();
  private readonly texts = new Map<string, string>();

  constructor(private readonly renderer: Renderer) {}

  /** A chunk of literal template text of `template` itself, reached without an include. */
  isOwnLiteral(chunk: Chunk, template: string): boolean {
    if (chunk.text === undefined || chunk.via || chunk.origin || !chunk.source || chunk.source.template !== template) return false;
    const file = this.renderer.file(template);
    return !!file && file.template.text.slice(chunk.source.start, chunk.source.end) === chunk.text;
  }

  /**
   * For findings about an object: where the object's document writes the text of `range`. Text a `define` printed
   * from its own template text goes to the outermost `include` in `template`, so findings about different objects
   * built by one shared define land on each object's own template; the range covers every piece the text came from
   * when they are all in one file (else `map` places it).
   */
  atCallSite(range: TextRange, pieces: Piece[], text: string, template: string): MappedRange | undefined {
    const touched = pieces.filter((piece) => piece.start < Math.max(range.end, range.start + 1) && range.start < piece.end);
    const throughDefine = (piece: Piece) => {
      const site = piece.chunk.via?.[0];
      return !piece.chunk.origin && site && site.template === template && piece.chunk.source?.template !== template ? site : undefined;
    };
    if (!touched.some(throughDefine)) {
      const mapped = this.map(range, pieces, text, template, true);
      if (!mapped || mapped.exact) return mapped;
    }
    const sites = touched.map((piece) => {
      const site = throughDefine(piece);
      if (!site) return this.pieceRange(piece, range, text);
      const file = this.renderer.file(template);
      return file && { file: this.remember(file.template.absolutePath, file.template.text), range: enclosingAction(file.template.text, site), exact: false };
    });
    if (sites.some((site) => !site || site.file !== sites[0]!.file)) return this.map(range, pieces, text, template, true);
    const ranges = sites.map((site) => site!.range);
    return { file: sites[0]!.file, range: { start: Math.min(...ranges.map((r) => r.start)), end: Math.max(...ranges.map((r) => r.end)) }, exact: false };
  }

  /** `ownLiteral`: a range wholly in this template's own literal text is mapped too (else it is the as-written pass's). */
  map(range: TextRange, pieces: Piece[], text: string, template: string, ownLiteral = false): MappedRange | undefined {
    const touched = pieces.filter((piece) => piece.start < Math.max(range.end, range.start + 1) && range.start < piece.end);
    if (touched.length === 0) return undefined;
    if (!ownLiteral && touched.every((piece) => this.isOwnLiteral(piece.chunk, template))) return undefined;
    const first = touched[0]!;
    const lastPiece = touched[touched.length - 1]!;
    if (touched.length === 1 || (first.chunk.source && sameRef(first.chunk, lastPiece.chunk))) {
      // The end is mapped through the last character it covers, which lies inside a piece even at a piece's end.
      const empty = range.end <= range.start;
      const start = this.mapOffset(first, range.start, text);
      const end = empty ? start : this.mapOffset(lastPiece, range.end - 1, text);
      if (start && end && start.file === end.file && start.offset <= end.offset && start.exact && end.exact) {
        return { file: start.file, range: { start: start.offset, end: end.offset + (empty ? 0 : 1) }, exact: true };
      }
    }
    // Otherwise the whole source of the first piece that is not this template's own text.
    const piece = touched.find((candidate) => !this.isOwnLiteral(candidate.chunk, template)) ?? first;
    return this.wholeSource(piece, range, text);
  }

  isSuppressed(path: string, offset: number, rule: string): boolean {
    const text = this.texts.get(path);
    if (text === undefined) return false;
    let lines = this.lineIndexes.get(path);
    if (!lines) {
      lines = new LineIndex(text);
      this.lineIndexes.set(path, lines);
    }
    let suppressions = this.suppressions.get(path);
    if (!suppressions) {
      suppressions = findSuppressions(text, lines);
      this.suppressions.set(path, suppressions);
    }
    return isSuppressed(suppressions, lines.position(offset).line, rule);
  }

  private remember(path: string, text: string): string {
    this.texts.set(path, text);
    return path;
  }

  /** An offset of rendered text inside a piece, in its source file, when the piece's text is the source's text. */
  private mapOffset(piece: Piece, offset: number, text: string): { file: string; offset: number; exact: boolean } | undefined {
    const chunk = piece.chunk;
    if (chunk.origin) {
      const located = this.inValues(piece, offset, text);
      return located && { file: located.file, offset: located.offset, exact: located.exact };
    }
    if (!chunk.source || chunk.text === undefined) return undefined;
    const file = this.renderer.file(chunk.source.template);
    if (!file) return undefined;
    const source = file.template.text.slice(chunk.source.start, chunk.source.end);
    const within = lineShiftedOffset(chunk.text, source, piece.skip + offset - piece.start);
    if (within === undefined) return undefined;
    return { file: this.remember(file.template.absolutePath, file.template.text), offset: chunk.source.start + within, exact: true };
  }

  /** The part of `range` inside one piece, in its source: exactly where the text is the source's, else the whole source. */
  private pieceRange(piece: Piece, range: TextRange, text: string): MappedRange | undefined {
    const start = Math.max(range.start, piece.start);
    const end = Math.min(range.end, piece.end);
    const first = this.mapOffset(piece, start, text);
    const last = end > start ? this.mapOffset(piece, end - 1, text) : first;
    if (first?.exact && last?.exact && first.file === last.file) return { file: first.file, range: { start: first.offset, end: last.offset + (end > start ? 1 : 0) }, exact: true };
    return this.wholeSource(piece, range, text);
  }

  private wholeSource(piece: Piece, range: TextRange, text: string): MappedRange | undefined {
    const chunk = piece.chunk;
    if (chunk.origin) {
      const located = this.valuesEntry(piece, Math.max(range.start, piece.start), text);
      if (located) return { file: located.file, range: located.range, exact: false };
    }
    if (!chunk.source) return undefined;
    const file = this.renderer.file(chunk.source.template);
    if (!file) return undefined;
    return { file: this.remember(file.template.absolutePath, file.template.text), range: { start: chunk.source.start, end: chunk.source.end }, exact: false };
  }

  /** An offset inside toYaml output, in the values file: exact when the key or value there reads as rendered. */
  private inValues(piece: Piece, offset: number, text: string): { file: string; offset: number; exact: boolean } | undefined {
    const entry = this.valuesEntry(piece, offset, text);
    if (!entry || entry.renderedStart === undefined) return undefined;
    const delta = offset - entry.renderedStart;
    if (!entry.sameText || delta < 0 || delta > entry.range.end - entry.range.start) return undefined;
    return { file: entry.file, offset: entry.range.start + delta, exact: true };
  }

  /** The values-file key or value that the toYaml text at `offset` prints. */
  private valuesEntry(piece: Piece, offset: number, text: string): { file: string; range: TextRange; renderedStart?: number; sameText: boolean } | undefined {
    const origin = piece.chunk.origin!;
    const lineStart = text.lastIndexOf('\n', piece.start - 1) + 1;
    const column = piece.start - lineStart;
    const pad = ' '.repeat(column);
    const found = pathAt(pad + text.slice(piece.start, piece.end), column + offset - piece.start);
    if (!found) return undefined;
    const location = locateInSources(origin, found.path);
    if (!location) return undefined;
    const range = found.part === 'key' ? location.place.keyRange : location.place.valueRange;
    const written = location.text.slice(range.start, range.end);
    const renderedStart = piece.start + found.range.start - column;
    const rendered = text.slice(renderedStart, piece.start + found.range.end - column);
    return { file: this.remember(location.path, location.text), range, renderedStart, sameText: written === rendered };
  }
}

/** The whole `{{ … }}` around a call inside an action, so that a reader sees the action, not a piece of it. */
function enclosingAction(text: string, call: TextRange): TextRange {
  const open = text.lastIndexOf('{{', call.start);
  const close = text.indexOf('}}', call.end);
  if (open < 0 || close < 0 || text.lastIndexOf('}}', call.start) > open) return call;
  return { start: open, end: close + 2 };
}

function sameRef(a: Chunk, b: Chunk): boolean {
  return !!a.source && !!b.source && a.source.template === b.source.template && a.source.start === b.source.start && a.source.end === b.source.end;
}

/**
 * Where `offset` of `rendered` falls in `source`, when `rendered` is `source` with padding added at line starts (what
 * `indent`/`nindent` do to an included define): line by line, the rendered line must end with the source line.
 */
function lineShiftedOffset(rendered: string, source: string, offset: number): number | undefined {
  if (rendered === source) return offset;
  const renderedLines = rendered.split('\n');
  const sourceLines = source.split('\n');
  if (renderedLines.length !== sourceLines.length) return undefined;
  let renderedStart = 0;
  let sourceStart = 0;
  for (let index = 0; index < renderedLines.length; index++) {
    const renderedLine = renderedLines[index]!;
    const sourceLine = sourceLines[index]!;
    if (offset <= renderedStart + renderedLine.length) {
      const pad = renderedLine.length - sourceLine.length;
      const column = offset - renderedStart;
      if (pad < 0 || !renderedLine.endsWith(sourceLine) || column < pad) return undefined;
      return sourceStart + column - pad;
    }
    renderedStart += renderedLine.length + 1;
    sourceStart += sourceLine.length + 1;
  }
  return undefined;
}

/** The path, inside a YAML text, of the key or scalar value at `offset`. */
function pathAt(yaml: string, offset: number): { path: (string | number)[]; part: 'key' | 'value'; range: TextRange } | undefined {
  const document = parseDocument(yaml, { uniqueKeys: false, version: '1.1' });
  if (document.errors.length > 0) return undefined;
  const inside = (node: YamlNode | null | undefined): node is YamlNode => !!node?.range && node.range[0] <= offset && offset < Math.max(node.range[1], node.range[0] + 1);
  const walk = (node: YamlNode | null, path: (string | number)[]): ReturnType<typeof pathAt> => {
    if (isYamlMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as YamlNode | null;
        if (!isYamlScalar(key)) continue;
        const name = String(key.value);
        if (inside(key)) return { path: [...path, name], part: 'key', range: { start: key.range![0], end: key.range![1] } };
        const value = pair.value as YamlNode | null;
        if (inside(value)) return isYamlScalar(value) ? { path: [...path, name], part: 'value', range: { start: value.range![0], end: value.range![1] } } : walk(value, [...path, name]);
      }
      return undefined;
    }
    if (isYamlSeq(node)) {
      for (let index = 0; index < node.items.length; index++) {
        const item = node.items[index] as YamlNode | null;
        if (inside(item)) return isYamlScalar(item) ? { path: [...path, index], part: 'value', range: { start: item.range![0], end: item.range![1] } } : walk(item, [...path, index]);
      }
    }
    return undefined;
  };
  return walk(document.contents as YamlNode | null, []);
}

/**
 * The values text a path of a chart's `.Values` was written in: the file of highest precedence that has it, when the
 * value written there is the one the chart was rendered with (templates may have changed it, `import-values` moved
 * it). `global` values are found at `global` in every file above the chart.
 */
function locateInSources(origin: ValueOrigin, relative: (string | number)[]): { path: string; text: string; place: ValueLocation } | undefined {
  const path = [...origin.path, ...relative];
  const sources = origin.chart.valuesSources ?? [];
  const expected = valueAt(origin.chart.values, path);
  if (!expected.found) return undefined;
  for (let index = sources.length - 1; index >= 0; index--) {
    const source = sources[index]!;
    const inSource = path[0] === 'global' ? path : [...source.at, ...path];
    const place = locateValue(source.text, inSource);
    if (!place) continue;
    const isScalar = place.value === null || typeof place.value !== 'object';
    if (isScalar && place.value !== expected.value) return undefined;
    return { path: source.path, text: source.text, place };
  }
  return undefined;
}

function valueAt(values: unknown, path: (string | number)[]): { found: boolean; value?: unknown } {
  let current: unknown = values;
  for (const part of path) {
    if (typeof part === 'number') {
      if (!Array.isArray(current) || part >= current.length) return { found: false };
      current = current[part];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, part)) return { found: false };
      current = (current as Record<string, unknown>)[part];
    }
  }
  return { found: true, value: current };
}
