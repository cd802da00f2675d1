import type { TemplateFile } from '../analysis/file';
import type { YamlProblem } from '../model/document';
import { wholeParse } from '../model/yaml-documents';
import { holdsHookRelatedText } from '../model/hook-text';
import type { TextRange } from '../core/text';
import { shown } from './support/helpers';
import { defineRule } from './rule';

export const invalidYaml = defineRule({
  id: 'invalid-yaml',
  defaultSeverity: 'warning',
  summary: 'The template is not valid YAML once its actions are set aside, so its hooks cannot be checked.',
  fixable: false,
  messages: {
    invalidYaml: 'This document is not valid YAML, so its hooks are not checked: {{problem}}.',
  },
  syntaxOnly: true,
  docs: {
    description:
      'The hook checks read each template as YAML, with every template action set aside: an action standing for a ' +
      'value counts as a plain value, a line of control flow or of included YAML counts as nothing. When that text is ' +
      'not valid YAML (a key indented one space too far, a tab used for indentation, an unclosed `[`), the document ' +
      'cannot be read and its hook annotations are not checked. Most often the rendered manifest has the same ' +
      'mistake, and Helm rejects it with `YAML parse error on <file>`. One finding per document. Since Helm never ' +
      'renders both branches of an `if`, a problem counts only if it remains when the branches that do not hold it ' +
      'are set aside, and, for an `if … else` that holds no problem, whichever of its branches is kept; a line where ' +
      '`{{ if }}` and the text it guards share the line is not judged. Only documents that hold hook-related text (a ' +
      '`helm.sh/` or `argocd.argoproj.io/` key, in the YAML or in a template action) are checked: the YAML of the ' +
      "others is Helm's own `helm lint`'s business.",
    helmFact:
      'Helm splits each rendered file on `---` and decodes every document with sigs.k8s.io/yaml; a document that does ' +
      'not decode fails `helm template` and `helm install` with `YAML parse error on <chart>/templates/<file>` ' +
      '([manifest_sorter.go `SortManifests`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L77)).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      '   labels: {}',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      '  labels: {}',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    const { file } = context;
    // A template Helm cannot even parse is reported by unclosed-template-action; NOTES.txt is not YAML (§1.1).
    if (file.model.yamlProblems.length === 0 || file.scan.problems.length > 0 || /(^|[\\/])NOTES\.txt$/.test(file.path))
      return;
    const documents = file.model.documentRanges;
    const confirmation = new Confirmation(file, documents);
    const problems = file.model.yamlProblems;
    let next = 0;
    documents.forEach((document, index) => {
      while (next < problems.length && problems[next]!.range.start < document.start) next++;
      if (!holdsHookRelatedText(file.text.slice(document.start, document.end))) return;
      let problem: YamlProblem | undefined;
      // Only the same problem, on the same line, confirms one: a problem elsewhere in the variant may come from
      // blanking both branches of an if/else, which Helm never does.
      for (
        let at = next;
        !problem && at < Math.min(problems.length, next + PROBLEMS_TRIED) && problems[at]!.range.start <= document.end;
        at++
      ) {
        const line = file.lines.position(problems[at]!.range.start).line;
        problem = confirmation
          .problemsBeside(problems[at]!, index)
          .find((found) => file.lines.position(found.range.start).line === line);
      }
      if (!problem) return;
      context.report({
        range: pointAt(file, problem.range),
        messageId: 'invalidYaml',
        data: { problem: shown(problem.message.replace(/\.$/, ''), 90) },
        help:
          'Fix the YAML here (indentation, tabs, brackets). Template actions are set aside for this check: an action that stands for a ' +
          'value counts as a plain value, a line of control flow or included YAML as nothing. If the rendered manifest has the ' +
          `same problem, Helm fails with "YAML parse error on …/${file.path.split(/[\\/]/).pop()}".`,
      });
    });
  },
});

/**
 * The masked text shows every branch of every `if`, `with` and `range` at once, which Helm never renders: a range's
 * entries beside the `{}` written for the empty case, an `if` branch beside its `else` with other keys, an inline
 * `{{ if .x }}key: v{{ end }}` whose key moved right when the action was blanked, or `- {{ toYaml . | trim }}` whose
 * mapping goes on in the lines below. A problem is confirmed when the document still has one with every conditional
 * part that does not hold it blanked, those lines blanked, and multi-line output set aside. Helm renders exactly one
 * branch of an `if … else … end` (of `with` and `range` with an `else` too), so one that holds no problem is not
 * blanked whole: the problem must remain whichever of its branches is kept (`volumeMounts:` or `volumeMounts: []`
 * above the entries a `range` adds holds for one of them).
 */
class Confirmation {
  /** Per document, the bodies of `if`, `with` and `range` blocks and of each `else` branch that reach into it. */
  private readonly branches: TextRange[][];
  /** Per document, the branches of each block that ends with a plain `else`, of which Helm renders exactly one. */
  private readonly alternatives: TextRange[][][];
  /** Per document, what every variant of it blanks. */
  private readonly always: TextRange[][];

  constructor(
    private readonly file: TemplateFile,
    private readonly documents: TextRange[],
  ) {
    const { scan, lines } = file;
    const branches: TextRange[] = [];
    const alternatives: TextRange[][] = [];
    const always: TextRange[] = [];
    const open: { start: number; conditional: boolean; branches: TextRange[]; exhaustive: boolean }[] = [];
    for (const action of scan.actions) {
      if (action.kind === 'control') {
        const keyword = action.keyword;
        if (keyword === 'if' || keyword === 'with' || keyword === 'range')
          open.push({ start: action.range.end, conditional: true, branches: [], exhaustive: false });
        else if (keyword === 'define' || keyword === 'block')
          open.push({ start: action.range.end, conditional: false, branches: [], exhaustive: false });
        else if (keyword === 'else' || keyword === 'end') {
          const top = keyword === 'end' ? open.pop() : open[open.length - 1];
          if (top?.conditional) {
            const branch = { start: top.start, end: action.range.start };
            branches.push(branch);
            top.branches.push(branch);
            if (keyword === 'end' && top.exhaustive) alternatives.push(top.branches);
          }
          if (top && keyword === 'else') {
            top.start = action.range.end;
            // `else if` and `else with` leave a case where no branch renders; a plain `else` closes the chain.
            top.exhaustive = file.text.slice(action.inner.start, action.inner.end).trim() === 'else';
          }
        }
      }
      const line = lines.position(action.range.end).line;
      const restOfLine = { start: action.range.end, end: lines.lineEnd(line) };
      const endsLine = scan.masked.slice(restOfLine.start, restOfLine.end).trim() === '';
      if (action.kind !== 'output' && !action.standsAlone && !endsLine) {
        always.push({ start: lines.lineStart(lines.position(action.range.start).line), end: restOfLine.end });
      } else if (
        action.kind === 'output' &&
        !action.standsAlone &&
        endsLine &&
        MULTI_LINE_OUTPUT.test(file.text.slice(action.inner.start, action.inner.end))
      ) {
        const before = scan.masked.slice(lines.lineStart(lines.position(action.range.start).line), action.range.start);
        if (VALUE_START.test(before)) always.push(action.range);
      }
    }
    this.branches = byDocument(branches, documents);
    this.always = byDocument(always, documents);
    this.alternatives = documents.map((): TextRange[][] => []);
    alternatives.forEach((chain) => {
      const reached = byDocument([{ start: chain[0]!.start, end: chain[chain.length - 1]!.end }], documents);
      reached.forEach((found, index) => {
        if (found.length > 0) this.alternatives[index]!.push(chain);
      });
    });
  }

  /**
   * The problems of the document at `index` left with every conditional part that does not hold `problem` blanked
   * (and the lines above blanked), except those that the masking itself causes. Where Helm renders one branch of a
   * block that holds no problem, the document is tried with each branch kept in turn, and only the problems on lines
   * that every try has are left. Only the document is parsed again, so that a large file with many broken documents
   * costs one pass over its text per try.
   */
  problemsBeside(problem: YamlProblem, index: number): YamlProblem[] {
    const at = problem.range.start;
    const holds = (branch: TextRange) => branch.start <= at && at <= branch.end;
    const chosen = this.alternatives[index]!.filter((chain) => !chain.some(holds));
    const inChosen = new Set(chosen.flat());
    const blanked = [
      ...this.always[index]!,
      ...this.branches[index]!.filter((branch) => !holds(branch) && !inChosen.has(branch)),
    ];
    const tries = Math.max(1, ...chosen.map((chain) => chain.length));
    let found: YamlProblem[] = [];
    for (let kept = 0; kept < tries; kept++) {
      const others = chosen.flatMap((chain) =>
        chain.filter((_, position) => position !== Math.min(kept, chain.length - 1)),
      );
      const problems = this.problemsOf(index, [...blanked, ...others]);
      if (kept === 0) found = problems;
      else {
        const lines = new Set(problems.map((other) => this.file.lines.position(other.range.start).line));
        found = found.filter((first) => lines.has(this.file.lines.position(first.range.start).line));
      }
      if (found.length === 0) break;
    }
    return found;
  }

  /** The problems of the document at `index` with `blanked` blanked, but those the masking itself causes. */
  private problemsOf(index: number, blanked: TextRange[]): YamlProblem[] {
    const document = this.documents[index]!;
    const variant = blankRanges(this.file.model.parsedText, document, blanked);
    const found: YamlProblem[] = [];
    for (const parsed of wholeParse(variant)) {
      for (const error of parsed.errors) {
        const start = document.start + Math.min(error.pos[0], variant.length);
        const end = document.start + Math.max(error.pos[0], Math.min(error.pos[1], variant.length));
        const candidate = { range: { start, end }, message: error.message.split('\n')[0]! };
        if (!this.isMaskingArtifact(candidate, variant, document.start)) found.push(candidate);
      }
    }
    return found;
  }

  /**
   * YAML forbids a block scalar's leading blank lines to be longer than its first line's indentation, and a line whose
   * actions were blanked keeps its full length; Helm's output has no such line.
   */
  private isMaskingArtifact(problem: YamlProblem, variant: string, offset: number): boolean {
    if (!problem.message.startsWith('Block scalars with more-indented leading empty lines')) return false;
    const { lines, text } = this.file;
    for (let line = lines.position(problem.range.start).line - 1; line >= 0; line--) {
      const start = lines.lineStart(line);
      const end = lines.lineEnd(line);
      if (start < offset) return false;
      if (variant.slice(start - offset, end - offset).trim() !== '') return false;
      if (text.slice(start, end).trim() !== '') return true;
    }
    return false;
  }
}

/**
 * The parser's range, made visible: an empty range covers the character there, and a range of spaces (the parser
 * blaming a line's indentation) moves to the text that follows on that line.
 */
function pointAt(file: TemplateFile, range: TextRange): TextRange {
  const { text, lines } = file;
  const start = range.start;
  const end = Math.max(range.end, Math.min(start + 1, text.length));
  if (!/^ +$/.test(text.slice(start, end))) return { start, end };
  const lineEnd = lines.lineEnd(lines.position(start).line);
  const content = text.slice(start, lineEnd);
  const first = content.search(/\S/);
  if (first < 0) return { start, end };
  return { start: start + first, end: start + content.trimEnd().length };
}

/** How many of a document's problems are tried for confirmation, each costing a parse of the document. */
const PROBLEMS_TRIED = 5;

/** The text before an action that stands for a whole value: nothing, `key: ` or `- `. */
const VALUE_START = /(?:(?:^|\s)-|:)\s+$|^\s*$/;
/** Pipelines whose output may be several lines of YAML. */
const MULTI_LINE_OUTPUT = /\b(?:include|template|tpl|toYaml|indent|nindent|Get)\b/;

/** For each document (in text order), the ranges that overlap it. */
function byDocument(ranges: TextRange[], documents: TextRange[]): TextRange[][] {
  const result = documents.map((): TextRange[] => []);
  for (const range of ranges) {
    let low = 0;
    let high = documents.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (documents[mid]!.end < range.start) low = mid + 1;
      else high = mid;
    }
    for (let index = low; index < documents.length && documents[index]!.start <= range.end; index++)
      result[index]!.push(range);
  }
  return result;
}

/** The part of `text` in `within`, with the parts of `ranges` inside it blanked and line breaks kept. */
function blankRanges(text: string, within: TextRange, ranges: TextRange[]): string {
  const chars = text.slice(within.start, within.end).split('');
  for (const range of ranges) {
    const from = Math.max(range.start, within.start) - within.start;
    const to = Math.min(range.end, within.end) - within.start;
    for (let i = from; i < to; i++) if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
  }
  return chars.join('');
}
