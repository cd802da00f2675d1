import { locateInSources, pathAt } from '../chart/values-source';
import type { Renderer } from '../eval/cache';
import type { TemplateFile } from '../eval/render';
import type { Chunk } from '../eval/value';
import { findSuppressions, isSuppressed } from './suppress';
import type { TextRange } from '../core/text';
import { LineIndex } from '../core/text';
import type { Piece } from './rendered-document';

export interface MappedRange {
  file: string;
  range: TextRange;
  /** The range holds exactly the rendered text it stands for. */
  exact: boolean;
}

/** A place in the template a document was rendered from. */
export interface TemplatePlace {
  file: string;
  range: TextRange;
}

/**
 * Moves rendered text back to the files it came from: ranges, for the findings of the evaluated lint, and one place
 * in the rendered template per document, for the evaluated order.
 */
export class SourceMapper {
  private readonly suppressions = new Map<string, Map<number, Set<string>>>();
  private readonly lineIndexes = new Map<string, LineIndex>();
  private readonly texts = new Map<string, string>();

  constructor(private readonly renderer: Pick<Renderer, 'file'>) {}

  /** The file of a template of the chart, by its name in the render. */
  absolutePath(template: string): string | undefined {
    return this.renderer.file(template)?.template.absolutePath;
  }

  /** The text of a template of the chart, by its name in the render. */
  templateText(template: string): string | undefined {
    return this.renderer.file(template)?.template.text;
  }

  /** A chunk of literal template text of `template` itself, reached without an include. */
  isOwnLiteral(chunk: Chunk, template: string): boolean {
    if (chunk.text === undefined || chunk.via || chunk.origin || !chunk.source || chunk.source.template !== template)
      return false;
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
    const touched = pieces.filter(
      (piece) => piece.start < Math.max(range.end, range.start + 1) && range.start < piece.end,
    );
    const throughDefine = (piece: Piece) => {
      const site = piece.chunk.via?.[0];
      return !piece.chunk.origin && site && site.template === template && piece.chunk.source?.template !== template
        ? site
        : undefined;
    };
    if (!touched.some(throughDefine)) {
      const mapped = this.map(range, pieces, text, template, true);
      if (!mapped || mapped.exact) return mapped;
    }
    const sites = touched.map((piece) => {
      const site = throughDefine(piece);
      if (!site) return this.pieceRange(piece, range, text);
      const file = this.renderer.file(template);
      return (
        file && {
          file: this.remember(file.template.absolutePath, file.template.text),
          range: enclosingAction(file.template.text, site),
          exact: false,
        }
      );
    });
    if (sites.some((site) => !site || site.file !== sites[0]!.file))
      return this.map(range, pieces, text, template, true);
    const ranges = sites.map((site) => site!.range);
    return {
      file: sites[0]!.file,
      range: { start: Math.min(...ranges.map((r) => r.start)), end: Math.max(...ranges.map((r) => r.end)) },
      exact: false,
    };
  }

  /** `ownLiteral`: a range wholly in this template's own literal text is mapped too (else it is the as-written pass's). */
  map(range: TextRange, pieces: Piece[], text: string, template: string, ownLiteral = false): MappedRange | undefined {
    const touched = pieces.filter(
      (piece) => piece.start < Math.max(range.end, range.start + 1) && range.start < piece.end,
    );
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

  /**
   * The one place in `template` (the file rendered) a reader is sent to for a document of its output: the first of
   * `offsets` of the document's text that lands in `template`, else the document's start, else the template's start.
   * Text an include brought in lands at the outermost include call, literal text of `template` at itself, the
   * output of an action at the action.
   */
  placeInTemplate(pieces: Piece[], template: TemplateFile, offsets: readonly (number | undefined)[]): TemplatePlace {
    const file = this.remember(template.template.absolutePath, template.template.text);
    for (const offset of [...offsets, 0]) {
      if (offset === undefined) continue;
      const range = this.rangeInTemplate(pieces, offset, template.name);
      if (range) return { file, range };
    }
    return { file, range: { start: 0, end: 0 } };
  }

  /** The 0-based line of `offset` in a file this mapper has placed text in (0 in any other). */
  lineAt(path: string, offset: number): number {
    return this.lines(path)?.position(offset).line ?? 0;
  }

  isSuppressed(path: string, offset: number, rule: string): boolean {
    const lines = this.lines(path);
    if (!lines) return false;
    let suppressions = this.suppressions.get(path);
    if (!suppressions) {
      suppressions = findSuppressions(this.texts.get(path)!, lines);
      this.suppressions.set(path, suppressions);
    }
    return isSuppressed(suppressions, lines.position(offset).line, rule);
  }

  private remember(path: string, text: string): string {
    this.texts.set(path, text);
    return path;
  }

  private lines(path: string): LineIndex | undefined {
    let lines = this.lineIndexes.get(path);
    if (!lines) {
      const text = this.texts.get(path);
      if (text === undefined) return undefined;
      lines = new LineIndex(text);
      this.lineIndexes.set(path, lines);
    }
    return lines;
  }

  /** Where `template` writes the rendered text at `offset`, when that is in `template` (see placeInTemplate). */
  private rangeInTemplate(pieces: Piece[], offset: number, template: string): TextRange | undefined {
    const piece = pieces.find((candidate) => candidate.start <= offset && offset < candidate.end);
    if (!piece) return undefined;
    const chunk = piece.chunk;
    const written = chunk.via?.[0] ?? chunk.source;
    if (!written || written.template !== template) return undefined;
    if (this.isOwnLiteral(chunk, template)) {
      const at = written.start + piece.skip + offset - piece.start;
      return { start: at, end: at + 1 };
    }
    return { start: written.start, end: written.end };
  }

  /** An offset of rendered text inside a piece, in its source file, when the piece's text is the source's text. */
  private mapOffset(
    piece: Piece,
    offset: number,
    text: string,
  ): { file: string; offset: number; exact: boolean } | undefined {
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
    return {
      file: this.remember(file.template.absolutePath, file.template.text),
      offset: chunk.source.start + within,
      exact: true,
    };
  }

  /** The part of `range` inside one piece, in its source: exactly where the text is the source's, else the whole source. */
  private pieceRange(piece: Piece, range: TextRange, text: string): MappedRange | undefined {
    const start = Math.max(range.start, piece.start);
    const end = Math.min(range.end, piece.end);
    const first = this.mapOffset(piece, start, text);
    const last = end > start ? this.mapOffset(piece, end - 1, text) : first;
    if (first?.exact && last?.exact && first.file === last.file)
      return {
        file: first.file,
        range: { start: first.offset, end: last.offset + (end > start ? 1 : 0) },
        exact: true,
      };
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
    return {
      file: this.remember(file.template.absolutePath, file.template.text),
      range: { start: chunk.source.start, end: chunk.source.end },
      exact: false,
    };
  }

  /** An offset inside toYaml output, in the values file: exact when the key or value there reads as rendered. */
  private inValues(
    piece: Piece,
    offset: number,
    text: string,
  ): { file: string; offset: number; exact: boolean } | undefined {
    const entry = this.valuesEntry(piece, offset, text);
    if (!entry || entry.renderedStart === undefined) return undefined;
    const delta = offset - entry.renderedStart;
    if (!entry.sameText || delta < 0 || delta > entry.range.end - entry.range.start) return undefined;
    return { file: entry.file, offset: entry.range.start + delta, exact: true };
  }

  /** The values-file key or value that the toYaml text at `offset` prints. */
  private valuesEntry(
    piece: Piece,
    offset: number,
    text: string,
  ): { file: string; range: TextRange; renderedStart?: number; sameText: boolean } | undefined {
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
  return (
    !!a.source &&
    !!b.source &&
    a.source.template === b.source.template &&
    a.source.start === b.source.start &&
    a.source.end === b.source.end
  );
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
