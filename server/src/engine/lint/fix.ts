import type { Finding, TextEdit } from '../rules/rule';

/** Applies non-overlapping edits to one file's text; edits that overlap an earlier one are skipped. */
export function applyEdits(text: string, edits: readonly Pick<TextEdit, 'range' | 'newText'>[]): string {
  const sorted = [...edits].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  const parts: string[] = [];
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.range.start < cursor) continue;
    parts.push(text.slice(cursor, edit.range.start), edit.newText);
    cursor = edit.range.end;
  }
  parts.push(text.slice(cursor));
  return parts.join('');
}

function editsOverlap(a: Pick<TextEdit, 'range'>, b: Pick<TextEdit, 'range'>): boolean {
  if (a.range.start === a.range.end && b.range.start === b.range.end) return a.range.start === b.range.start;
  return (
    (a.range.start < b.range.end && b.range.start < a.range.end) ||
    (a.range.start === a.range.end && a.range.start > b.range.start && a.range.start < b.range.end) ||
    (b.range.start === b.range.end && b.range.start > a.range.start && b.range.start < a.range.end)
  );
}

/**
 * Picks, for each finding in order, its first safe fix whose edits touch only `file` and overlap no fix already
 * picked. A fix that overlaps is left for the next pass, after the text has changed and been analysed again.
 */
export function safeEditsFor(file: string, findings: readonly Finding[]): TextEdit[] {
  const chosen: TextEdit[] = [];
  for (const finding of findings) {
    const fix = finding.fixes.find((candidate) => candidate.safe);
    if (!fix) continue;
    if (fix.edits.some((edit) => edit.file !== file)) continue;
    if (fix.edits.some((edit) => chosen.some((other) => editsOverlap(edit, other)))) continue;
    chosen.push(...fix.edits);
  }
  return chosen;
}

/** Passes of safe fixes before giving up on a text that keeps changing: each pass lints the text again. */
export const MAX_FIX_PASSES = 10;

/** A text and its findings, as the caller's lint made them. */
export interface LintedText {
  readonly text: string;
  readonly findings: readonly Finding[];
}

export interface FixedText<L extends LintedText> {
  /** The lint of the last text: the original's when nothing was fixed. */
  linted: L;
  /** Passes that changed the text. */
  passes: number;
  /** Whether the last text has no safe fix left that changes it (false only when the passes ran out). */
  stable: boolean;
}

/**
 * Applies the safe fixes of `path` pass after pass, linting the text again after each, since one fix can make room
 * for the next: until a pass changes nothing, or MAX_FIX_PASSES passes have run.
 */
export function fixUntilStable<L extends LintedText>(
  path: string,
  original: L,
  lint: (text: string) => L,
): FixedText<L> {
  let linted = original;
  for (let passes = 0; passes < MAX_FIX_PASSES; passes++) {
    const next = fixedOnce(path, linted);
    if (next === linted.text) return { linted, passes, stable: true };
    linted = lint(next);
  }
  return { linted, passes: MAX_FIX_PASSES, stable: fixedOnce(path, linted) === linted.text };
}

function fixedOnce(path: string, { text, findings }: LintedText): string {
  const edits = safeEditsFor(path, findings);
  return edits.length === 0 ? text : applyEdits(text, edits);
}
