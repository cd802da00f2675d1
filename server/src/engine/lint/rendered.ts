import type { TemplateFile } from '../analysis/file';
import { analyzeTemplate } from '../analysis/file';
import type { LintOptions } from './lint';
import { DEFAULT_LINT_OPTIONS, lintChartObjects, lintFile, ruleApplies } from './lint';
import { HOOK_EVENTS } from '../model/hook';
import { ALL_RULES } from '../rules';
import type { ChartObject } from '../rules/support/chart-objects';
import { chartObjectsOf } from '../rules/support/chart-objects';
import type { Finding } from '../rules/rule';
import type { TextRange } from '../core/text';
import { LineIndex } from '../core/text';

/**
 * Linting the output of `helm template` (for charts the evaluator cannot follow): the stream is cut into the
 * templates Helm names in its `# Source: <chart>/templates/x.yaml` comments, each template's documents are linted as
 * one file, and each finding is moved to the template it came from. Rendered lines do not match source lines (actions
 * expand, includes and conditionals add and remove lines), so a finding lands on the first source line that reads
 * exactly like the rendered line; else on the first line holding the same mapping key (`helm.sh/hook:`); else on line
 * 1. Fixes and related locations, computed on the rendered text, are dropped.
 */

export interface RenderedSource {
  /** The `# Source:` path as Helm prints it: `<chart>/templates/x.yaml`. */
  source: string;
  /** The documents Helm printed for it, joined with `---` lines. */
  text: string;
}

/** The rendered stream, grouped by `# Source:`; documents before any such comment are grouped under `""`. */
export function splitRenderedStream(stream: string): RenderedSource[] {
  const bySource = new Map<string, string[]>();
  const documents = stream.replace(/\r\n/g, '\n').split(/^---[ \t]*(?:#.*)?$/m);
  for (const document of documents) {
    const match = /^[ \t]*# Source: (.+?)[ \t]*$/m.exec(document);
    const source = match ? match[1]! : '';
    if (document.trim() === '') continue;
    bySource.set(source, [...(bySource.get(source) ?? []), document.replace(/^\n/, '')]);
  }
  return [...bySource].map(([source, texts]) => ({ source, text: texts.join('---\n') }));
}

/** The rules that apply to rendered text: all but the template-syntax one (rendered text may hold `{{` as data). */
const RENDERED_RULES = ALL_RULES.filter((rule) => rule.id !== 'unclosed-template-action');

/** A rendered template with the file it came from, for the chart rules. */
export interface LocatedSource {
  rendered: RenderedSource;
  sourcePath: string;
  sourceText: string | undefined;
}

/**
 * The chart rules over every object of the rendered stream: `helm template` output is one release, so every name,
 * weight and event in it is certain for that release name. A document without `metadata.namespace` is taken to be in
 * the release's namespace, which the stream does not say: it is compared only with others that have none.
 */
export function renderedChartFindings(
  sources: readonly LocatedSource[],
  options: LintOptions = DEFAULT_LINT_OPTIONS,
): Finding[] {
  const rules = ALL_RULES.filter((rule) => rule.checkChart && ruleApplies(rule, options));
  if (rules.length === 0) return [];
  const objects: ChartObject[] = [];
  const sourceOf = new Map<ChartObject, { file: TemplateFile; source: LocatedSource }>();
  for (const source of sources) {
    const file = analyzeTemplate(`${source.sourcePath}#rendered`, source.rendered.text);
    for (const object of chartObjectsOf(file, source.rendered.source, '')) {
      objects.push(object);
      sourceOf.set(object, { file, source });
    }
  }
  const lines = new Map(
    sources.map((source) => [source, source.sourceText === undefined ? undefined : new LineIndex(source.sourceText)]),
  );
  return lintChartObjects(
    objects,
    new Set(HOOK_EVENTS),
    options,
    (object, range) => {
      const { file, source } = sourceOf.get(object)!;
      const sourceLines = lines.get(source);
      return {
        file: source.sourcePath,
        range:
          source.sourceText === undefined || !sourceLines
            ? { start: 0, end: 0 }
            : locate(source.rendered.text, file.lines, range, source.sourceText, sourceLines),
      };
    },
    rules,
  );
}

/**
 * Lints one rendered template and maps its findings into `sourceText` (the template on disk, or undefined when it
 * cannot be read: then every finding is at line 1), reported under `sourcePath`.
 */
export function lintRenderedSource(
  rendered: RenderedSource,
  sourcePath: string,
  sourceText: string | undefined,
  options: LintOptions = DEFAULT_LINT_OPTIONS,
): Finding[] {
  const file = analyzeTemplate(`${sourcePath}#rendered`, rendered.text);
  const sourceLines = sourceText === undefined ? undefined : new LineIndex(sourceText);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const finding of lintFile(file, options, RENDERED_RULES)) {
    const range =
      sourceText === undefined || !sourceLines
        ? { start: 0, end: 0 }
        : locate(rendered.text, file.lines, finding.range, sourceText, sourceLines);
    const key = `${finding.rule}\0${range.start}\0${range.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({ ...finding, file: sourcePath, range, related: [], fixes: [] });
  }
  return findings;
}

function locate(
  rendered: string,
  renderedLines: LineIndex,
  range: TextRange,
  source: string,
  sourceLines: LineIndex,
): TextRange {
  const line = renderedLines.position(range.start).line;
  const lineStart = renderedLines.lineStart(line);
  const lineText = rendered.slice(lineStart, renderedLines.lineEnd(line));
  const content = lineText.trim();
  const indent = lineText.length - lineText.trimStart().length;
  const sameLineEnd = Math.min(range.end, renderedLines.lineEnd(line));
  for (let index = 0; index < sourceLines.lineCount && content !== ''; index++) {
    const start = sourceLines.lineStart(index);
    const text = source.slice(start, sourceLines.lineEnd(index));
    if (text.trim() !== content) continue;
    // The same text: the finding keeps its columns within the line's content.
    const shift = start + (text.length - text.trimStart().length) - (lineStart + indent);
    return { start: range.start + shift, end: sameLineEnd + shift };
  }
  const key = /^(?:-[ \t]+)?(["']?)([^"':#]+)\1[ \t]*:(?:[ \t]|$)/.exec(content);
  if (key) {
    const name = key[2]!.trim();
    // The n-th line with this key in the rendered text goes to the n-th in the template, else to the first.
    let occurrence = 0;
    for (let index = 0; index < line; index++) {
      if (keyColumn(rendered.slice(renderedLines.lineStart(index), renderedLines.lineEnd(index)), name) !== undefined)
        occurrence++;
    }
    const places: TextRange[] = [];
    for (let index = 0; index < sourceLines.lineCount; index++) {
      const start = sourceLines.lineStart(index);
      const at = keyColumn(source.slice(start, sourceLines.lineEnd(index)), name);
      if (at !== undefined) places.push({ start: start + at, end: start + at + name.length });
    }
    const place = places[occurrence] ?? places[0];
    if (place) return place;
  }
  return { start: 0, end: 0 };
}

/** Where a line holds `name` as a mapping key (bare or quoted), or undefined. */
function keyColumn(line: string, name: string): number | undefined {
  const trimmed = line.trimStart();
  const indent = line.length - trimmed.length;
  const body = trimmed.replace(/^-[ \t]+/, '');
  const offset = indent + (trimmed.length - body.length);
  for (const quote of ['', '"', "'"]) {
    const written = `${quote}${name}${quote}`;
    if (body.startsWith(written) && /^[ \t]*:(?:[ \t]|$)/.test(body.slice(written.length)))
      return offset + quote.length;
  }
  return undefined;
}
