import type { TextRange } from '../core/text';
import type { EngineCaches } from '../core/caches';
import { CacheSlot } from '../core/caches';

/**
 * What an action does to the rendered text, which decides how it is masked:
 * - `comment`: `{{/* … *\/}}`, renders nothing;
 * - `control`: `if`, `else`, `end`, `range`, `with`, `define`, `block`, `break`, `continue`, renders nothing itself;
 * - `assign`: `{{ $x := … }}` / `{{ $x = … }}`, renders nothing;
 * - `output`: everything else (`.Values.x`, `include …`, `template …`, `toYaml …`), renders text we cannot see.
 */
export type ActionKind = 'comment' | 'control' | 'assign' | 'output';

export type ControlKeyword = 'if' | 'else' | 'end' | 'range' | 'with' | 'define' | 'block' | 'break' | 'continue';

export interface TemplateAction {
  /** From `{{` to `}}` inclusive (to the end of the text when unclosed). */
  range: TextRange;
  /** Between the delimiters and trim markers. */
  inner: TextRange;
  trimLeft: boolean;
  trimRight: boolean;
  kind: ActionKind;
  keyword?: ControlKeyword;
  closed: boolean;
  /**
   * The action stands for whole YAML lines: with the other actions on its lines it is the only text there (a trailing
   * YAML comment aside), or it ends its line and its output starts on a new line (`key: {{- toYaml . | nindent 4 }}`).
   */
  standsAlone: boolean;
}

export interface DefineBlock {
  name: string;
  /** The `{{ define "name" }}` action. */
  header: TextRange;
  /** The text between the header and its `{{ end }}`. */
  body: TextRange;
}

/**
 * A problem the scanner reports, by kind, so that consumers (the unclosed-template-action rule) explain each kind and
 * a new kind fails to compile until they do; `message` is the scanner's own wording for it.
 */
export type ScanProblem = { range: TextRange; message: string } & (
  | {
      kind:
        | 'unclosedAction'
        | 'unterminatedString'
        | 'unterminatedRawString'
        | 'unterminatedCharacter'
        | 'unclosedComment'
        | 'commentNotEnded'
        | 'endWithoutBlock';
    }
  | { kind: 'blockWithoutEnd'; /** The block's opening keyword. */ keyword: ControlKeyword }
);

export interface ScanResult {
  actions: TemplateAction[];
  /** Same length and line breaks as the input; actions replaced so that YAML sees neutral text; define bodies blank. */
  masked: string;
  /** Like `masked`, but with define bodies kept, for reading a define's YAML on its own. */
  maskedKeepingDefines: string;
  defines: DefineBlock[];
  problems: ScanProblem[];
}

const CONTROL_KEYWORDS = new Set<string>([
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'block',
  'break',
  'continue',
]);
const OPENING_KEYWORDS = new Set<string>(['if', 'range', 'with', 'define', 'block']);
/** The character an output action is masked with: it keeps a plain scalar a plain string in any YAML context. */
export const MASK_CHAR = '_';

function isGoSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * The index of the first action that ends after `offset` (the length when none does). Actions never overlap and are
 * sorted, so their ends are sorted too: a binary search finds it.
 */
export function firstActionEndingAfter(actions: readonly TemplateAction[], offset: number): number {
  let low = 0;
  let high = actions.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (actions[mid]!.range.end <= offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Whether an action (a comment too) runs across `offset`: starts before it and ends after it. */
export function actionRunsAcross(actions: readonly TemplateAction[], offset: number): boolean {
  const index = firstActionEndingAfter(actions, offset);
  return index < actions.length && actions[index]!.range.start < offset;
}

/** The actions (comments aside) overlapping a range; a zero-width range overlaps none. */
export function actionsOverlapping(actions: readonly TemplateAction[], range: TextRange): TemplateAction[] {
  if (range.end <= range.start) return [];
  const result: TemplateAction[] = [];
  for (let index = firstActionEndingAfter(actions, range.start); index < actions.length; index++) {
    const action = actions[index]!;
    if (action.range.start >= range.end) break;
    if (action.kind !== 'comment') result.push(action);
  }
  return result;
}

/**
 * Scans Go template actions the way text/template's lexer finds their boundaries. With `caches` (the language server,
 * which scans the same file again on every keystroke), the scan of each piece of the text seen before is reused.
 */
export function scanTemplate(text: string, caches?: EngineCaches): ScanResult {
  const scanned = (caches && scanByPieces(text, caches)) || scanPiece(text);
  const problems = [...scanned.problems];
  const defines = findDefines(text, scanned.actions, problems);
  const masked = blankRanges(
    scanned.maskedKeepingDefines,
    defines.map((define) => define.body),
  );
  return { actions: scanned.actions, masked, maskedKeepingDefines: scanned.maskedKeepingDefines, defines, problems };
}

/** The actions of a text, the problems found in them, and the text with them masked (define bodies kept). */
interface PieceScan {
  /** The offset of the piece in the text, which the positions below are from. */
  at: number;
  actions: TemplateAction[];
  problems: ScanProblem[];
  maskedKeepingDefines: string;
}

function scanPiece(text: string): PieceScan {
  const actions: TemplateAction[] = [];
  const problems: ScanProblem[] = [];
  let position = 0;
  while (position < text.length) {
    const open = text.indexOf('{{', position);
    if (open < 0) break;
    const action = scanAction(text, open, problems);
    actions.push(action);
    position = action.closed ? action.range.end : Math.max(action.range.end, open + 2);
  }
  markStandingAlone(text, actions);
  return { at: 0, actions, problems, maskedKeepingDefines: maskActions(text, actions) };
}

/**
 * The text is cut at each line that starts with `---` and a blank (where a YAML document starts), and each piece's
 * scan is kept by its text. A piece starts a line, so the lines that decide where an action stands alone are its own;
 * and when every action of a piece scanned on its own is closed, the scanner read nothing after the piece to find
 * them and the whole text's scan has the same actions there. Pieces with an unclosed action, which may run on into the
 * next pieces, are remembered as such, and the text is then scanned whole.
 */
const SCANNED_PIECES = new CacheSlot<PieceScan | undefined>(
  'template scans by piece',
  { maxEntries: 4000, maxChars: 8 * 1024 * 1024 },
  true,
);

function scanByPieces(text: string, caches: EngineCaches): PieceScan | undefined {
  const pieceScans = caches.pieces(SCANNED_PIECES);
  const actions: TemplateAction[] = [];
  const problems: ScanProblem[] = [];
  const masked: string[] = [];
  const scannedPieces: { text: string; value: PieceScan }[] = [];
  for (let start = 0; start < text.length;) {
    const end = nextPieceStart(text, start);
    const pieceText = text.slice(start, end);
    let scanned = pieceScans.kept(scannedPieces.length, pieceText);
    if (!scanned && !pieceScans.has(pieceText)) {
      const fresh = scanPiece(pieceText);
      scanned = fresh.actions.every((action) => action.closed) ? fresh : undefined;
      pieceScans.set(pieceText, scanned);
    }
    if (!scanned) return undefined;
    if (scanned.at !== start) scanned = movedScan(scanned, start);
    scannedPieces.push({ text: pieceText, value: scanned });
    actions.push(...scanned.actions);
    problems.push(...scanned.problems);
    masked.push(scanned.maskedKeepingDefines);
    start = end;
  }
  pieceScans.setPrevious(scannedPieces);
  return { at: 0, actions, problems, maskedKeepingDefines: masked.join('') };
}

/** Where the piece after the one starting at `start` starts: at the next line that starts with `---` and a blank. */
function nextPieceStart(text: string, start: number): number {
  for (let lineFeed = text.indexOf('\n---', start); lineFeed >= 0; lineFeed = text.indexOf('\n---', lineFeed + 4)) {
    const after = text.charCodeAt(lineFeed + 4);
    if (Number.isNaN(after) || after === 32 || after === 9 || after === 13 || after === 10) return lineFeed + 1;
  }
  return text.length;
}

function movedScan(scanned: PieceScan, at: number): PieceScan {
  const delta = at - scanned.at;
  const move = (range: TextRange): TextRange => ({ start: range.start + delta, end: range.end + delta });
  return {
    at,
    actions: scanned.actions.map((action) => movedAction(action, move)),
    problems: scanned.problems.map((problem) => ({ ...problem, range: move(problem.range) })),
    maskedKeepingDefines: scanned.maskedKeepingDefines,
  };
}

function movedAction(action: TemplateAction, move: (range: TextRange) => TextRange): TemplateAction {
  const moved: TemplateAction = {
    range: move(action.range),
    inner: move(action.inner),
    trimLeft: action.trimLeft,
    trimRight: action.trimRight,
    kind: action.kind,
    closed: action.closed,
    standsAlone: action.standsAlone,
  };
  if (action.keyword) moved.keyword = action.keyword;
  return moved;
}

function scanAction(text: string, open: number, problems: ScanProblem[]): TemplateAction {
  let cursor = open + 2;
  let trimLeft = false;
  if (text.charCodeAt(cursor) === 45 /* - */ && isGoSpace(text.charCodeAt(cursor + 1))) {
    trimLeft = true;
    cursor += 2;
  }
  while (cursor < text.length && isGoSpace(text.charCodeAt(cursor))) cursor++;
  const innerStart = trimLeft ? open + 3 : open + 2;

  if (text.startsWith('/*', cursor)) {
    const close = text.indexOf('*/', cursor + 2);
    if (close >= 0) {
      let after = close + 2;
      let trimRight = false;
      if (text.startsWith(' -}}', after) || text.startsWith('\t-}}', after) || text.startsWith('\n-}}', after)) {
        trimRight = true;
        after += 4;
      } else if (text.startsWith('}}', after)) {
        after += 2;
      } else {
        problems.push({
          kind: 'commentNotEnded',
          range: { start: open, end: close + 2 },
          message: 'A template comment must end with "*/}}": text between "*/" and "}}" is an error for Helm.',
        });
        const end = text.indexOf('}}', after);
        const stop = end < 0 ? text.length : end + 2;
        return action(open, stop, innerStart, close + 2, trimLeft, false, 'comment', end >= 0);
      }
      return action(open, after, innerStart, close + 2, trimLeft, trimRight, 'comment', true);
    }
    problems.push({
      kind: 'unclosedComment',
      range: { start: open, end: lineEndOf(text, open) },
      message: 'Unclosed template comment: "{{/*" has no "*/}}".',
    });
    return action(open, text.length, innerStart, text.length, trimLeft, false, 'comment', false);
  }

  while (cursor < text.length) {
    const code = text.charCodeAt(cursor);
    if (code === 125 /* } */ && text.charCodeAt(cursor + 1) === 125) {
      const trimRight =
        text.charCodeAt(cursor - 1) === 45 && isGoSpace(text.charCodeAt(cursor - 2)) && cursor - 2 >= innerStart;
      const innerEnd = trimRight ? cursor - 2 : cursor;
      const kind = classify(text.slice(innerStart, innerEnd));
      return action(open, cursor + 2, innerStart, innerEnd, trimLeft, trimRight, kind.kind, true, kind.keyword);
    }
    if (code === 34 /* " */ || code === 39 /* ' */) {
      const end = skipQuoted(text, cursor, code);
      if (end < 0) {
        problems.push({
          kind: code === 34 ? 'unterminatedString' : 'unterminatedCharacter',
          range: { start: open, end: lineEndOf(text, cursor) },
          message:
            code === 34
              ? 'Unterminated string in template action.'
              : 'Unterminated character constant in template action.',
        });
        return unclosed(text, open, innerStart, trimLeft, lineEndOf(text, cursor));
      }
      cursor = end;
      continue;
    }
    if (code === 96 /* ` */) {
      const end = text.indexOf('`', cursor + 1);
      if (end < 0) {
        problems.push({
          kind: 'unterminatedRawString',
          range: { start: open, end: lineEndOf(text, cursor) },
          message: 'Unterminated raw string in template action.',
        });
        return unclosed(text, open, innerStart, trimLeft, lineEndOf(text, cursor));
      }
      cursor = end + 1;
      continue;
    }
    if (code === 123 /* { */ && text.charCodeAt(cursor + 1) === 123) {
      // A new "{{" before "}}": Go would report this action as unclosed; resynchronise on the new one.
      break;
    }
    cursor++;
  }
  problems.push({
    kind: 'unclosedAction',
    range: { start: open, end: lineEndOf(text, open) },
    message: 'Unclosed template action: "{{" has no matching "}}".',
  });
  return unclosed(text, open, innerStart, trimLeft, cursor);
}

function unclosed(text: string, open: number, innerStart: number, trimLeft: boolean, stop: number): TemplateAction {
  const end = Math.max(stop, Math.min(text.length, open + 2));
  return action(open, end, innerStart, end, trimLeft, false, 'output', false);
}

function action(
  start: number,
  end: number,
  innerStart: number,
  innerEnd: number,
  trimLeft: boolean,
  trimRight: boolean,
  kind: ActionKind,
  closed: boolean,
  keyword?: ControlKeyword,
): TemplateAction {
  const result: TemplateAction = {
    range: { start, end },
    inner: { start: innerStart, end: Math.max(innerStart, innerEnd) },
    trimLeft,
    trimRight,
    kind,
    closed,
    standsAlone: false,
  };
  if (keyword) result.keyword = keyword;
  return result;
}

/** Returns the offset after the closing quote, or -1 when the line (or text) ends first. */
function skipQuoted(text: string, start: number, quote: number): number {
  let cursor = start + 1;
  while (cursor < text.length) {
    const code = text.charCodeAt(cursor);
    if (code === 92 /* \ */) {
      cursor += 2;
      continue;
    }
    if (code === 10) return -1;
    if (code === quote) return cursor + 1;
    cursor++;
  }
  return -1;
}

function lineEndOf(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline;
}

function classify(inner: string): { kind: ActionKind; keyword?: ControlKeyword } {
  const trimmed = inner.trim();
  // Go's lexer reads a whole identifier and then looks it up, so `with.Values.x` is `with` followed by a field.
  const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(trimmed)?.[0];
  if (word && CONTROL_KEYWORDS.has(word)) {
    return { kind: 'control', keyword: word as ControlKeyword };
  }
  if (/^\$[A-Za-z0-9_]*\s*(:=|=[^=])/.test(trimmed) || /^\$[A-Za-z0-9_]*\s*,\s*\$[A-Za-z0-9_]*\s*:=/.test(trimmed)) {
    return { kind: 'assign' };
  }
  return { kind: 'output' };
}

function findDefines(text: string, actions: TemplateAction[], problems: ScanProblem[]): DefineBlock[] {
  const defines: DefineBlock[] = [];
  const stack: { action: TemplateAction; keyword: ControlKeyword }[] = [];
  for (const current of actions) {
    if (current.kind !== 'control' || !current.keyword) continue;
    if (OPENING_KEYWORDS.has(current.keyword)) {
      stack.push({ action: current, keyword: current.keyword });
    } else if (current.keyword === 'end') {
      const opening = stack.pop();
      if (!opening) {
        problems.push({
          kind: 'endWithoutBlock',
          range: current.range,
          message: '"{{ end }}" without a matching "if", "range", "with", "define" or "block".',
        });
        continue;
      }
      if (opening.keyword === 'define') {
        const name =
          /^\s*define\s+"((?:[^"\\]|\\.)*)"/.exec(
            text.slice(opening.action.inner.start, opening.action.inner.end),
          )?.[1] ?? '';
        defines.push({
          name,
          header: opening.action.range,
          body: { start: opening.action.range.end, end: current.range.start },
        });
      }
    }
  }
  for (const open of stack) {
    problems.push({
      kind: 'blockWithoutEnd',
      keyword: open.keyword,
      range: open.action.range,
      message: `"{{ ${open.keyword} }}" has no matching "{{ end }}".`,
    });
  }
  return defines;
}

/**
 * Comments, control and assignment actions become spaces; an output action standing for whole lines
 * (`{{- include "labels" . | nindent 4 }}`) becomes spaces too, since it stands for YAML we cannot see; an output
 * action inside other text becomes a run of MASK_CHAR on its first line, a neutral plain or quoted scalar.
 * Line breaks are always kept, so every offset and line of the masked text is the same as in the original.
 */
function maskActions(text: string, actions: TemplateAction[]): string {
  if (actions.length === 0) return text;
  const parts: string[] = [];
  let cursor = 0;
  for (const current of actions) {
    const { start, end } = current.range;
    parts.push(text.slice(cursor, start));
    const original = text.slice(start, end);
    if (current.kind !== 'output' || current.standsAlone) {
      parts.push(blank(original));
    } else {
      const firstBreak = original.search(/[\r\n]/);
      parts.push(
        firstBreak < 0
          ? MASK_CHAR.repeat(original.length)
          : MASK_CHAR.repeat(firstBreak) + blank(original.slice(firstBreak)),
      );
    }
    cursor = end;
  }
  parts.push(text.slice(cursor));
  return parts.join('');
}

/**
 * Spaces for every character but line breaks. Runs of spaces are built per line: a per-character regex replace was a
 * tenth of the engine's time on large define bodies.
 */
function blank(part: string): string {
  let result = '';
  let lineStart = 0;
  for (let index = 0; index < part.length; index++) {
    const code = part.charCodeAt(index);
    if (code !== 10 && code !== 13) continue;
    result += ' '.repeat(index - lineStart) + part[index];
    lineStart = index + 1;
  }
  return result + ' '.repeat(part.length - lineStart);
}

function blankRanges(text: string, ranges: TextRange[]): string {
  if (ranges.length === 0) return text;
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let cursor = 0;
  for (const { start, end } of sorted) {
    if (start < cursor) continue;
    parts.push(text.slice(cursor, start), blank(text.slice(start, end)));
    cursor = end;
  }
  parts.push(text.slice(cursor));
  return parts.join('');
}

/**
 * Marks the actions that, together with the other actions on their lines, are the only non-blank text there, and
 * the output actions that end their line with output starting on a new line: Helm's text after a key such as
 * `labels: {{- include "labels" . | nindent 4 }}` is the key's block of lines, which more literal lines may follow.
 */
function markStandingAlone(text: string, actions: TemplateAction[]): void {
  let index = 0;
  while (index < actions.length) {
    const first = actions[index]!;
    const lineStart = text.lastIndexOf('\n', first.range.start - 1) + 1;
    let groupEnd = index;
    let cursor = first.range.end;
    while (groupEnd + 1 < actions.length) {
      const next = actions[groupEnd + 1]!;
      const between = text.slice(cursor, next.range.start);
      if (between.includes('\n') || between.trim() !== '') break;
      groupEnd++;
      cursor = next.range.end;
    }
    // A YAML comment after the actions (` # common labels`) stays a comment after whatever they render.
    const rest = text.slice(cursor, lineEndOf(text, cursor));
    const endsLine = rest.trim() === '' || /^[ \t]+#/.test(rest);
    const alone = endsLine && text.slice(lineStart, first.range.start).trim() === '';
    for (let i = index; i <= groupEnd; i++) actions[i]!.standsAlone = alone;
    if (!alone && endsLine) {
      const lastOutput = actions
        .slice(index, groupEnd + 1)
        .reverse()
        .find((candidate) => candidate.kind === 'output');
      if (lastOutput && outputStartsOnNewLine(text.slice(lastOutput.inner.start, lastOutput.inner.end)))
        lastOutput.standsAlone = true;
    }
    index = groupEnd + 1;
  }
}

/**
 * The least column at which an output action's text can start a line of YAML, when its pipeline ends in `indent N`
 * or `nindent N` (piped, or called on the whole pipeline: `nindent 4 (include "x" .)`): every line of the output is
 * indented by at least N. Undefined when the output's indentation is not known, and for an `indent` whose `{{-`
 * joins its first line to the line before.
 */
export function outputIndentation(text: string, action: TemplateAction): number | undefined {
  if (action.kind !== 'output') return undefined;
  const command = /^\s*(n?indent)\s+(\d+)(?:\s+\(|\s*$)/.exec(
    lastCommand(text.slice(action.inner.start, action.inner.end)),
  );
  if (!command) return undefined;
  if (command[1] === 'indent' && action.trimLeft) return undefined;
  return Number(command[2]);
}

/**
 * The column at which an output action's text starts when its pipeline ends in `nindent N` (piped, or called on the
 * whole pipeline): `nindent` begins its output with a line break and N spaces, whatever stands before the action.
 */
export function newLineIndentation(text: string, action: TemplateAction): number | undefined {
  if (action.kind !== 'output') return undefined;
  const command = /^\s*nindent\s+(\d+)(?:\s+\(|\s*$)/.exec(
    lastCommand(text.slice(action.inner.start, action.inner.end)),
  );
  return command ? Number(command[1]) : undefined;
}

/** Whether a pipeline's last command is `nindent`, whose output always begins with a line break. */
function outputStartsOnNewLine(pipeline: string): boolean {
  return /^nindent\s/.test(lastCommand(pipeline).trim());
}

/** The text after a pipeline's last `|` outside strings, character constants and parentheses. */
function lastCommand(pipeline: string): string {
  let depth = 0;
  let lastPipe = -1;
  let cursor = 0;
  while (cursor < pipeline.length) {
    const code = pipeline.charCodeAt(cursor);
    if (code === 34 /* " */ || code === 39 /* ' */) {
      const end = skipQuoted(pipeline, cursor, code);
      if (end < 0) break;
      cursor = end;
      continue;
    }
    if (code === 96 /* ` */) {
      const end = pipeline.indexOf('`', cursor + 1);
      if (end < 0) break;
      cursor = end + 1;
      continue;
    }
    if (code === 40 /* ( */) depth++;
    else if (code === 41 /* ) */) depth = Math.max(0, depth - 1);
    else if (code === 124 /* | */ && depth === 0) lastPipe = cursor;
    cursor++;
  }
  return pipeline.slice(lastPipe + 1);
}
