/**
 * The evaluator's value domain, modelled on what Go's text/template sees in a Helm render:
 * - `string`, `boolean`, `null` (a nil interface: a missing map key, `nil`, YAML `~`);
 * - `number` is a float64 (every number that comes from values.yaml, which Helm decodes through JSON);
 * - `bigint` is a Go integer (template literals such as `1`, and what `int`, `len`, `add` … return);
 * - arrays are `[]interface{}`, null-prototype objects are `map[string]interface{}`;
 * - `GoObject`s stand for Helm's structs with methods (`.Capabilities`, `.Files`);
 * - `SourcedText` is a string that still knows where each of its pieces came from (what `include` returns);
 * - `UNKNOWN` is a value the evaluator cannot know (cluster state, chance, time, an unsupported function).
 */
import type { ValueOrigin } from './origin';

export type Value = string | number | bigint | boolean | null | Value[] | GoMap | GoObject | SourcedText | Unknown;

export interface GoMap {
  [key: string]: Value;
}

export class Unknown {
  /** `truthy`: the value is not known, but whether `if` takes it is (`and`/`or` decided by a later argument). */
  constructor(
    readonly reason: string,
    readonly truthy?: boolean,
  ) {}
}

/** The one Unknown most code passes around; a specific reason is kept where it helps a later message. */
export const UNKNOWN = new Unknown('unknown');

export function unknown(reason: string): Unknown {
  return new Unknown(reason);
}

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

/** Where a piece of rendered text comes from, in some template file of the chart. */
export interface SourceRef {
  /** The template's path as Helm names it (`mychart/templates/job.yaml`). */
  template: string;
  start: number;
  end: number;
}

/**
 * A run of rendered output. `text` is undefined for an Unknown run: `control` when an unknown condition or range
 * decided what follows (it may hold whole documents), `value` when one action printed a value we cannot know.
 */
export interface Chunk {
  text?: string;
  unknown?: 'value' | 'control';
  reason?: string;
  source?: SourceRef;
  /** The `include`/`template` call sites that led here, outermost first. */
  via?: SourceRef[];
  /** Text `toYaml` wrote for a map or list of `.Values`: where in the values it came from. */
  origin?: ValueOrigin;
}

export class SourcedText {
  constructor(readonly chunks: Chunk[]) {}

  get known(): boolean {
    return this.chunks.every((chunk) => chunk.text !== undefined);
  }

  /** The text, or UNKNOWN when any piece is unknown. */
  flatten(): string | Unknown {
    let text = '';
    for (const chunk of this.chunks) {
      if (chunk.text === undefined) return unknown(chunk.reason ?? 'unknown text');
      text += chunk.text;
    }
    return text;
  }
}

/** A Go struct with fields and methods, as Helm hands some objects to templates. */
export abstract class GoObject {
  abstract readonly typeName: string;
  /** A field or method, or undefined when the struct has none of that name (an error in Go). */
  abstract member(name: string): Value | GoMethod | undefined;
  /** What Go's fmt prints for the struct (its String method, or its fields). */
  abstract print(): string;
  /** For a Go map type with methods (Helm's Files): what range iterates, keys in order. */
  entries?(): Array<[Value, Value]>;
}

export class GoMethod {
  constructor(
    readonly name: string,
    readonly call: (args: Value[]) => Value,
  ) {}
}

export class EvalError extends Error {}

let generation = 0;
/**
 * A map's stamp, kept on the map itself: a weak map of every map made would cost the garbage collector dearly. Not
 * enumerable, so neither copies of the map nor its keys carry it.
 */
const BIRTH = Symbol('birth');

/** A new map, stamped with when it was made (see `bornBefore`). */
export function newMap(): GoMap {
  const map = Object.create(null) as GoMap;
  Object.defineProperty(map, BIRTH, { value: ++generation });
  return map;
}

/** The stamp the next map will be compared with: maps made after this call are newer. */
export function currentGeneration(): number {
  return generation;
}

/** Whether the map existed before the given generation (maps not made by newMap count as old). */
export function bornBefore(map: object, mark: number): boolean {
  return ((map as { [BIRTH]?: number })[BIRTH] ?? 0) <= mark;
}

export function isMap(value: unknown): value is GoMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === null;
}

export function hasKey(map: GoMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/** Turns loaded YAML/JSON data (plain objects, numbers) into values; copies, since templates may mutate maps. */
export function fromData(data: unknown): Value {
  if (data === null || data === undefined) return null;
  if (typeof data === 'string' || typeof data === 'boolean' || typeof data === 'bigint') return data;
  if (typeof data === 'number') return data;
  if (Array.isArray(data)) return data.map(fromData);
  if (data instanceof Map) {
    const map = newMap();
    for (const [key, value] of data) map[String(key)] = fromData(value);
    return map;
  }
  if (data instanceof Date) return data.toISOString();
  if (typeof data === 'object') {
    const map = newMap();
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) map[key] = fromData(value);
    return map;
  }
  return String(data);
}

/** Deep copy of a value (sprig's deepCopy and the per-render copy of values). */
export function deepCopy(value: Value): Value {
  if (Array.isArray(value)) return value.map(deepCopy);
  if (isMap(value)) {
    const map = newMap();
    for (const key of Object.keys(value)) map[key] = deepCopy(value[key]!);
    return map;
  }
  return value;
}

/** A string value, whether plain or sourced; undefined for any other type. Unknown pieces give UNKNOWN. */
export function asString(value: Value): string | Unknown | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof SourcedText) return value.flatten();
  return undefined;
}

/** Replaces sourced text by its plain text (or UNKNOWN), so that functions see ordinary Go values. */
export function plain(value: Value): Value {
  return value instanceof SourcedText ? value.flatten() : value;
}

/** Whether a value contains UNKNOWN anywhere (deep). */
export function containsUnknown(value: Value, seen: Set<object> = new Set()): boolean {
  if (value instanceof Unknown) return true;
  if (value instanceof SourcedText) return !value.known;
  if (typeof value !== 'object' || value === null || value instanceof GoObject) return false;
  if (seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) return value.some((item) => containsUnknown(item, seen));
  return Object.keys(value).some((key) => containsUnknown(value[key]!, seen));
}

/** text/template's isTrue: the zero value of its type, an empty string/collection, or nil is false. */
export function truth(value: Value): boolean | Unknown {
  if (value instanceof Unknown) return value.truthy ?? value;
  if (value instanceof SourcedText) {
    if (value.chunks.some((chunk) => chunk.text !== undefined && chunk.text !== '')) return true;
    const flat = value.flatten();
    return typeof flat === 'string' ? flat !== '' : flat;
  }
  if (value === null) return false;
  if (typeof value === 'string') return value !== '';
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

/** Go's type name of a value, as `%T` and sprig's typeOf print it. */
export function goTypeName(value: Value): string {
  if (value === null) return '<nil>';
  if (typeof value === 'string' || value instanceof SourcedText) return 'string';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return '[]interface {}';
  if (isMap(value)) return 'map[string]interface {}';
  if (value instanceof GoObject) return value.typeName;
  return 'unknown';
}

/** Go's reflect.Kind name (sprig's kindOf / kindIs). */
export function goKindName(value: Value): string {
  if (value === null) return 'invalid';
  if (typeof value === 'string' || value instanceof SourcedText) return 'string';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'slice';
  if (isMap(value)) return 'map';
  return 'struct';
}

/** strconv.FormatFloat(f, 'g', -1, 64), which fmt's %v uses for a float64. */
export function formatFloat64(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  // Go's shortest %g switches to exponent form below 1e-4 and from 1e6 on ("1e+06").
  if (exponent < -4 || exponent >= 6) {
    const magnitude = Math.abs(exponent).toString().padStart(2, '0');
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  // Within that range JS prints the same shortest round-trip digits positionally.
  return String(value);
}

/** fmt's %v of a value, as text/template prints an action's result and fmt.Sprint joins operands. */
export function formatValue(value: Value): string {
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (value instanceof SourcedText) {
    const flat = value.flatten();
    return typeof flat === 'string' ? flat : '';
  }
  if (typeof value === 'number') return formatFloat64(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map((item) => formatValue(item)).join(' ')}]`;
  if (isMap(value)) {
    const keys = Object.keys(value).sort(compareGoStrings);
    return `map[${keys.map((key) => `${key}:${formatValue(value[key]!)}`).join(' ')}]`;
  }
  if (value instanceof GoObject) return value.print();
  return '';
}

/** Byte-wise comparison of UTF-8 strings (Go's string order), which differs from UTF-16 order above U+FFFF only. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ab, bb);
}

/** How text/template prints an action's value: nil prints "<no value>", which Helm then removes. */
export function printAction(value: Value): string {
  if (value === null) return '<no value>';
  return formatValue(value);
}
