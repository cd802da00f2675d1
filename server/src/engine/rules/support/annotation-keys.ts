import type { TemplateFile } from '../../analysis/file';
import type { EntryModel } from '../../model/document';
import type { TextRange } from '../../core/text';

/**
 * The edit that renames an annotation key, keeping the quotes it was written with. Undefined when the key's text is
 * not simply the key (an escape in a quoted key), where a rewrite could change more than the name.
 */
export function renameKeyEdit(
  file: TemplateFile,
  entry: EntryModel,
  newKey: string,
): { range: TextRange; newText: string } | undefined {
  const source = file.text.slice(entry.keyRange.start, entry.keyRange.end);
  const quote = source[0] === '"' || source[0] === "'" ? source[0] : '';
  if (source !== `${quote}${entry.key}${quote}`) return undefined;
  return { range: entry.keyRange, newText: `${quote}${newKey}${quote}` };
}
