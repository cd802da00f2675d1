import { Finding, TextEdit } from '../rules/rule';

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
  return a.range.start < b.range.end && b.range.start < a.range.end ||
    (a.range.start === a.range.end && a.range.start > b.range.start && a.range.start < b.range.end) ||
    (b.range.start === b.range.end && b.range.start > a.range.start && b.range.start < a.range.end);
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
