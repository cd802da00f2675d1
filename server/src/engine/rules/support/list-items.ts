import type { TemplateFile } from '../../analysis/file';
import type { AnnotationSet, EntryModel, ValueModel } from '../../model/document';
import type { ListItem, SplitList } from '../../model/hook';
import { HOOK_KEY, splitList } from '../../model/hook';
import { isNonString } from '../../model/scalar';
import type { TextRange } from '../../core/text';
import { nearest } from '../../core/text';
import { helmEntry, literalSequenceItems, replaceValueEdit, shown, subjectOf } from './helpers';
import type { MessageData, Report } from '../rule';

type ReportFix = NonNullable<Report['fixes']>[number];

/** How the rules that read a comma-separated hook annotation name it and its items in messages and fixes. */
export interface ListSpec {
  /** The annotation key, e.g. `helm.sh/hook-delete-policy`. */
  key: string;
  /** One item as messages name it: "hook event", "delete policy". */
  noun: string;
  /** Items in general: "events", "delete policies". */
  plural: string;
  /** Closes an unknown item's help, e.g. "Events are pre-install, …". */
  listing: string;
  /** Every name Helm accepts, for suggestions. */
  names: readonly string[];
  /** Whether Helm accepts an item once it has trimmed and lower-cased it. */
  isKnown(item: string): boolean;
  /** A well-written value, for help: "before-hook-creation,hook-succeeded". */
  example: string;
}

/**
 * What is wrong with an item Helm does not accept; unknownItemReport reports it under the message id
 * `<outcome id><problem>` (e.g. `droppedMisspelled`), whose template itemMessages writes.
 */
export type ItemProblem = 'Separators' | 'Misspelled' | 'Unknown' | 'EmptyItem' | 'StrayComma';

/** The problems of an item with text, and of an empty one. */
export const NAMED_ITEM_PROBLEMS: readonly ItemProblem[] = ['Separators', 'Misspelled', 'Unknown'];
export const EMPTY_ITEM_PROBLEMS: readonly ItemProblem[] = ['EmptyItem', 'StrayComma'];
export const ITEM_PROBLEMS: readonly ItemProblem[] = [...NAMED_ITEM_PROBLEMS, ...EMPTY_ITEM_PROBLEMS];

/** What Helm does with an item it does not accept. */
export interface ItemOutcome {
  /** Starts the message ids of this outcome's findings, declared by itemMessages with the same id. */
  id: string;
  /** Fills the placeholders of the outcome's consequence, e.g. `{{subject}}`. */
  data?: MessageData;
  /** Why, in a sentence or two for the help. */
  explanation: string;
}

/**
 * The message templates of an outcome, by id `<outcomeId><problem>`: each starts with `consequence` (what goes
 * wrong, e.g. "Helm silently drops {{subject}}") and names the item's problem. Give only the problems the rule
 * reports with this outcome, so that each declared message is one a test can reach.
 */
export function itemMessages(
  spec: ListSpec,
  outcomeId: string,
  consequence: string,
  problems: readonly ItemProblem[] = ITEM_PROBLEMS,
): Record<string, string> {
  const notAnItem = `is not ${article(spec.noun)} ${spec.noun}`;
  const templates: Record<ItemProblem, string> = {
    Separators: `${consequence}: Helm reads "{{item}}" as one unknown ${spec.noun}.`,
    Misspelled: `${consequence}: "{{item}}" ${notAnItem} (did you mean "{{suggestion}}"?).`,
    Unknown: `${consequence}: "{{item}}" ${notAnItem}.`,
    EmptyItem: `${consequence}: ${spec.key} has an empty ${spec.noun}.`,
    StrayComma: `${consequence}: a {{comma}} comma leaves an empty ${spec.noun}.`,
  };
  return Object.fromEntries(problems.map((problem) => [outcomeId + problem, templates[problem]]));
}

/** The message of nonStringPolicyReport, id `nonString`. */
export const NON_STRING_MESSAGE =
  'Kubernetes rejects {{subject}} at install: YAML reads {{value}} as {{type}}, not a string.';

/** The message of collectionReport, id `collection`. */
export function collectionMessage(spec: ListSpec): string {
  return `helm template and helm install fail on {{subject}}: ${spec.key} is a YAML {{shape}}, not a string.`;
}

/**
 * A policy value that YAML reads as a bool or number: Kubernetes cannot decode the object, and Helm reads the
 * converted text ("true", "1") as a policy it does not know. Undefined when the value is a string or templated.
 */
export function nonStringPolicyReport(set: AnnotationSet, value: ValueModel, spec: ListSpec): Report | undefined {
  if (value.templated || !value.kubeType || !isNonString(value.kubeType)) return undefined;
  const type = value.kubeType === 'bool' ? 'bool' : 'number';
  return {
    range: value.range,
    messageId: 'nonString',
    data: { subject: subjectOf(set), value: shown(value.source), type: type === 'bool' ? 'a boolean' : 'a number' },
    help:
      `Write the ${spec.plural} as a quoted string, for example "${spec.example}". Annotation values must be strings: a real install ` +
      `fails with "cannot unmarshal ${type} into Go struct field ObjectMeta.metadata.annotations of type string" (helm template and ` +
      `helm lint pass it), and Helm itself reads the ${spec.noun} "${shown(value.helmString ?? '')}", which it does not know.`,
  };
}

/**
 * The entry of a hook-only annotation (weight, delete or output-log policy) as Helm reads it, when it can matter: in a
 * `define` fragment, whose resource is not known, or on an object that has `helm.sh/hook` or may have it among
 * annotations we cannot see. Helm ignores these keys on an object without `helm.sh/hook`; orphan-hook-annotation
 * reports that case.
 */
export function hookOnlyEntry(set: AnnotationSet, key: string): EntryModel | undefined {
  const entry = helmEntry(set, key);
  if (!entry) return undefined;
  if (set.origin === 'define' || set.mapping.hasUnknownEntries || helmEntry(set, HOOK_KEY)) return entry;
  return undefined;
}

/**
 * A YAML list or mapping where the annotation needs a string: Helm's typed decode of the annotations fails, so the
 * chart does not render. A list of plain items is joined with commas; that fix is safe when Helm knows every item.
 */
export function collectionReport(file: TemplateFile, set: AnnotationSet, entry: EntryModel, spec: ListSpec): Report {
  const value = entry.value;
  const isList = value.kind === 'seq';
  const report: Report = {
    range: value.range,
    messageId: 'collection',
    data: { subject: subjectOf(set), shape: isList ? 'list' : 'mapping' },
    help:
      `Write the ${spec.plural} as one comma-separated string, for example "${spec.example}". Annotation values must be strings: ` +
      'helm template and helm install fail with "cannot unmarshal ' +
      (isList ? 'array' : 'object') +
      ' into Go struct field .metadata.annotations of type string"; helm lint passes it.',
  };
  const items = literalSequenceItems(value, file);
  if (items && items.length > 0) {
    const joined = items.map((item) => item.trim()).join(',');
    const safe = items.every((item) => spec.isKnown(item));
    report.fixes = [
      { title: `Join the ${spec.plural}: ${joined}`, safe, edits: [replaceValueEdit(file, entry, joined)] },
    ];
  }
  return report;
}

/**
 * The finding for one certain item that Helm does not accept, with the fix that matches how it went wrong: an empty
 * item left by a stray comma (remove the comma), known names run together with spaces or `;` (separate them with
 * commas), or a typo (the nearest name). `outcome` says what Helm does with the item; the rule declares its messages
 * with itemMessages.
 */
export function unknownItemReport(
  list: SplitList,
  index: number,
  valueRange: TextRange,
  spec: ListSpec,
  outcome: ItemOutcome,
): Report {
  const item = list.items[index]!;
  if (item.normalized === '') return emptyItemReport(list, index, valueRange, outcome);
  const range = item.range ?? valueRange;
  const written = shown(item.raw.trim());
  const separated = commaSeparated(item, spec);
  if (separated) {
    return {
      range,
      messageId: `${outcome.id}Separators`,
      data: { ...outcome.data, item: written },
      help: `Separate them with commas: ${separated.joined}. Helm separates ${spec.plural} with commas only, not ${separated.separator}. ${outcome.explanation}`,
      fixes: item.range
        ? [
            {
              title: `Separate with commas: ${separated.joined}`,
              safe: true,
              edits: [{ range: item.range, newText: separated.joined }],
            },
          ]
        : [],
    };
  }
  const suggestion = nearest(item.normalized, spec.names);
  const fixes: ReportFix[] = [];
  if (suggestion && item.range) {
    // Only a small typo with a single closest name is sure to be what the user meant.
    const safe = suggestion.unique && suggestion.distance <= 2;
    fixes.push({
      title: `Change to "${suggestion.value}"`,
      safe,
      edits: [{ range: item.range, newText: suggestion.value }],
    });
  }
  const fix = suggestion
    ? `Write "${suggestion.value}", or the ${spec.noun} you meant.`
    : `Write ${article(spec.noun)} ${spec.noun} Helm knows.`;
  return {
    range,
    ...(suggestion
      ? { messageId: `${outcome.id}Misspelled`, data: { ...outcome.data, item: written, suggestion: suggestion.value } }
      : { messageId: `${outcome.id}Unknown`, data: { ...outcome.data, item: written } }),
    help: `${fix} ${outcome.explanation} ${spec.listing}.`,
    fixes,
  };
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? 'an' : 'a';
}

function emptyItemReport(list: SplitList, index: number, valueRange: TextRange, outcome: ItemOutcome): Report {
  const stray = strayComma(list, index);
  if (!stray) {
    return {
      range: valueRange,
      messageId: `${outcome.id}EmptyItem`,
      data: { ...outcome.data },
      help: `Remove the empty item. ${outcome.explanation}`,
    };
  }
  return {
    range: stray.comma,
    messageId: `${outcome.id}StrayComma`,
    data: { ...outcome.data, comma: stray.where },
    help: `Remove the stray comma. ${outcome.explanation}`,
    fixes: [{ title: 'Remove the stray comma', safe: true, edits: [{ range: stray.removal, newText: '' }] }],
  };
}

/** The comma that leaves item `index` empty, and the edit that removes it with the blanks of the empty item. */
function strayComma(
  list: SplitList,
  index: number,
): { comma: TextRange; where: 'leading' | 'trailing' | 'double'; removal: TextRange } | undefined {
  const item = list.items[index]!;
  const isFirst = index === 0;
  const isLast = index === list.items.length - 1;
  // A leading comma is the one after the empty item; a trailing or double comma, the one before it.
  const offset = isFirst ? list.commas[0] : list.commas[index - 1];
  if (offset === undefined || !item.span) return undefined;
  const where = isLast ? 'trailing' : isFirst ? 'leading' : 'double';
  const removal =
    isFirst && !isLast ? { start: item.span.start, end: offset + 1 } : { start: offset, end: item.span.end };
  return { comma: { start: offset, end: offset + 1 }, where, removal };
}

/** Known names written as one item, separated by spaces or `;`, and their comma-separated form. */
function commaSeparated(item: ListItem, spec: ListSpec): { joined: string; separator: string } | undefined {
  const parts = item.normalized.split(/[\s;]+/).filter((part) => part !== '');
  if (parts.length < 2 || !parts.every((part) => spec.isKnown(part))) return undefined;
  return { joined: parts.join(','), separator: item.normalized.includes(';') ? '";"' : 'spaces' };
}

export interface DuplicateItem {
  index: number;
  /** The earlier item with the same name. */
  first: ListItem;
  /** The name both items stand for. */
  name: string;
}

/**
 * Certain items whose name (`nameOf`, undefined for items to ignore) an earlier certain item already has. Two items
 * count only when no `if`/`range`/`with` lies between them, since such a branch may render one without the other.
 */
export function duplicateItems(
  list: SplitList,
  value: ValueModel,
  nameOf: (item: ListItem) => string | undefined,
): DuplicateItem[] {
  const duplicates: DuplicateItem[] = [];
  const seen: { item: ListItem; name: string }[] = [];
  list.items.forEach((item, index) => {
    if (!item.certain) return;
    const name = nameOf(item);
    if (name === undefined) return;
    const earlier = seen.find((candidate) => candidate.name === name && !controlBetween(value, candidate.item, item));
    if (earlier) duplicates.push({ index, first: earlier.item, name });
    else seen.push({ item, name });
  });
  return duplicates;
}

function controlBetween(value: ValueModel, first: ListItem, second: ListItem): boolean {
  if (!first.range || !second.range) return false;
  const start = first.range.end;
  const end = second.range.start;
  return value.actions.some(
    (action) => action.kind === 'control' && action.range.start < end && action.range.end > start,
  );
}

/**
 * The edit that removes item `index` together with the comma before it, so the items around it keep their own
 * separators: `a, b,a` → `a, b`. Undefined when the item or its comma is not located in the text.
 */
export function removeItemEdit(list: SplitList, index: number): { range: TextRange; newText: string } | undefined {
  const item = list.items[index];
  const comma = index > 0 ? list.commas[index - 1] : undefined;
  if (!item?.span || comma === undefined) return undefined;
  return { range: { start: comma, end: item.span.end }, newText: '' };
}

/**
 * The edit that appends `item` after a written list's last item, with the separator the list already uses (a comma
 * when it has one item); undefined when the list's items cannot all be located in the text.
 */
export function appendToListEdit(
  file: TemplateFile,
  value: ValueModel,
  item: string,
): { range: TextRange; newText: string } | undefined {
  const list = splitList(value, file.text);
  const last = [...list.items].reverse().find((candidate) => candidate.normalized !== '');
  if (!last?.range || !list.certain) return undefined;
  const [first, second] = list.items;
  const separator = first?.range && second?.range ? file.text.slice(first.range.end, second.range.start) : ',';
  return { range: { start: last.range.end, end: last.range.end }, newText: `${separator}${item}` };
}
