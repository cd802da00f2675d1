import type { TemplateFile } from '../analysis/file';
import {
  DELETE_POLICY_FACTS,
  EVENT_FACTS,
  KEY_FACTS,
  OUTPUT_LOG_POLICY_FACTS,
  RESOURCE_POLICY_VALUES,
} from '../core/helm-facts';
import type { HookEvent } from '../model/hook';
import {
  DELETE_POLICIES,
  DELETE_POLICY_KEY,
  eventOf,
  HOOK_EVENTS,
  HOOK_KEY,
  normalizeItem,
  OUTPUT_LOG_POLICIES,
  OUTPUT_LOG_POLICY_KEY,
  RESOURCE_POLICY_KEY,
  WEIGHT_KEY,
} from '../model/hook';
import type { TextRange } from '../core/text';

export type CompletionKind = 'key' | 'event' | 'policy' | 'weight';

export interface EngineCompletion {
  label: string;
  kind: CompletionKind;
  /** Replaces `range` in the user's text. */
  edit: { range: TextRange; newText: string };
  detail?: string;
  documentation?: string;
  /** Keeps the list in a meaningful order (weights ascending, events as Helm lists them). */
  sortText: string;
}

/** The annotation keys offered, in the order they are usually written. */
const KEYS = [HOOK_KEY, WEIGHT_KEY, DELETE_POLICY_KEY, OUTPUT_LOG_POLICY_KEY, RESOURCE_POLICY_KEY] as const;

interface Line {
  index: number;
  start: number;
  /** The masked text of the line: template actions neutralised, so that structure reads as YAML. */
  masked: string;
  indent: number;
  /** No YAML on the line (blank, a comment, or template control only). */
  empty: boolean;
}

/**
 * Completion at `offset`, working line by line so that it also works on a half-typed file the YAML parser rejects:
 * `helm.sh/` keys inside the object's own `metadata.annotations`, and values of Helm's keys wherever they are written.
 * `weightsInUse` are the weights the chart's hooks (this file's included) run with, from the chart's order.
 */
/** A hook of the chart's order that runs in `event` with a known weight; `file` is its absolute path, `line` 1-based. */
export interface WeightInUse {
  event: HookEvent;
  weight: bigint;
  name?: string;
  kind?: string;
  file: string;
  line: number;
}

export function complete(
  file: TemplateFile,
  offset: number,
  weightsInUse: readonly WeightInUse[] = [],
): EngineCompletion[] {
  if (offset < 0 || offset > file.text.length) return [];
  if (file.scan.actions.some((action) => action.range.start < offset && offset < action.range.end)) return [];
  const lineIndex = file.lines.position(offset).line;
  const lineStart = file.lines.lineStart(lineIndex);
  const lineText = file.text.slice(lineStart, file.lines.lineEnd(lineIndex));
  const column = offset - lineStart;
  const before = lineText.slice(0, column);

  const keyTyped = /^(\s*)["']?[A-Za-z0-9._/-]*$/.exec(before);
  if (keyTyped) return completeKey(file, lineIndex, lineStart, lineText, keyTyped[1]!.length, column);

  const valueTyped = keyBefore(before);
  if (valueTyped)
    return completeValue(
      file,
      lineIndex,
      lineStart,
      lineText,
      valueTyped.key,
      valueTyped.colonEnd,
      column,
      offset,
      weightsInUse,
    );
  return [];
}

/** Whether completion at `offset` is in a `helm.sh/hook-weight` value: its weights come from the chart's order. */
export function completesWeight(file: TemplateFile, offset: number): boolean {
  const lineStart = file.lines.lineStart(file.lines.position(offset).line);
  return keyBefore(file.text.slice(lineStart, offset))?.key === WEIGHT_KEY;
}

/**
 * The mapping key a line starts with, plain, double- or single-quoted, decoded as YAML reads it; `colonEnd` is the
 * offset just after its colon. Undefined when the line holds no key, or a quoted key with an escape YAML rejects.
 */
function keyBefore(text: string): { key: string; colonEnd: number } | undefined {
  // A plain key is spaces then one character, repeated: one way to match it, so a long line that is no key fails fast.
  const match = /^\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s:#'"](?:\s*[^\s:#])*))\s*:/.exec(text);
  if (!match) return undefined;
  const [whole, doubleQuoted, singleQuoted, plain] = match;
  if (singleQuoted !== undefined) return { key: singleQuoted.replace(/''/g, "'"), colonEnd: whole.length };
  if (plain !== undefined) return { key: plain, colonEnd: whole.length };
  // YAML's double-quoted escapes that a key could hold (\", \\, \/, \uXXXX) are JSON's.
  try {
    return { key: JSON.parse(`"${doubleQuoted!}"`) as string, colonEnd: whole.length };
  } catch {
    return undefined;
  }
}

function lineAt(file: TemplateFile, index: number): Line {
  const start = file.lines.lineStart(index);
  const masked = file.scan.masked.slice(start, file.lines.lineEnd(index));
  const trimmed = masked.trim();
  return {
    index,
    start,
    masked,
    indent: masked.length - masked.trimStart().length,
    empty: trimmed === '' || trimmed.startsWith('#'),
  };
}

function isDocumentBoundary(line: Line): boolean {
  return line.indent === 0 && /^(---|\.\.\.)(\s|$)/.test(line.masked);
}

/** The nearest line above with YAML on it and less indentation: the key that opens this line's block. */
function parentOf(file: TemplateFile, index: number, indent: number): Line | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const line = lineAt(file, i);
    if (isDocumentBoundary(line)) return undefined;
    if (line.empty) continue;
    if (line.indent < indent) return line;
  }
  return undefined;
}

/** The key of a line that holds one (a colon then a space or the line's end), and where its value starts. */
function entryOf(line: Line): { key: string; colonEnd: number } | undefined {
  const found = keyBefore(line.masked);
  return found && /^(\s|$)/.test(line.masked.slice(found.colonEnd)) ? found : undefined;
}

function keyOf(line: Line): string | undefined {
  return entryOf(line)?.key;
}

/** Whether a line at `indent` under `index` sits directly in the object's own `metadata.annotations`. */
function inObjectAnnotations(file: TemplateFile, index: number, indent: number): boolean {
  const annotations = parentOf(file, index, indent);
  if (!annotations || keyOf(annotations) !== 'annotations' || !/:\s*(#.*)?$/.test(annotations.masked)) return false;
  const metadata = parentOf(file, annotations.index, annotations.indent);
  if (!metadata || keyOf(metadata) !== 'metadata') return false;
  return metadata.indent === 0 && parentOf(file, metadata.index, metadata.indent) === undefined;
}

/** Key → value text of the entries at the same indentation in the same block. */
function siblings(file: TemplateFile, index: number, indent: number): Map<string, { line: number; value: string }> {
  const result = new Map<string, { line: number; value: string }>();
  const visit = (i: number): boolean => {
    const line = lineAt(file, i);
    if (isDocumentBoundary(line)) return false;
    if (line.empty) return true;
    if (line.indent < indent) return false;
    if (line.indent === indent && i !== index) {
      const entry = entryOf(line);
      if (entry)
        result.set(entry.key, {
          line: i,
          value: file.text.slice(line.start + entry.colonEnd, line.start + line.masked.length).trim(),
        });
    }
    return true;
  };
  for (let i = index - 1; i >= 0 && visit(i); i--);
  for (let i = index + 1; i < file.lines.lineCount && visit(i); i++);
  return result;
}

/**
 * Keys in the quotes the user opened: the edit replaces the key's name and closing quote, keeping the opening quote so
 * that what is typed after it filters the list; with the cursor before the opening quote, it replaces the key whole.
 */
function completeKey(
  file: TemplateFile,
  index: number,
  lineStart: number,
  lineText: string,
  indent: number,
  column: number,
): EngineCompletion[] {
  if (!inObjectAnnotations(file, index, indent)) return [];
  const written = /^(["']?)[A-Za-z0-9._/-]*/.exec(lineText.slice(indent))!;
  const quote = written[1]!;
  const nameEnd = indent + written[0].length;
  const keyEnd = quote !== '' && lineText[nameEnd] === quote ? nameEnd + 1 : nameEnd;
  const hasColon = /^\s*:/.test(lineText.slice(keyEnd));
  const beforeQuote = column === indent && quote !== '';
  const present = siblings(file, index, indent);
  const range = { start: lineStart + (beforeQuote ? indent : indent + quote.length), end: lineStart + keyEnd };
  return KEYS.filter((key) => !present.has(key)).map((key, order) => ({
    label: key,
    kind: 'key',
    edit: { range, newText: `${beforeQuote ? quote : ''}${key}${quote}${hasColon ? '' : ': '}` },
    documentation: KEY_FACTS[key]!,
    sortText: String(order),
  }));
}

/** The range of a value's content: inside its quotes, or the plain text up to a comment. */
function valueContent(
  lineText: string,
  valueStart: number,
): { start: number; end: number; quote?: string; close?: number } {
  let start = valueStart;
  while (start < lineText.length && (lineText[start] === ' ' || lineText[start] === '\t')) start++;
  const quote = lineText[start];
  if (quote === '"' || quote === "'") {
    const close = lineText.indexOf(quote, start + 1);
    return close < 0
      ? { start: start + 1, end: lineText.length, quote }
      : { start: start + 1, end: close, quote, close };
  }
  const comment = /\s#/.exec(lineText.slice(start));
  const end = comment ? start + comment.index : lineText.length;
  return { start, end: start + lineText.slice(start, end).trimEnd().length };
}

function completeValue(
  file: TemplateFile,
  index: number,
  lineStart: number,
  lineText: string,
  key: string,
  valueStart: number,
  column: number,
  offset: number,
  weightsInUse: readonly WeightInUse[],
): EngineCompletion[] {
  const content = valueContent(lineText, valueStart);
  if (content.close !== undefined && column > content.close) return [];
  if (column < content.start && content.quote) return [];
  const needsSpace =
    column === valueStart && content.start === content.end && !/\s/.test(lineText[valueStart - 1] ?? '');
  switch (key) {
    case HOOK_KEY:
      return completeList(lineStart, lineText, content, column, HOOK_EVENTS, EVENT_FACTS, 'event', needsSpace);
    case DELETE_POLICY_KEY:
      return completeList(
        lineStart,
        lineText,
        content,
        column,
        DELETE_POLICIES,
        DELETE_POLICY_FACTS,
        'policy',
        needsSpace,
      );
    case OUTPUT_LOG_POLICY_KEY:
      return completeList(
        lineStart,
        lineText,
        content,
        column,
        OUTPUT_LOG_POLICIES,
        OUTPUT_LOG_POLICY_FACTS,
        'policy',
        needsSpace,
      );
    case RESOURCE_POLICY_KEY:
      return completeList(lineStart, lineText, content, column, ['keep'], RESOURCE_POLICY_VALUES, 'policy', needsSpace);
    case WEIGHT_KEY:
      return completeWeight(file, index, lineStart, lineText, valueStart, offset, weightsInUse, needsSpace);
    default:
      return [];
  }
}

/**
 * Comma-aware: completes the item under the cursor, offering only values no other item already holds. In a value
 * whose quote is not closed yet, the last item closes it, so that the line is YAML again.
 */
function completeList(
  lineStart: number,
  lineText: string,
  content: { start: number; end: number; quote?: string; close?: number },
  column: number,
  values: readonly string[],
  facts: Readonly<Record<string, string>>,
  kind: CompletionKind,
  needsSpace: boolean,
): EngineCompletion[] {
  const text = lineText.slice(content.start, content.end);
  if (text.includes('{{')) return [];
  const at = Math.max(0, Math.min(column, content.end) - content.start);
  const itemStart = at === 0 ? 0 : text.lastIndexOf(',', at - 1) + 1;
  const nextComma = text.indexOf(',', at);
  const itemEnd = nextComma < 0 ? text.length : nextComma;
  const raw = text.slice(itemStart, itemEnd);
  const leading = raw.length - raw.trimStart().length;
  const trimmed = raw.trim();
  const others = new Set<string>();
  let position = 0;
  for (const item of text.split(',')) {
    if (position !== itemStart) others.add(normalizeAlias(item, kind));
    position += item.length + 1;
  }
  const start = trimmed === '' ? content.start + Math.max(at, itemStart) : content.start + itemStart + leading;
  const end = trimmed === '' ? start : start + trimmed.length;
  // In a list, the user's space after a comma is kept; a first value typed right after the colon gets one.
  const prefix = needsSpace ? ' ' : '';
  const closing = content.quote !== undefined && content.close === undefined && nextComma < 0 ? content.quote : '';
  return values
    .filter((value) => !others.has(value))
    .map((value, order) => ({
      label: value,
      kind,
      edit: { range: { start: lineStart + start, end: lineStart + end }, newText: prefix + value + closing },
      documentation: facts[value] ?? '',
      sortText: String(order).padStart(2, '0'),
    }));
}

function normalizeAlias(item: string, kind: CompletionKind): string {
  return kind === 'event' ? (eventOf(item) ?? normalizeItem(item)) : normalizeItem(item);
}

/**
 * Weights are offered quoted, as Kubernetes needs: those the chart's other hooks of the same events already use, and
 * one before the first and one after the last, so the user can place the hook among them.
 */
function completeWeight(
  file: TemplateFile,
  index: number,
  lineStart: number,
  lineText: string,
  valueStart: number,
  offset: number,
  weightsInUse: readonly WeightInUse[],
  needsSpace: boolean,
): EngineCompletion[] {
  const valueText = lineText.slice(valueStart);
  if (valueText.includes('{{')) return [];
  const indent = lineText.length - lineText.trimStart().length;
  const hookValue = siblings(file, index, indent).get(HOOK_KEY)?.value ?? '';
  const events = new Set<HookEvent>();
  for (const item of unquote(hookValue).split(',')) {
    const event = eventOf(item);
    if (event) events.add(event);
  }
  const document = file.model.documents.find((doc) => doc.range.start <= offset && offset <= doc.range.end);
  const inThisDocument = (hook: WeightInUse) =>
    !!document &&
    hook.file === file.path &&
    hook.line >= file.lines.position(document.range.start).line + 1 &&
    hook.line <= file.lines.position(document.range.end).line + 1;
  // One entry per hook: a hook of two of the events is listed once.
  const others = new Map<string, WeightInUse>();
  for (const hook of weightsInUse)
    if (events.has(hook.event) && !inThisDocument(hook)) others.set(`${hook.file}\0${hook.line}\0${hook.name}`, hook);
  const content = valueContent(lineText, valueStart);
  const valueEnd = content.close !== undefined ? content.close + 1 : content.end;
  const valueFrom = content.quote ? content.start - 1 : content.start;
  const range = { start: lineStart + Math.min(valueFrom, valueEnd), end: lineStart + valueEnd };
  const prefix = needsSpace ? ' ' : '';
  // In the quotes the user opened, single ones too: the label must start as the typed text does to pass the filter.
  const quote = content.quote ?? '"';
  const eventList = [...events].join(', ');
  const byWeight = new Map<bigint, WeightInUse[]>();
  for (const hook of others.values()) byWeight.set(hook.weight, [...(byWeight.get(hook.weight) ?? []), hook]);
  const weights = [...byWeight.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const item = (weight: bigint, detail: string): EngineCompletion => ({
    label: `${quote}${weight}${quote}`,
    kind: 'weight',
    edit: { range, newText: `${prefix}${quote}${weight}${quote}` },
    detail,
    documentation: KEY_FACTS[WEIGHT_KEY]!,
    sortText: '',
  });
  const items: EngineCompletion[] = [];
  if (weights.length === 0) {
    items.push(
      item(0n, events.size > 0 ? `no other ${eventList} hook yet; 0 is the default` : '0 is the default weight'),
    );
  } else {
    const names = (hooks: WeightInUse[]) => hooks.map((hook) => hook.name ?? hook.kind ?? 'unnamed').join(', ');
    items.push(item(weights[0]! - 1n, `runs before every other ${eventList} hook`));
    for (const weight of weights)
      items.push(item(weight, `same weight as ${names(byWeight.get(weight)!)}: the name decides the order`));
    items.push(item(weights[weights.length - 1]! + 1n, `runs after every other ${eventList} hook`));
  }
  return items.map((entry, order) => ({ ...entry, sortText: String(order).padStart(3, '0') }));
}

function unquote(value: string): string {
  const trimmed = value.replace(/\s#.*$/, '').trim();
  if ((trimmed.startsWith('"') && trimmed.endsWith('"')) || (trimmed.startsWith("'") && trimmed.endsWith("'")))
    return trimmed.slice(1, -1);
  return trimmed;
}
