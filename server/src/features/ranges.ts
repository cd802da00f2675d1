import type { Range } from 'vscode-languageserver/node';
import type { LineIndex, TextRange } from '../engine/core/text';

/** Engine offsets (UTF-16 code units) to an LSP range. */
export function toLspRange(lines: LineIndex, range: TextRange): Range {
  return { start: lines.position(range.start), end: lines.position(range.end) };
}

export function overlapsOrTouches(a: TextRange, b: TextRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}
