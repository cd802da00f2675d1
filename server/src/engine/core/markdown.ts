/** Plain text as Markdown that shows it as written: `<chart>`, `*` or `_` are not read as markup. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (char) => `\\${char}`);
}
