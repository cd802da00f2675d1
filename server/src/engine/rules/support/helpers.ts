import type { AnnotationSet, EntryModel, ResourceDocument, ValueModel } from '../../model/document';
import { lastEntry, literalText } from '../../model/document';
import type { TemplateFile } from '../../analysis/file';
import type { TextRange } from '../../core/text';
import type { HelmVersion } from '../rule';

/** The annotation sets where hook annotations take effect: the object's own, and `define` fragments. */
export function hookAnnotationSets(file: TemplateFile): AnnotationSet[] {
  return file.model.annotationSets.filter((set) => set.origin === 'object' || set.origin === 'define');
}

/** The entry Helm reads for `key`: with duplicate keys, the last one wins (sigs.k8s.io/yaml). */
export function helmEntry(set: AnnotationSet, key: string): EntryModel | undefined {
  return lastEntry(set.mapping, key);
}

/** Where to point for a value: the value itself, or the key when the value is empty. */
export function valueOrKeyRange(entry: EntryModel): TextRange {
  return entry.value.range.end > entry.value.range.start ? entry.value.range : entry.keyRange;
}

/** The log line Helm writes when it drops a resource for an unknown hook event. */
export function dropLogLine(helmVersion: HelmVersion): string {
  return helmVersion === 4 ? 'level=INFO msg="skipping unknown hooks"' : 'info: skipping unknown hook';
}

/** User text as a message quotes it: cut to `max` characters, so that a long value cannot make the message long. */
export function shown(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** How a message names a resource: "this Job", or "this resource" when its kind is not a literal. */
export function thisResource(resource: ResourceDocument | undefined): string {
  const kind = resource?.kind && literalText(resource.kind);
  return kind ? `this ${shown(kind, 30)}` : 'this resource';
}

/** How a message names what an annotation set applies to; a `define` applies to whatever includes it. */
export function subjectOf(set: AnnotationSet): string {
  return set.origin === 'define' ? 'each object that includes this' : thisResource(set.resource);
}

/** `"text"` as a YAML double-quoted scalar. */
export function doubleQuoted(text: string): string {
  return JSON.stringify(text);
}

/**
 * The edit that replaces a value with `newValue` on the key's line: from the end of the key through the value, when
 * only the colon and blanks lie between them (so a block sequence collapses onto the key's line); otherwise just the
 * value, so that no comment is lost.
 */
export function replaceValueEdit(
  file: TemplateFile,
  entry: EntryModel,
  newValue: string,
): { range: TextRange; newText: string } {
  const between = file.text.slice(entry.keyRange.end, entry.value.range.start);
  if (/^\s*:\s*$/.test(between))
    return { range: { start: entry.keyRange.end, end: entry.value.range.end }, newText: `: ${newValue}` };
  return { range: entry.value.range, newText: newValue };
}

/** The plain literal items of a YAML sequence value, or undefined if any item is not a literal scalar. */
export function literalSequenceItems(value: ValueModel, file: TemplateFile): string[] | undefined {
  if (value.kind !== 'seq' || value.templated || !value.node) return undefined;
  const seq = value.node as unknown as { items: unknown[] };
  const items: string[] = [];
  for (const item of seq.items) {
    const node = item as { value?: unknown; range?: [number, number, number] } | null;
    if (!node || typeof node.value !== 'string' || !node.range) return undefined;
    items.push(node.value);
  }
  if (/#/.test(file.text.slice(value.range.start, value.range.end))) return undefined;
  return items;
}

export function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
