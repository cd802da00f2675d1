import type { TemplateAction } from '../template/scanner';
import { MASK_CHAR, newLineIndentation } from '../template/scanner';

/**
 * go-yaml, which Helm and Kubernetes decode manifests with (sigs.k8s.io/yaml), reads a quoted scalar or a flow
 * collection that runs over several lines whatever the indentation of its continuation lines: `args: ['` … `']` or
 * `value: "…` closed on a line at the key's own column renders and decodes (proved in
 * test/differential/evaluated-first.test.ts with helm and kubectl). The `yaml` package follows the YAML spec and
 * rejects such text, and then misreads the rest of the document. Where go-yaml and the spec disagree, go-yaml wins:
 * such a scalar or collection is joined onto its first line before parsing, its line breaks made spaces. Offsets are
 * unchanged; only the folding of its whitespace differs, which no rule reads.
 */
export function joinLenientFlowScalars(text: string): string {
  if (!/["'[{][^\n]*\n/.test(text)) return text;
  let joined: string[] | undefined;
  let lineStart = 0;
  while (lineStart < text.length) {
    const lineEnd = endOfLine(text, lineStart);
    const opening = OPENING.exec(text.slice(lineStart, lineEnd));
    if (opening) {
      // The column of the key, or of the `-` of an entry that is the scalar itself.
      const keyColumn = opening[2] !== undefined ? opening[1]!.length : opening[1]!.trimEnd().length - 1;
      const open = lineStart + opening[0].length - 1;
      const close = closingOf(text, open);
      if (close !== undefined && close > lineEnd && continuationUnderIndented(text, lineEnd + 1, close, keyColumn)) {
        joined ??= [...text];
        for (let at = lineEnd; at < close; at++) if (text[at] === '\n' || text[at] === '\r') joined[at] = ' ';
        lineStart = endOfLine(text, close) + 1;
        continue;
      }
    }
    lineStart = lineEnd + 1;
  }
  return joined ? joined.join('') : text;
}

/**
 * A block mapping key or sequence entry whose value opens a quoted scalar or a flow collection: group 1 is what stands
 * before the key (indentation and `- `), group 2 the key. A key that is itself quoted is left alone.
 */
const OPENING = /^([ ]*(?:-[ ]+)*)([A-Za-z0-9_$./-][^:#\n"']*:[ \t]+)?(?:!!str[ \t]+)?["'[{]/;

function endOfLine(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}

/**
 * The offset just past what opens at `open` (`"`, `'`, `[` or `{`), undefined when it is not closed. A comment inside
 * a flow collection (` #` outside quotes), or a document marker on a line of its own, ends the search: joining lines
 * would change what they mean.
 */
function closingOf(text: string, open: number): number | undefined {
  const opener = text[open]!;
  if (opener === '"' || opener === "'") return quotedEnd(text, open);
  let depth = 0;
  for (let at = open; at < text.length; at++) {
    const char = text[at]!;
    if (char === '"' || char === "'") {
      const end = quotedEnd(text, at);
      if (end === undefined) return undefined;
      at = end - 1;
    } else if (char === '[' || char === '{') depth++;
    else if (char === ']' || char === '}') {
      depth--;
      if (depth === 0) return at + 1;
    } else if (char === '#' && /[ \t\n]/.test(text[at - 1] ?? '')) return undefined;
    else if (char === '\n' && /^(?:---|\.\.\.)(?:[ \t\r]|$)/m.test(text.slice(at + 1, at + 5))) return undefined;
  }
  return undefined;
}

function quotedEnd(text: string, open: number): number | undefined {
  const quote = text[open]!;
  for (let at = open + 1; at < text.length; at++) {
    const char = text[at]!;
    if (quote === '"' && char === '\\') at++;
    else if (char === quote) {
      if (quote === "'" && text[at + 1] === "'") at++;
      else return at + 1;
    } else if (char === '\n' && /^(?:---|\.\.\.)(?:[ \t\r]|$)/.test(text.slice(at + 1, at + 5))) return undefined;
  }
  return undefined;
}

/** Whether a non-blank line in [from, to) is indented no deeper than the key: the spec's parser then stops reading. */
function continuationUnderIndented(text: string, from: number, to: number, keyColumn: number): boolean {
  for (let lineStart = from; lineStart < to; lineStart = endOfLine(text, lineStart) + 1) {
    const line = text.slice(lineStart, Math.min(endOfLine(text, lineStart), to));
    const indent = line.length - line.trimStart().length;
    if (line.trim() !== '' && indent <= keyColumn) return true;
  }
  return false;
}

/**
 * The YAML text laid out as Helm lays out its output around actions, offsets unchanged:
 * - the line breaks that trim markers remove are joined: around an action that renders nothing (`if`, `else`, `end`,
 *   a comment, an assignment), the whitespace `{{-` and `-}}` trim, line breaks included, becomes spaces.
 *   `apiVersion: {{ if … -}}` then reads its value from the next line, as Helm renders it;
 * - an output action written at the start of its line whose pipeline ends in `nindent N` starts a new line at column
 *   N, whatever its own column and whatever `{{-` trims before it: `{{- include … | nindent 12 }} && \` written at
 *   column 10 is a line of the block scalar whose text stands at column 12.
 * `source` is the template's text, which the actions' pipelines are read from.
 */
export function joinTrimmedLines(text: string, actions: readonly TemplateAction[], source: string): string {
  let joined: string[] | undefined;
  const put = (at: number, char: string) => {
    joined ??= [...text];
    joined[at] = char;
  };
  const blank = (at: number) => put(at, ' ');
  // A marker trims the text up to the next action only: in the masked text that action is blanked to spaces, and the
  // line break after it is not the marker's to remove.
  actions.forEach((action, index) => {
    if (action.kind === 'output') return;
    const after = actions[index - 1]?.range.end ?? 0;
    const before = actions[index + 1]?.range.start ?? text.length;
    if (action.trimLeft)
      for (let at = action.range.start - 1; at >= after && /\s/.test(text[at]!); at--)
        if (text[at] === '\n' || text[at] === '\r') blank(at);
    if (action.trimRight)
      for (let at = action.range.end; at < before && /\s/.test(text[at]!); at++)
        if (text[at] === '\n' || text[at] === '\r') blank(at);
  });
  for (const action of actions) {
    const column = action.standsAlone ? undefined : newLineIndentation(source, action);
    if (column === undefined) continue;
    const lineStart = text.lastIndexOf('\n', action.range.start - 1) + 1;
    const written = text.slice(lineStart, action.range.end);
    // Moved only where the mask fits between column N and the action's end, and the line has nothing before it.
    if (written.includes('\n') || text.slice(lineStart, action.range.start).trim() !== '') continue;
    if (lineStart + column >= action.range.end) continue;
    // `nindent` writes the line break that a `{{-` before it, or a `-}}` further up, removed.
    for (let at = lineStart - 1; at >= 0 && (text[at] === '\n' || text[at] === '\r'); at--) put(at, text[at]!);
    for (let at = lineStart; at < action.range.end; at++) put(at, at - lineStart < column ? ' ' : MASK_CHAR);
  }
  return joined ? (joined as string[]).join('') : text;
}
