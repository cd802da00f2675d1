import { FAILSAFE_SCHEMA, loadAll as loadAllYaml, Type as JsYamlType } from 'js-yaml';
import type { Alias, Document, Node, Scalar } from 'yaml';
import { parseAllDocuments } from 'yaml';
import { isAlias, isMap, isScalar, isSeq } from '../core/yaml-nodes';
import { CacheSlot, activeCache } from '../core/caches';
import { formatGoFloat, resolvePlainScalar } from '../model/scalar';
import type { TextRange } from '../core/text';

/**
 * Values as Helm holds them: what sigs.k8s.io/yaml gives for a YAML document, i.e. go-yaml v2 resolution followed by
 * a JSON round trip. So every number is a float64 (a JS number), map keys are strings, null is null.
 */
export type Values = Record<string, unknown>;

export function isTable(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own keys only, so that a key like `constructor` in values.yaml never reads Object.prototype. */
export function hasKey(table: Values, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/** Assignment that also works for the key `__proto__`, which plain assignment would turn into a prototype change. */
export function setKey(table: Values, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(table, key, { value, writable: true, enumerable: true, configurable: true });
  else table[key] = value;
}

export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => deepCopy(item)) as T;
  if (isTable(value)) {
    const copy: Values = {};
    for (const [key, item] of Object.entries(value)) setKey(copy, key, deepCopy(item));
    return copy as T;
  }
  return value;
}

function shallowCopy(table: Values): Values {
  const copy: Values = {};
  for (const [key, item] of Object.entries(table)) setKey(copy, key, item);
  return copy;
}

export interface ParsedValues {
  values: Values;
  /** Why Helm would refuse this text (`cannot load values.yaml: …`); values are then empty. */
  error?: string;
}

/**
 * Helm's loader.LoadValues: every YAML document of the text must be a mapping (or empty); they are merged in order
 * with MergeMaps.
 */
export function parseValues(text: string): ParsedValues {
  return parseValuesQuickly(text) ?? parseValuesExactly(text);
}

/**
 * A plain scalar as go-yaml v2 resolves it, for js-yaml: every plain scalar that is not a string under Go's rules is
 * constructed by this one type, so js-yaml's own YAML 1.2 resolution never applies.
 */
const GO_PLAIN_SCALAR = new JsYamlType('tag:helm-hooks,2026:go-plain-scalar', {
  kind: 'scalar',
  resolve: (text: string | null) => text !== null && resolvePlainScalar(text).type !== 'string',
  construct: (text: string) => plainValue(text),
});
const QUICK_SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [GO_PLAIN_SCALAR] });

/** An explicit key (`? `), or a flow collection followed by `:`, which may be a key, on a line that is not a comment. */
const COMPLEX_KEY = /^[ \t-]*\?(?:[ \t]|$)|^(?![ \t]*#)[^\n#]*[\]}][ \t]*:(?:[ \t]|$)/m;

/** A structure the quick parse leaves to the exact one. */
class NotQuick extends Error {}

/**
 * Values files are the largest YAML a chart holds (thousands of lines each, with subcharts'), and js-yaml reads them
 * several times faster than the parser that keeps positions. It is used when the text needs nothing but maps, lists
 * and scalars: an alias of a collection, a `<<` merge, an explicit tag, a duplicate key, a list or map as a key, a
 * key that was a number Go would print otherwise, a document that is not a map, or any text js-yaml refuses, is left
 * (undefined) to `parseValuesExactly`.
 */
export function parseValuesQuickly(text: string): ParsedValues | undefined {
  // js-yaml makes text of a key that is a list or map, which Go refuses.
  if (COMPLEX_KEY.test(text)) return undefined;
  let documents: unknown[];
  try {
    documents = loadAllYaml(text, undefined, { schema: QUICK_SCHEMA });
  } catch {
    return undefined;
  }
  let values: Values = {};
  const seen = new Set<object>();
  try {
    for (const document of documents) {
      if (document === null || document === undefined) continue;
      const value = quickValue(document, seen);
      if (!isTable(value)) return undefined;
      values = mergeMaps(values, value);
    }
  } catch (error) {
    if (error instanceof NotQuick) return undefined;
    throw error;
  }
  return { values };
}

/** A copy of js-yaml's output as values, refusing what only the exact parse decodes as Helm does. */
function quickValue(value: unknown, seen: Set<object>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // The same object twice: an alias, which the exact parse expands within its budget.
  if (seen.has(value)) throw new NotQuick();
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => quickValue(item, seen));
  if (Object.getPrototypeOf(value) !== Object.prototype) throw new NotQuick();
  const table: Values = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '<<' || key === '[object Object]' || printedOtherwiseByGo(key)) throw new NotQuick();
    setKey(table, key, quickValue(item, seen));
  }
  return table;
}

/** A key js-yaml printed from a number, that sigs.k8s.io/yaml prints differently (`1e+20`, not `100000000000000000000`). */
function printedOtherwiseByGo(key: string): boolean {
  if (!/^[-+.0-9]/.test(key)) return false;
  const number = Number(key);
  return Number.isFinite(number) && String(number) === key && keyString(number) !== key;
}

/** Helm's loader.LoadValues over the YAML parser that keeps positions, which decodes every construct as go-yaml v2. */
export function parseValuesExactly(text: string): ParsedValues {
  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, { uniqueKeys: false, merge: false, prettyErrors: false }) as Document.Parsed[];
  } catch (error) {
    return { values: {}, error: (error as Error).message };
  }
  if (!Array.isArray(documents)) return { values: {} };
  let values: Values = {};
  for (const document of documents) {
    const problem = document.errors[0];
    if (problem) return { values: {}, error: `error reading yaml document: ${problem.message.split('\n')[0]}` };
    if (document.contents === null) continue;
    let value: unknown;
    try {
      value = toValue(document.contents, { anchors: new Map(), resolving: new Set(), budget: MAX_NODES });
    } catch (error) {
      return { values: {}, error: `cannot unmarshal yaml document: ${(error as Error).message}` };
    }
    if (value === null) continue;
    if (!isTable(value))
      return {
        values: {},
        error: `cannot unmarshal yaml document: a ${Array.isArray(value) ? 'list' : typeof value} is not a mapping`,
      };
    values = mergeMaps(values, value);
  }
  return { values };
}

/** Where a value sits in a values text: the key that holds it and the value's own text. */
export interface ValueLocation {
  keyRange: TextRange;
  valueRange: TextRange;
  /** The value as Helm decodes it, to check that the text still holds what the chart was rendered with. */
  value: unknown;
}

/** Values texts parsed for locateValue, kept in the caches of the run (core/caches.ts): each is asked many paths. */
const PARSED_FOR_LOCATION = new CacheSlot<Document.Parsed[]>('values parsed for locations', {
  maxEntries: 32,
  maxChars: Number.POSITIVE_INFINITY,
});

/**
 * The key at `path` in a values text (the last document that has it, as MergeMaps lets later documents win); undefined
 * when the path is not written there, goes through an alias or a `<<` merge, or the text is not YAML.
 */
export function locateValue(text: string, path: readonly (string | number)[]): ValueLocation | undefined {
  const parsedForLocation = activeCache(PARSED_FOR_LOCATION);
  let documents = parsedForLocation?.get(text);
  if (!documents) {
    try {
      const parsed = parseAllDocuments(text, { uniqueKeys: false, merge: false, prettyErrors: false });
      documents = Array.isArray(parsed) ? (parsed as Document.Parsed[]) : [];
    } catch {
      documents = [];
    }
    parsedForLocation?.set(text, documents);
  }
  if (path.length === 0) return undefined;
  for (let index = documents.length - 1; index >= 0; index--) {
    const document = documents[index]!;
    if (document.errors.length > 0) return undefined;
    const found = locateIn(document.contents as Node | null, path);
    if (found) {
      // A block collection runs through its last line break; the value ends at its last character.
      found.valueRange.end =
        found.valueRange.start + text.slice(found.valueRange.start, found.valueRange.end).trimEnd().length;
      return found;
    }
  }
  return undefined;
}

function locateIn(root: Node | null, path: readonly (string | number)[]): ValueLocation | undefined {
  let node: Node | null = root;
  let keyNode: Node | null = null;
  for (const part of path) {
    if (node === null || isAlias(node)) return undefined;
    if (typeof part === 'number') {
      if (!isSeq(node)) return undefined;
      const item = node.items[part] as Node | undefined;
      if (item === undefined) return undefined;
      keyNode = item;
      node = item;
      continue;
    }
    if (!isMap(node)) return undefined;
    let match: { key: Node; value: Node | null } | undefined;
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      if (key === null || !isScalar(key)) continue;
      if (key.type === 'PLAIN' && !key.tag && key.source === '<<') return undefined;
      let name: string;
      try {
        name = keyString(scalarValue(key));
      } catch {
        continue;
      }
      // Duplicate keys: the last one wins.
      if (name === part) match = { key, value: pair.value as Node | null };
    }
    if (!match) return undefined;
    keyNode = match.key;
    node = match.value;
  }
  if (!keyNode?.range) return undefined;
  const keyRange = { start: keyNode.range[0], end: keyNode.range[1] };
  if (node === null || !node.range)
    return { keyRange, valueRange: { start: keyRange.end, end: keyRange.end }, value: null };
  let value: unknown;
  try {
    value = toValue(node, { anchors: new Map(), resolving: new Set(), budget: MAX_NODES });
  } catch {
    return undefined;
  }
  return { keyRange, valueRange: { start: node.range[0], end: node.range[1] }, value };
}

/** Aliases expand into copies; a bound on the nodes built stops a "billion laughs" document. */
const MAX_NODES = 1_000_000;

interface Walk {
  /** Anchors seen so far in document order, so an alias finds the latest definition before it. */
  anchors: Map<string, Node>;
  resolving: Set<Node>;
  budget: number;
}

function toValue(node: Node, walk: Walk): unknown {
  if (--walk.budget < 0) throw new Error('document expands to too many values (aliases)');
  if (isAlias(node)) return aliasValue(node, walk);
  const anchor = (node as { anchor?: string }).anchor;
  if (anchor) walk.anchors.set(anchor, node);
  if (isScalar(node)) return scalarValue(node);
  if (isSeq(node)) return node.items.map((item) => toValue(item as Node, walk));
  if (isMap(node)) {
    const table: Values = {};
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const valueNode = pair.value as Node | null;
      const value = valueNode === null ? null : toValue(valueNode, walk);
      if (
        keyNode !== null &&
        isScalar(keyNode) &&
        keyNode.type === 'PLAIN' &&
        !keyNode.tag &&
        keyNode.source === '<<'
      ) {
        mergeInto(table, value);
        continue;
      }
      setKey(table, keyString(keyNode === null ? null : toValue(keyNode, walk)), value);
    }
    return table;
  }
  return null;
}

function aliasValue(alias: Alias, walk: Walk): unknown {
  const target = walk.anchors.get(alias.source);
  if (!target) throw new Error(`unknown anchor ${alias.source}`);
  if (walk.resolving.has(target)) throw new Error(`anchor ${alias.source} refers to itself`);
  walk.resolving.add(target);
  try {
    return toValue(target, walk);
  } finally {
    walk.resolving.delete(target);
  }
}

/** go-yaml v2 applies a `<<` merge where it stands: its keys overwrite those before it; a list merges its first item last. */
function mergeInto(table: Values, merged: unknown): void {
  const sources = Array.isArray(merged) ? [...merged].reverse() : [merged];
  for (const source of sources) {
    if (!isTable(source)) throw new Error('map merge requires map or sequence of maps as the value');
    for (const [key, value] of Object.entries(source)) setKey(table, key, value);
  }
}

function scalarValue(node: Scalar): unknown {
  const value = node.value;
  const tag = node.tag;
  if (node.type === 'PLAIN' && (!tag || tag === '?')) {
    const text = node.source ?? String(value ?? '');
    return plainValue(text);
  }
  const text = typeof value === 'string' ? value : String(value ?? '');
  switch (tag) {
    case 'tag:yaml.org,2002:null':
      return null;
    case 'tag:yaml.org,2002:bool':
    case 'tag:yaml.org,2002:int':
    case 'tag:yaml.org,2002:float': {
      const resolved = plainValue(text);
      if (typeof resolved === 'string') throw new Error(`cannot decode !!${tag.split(':').pop()} \`${text}\``);
      return resolved;
    }
    default:
      // Quoted and block scalars are strings, and so are !!str and unknown tags.
      return text;
  }
}

function plainValue(text: string): unknown {
  const resolved = resolvePlainScalar(text);
  switch (resolved.type) {
    case 'null':
      return null;
    case 'bool':
      return resolved.bool!;
    case 'int':
      return Number(resolved.int!);
    case 'float':
      return resolved.float!;
    default:
      return text;
  }
}

/** sigs.k8s.io/yaml turns a non-string key into text: ints in decimal, floats as float32 'g', bools as true/false. */
function keyString(key: unknown): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number')
    return Number.isInteger(key) && Math.abs(key) < 2 ** 63 ? BigInt(key).toString() : formatGoFloat(key);
  if (key === null) return 'null';
  if (typeof key === 'boolean') return String(key);
  throw new Error('a mapping or list cannot be a key');
}

/** loader.MergeMaps: b over a; nested maps merged; nulls kept (they delete keys later, in coalescing). */
export function mergeMaps(a: Values, b: Values): Values {
  const out = shallowCopy(a);
  for (const [key, value] of Object.entries(b)) {
    const existing = hasKey(out, key) ? out[key] : undefined;
    if (isTable(value) && isTable(existing)) setKey(out, key, mergeMaps(existing, value));
    else setKey(out, key, value);
  }
  return out;
}

/** Values.Table: a dotted path of tables, or undefined (Helm's ErrNoTable). */
export function table(values: Values, path: string): Values | undefined {
  let current: Values = values;
  for (const part of path.split('.')) {
    const next = hasKey(current, part) ? current[part] : undefined;
    if (!isTable(next)) return undefined;
    current = next;
  }
  return current;
}

/** Values.PathValue: the non-table value at a dotted path; `found: false` where Helm says ErrNoValue. */
export function pathValue(values: Values, path: string): { found: boolean; value?: unknown } {
  if (path === '') return { found: false };
  const parts = path.split('.');
  const key = parts.pop()!;
  const holder = parts.length === 0 ? values : table(values, parts.join('.'));
  if (!holder || !hasKey(holder, key) || isTable(holder[key])) return { found: false };
  return { found: true, value: holder[key] };
}

/** The part of Helm's chart that coalescing reads: its name, its own values and its (enabled) dependencies. */
export interface CoalescingChart {
  name: string;
  values: Values;
  dependencies: CoalescingChart[];
}

/** Something Helm logs as a warning while coalescing (`fatal` false), or the error that makes it stop. */
export type CoalesceReport = (message: string, fatal: boolean) => void;

/**
 * util.CoalesceValues: the user's values over the chart's defaults, nulls deleting keys, each subchart's section
 * coalesced with its own defaults and the parent's globals. Returns a new object; the inputs are not changed.
 */
export function coalesceValues(chart: CoalescingChart, user: Values, report: CoalesceReport = () => {}): Values {
  return coalesce(chart, deepCopy(user), '', false, report);
}

/** util.MergeValues: as coalesceValues, but nulls are kept. */
export function mergeValues(chart: CoalescingChart, user: Values, report: CoalesceReport = () => {}): Values {
  return coalesce(chart, deepCopy(user), '', true, report);
}

function concatPrefix(a: string, b: string): string {
  return a === '' ? b : `${a}.${b}`;
}

function coalesce(
  chart: CoalescingChart,
  dest: Values,
  prefix: string,
  merge: boolean,
  report: CoalesceReport,
): Values {
  coalesceChartValues(chart, dest, prefix, merge, report);
  return coalesceDependencies(chart, dest, prefix, merge, report);
}

function coalesceDependencies(
  chart: CoalescingChart,
  dest: Values,
  prefix: string,
  merge: boolean,
  report: CoalesceReport,
): Values {
  for (const sub of chart.dependencies) {
    if (!hasKey(dest, sub.name)) setKey(dest, sub.name, {});
    const section = dest[sub.name];
    if (!isTable(section)) {
      // Helm stops here with "type mismatch on <name>"; the remaining subcharts get no values from it.
      report(`type mismatch on ${sub.name}: the values for subchart ${sub.name} are not a mapping`, true);
      return dest;
    }
    const subPrefix = concatPrefix(prefix, chart.name);
    coalesceGlobals(section, dest, subPrefix, report);
    setKey(dest, sub.name, coalesce(sub, section, subPrefix, merge, report));
  }
  return dest;
}

const GLOBAL = 'global';

function coalesceGlobals(dest: Values, src: Values, prefix: string, report: CoalesceReport): void {
  let destGlobals: Values;
  let srcGlobals: Values;
  if (!hasKey(dest, GLOBAL)) destGlobals = {};
  else if (isTable(dest[GLOBAL])) destGlobals = dest[GLOBAL];
  else {
    report(`skipping globals because destination ${GLOBAL} is not a table`, false);
    return;
  }
  if (!hasKey(src, GLOBAL)) srcGlobals = {};
  else if (isTable(src[GLOBAL])) srcGlobals = src[GLOBAL];
  else {
    report(`skipping globals because source ${GLOBAL} is not a table`, false);
    return;
  }
  for (const [key, value] of Object.entries(srcGlobals)) {
    const existing = hasKey(destGlobals, key) ? destGlobals[key] : undefined;
    if (isTable(value)) {
      // A shallow copy, as Helm's copyMap: nested tables stay shared with the parent's globals.
      const copy = shallowCopy(value);
      if (!hasKey(destGlobals, key)) setKey(destGlobals, key, copy);
      else if (!isTable(existing)) report(`cannot merge map onto non-map for "${key}"`, false);
      else {
        coalesceTables(copy, existing, concatPrefix(prefix, key), true, report);
        setKey(destGlobals, key, copy);
      }
    } else if (isTable(existing)) {
      report(`key ${key} is table, skipping`, false);
    } else {
      setKey(destGlobals, key, value);
    }
  }
  setKey(dest, GLOBAL, destGlobals);
}

function coalesceChartValues(
  chart: CoalescingChart,
  user: Values,
  prefix: string,
  merge: boolean,
  report: CoalesceReport,
): void {
  const subPrefix = concatPrefix(prefix, chart.name);
  const defaults = deepCopy(chart.values);
  for (const [key, value] of Object.entries(defaults)) {
    if (!hasKey(user, key)) {
      setKey(user, key, value);
      continue;
    }
    const userValue = user[key];
    if (userValue === null && !merge) {
      delete user[key];
    } else if (isTable(userValue)) {
      if (!isTable(value)) {
        if (value !== null) report(`skipped value for ${subPrefix}.${key}: Not a table.`, false);
      } else {
        const mergeHere = chart.dependencies.some((sub) => sub.name === key) || merge;
        coalesceTables(userValue, value, concatPrefix(subPrefix, key), mergeHere, report);
      }
    }
  }
}

/** coalesceTablesFullKey: src under dst, dst authoritative; `src` is changed, as in Helm. */
export function coalesceTables(
  dst: Values,
  src: Values,
  prefix: string,
  merge: boolean,
  report: CoalesceReport = () => {},
): Values {
  const srcOriginalNonNull = new Set(Object.keys(src).filter((key) => src[key] !== null));
  for (const [key, value] of Object.entries(dst)) {
    if (value === null) setKey(src, key, null);
  }
  for (const [key, value] of Object.entries(src)) {
    const fullKey = concatPrefix(prefix, key);
    const present = hasKey(dst, key);
    const existing = present ? dst[key] : undefined;
    if (present && !merge && existing === null && srcOriginalNonNull.has(key)) {
      delete dst[key];
    } else if (!present) {
      setKey(dst, key, value);
    } else if (isTable(value)) {
      if (isTable(existing)) coalesceTables(existing, value, fullKey, merge, report);
      else report(`cannot overwrite table with non table for ${fullKey}`, false);
    } else if (isTable(existing) && value !== null) {
      report(`destination for ${fullKey} is a table. Ignoring non-table value`, false);
    }
  }
  return dst;
}
