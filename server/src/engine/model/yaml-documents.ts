import type { CST, Document } from 'yaml';
import { Composer, parseAllDocuments, Parser } from 'yaml';
import { isAlias, isCollection, isNode, isPair, isScalar } from '../core/yaml-nodes';
import type { EngineCaches, PieceCache } from '../core/caches';
import { CacheSlot } from '../core/caches';
import type { TextRange } from '../core/text';

export const PARSE_OPTIONS = { schema: 'failsafe', uniqueKeys: false, prettyErrors: false, strict: false } as const;

/**
 * Parsing is most of the cost of analysing a template, and a keystroke changes one YAML document of it. So the text
 * is cut where a document starts (a `---` line, as YAML and Helm's SplitManifests both cut), and each piece's parse
 * is kept by its text: an unchanged piece at the same offset reuses its documents, a piece that moved is only
 * re-composed from its kept syntax tree (whose positions are from the piece's start) and moved, and only the edited
 * piece is parsed again.
 *
 * A piece that moved keeps its documents, moved in place, when they were composed for the same file (the `owner`) and
 * for no other: no analysis but that file's previous one, which the new one replaces, holds them. Documents at the
 * same offset are shared by every file that has the piece there, and then composed again for the first that moves it.
 *
 * A piece is parsed with the `---` that follows it, so that the lexer ends what is open there (a scalar, a flow
 * collection) as it does in the whole text. What the lexer reads on through that `---` (a double-quoted scalar whose
 * closing quote is further on, or nowhere) cannot be cut there: the piece is joined with the next one and parsed again.
 */
interface Piece {
  /** Whether the piece was parsed with a `---` after it. */
  followed: boolean;
  /** Positions from the piece's start; undefined when the lexer reads through the `---` after the piece. */
  tokens: CST.Token[] | undefined;
  documents?: Document.Parsed[];
  documentsAt?: number;
  /** The file the documents were composed or last moved for. */
  documentsOwner?: string;
  /** Whether another file, or another piece of the same text in one file, was given the same documents. */
  documentsShared?: boolean;
}

/** The piece of the text each kept document was parsed from, where it is now. */
const pieceOfDocument = new WeakMap<Document.Parsed, { start: number; end: number }>();

const PARSED_PIECES = new CacheSlot<Piece>(
  'YAML parses by piece',
  { maxEntries: 4000, maxChars: 8 * 1024 * 1024 },
  true,
);

const NEXT_DOCUMENT_START = '---';

/**
 * The same documents as `parseAllDocuments(text, PARSE_OPTIONS)`, with positions in `text`. With `caches`, pieces
 * parsed before are taken from them (the language server, which sees the same text again and again); without, the
 * text is parsed whole and nothing is kept (the CLI, which reads each file once).
 */
export function parseYamlDocuments(text: string, caches: EngineCaches | undefined, owner?: string): Document.Parsed[] {
  const starts = caches ? pieceStarts(text) : undefined;
  if (!caches || !starts) return wholeParse(text);
  const pieces = caches.pieces(PARSED_PIECES);
  const documents: Document.Parsed[] = [];
  const parsed: { text: string; value: Piece }[] = [];
  const given = new Set<Piece>();
  for (let first = 0; first < starts.length;) {
    let next = first + 1;
    for (;;) {
      const followed = next < starts.length;
      const pieceText = text.slice(starts[first]!, followed ? starts[next]! : text.length);
      const piece = pieceOf(pieces, pieceText, followed, pieces.kept(first, pieceText));
      parsed[first] = { text: pieceText, value: piece };
      const found = documentsOf(piece, pieceText, starts[first]!, owner, given);
      if (found) {
        documents.push(...found);
        break;
      }
      next++;
    }
    first = next;
  }
  pieces.setPrevious(parsed);
  return documents;
}

/**
 * Where the pieces of a text start: 0, then each line that starts with `---` and a blank or its end. A line starts
 * after a line feed only: YAML, unlike a regular expression's `^`, starts none after a lone `\r`. Undefined when the
 * text must be parsed whole.
 */
export function pieceStarts(text: string): number[] | undefined {
  if (needsWholeParse(text)) return undefined;
  const starts = [0];
  for (let lineFeed = text.indexOf('\n---'); lineFeed >= 0; lineFeed = text.indexOf('\n---', lineFeed + 4)) {
    const after = text.charCodeAt(lineFeed + 4);
    if (Number.isNaN(after) || after === 32 || after === 9 || after === 13 || after === 10) starts.push(lineFeed + 1);
  }
  return starts;
}

/**
 * The piece of the text a document of parseYamlDocuments with reuse was parsed from (undefined for a whole parse):
 * what was read to build it, which is unchanged for as long as the same document is returned.
 */
export function parsedPieceOf(document: Document.Parsed): { start: number; end: number } | undefined {
  return pieceOfDocument.get(document);
}

/**
 * Texts the piecewise parse cannot reproduce exactly are parsed whole: those with a line that starts with a directive
 * (`%`) or an explicit document end (`...` and a blank). A line starts after any line break a regular expression knows.
 */
function needsWholeParse(text: string): boolean {
  for (let at = text.indexOf('%'); at >= 0; at = text.indexOf('%', at + 1)) if (startsLine(text, at)) return true;
  for (let at = text.indexOf('...'); at >= 0; at = text.indexOf('...', at + 1)) {
    if (startsLine(text, at) && (at + 3 === text.length || /\s/.test(text.charAt(at + 3)))) return true;
  }
  return false;
}

function startsLine(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  return at === 0 || before === 10 || before === 13 || before === 0x2028 || before === 0x2029;
}

export function wholeParse(text: string): Document.Parsed[] {
  const parsed = parseAllDocuments(text, PARSE_OPTIONS);
  return Array.isArray(parsed) ? parsed : [];
}

/** The kept parse of a piece, when it was parsed `followed` by a `---` or not as now; else a new one, kept. */
function pieceOf(pieces: PieceCache<Piece>, pieceText: string, followed: boolean, kept: Piece | undefined): Piece {
  if (kept?.followed === followed) return kept;
  const piece = { followed, tokens: tokensOf(pieceText, followed) };
  pieces.set(pieceText, piece);
  return piece;
}

/**
 * The documents of a piece at offset `at` for `owner`; undefined when the lexer reads through the `---` after it.
 * `given`: the pieces whose documents this parse has given out already.
 */
function documentsOf(
  piece: Piece,
  pieceText: string,
  at: number,
  owner: string | undefined,
  given: Set<Piece>,
): Document.Parsed[] | undefined {
  const again = given.has(piece);
  given.add(piece);
  if (piece.documentsAt === at && piece.documents) {
    if (again || piece.documentsOwner !== owner) piece.documentsShared = true;
    return piece.documents;
  }
  if (!piece.tokens) return undefined;
  const exclusive = owner !== undefined && piece.documentsOwner === owner && !piece.documentsShared && !again;
  if (exclusive && piece.documents && piece.documentsAt !== undefined) {
    for (const document of piece.documents) {
      moveInPlace(document, at - piece.documentsAt);
      pieceOfDocument.set(document, { start: at, end: at + pieceText.length });
    }
    piece.documentsAt = at;
    return piece.documents;
  }
  const documents = Array.from(
    new Composer(PARSE_OPTIONS).compose(piece.tokens, false, pieceText.length),
  ) as Document.Parsed[];
  for (const document of documents) {
    if (at !== 0) moveDocument(document, at);
    pieceOfDocument.set(document, { start: at, end: at + pieceText.length });
  }
  // The documents of the piece's first place in this parse stay the kept ones: a second place gets its own.
  if (again) return documents;
  piece.documents = documents;
  piece.documentsAt = at;
  piece.documentsOwner = owner;
  piece.documentsShared = false;
  return documents;
}

/**
 * The syntax tokens of a piece. When `followed`, parsed with the `---` that follows, without the document it starts;
 * undefined when no document starts there, because the lexer read on through it.
 */
function tokensOf(pieceText: string, followed: boolean): CST.Token[] | undefined {
  if (!followed) return Array.from(new Parser().parse(pieceText));
  const tokens = Array.from(new Parser().parse(pieceText + NEXT_DOCUMENT_START));
  const last = tokens.pop();
  return last?.type === 'document' && last.offset === pieceText.length ? tokens : undefined;
}

/**
 * Moves every position of a document just composed (and so seen by no one yet) by `delta`: its range, its errors' and
 * warnings', and each node's range. Without the `keepSourceTokens` option nodes hold no other position.
 */
function moveDocument(document: Document.Parsed, delta: number): void {
  placeDocument(document, (offset) => offset + delta);
}

/**
 * moveDocument for documents composed before: each position array is its own (the composer makes one per node and
 * problem), so it is changed where it is, without a new array per node to collect. Every keystroke before the last
 * documents of a long template moves them all.
 */
function moveInPlace(document: Document.Parsed, delta: number): void {
  moveRange(document.range, delta);
  for (const problem of document.errors) moveRange(problem.pos, delta);
  for (const problem of document.warnings) moveRange(problem.pos, delta);
  moveNodeInPlace(document.contents, delta);
}

function moveRange(range: number[], delta: number): void {
  for (let index = 0; index < range.length; index++) range[index]! += delta;
}

/** Scalars first, as most nodes are, and pairs next: one identity check for nearly every node of a long template. */
function moveNodeInPlace(node: unknown, delta: number): void {
  if (isScalar(node) || isAlias(node)) {
    if (node.range) moveRange(node.range, delta);
  } else if (isPair(node)) {
    moveNodeInPlace(node.key, delta);
    moveNodeInPlace(node.value, delta);
  } else if (isCollection(node)) {
    if (node.range) moveRange(node.range, delta);
    for (const item of node.items) moveNodeInPlace(item, delta);
  }
}

/** Puts every position of a document just composed where `place` says: its range, its problems', its nodes'. */
function placeDocument(document: Document.Parsed, place: (offset: number) => number): void {
  const [start, valueEnd, end] = document.range;
  document.range = [place(start), place(valueEnd), place(end)];
  for (const problem of [...document.errors, ...document.warnings])
    problem.pos = [place(problem.pos[0]), place(problem.pos[1])];
  placeNode(document.contents, place);
}

function placeNode(node: unknown, place: (offset: number) => number): void {
  if (isPair(node)) {
    placeNode(node.key, place);
    placeNode(node.value, place);
    return;
  }
  if (!isNode(node)) return;
  if (node.range) node.range = [place(node.range[0]), place(node.range[1]), place(node.range[2])];
  if (isCollection(node)) for (const item of node.items) placeNode(item, place);
}

/**
 * The documents of `text` parsed without the ranges `cuts` (sorted, apart, each whole lines whose removal leaves the
 * YAML meaning the same, such as the content of a block scalar), with positions in `text`: a position at or after a
 * cut's place in the shortened text moves past the cut.
 */
export function parseWithout(text: string, cuts: readonly TextRange[]): Document.Parsed[] {
  let kept = '';
  let last = 0;
  let removed = 0;
  const marks: Array<{ at: number; removed: number }> = [];
  for (const cut of cuts) {
    kept += text.slice(last, cut.start);
    removed += cut.end - cut.start;
    marks.push({ at: kept.length, removed });
    last = cut.end;
  }
  kept += text.slice(last);
  const place = (offset: number) => {
    let shift = 0;
    for (const mark of marks) {
      if (mark.at > offset) break;
      shift = mark.removed;
    }
    return offset + shift;
  };
  const documents = wholeParse(kept);
  for (const document of documents) placeDocument(document, place);
  return documents;
}
