import { isMap as isYamlMap, isScalar as isYamlScalar, isSeq as isYamlSeq, Node as YamlNode, parseDocument } from 'yaml';
import { loadChart } from './chart/load';
import { LoadedChart, LoadOptions } from './chart/types';
import { locateValue, ValueLocation } from './chart/values';
import { splitRendered, UNKNOWN_TEXT } from './eval/hooks';
import { ValueOrigin } from './eval/origin';
import { ChartRenderer, RenderedTemplate, TemplateFile as RenderFile } from './eval/render';
import { Chunk } from './eval/value';
import { analyzeTemplate } from './file';
import { DEFAULT_LINT_OPTIONS, effectiveSeverity, lintFile, LintOptions } from './lint';
import { ruleById } from './rules';
import { Finding, Fix, RelatedLocation, Report, Rule } from './rules/rule';
import { findSuppressions, isSuppressed } from './suppress';
import { LineIndex, overlaps, TextRange } from './text';

/**
 * The annotation rules on the evaluated view: each document Helm would render is linted as rendered text, and each
 * finding is moved back to the text the user wrote: the key or value in a values file when `toYaml` printed a map of
 * `.Values`, the line of a `define` for text an `include` brought in, the action for a value an action printed.
 *
 * Only what is certain is reported: a finding must hold under both release names (or the one given), must not touch
 * output the evaluator could not know, and must not rest on a rule's guess (`uncertain`). Text written literally in
 * the template itself is left to the as-written pass, which reports it with its fixes.
 */

/** The rules of DESIGN.md's "Annotation syntax" table that read annotation values (not the template's own syntax). */
export const EVALUATED_RULE_IDS: readonly string[] = [
  'unknown-hook-event',
  'duplicate-hook-event',
  'unquoted-hook-weight',
  'invalid-hook-weight',
  'unknown-delete-policy',
  'duplicate-delete-policy',
  'unknown-output-log-policy',
  'non-string-annotation',
  'unknown-helm-annotation',
  'orphan-hook-annotation',
  'misplaced-hook-annotation',
];

export interface EvaluatedLintOptions extends LintOptions {
  /** Evaluate with this release name only; by default findings must hold under `release-name` and `zz-second`. */
  releaseName?: string;
}

export interface ChartLintOptions extends EvaluatedLintOptions, LoadOptions {}

export const DEFAULT_RELEASE_NAMES = ['release-name', 'zz-second'] as const;

/** Stands for one run of output the evaluator cannot know: an output action, so every rule treats it as templated. */
const UNKNOWN_ACTION = '{{u}}';

/** Renders a chart: a fresh ChartRenderer by default, or a cache that re-renders only what changed (see eval/cache). */
export interface Renderer {
  render(options: { releaseName: string; isUpgrade: boolean }): RenderedTemplate[];
  /** The parsed files by Helm template name, for mapping output back to its source. */
  file(name: string): RenderFile | undefined;
  chart: LoadedChart;
}

export function plainRenderer(chart: LoadedChart): Renderer {
  const renderer = new ChartRenderer(chart);
  return {
    chart,
    render: (options) => renderer.render(options).templates,
    file: (name) => renderer.byName.get(name),
  };
}

/**
 * The annotation findings of the evaluated chart that the as-written view cannot see. Findings point into files by
 * their absolute paths; findings that would point inside a packaged subchart (`.tgz`) are left out, as nobody edits
 * those.
 */
export function evaluatedFindings(chartOrRenderer: LoadedChart | Renderer, options: EvaluatedLintOptions = DEFAULT_LINT_OPTIONS): Finding[] {
  const renderer = 'render' in chartOrRenderer ? chartOrRenderer : plainRenderer(chartOrRenderer);
  const rules = EVALUATED_RULE_IDS.map((id) => ruleById(id)).filter((rule): rule is Rule => !!rule && options.rules[rule.id] !== 'off');
  if (rules.length === 0) return [];
  const names = options.releaseName !== undefined ? [options.releaseName] : [...DEFAULT_RELEASE_NAMES];
  const mapper = new SourceMapper(renderer);
  const found = new Map<string, Finding>();
  for (const isUpgrade of operationsToRender(renderer.chart)) {
    let certain: Map<string, Finding> | undefined;
    for (const releaseName of names) {
      const findings = new Map<string, Finding>();
      for (const rendered of renderer.render({ releaseName, isUpgrade })) {
        for (const finding of cachedLint(rendered, rules, options, mapper)) findings.set(findingKey(finding), finding);
      }
      certain = certain ? new Map([...certain].filter(([key]) => findings.has(key))) : findings;
    }
    for (const [key, finding] of certain ?? []) if (!found.has(key)) found.set(key, finding);
  }
  return [...found.values()].sort(compareFindings);
}

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

/**
 * A RenderCache hands back the same object for a template whose output cannot have changed (its key covers the texts
 * findings point into), so its findings are kept with it.
 */
const lintResults = new WeakMap<RenderedTemplate, Map<string, Finding[]>>();

function cachedLint(rendered: RenderedTemplate, rules: readonly Rule[], options: EvaluatedLintOptions, mapper: SourceMapper): Finding[] {
  const optionsKey = JSON.stringify([options.helmVersion, options.rules]);
  let byOptions = lintResults.get(rendered);
  if (!byOptions) {
    byOptions = new Map();
    lintResults.set(rendered, byOptions);
  }
  let findings = byOptions.get(optionsKey);
  if (!findings) {
    findings = lintRendered(rendered, rules, options, mapper);
    byOptions.set(optionsKey, findings);
  }
  return findings;
}

/** One rendered template: each of its documents as text, linted, with findings mapped back. */
function lintRendered(rendered: RenderedTemplate, rules: readonly Rule[], options: EvaluatedLintOptions, mapper: SourceMapper): Finding[] {
  if (rendered.error !== undefined) return [];
  const findings: Finding[] = [];
  for (const document of splitRendered(rendered, false).documents) {
    const { text, pieces } = document;
    if (!/annotations|helm\.sh/i.test(text)) continue;
    // What is literal text of this template is what the as-written pass already read.
    if (pieces.every((piece) => mapper.isOwnLiteral(piece.chunk, rendered.file.name))) continue;
    findings.push(...lintDocument(text, pieces, rendered.file.name, rules, options, mapper));
  }
  return findings;
}

interface Piece {
  start: number;
  end: number;
  chunk: Chunk;
}

function lintDocument(text: string, pieces: Piece[], template: string, rules: readonly Rule[], options: EvaluatedLintOptions, mapper: SourceMapper): Finding[] {
  // Each unknown run becomes an action in the text the rules read: offsets after it shift by the action's length.
  const unknownRanges: TextRange[] = [];
  let synthetic = '';
  const shifts: Array<{ at: number; by: number }> = [];
  let last = 0;
  for (let index = text.indexOf(UNKNOWN_TEXT); index >= 0; index = text.indexOf(UNKNOWN_TEXT, index + 1)) {
    synthetic += text.slice(last, index);
    unknownRanges.push({ start: synthetic.length, end: synthetic.length + UNKNOWN_ACTION.length });
    synthetic += UNKNOWN_ACTION;
    shifts.push({ at: synthetic.length, by: UNKNOWN_ACTION.length - UNKNOWN_TEXT.length });
    last = index + UNKNOWN_TEXT.length;
  }
  synthetic += text.slice(last);
  const toRendered = (offset: number) => {
    let shift = 0;
    for (const entry of shifts) if (entry.at <= offset) shift += entry.by;
    return offset - shift;
  };
  const file = analyzeTemplate(`${template}#evaluated`, synthetic);
  const findings: Finding[] = [];
  for (const rule of rules) {
    const setting = options.rules[rule.id];
    const report = (reported: Report) => {
      if (reported.uncertain) return;
      if (unknownRanges.some((range) => overlaps(range, reported.range) || (range.start === reported.range.start && reported.range.end === range.start))) return;
      const severity = effectiveSeverity(rule, setting, reported);
      if (!severity) return;
      const rendered = { start: toRendered(reported.range.start), end: toRendered(reported.range.end) };
      const mapped = mapper.map(rendered, pieces, text, template);
      if (!mapped || isInArchive(mapped.file)) return;
      if (mapper.isSuppressed(mapped.file, mapped.range.start, rule.id)) return;
      const related: RelatedLocation[] = [];
      for (const location of reported.related ?? []) {
        const target = mapper.map({ start: toRendered(location.range.start), end: toRendered(location.range.end) }, pieces, text, template);
        if (target && !isInArchive(target.file)) related.push({ file: target.file, range: target.range, message: location.message });
      }
      findings.push({ rule: rule.id, severity, file: mapped.file, range: mapped.range, message: reported.message, related, fixes: mapFixes(reported, mapper, pieces, text, template, toRendered) });
    };
    rule.check({ file, helmVersion: options.helmVersion, report });
  }
  return findings;
}

/**
 * A fix survives only when each of its edits lands on exactly the text it was computed on, so the edit means the same
 * in the user's file; it is never `safe`, since an edit to a values file or a shared `define` reaches further than
 * the one document that showed the problem.
 */
function mapFixes(reported: Report, mapper: SourceMapper, pieces: Piece[], text: string, template: string, toRendered: (offset: number) => number): Fix[] {
  const fixes: Fix[] = [];
  for (const fix of reported.fixes ?? []) {
    const edits = [];
    for (const edit of fix.edits) {
      if (edit.file !== undefined) break;
      const mapped = mapper.map({ start: toRendered(edit.range.start), end: toRendered(edit.range.end) }, pieces, text, template);
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

  map(range: TextRange, pieces: Piece[], text: string, template: string): MappedRange | undefined {
    const touched = pieces.filter((piece) => piece.start < Math.max(range.end, range.start + 1) && range.start < piece.end);
    if (touched.length === 0) return undefined;
    if (touched.every((piece) => this.isOwnLiteral(piece.chunk, template))) return undefined;
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
    const within = lineShiftedOffset(text.slice(piece.start, piece.end), source, offset - piece.start);
    if (within === undefined) return undefined;
    return { file: this.remember(file.template.absolutePath, file.template.text), offset: chunk.source.start + within, exact: true };
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
