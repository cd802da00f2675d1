import { Composer, CST, Document, parseAllDocuments, Parser } from 'yaml';

export const PARSE_OPTIONS = { schema: 'failsafe', uniqueKeys: false, prettyErrors: false, strict: false } as const;

/**
 * Parsing is most of the cost of analysing a template, and a keystroke changes one YAML document of it. So the text
 * is cut where a document starts (a `---` line, as YAML and Helm's SplitManifests both cut), and each piece's parse
 * is kept by its text: an unchanged piece at the same offset reuses its documents, a piece that moved is only
 * re-composed from its kept syntax tree, and only the edited piece is parsed again.
 */
interface Piece {
  tokens: CST.Token[];
  /** The offset the tokens' positions are relative to now. */
  tokensAt: number;
  documents?: Document.Parsed[];
  documentsAt?: number;
}

const MAX_PIECES = 4000;
const MAX_CACHED_CHARS = 8 * 1024 * 1024;
const pieces = new Map<string, Piece>();
let cachedChars = 0;

/** Texts the piecewise parse cannot reproduce exactly (directives, explicit document ends) are parsed whole. */
const NEEDS_WHOLE_PARSE = /^(?:%|\.\.\.(?:\s|$))/m;
const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;

/**
 * The same documents as `parseAllDocuments(text, PARSE_OPTIONS)`, with positions in `text`. With `reuse`, pieces
 * parsed before are taken from the cache (the language server, which sees the same text again and again); without,
 * the text is parsed whole and nothing is kept (the CLI, which reads each file once).
 */
export function parseYamlDocuments(text: string, reuse: boolean): Document.Parsed[] {
  if (!reuse || NEEDS_WHOLE_PARSE.test(text)) return wholeParse(text);
  const starts = [0];
  for (const match of text.matchAll(DOCUMENT_START)) if (match.index > 0) starts.push(match.index);
  const documents: Document.Parsed[] = [];
  starts.forEach((start, index) => {
    const end = index + 1 < starts.length ? starts[index + 1]! : text.length;
    documents.push(...documentsOf(text.slice(start, end), start));
  });
  return documents;
}

export function wholeParse(text: string): Document.Parsed[] {
  const parsed = parseAllDocuments(text, PARSE_OPTIONS);
  return Array.isArray(parsed) ? parsed : [];
}

function documentsOf(pieceText: string, at: number): Document.Parsed[] {
  let piece = pieces.get(pieceText);
  if (piece && piece.documentsAt === at && piece.documents) return piece.documents;
  if (!piece) {
    piece = { tokens: Array.from(new Parser().parse(pieceText)), tokensAt: 0 };
    remember(pieceText, piece);
  } else {
    pieces.delete(pieceText);
    pieces.set(pieceText, piece); // most recently used last
  }
  if (piece.tokensAt !== at) {
    for (const token of piece.tokens) shiftOffsets(token, at - piece.tokensAt);
    piece.tokensAt = at;
  }
  const documents = Array.from(new Composer(PARSE_OPTIONS).compose(piece.tokens, false, at + pieceText.length)) as Document.Parsed[];
  piece.documents = documents;
  piece.documentsAt = at;
  return documents;
}

function remember(pieceText: string, piece: Piece): void {
  pieces.set(pieceText, piece);
  cachedChars += pieceText.length;
  while (pieces.size > MAX_PIECES || cachedChars > MAX_CACHED_CHARS) {
    const oldest = pieces.keys().next().value as string;
    pieces.delete(oldest);
    cachedChars -= oldest.length;
  }
}

const CHILD_TOKEN_FIELDS = ['start', 'key', 'sep', 'value', 'items', 'props', 'end'] as const;

/**
 * Moves every position inside a syntax token by `delta`. The only absolute positions CST tokens hold are `offset`s,
 * and tokens nest only through these fields (collection items are `{ start, key, sep, value }` without an offset).
 */
function shiftOffsets(node: unknown, delta: number): void {
  if (Array.isArray(node)) {
    for (const item of node) shiftOffsets(item, delta);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record.offset === 'number') record.offset += delta;
  for (const field of CHILD_TOKEN_FIELDS) {
    const child = record[field];
    if (child !== undefined && child !== null && typeof child === 'object') shiftOffsets(child, delta);
  }
}

/** Forgets every kept parse: when the language server closes a document, and in tests. */
export function clearYamlDocumentCache(): void {
  pieces.clear();
  cachedChars = 0;
}
