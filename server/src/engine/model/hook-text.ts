import type { TemplateAction } from '../template/scanner';
import { actionRunsAcross } from '../template/scanner';
import { pieceStarts } from './yaml-documents';

/**
 * A Helm or Argo CD annotation key anywhere in a document's text, template actions included: `helm.sh/…` (but not the
 * `helm.sh/chart` label, which nearly every object carries and no rule reads) or `argocd.argoproj.io/…`. The file
 * rules report only on documents that hold such text; the YAML of the others is `helm lint`'s business.
 */
const HOOK_RELATED_TEXT = /helm\.sh\/(?!chart["']?[ \t]*:)|argocd\.argoproj\.io\//i;

export function holdsHookRelatedText(text: string): boolean {
  return HOOK_RELATED_TEXT.test(text);
}

/**
 * The masked text of a template with the documents that hold no hook-related text blanked after their `---` (line
 * breaks kept, so offsets are unchanged): the YAML parser then builds only what a file rule can report on. Each
 * blanked document still parses as one (empty) document, so the others keep their index. The text itself when the
 * documents cannot be told apart exactly as a whole parse would: where the text is parsed whole (pieceStarts), a
 * template action runs across a document start, or a quote opened in a blanked document may run on through the `---`
 * after it (the YAML lexer reads a quoted scalar on to the end of the text when no closing quote follows).
 */
export function blankDocumentsWithoutHookText(
  text: string,
  masked: string,
  actions: readonly TemplateAction[],
): string {
  const starts = pieceStarts(masked);
  if (!starts || starts.some((start) => actionRunsAcross(actions, start))) return masked;
  const lastDoubleQuote = lastClosingCandidate(masked, '"');
  const lastSingleQuote = lastClosingCandidate(masked, "'");
  let blanked = '';
  let any = false;
  for (let index = 0; index < starts.length; index++) {
    const start = starts[index]!;
    const end = index + 1 < starts.length ? starts[index + 1]! : masked.length;
    const piece = masked.slice(start, end);
    if (holdsHookRelatedText(text.slice(start, end))) {
      blanked += piece;
      continue;
    }
    const last = index + 1 === starts.length;
    if (!last && ((piece.includes('"') && lastDoubleQuote < end) || (piece.includes("'") && lastSingleQuote < end)))
      return masked;
    blanked += blankPiece(piece, index === 0);
    any = true;
  }
  return any ? blanked : masked;
}

/**
 * The last quote in `text` that ends any quoted scalar open before it: for `"` one not escaped by a backslash, for
 * `'` one that is not half of an escaped `''`. -1 when there is none.
 */
function lastClosingCandidate(text: string, quote: '"' | "'"): number {
  for (let at = text.lastIndexOf(quote); at >= 0; at = at > 0 ? text.lastIndexOf(quote, at - 1) : -1) {
    if (quote === '"' ? text[at - 1] !== '\\' : text[at - 1] !== "'" && text[at + 1] !== "'") return at;
  }
  return -1;
}

const CONTENT_LINE = /^[ \t]*[^ \t\r\n#]/m;

/**
 * A piece of the masked text as one empty document: its `---`, then blanks. The text's first piece, when it has no
 * `---`, is a document only when it holds something other than blanks and comments: then a `~` where that starts.
 */
function blankPiece(piece: string, first: boolean): string {
  const marker = piece.startsWith('---') ? '---' : '';
  let blanked = marker + piece.slice(marker.length).replace(/[^\r\n]/g, ' ');
  if (first && !marker) {
    const content = CONTENT_LINE.exec(piece);
    if (content) {
      const at = content.index + content[0].length - 1;
      blanked = blanked.slice(0, at) + '~' + blanked.slice(at + 1);
    }
  }
  return blanked;
}
