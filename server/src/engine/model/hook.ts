import type { TemplateAction } from '../template/scanner';
import type { TextRange } from '../core/text';
import type { ValueModel } from './document';
import { goAtoi } from './scalar';

/** Helm's annotation keys (pkg/release/v1/hook.go). */
export const HOOK_KEY = 'helm.sh/hook';
export const WEIGHT_KEY = 'helm.sh/hook-weight';
export const DELETE_POLICY_KEY = 'helm.sh/hook-delete-policy';
export const OUTPUT_LOG_POLICY_KEY = 'helm.sh/hook-output-log-policy';
export const RESOURCE_POLICY_KEY = 'helm.sh/resource-policy';
/** Keys that only mean something on a resource that also has `helm.sh/hook`. */
export const HOOK_ONLY_KEYS = [WEIGHT_KEY, DELETE_POLICY_KEY, OUTPUT_LOG_POLICY_KEY] as const;
export const HOOK_KEYS = [HOOK_KEY, ...HOOK_ONLY_KEYS] as const;
/** Every `helm.sh/` annotation key Helm reads, plus the `helm.sh/chart` labelling convention. */
export const KNOWN_HELM_KEYS = [...HOOK_KEYS, RESOURCE_POLICY_KEY, 'helm.sh/chart'] as const;

/** The nine events of pkg/release/v1/hook.go, in the order Helm's docs list them. */
export const HOOK_EVENTS = [
  'pre-install',
  'post-install',
  'pre-delete',
  'post-delete',
  'pre-upgrade',
  'post-upgrade',
  'pre-rollback',
  'post-rollback',
  'test',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];
/** manifest_sorter.go's events map also accepts `test-success`, kept for Helm 2 charts. */
export const EVENT_ALIASES: Readonly<Record<string, HookEvent>> = { 'test-success': 'test' };
export const DELETE_POLICIES = ['before-hook-creation', 'hook-succeeded', 'hook-failed'] as const;
export const OUTPUT_LOG_POLICIES = ['hook-succeeded', 'hook-failed'] as const;

/** Go's strings.TrimSpace then strings.ToLower, as manifest_sorter.go applies to each comma-separated item. */
export function normalizeItem(item: string): string {
  return item.replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/g, '').toLowerCase();
}

export function eventOf(item: string): HookEvent | undefined {
  const normalized = normalizeItem(item);
  if ((HOOK_EVENTS as readonly string[]).includes(normalized)) return normalized as HookEvent;
  return EVENT_ALIASES[normalized];
}

/** What Helm's parser makes of `helm.sh/hook`: every event, or `dropped` when any item is unknown. */
export function parseHookEvents(value: string): { events: HookEvent[]; dropped: boolean } {
  const events: HookEvent[] = [];
  for (const item of value.split(',')) {
    const event = eventOf(item);
    if (!event) return { events: [], dropped: true };
    events.push(event);
  }
  return { events, dropped: false };
}

/** Helm's calculateHookWeight: strconv.Atoi, and 0 on any error. */
export function parseHookWeight(value: string | undefined): { weight: bigint; valid: boolean } {
  if (value === undefined) return { weight: 0n, valid: true };
  const parsed = goAtoi(value);
  return parsed === undefined ? { weight: 0n, valid: false } : { weight: parsed, valid: true };
}

/** Helm's operateAnnotationValues: split on ",", trim, lower-case, keep everything (unknown and empty items too). */
export function parsePolicyList(value: string): string[] {
  return value.split(',').map(normalizeItem);
}

/** One comma-separated item of an annotation value, located in the user's text when possible. */
export interface ListItem {
  /** The item's text as written, untrimmed. */
  raw: string;
  /** After Go's TrimSpace + ToLower, what Helm compares. */
  normalized: string;
  /** The trimmed item's range in the user's text; for an empty item, the position where it stands. */
  range?: TextRange;
  /** The item's range including surrounding whitespace, from separator to separator. */
  span?: TextRange;
  /** False when a template action lies in or against the item: its rendered text is not known. */
  certain: boolean;
}

export interface SplitList {
  items: ListItem[];
  /** Offsets of the separating commas in the user's text, when located. */
  commas: number[];
  /** Every item is certain. */
  certain: boolean;
}

/**
 * Splits a scalar annotation value on commas, as Helm does, keeping each item's place in the user's text. Items of
 * a templated value are certain only when no action touches them. When the value's text does not map one-to-one
 * onto what Helm reads (escapes, folded lines, a YAML 1.1 bool), items come without ranges.
 */
export function splitList(value: ValueModel, text: string): SplitList {
  const content = contentOf(value, text);
  if (!content) {
    const helmText = value.helmString ?? value.decoded ?? '';
    const certain = !value.templated;
    const items = helmText.split(',').map((raw) => ({ raw, normalized: normalizeItem(raw), certain }));
    return { items, commas: [], certain };
  }
  const items: ListItem[] = [];
  const commas: number[] = [];
  let itemStart = content.start;
  const actions = value.actions;
  const finish = (end: number) => {
    const raw = text.slice(itemStart, end);
    const leading = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    const certain = !actions.some((action) => touches(action, itemStart, end));
    const start = itemStart + leading;
    items.push({
      raw,
      normalized: normalizeItem(raw),
      range: { start, end: start + trimmed.length },
      span: { start: itemStart, end },
      certain,
    });
  };
  let cursor = content.start;
  while (cursor < content.end) {
    const inside = actions.find((action) => action.range.start <= cursor && cursor < action.range.end);
    if (inside) {
      cursor = inside.range.end;
      continue;
    }
    if (text.charCodeAt(cursor) === 44 /* , */) {
      finish(cursor);
      commas.push(cursor);
      itemStart = cursor + 1;
    }
    cursor++;
  }
  finish(content.end);
  return { items, commas, certain: items.every((item) => item.certain) };
}

function touches(action: TemplateAction, start: number, end: number): boolean {
  return action.range.start <= end && action.range.end >= start && action.kind !== 'comment';
}

/**
 * The part of the user's text that holds the scalar's content (inside its quotes), when that text is exactly what
 * Helm reads, character for character, or when it is templated (then actions stand where their output will be).
 */
export function contentOf(value: ValueModel, text: string): TextRange | undefined {
  if (value.kind !== 'scalar' || !value.node) return undefined;
  const { start, end } = value.range;
  const source = text.slice(start, end);
  if (/[\r\n]/.test(source)) return undefined;
  switch (value.style) {
    case 'plain':
      if (!value.templated && value.helmString !== source) return undefined;
      return { start, end };
    case 'double':
      if (outsideActions(value, source, start).includes('\\')) return undefined;
      return { start: start + 1, end: end - 1 };
    case 'single':
      if (outsideActions(value, source.slice(1, -1), start + 1).includes("''")) return undefined;
      return { start: start + 1, end: end - 1 };
    default:
      return undefined;
  }
}

function outsideActions(value: ValueModel, source: string, base: number): string {
  if (!value.templated) return source;
  let result = '';
  for (let i = 0; i < source.length; i++) {
    const offset = base + i;
    if (!value.actions.some((action) => action.range.start <= offset && offset < action.range.end)) result += source[i];
  }
  return result;
}
