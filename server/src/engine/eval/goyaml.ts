import type { DocumentOptions, ParseOptions, SchemaOptions, Tags, ToJSOptions, Node as YamlNode } from 'yaml';
import { parseDocument } from 'yaml';
import { isMap as isYamlMap, isSeq as isYamlSeq, isScalar as isYamlScalar } from '../core/yaml-nodes';
import { resolvePlainScalar } from '../model/scalar';
import { CacheSlot, activeCache } from '../core/caches';
import type { Value } from './value';
import { GoObject, SourcedText, Unknown, compareGoStrings, formatFloat64, isMap, newMap, unknown } from './value';

/**
 * Helm's toYaml, toJson and fromYaml. toYaml is sigs.k8s.io/yaml's Marshal: the value goes through encoding/json
 * (so map keys become strings, integral floats become integers) and is then written by go-yaml v2's emitter: block
 * style, keys in go-yaml's natural order, sequences inside mappings not indented, strings plain when they read back
 * as strings, single- or double-quoted otherwise, multi-line strings as literal blocks, long lines folded at column 80.
 */

/** A value after an encoding/json round trip, as go-yaml v2 sees it. */
type JsonValue = null | boolean | string | { int: bigint } | { float: number } | JsonValue[] | Map<string, JsonValue>;

class NotSerializable extends Error {}

function toJsonValue(value: Value, depth = 0): JsonValue {
  if (depth > 1000) throw new NotSerializable('too deep');
  if (value instanceof Unknown) throw value;
  if (value instanceof SourcedText) {
    const flat = value.flatten();
    if (flat instanceof Unknown) throw flat;
    return flat;
  }
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return { int: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotSerializable('unsupported value');
    // encoding/json writes an integral float below 1e21 without fraction or exponent; go-yaml reads it as an int.
    if (Number.isInteger(value) && Math.abs(value) < 1e21) return { int: BigInt(value) };
    return { float: value };
  }
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item, depth + 1));
  if (isMap(value)) {
    const map = new Map<string, JsonValue>();
    for (const key of Object.keys(value).sort(compareGoStrings)) map.set(key, toJsonValue(value[key]!, depth + 1));
    return map;
  }
  if (value instanceof GoObject) throw unknown(`${value.typeName} cannot be serialized here`);
  throw new NotSerializable('unsupported value');
}

/** Helm's toYaml: the YAML text without its final newline; "" when encoding fails; Unknown when anything is. */
export function toYaml(value: Value): string | Unknown {
  let json: JsonValue;
  try {
    json = toJsonValue(value);
  } catch (error) {
    if (error instanceof Unknown) return error;
    if (error instanceof NotSerializable) return '';
    throw error;
  }
  const emitter = new YamlEmitter();
  emitter.document(json);
  return emitter.output.replace(/\n$/, '');
}

// ---------------------------------------------------------------------------------------------------------------
// encoding/json

/** Helm's toJson (json.Marshal, HTML-safe escaping); "" on error. */
export function toJson(value: Value, pretty = false, escapeHtml = true): string | Unknown {
  let json: JsonValue;
  try {
    json = toJsonValue(value);
  } catch (error) {
    if (error instanceof Unknown) return error;
    if (error instanceof NotSerializable) return '';
    throw error;
  }
  return writeJson(json, escapeHtml, pretty ? '' : undefined);
}

function writeJson(value: JsonValue, escapeHtml: boolean, indent: string | undefined): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return jsonString(value, escapeHtml);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (indent === undefined) return `[${value.map((item) => writeJson(item, escapeHtml, undefined)).join(',')}]`;
    const inner = `${indent}  `;
    return `[\n${value.map((item) => inner + writeJson(item, escapeHtml, inner)).join(',\n')}\n${indent}]`;
  }
  if (value instanceof Map) {
    if (value.size === 0) return '{}';
    const entries = [...value];
    if (indent === undefined)
      return `{${entries.map(([key, item]) => `${jsonString(key, escapeHtml)}:${writeJson(item, escapeHtml, undefined)}`).join(',')}}`;
    const inner = `${indent}  `;
    return `{\n${entries.map(([key, item]) => `${inner}${jsonString(key, escapeHtml)}: ${writeJson(item, escapeHtml, inner)}`).join(',\n')}\n${indent}}`;
  }
  if ('int' in value) return value.int.toString();
  return jsonFloat(value.float);
}

/** encoding/json's float64: positional from 1e-6 to below 1e21, else exponent without a leading zero (1e-7). */
function jsonFloat(value: number): string {
  // JavaScript's Number-to-String uses the same shortest digits and the same two thresholds.
  return String(value).replace(/e([+-])(\d)$/, 'e$1$2');
}

export function jsonString(text: string, escapeHtml: boolean): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (code < 0x20) {
      out +=
        char === '\n'
          ? '\\n'
          : char === '\r'
            ? '\\r'
            : char === '\t'
              ? '\\t'
              : `\\u00${code.toString(16).padStart(2, '0')}`;
    } else if (escapeHtml && (char === '<' || char === '>' || char === '&')) out += `\\u00${code.toString(16)}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else out += char;
  }
  return `${out}"`;
}

// ---------------------------------------------------------------------------------------------------------------
// go-yaml v2 emitter

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

/** go-yaml v2's keyList.Less: letters after non-letters, runs of digits compared as numbers. */
export function compareYamlKeys(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  const isLetter = (char: string) => /\p{L}/u.test(char);
  const isDigit = (char: string | undefined) => char !== undefined && /\p{Nd}/u.test(char);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! - br[i]!.codePointAt(0)!;
    if (al || bl) return bl ? -1 : 1;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(Number(ar[ai]));
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(Number(br[bi]));
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai - bi;
    return ar[i]!.codePointAt(0)! - br[i]!.codePointAt(0)!;
  }
  return ar.length - br.length;
}

/** go-yaml v2's isBase60Float */
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
/** go-yaml v2 resolves these plain scalars to timestamps when decoding, so it quotes them when encoding. */
const TIMESTAMP = [
  /^\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d{2}:\d{2}(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}(?::\d{2})?))?$/,
  /^\d{4}-\d{1,2}-\d{1,2}$/,
];

function readsBackAsString(text: string): boolean {
  if (text === '<<') return false;
  if (resolvePlainScalar(text).type !== 'string') return false;
  if (TIMESTAMP.some((pattern) => pattern.test(text))) return false;
  return !BASE60_FLOAT.test(text);
}

interface ScalarAnalysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function isPrintable(code: number): boolean {
  return (
    code === 0x0a ||
    (code >= 0x20 && code <= 0x7e) ||
    code === 0x85 ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

const isBreakChar = (char: string | undefined) =>
  char === '\n' || char === '\r' || char === '\u0085' || char === '\u2028' || char === '\u2029';
const isBlankChar = (char: string | undefined) => char === ' ' || char === '\t';
const isBlankOrEnd = (char: string | undefined) => char === undefined || isBlankChar(char) || isBreakChar(char);

/** yaml_emitter_analyze_scalar */
function analyzeScalar(value: string): ScalarAnalysis {
  if (value === '')
    return {
      multiline: false,
      flowPlainAllowed: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
    };
  const chars = [...value];
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    const next = chars[i + 1];
    const followedByWhitespace = isBlankOrEnd(next);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(char)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (char === '?' || char === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (char === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (',?[]{}'.includes(char)) flowIndicators = true;
      if (char === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (char === '#' && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    if (!isPrintable(char.codePointAt(0)!)) specialCharacters = true;
    if (isBreakChar(char)) lineBreaks = true;
    if (char === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreakChar(char)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankOrEnd(char);
  }
  const result: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlainAllowed: true,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    result.flowPlainAllowed = false;
    result.blockPlainAllowed = false;
  }
  if (trailingSpace) result.blockAllowed = false;
  if (breakSpace) {
    result.flowPlainAllowed = false;
    result.blockPlainAllowed = false;
    result.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    result.flowPlainAllowed = false;
    result.blockPlainAllowed = false;
    result.singleQuotedAllowed = false;
    result.blockAllowed = false;
  }
  if (lineBreaks) {
    result.flowPlainAllowed = false;
    result.blockPlainAllowed = false;
  }
  if (flowIndicators) result.flowPlainAllowed = false;
  if (blockIndicators) result.blockPlainAllowed = false;
  return result;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

class YamlEmitter {
  output = '';
  private column = 0;
  /** The last character written was whitespace (or nothing yet). */
  private whitespace = true;
  /** The line so far is only indentation. */
  private indention = true;

  document(value: JsonValue): void {
    this.node(value, -1, 'root');
    if (!this.output.endsWith('\n')) this.write('\n');
  }

  private write(text: string): void {
    for (const char of text) {
      if (char === '\n') {
        this.output += '\n';
        this.column = 0;
        this.whitespace = true;
        this.indention = true;
      } else {
        this.output += char;
        this.column++;
        this.whitespace = char === ' ';
        if (char !== ' ') this.indention = false;
      }
    }
  }

  private writeIndent(indent: number): void {
    const target = Math.max(indent, 0);
    if (!this.indention || this.column > target || (this.column === target && !this.whitespace)) this.write('\n');
    while (this.column < target) this.write(' ');
    this.whitespace = true;
    this.indention = true;
  }

  /** `indent` is the enclosing block's indentation (-1 at the top); `context` says where the node stands. */
  private node(value: JsonValue, indent: number, context: 'root' | 'mapValue' | 'seqItem'): void {
    if (Array.isArray(value)) {
      if (value.length === 0) return this.scalarText('[]');
      // Sequences are not indented inside a mapping ("indentless"), as go-yaml v2 writes them.
      const seqIndent = indent < 0 ? 0 : context === 'mapValue' ? indent : indent + BEST_INDENT;
      for (const item of value) {
        this.writeIndent(seqIndent);
        this.write('-');
        this.whitespace = false;
        this.indention = true;
        this.node(item, seqIndent, 'seqItem');
      }
      return;
    }
    if (value instanceof Map) {
      if (value.size === 0) return this.scalarText('{}');
      const mapIndent = indent < 0 ? 0 : indent + BEST_INDENT;
      const keys = [...value.keys()].sort(compareYamlKeys);
      for (const key of keys) {
        this.writeIndent(mapIndent);
        this.scalar(key, mapIndent, true);
        this.write(':');
        this.node(value.get(key)!, mapIndent, 'mapValue');
      }
      return;
    }
    const scalarIndent = indent < 0 ? BEST_INDENT : indent + BEST_INDENT;
    if (value === null) return this.scalarText('null');
    if (typeof value === 'boolean') return this.scalarText(String(value));
    if (typeof value === 'string') {
      if (!this.whitespace) this.write(' ');
      return this.scalar(value, scalarIndent, false);
    }
    if ('int' in value) return this.scalarText(value.int.toString());
    const text = formatFloat64(value.float).replace('+Inf', '.inf').replace('-Inf', '-.inf').replace('NaN', '.nan');
    return this.scalarText(text);
  }

  private scalarText(text: string): void {
    if (!this.whitespace) this.write(' ');
    this.write(text);
  }

  private scalar(value: string, indent: number, simpleKey: boolean): void {
    const analysis = analyzeScalar(value);
    let style: Style = analysis.multiline ? 'literal' : readsBackAsString(value) ? 'plain' : 'double';
    if (style === 'plain') {
      if (!analysis.blockPlainAllowed) style = 'single';
      if (value === '' && simpleKey) style = 'single';
    }
    if (style === 'plain' && value === '') style = 'double';
    if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!analysis.blockAllowed || simpleKey)) style = 'double';
    const allowBreaks = !simpleKey;
    switch (style) {
      case 'plain':
        return this.writePlain(value, indent, allowBreaks);
      case 'single':
        return this.writeSingle(value, indent, allowBreaks);
      case 'double':
        return this.writeDouble(value, indent, allowBreaks);
      case 'literal':
        return this.writeLiteral(value, indent);
    }
  }

  private writePlain(value: string, indent: number, allowBreaks: boolean): void {
    const chars = [...value];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i]!;
      if (char === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ') this.writeIndent(indent);
        else this.write(char);
        spaces = true;
      } else {
        this.write(char);
        spaces = false;
      }
    }
    this.whitespace = false;
  }

  private writeSingle(value: string, indent: number, allowBreaks: boolean): void {
    this.write("'");
    const chars = [...value];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i]!;
      if (char === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ')
          this.writeIndent(indent);
        else this.write(char);
        spaces = true;
      } else {
        this.write(char === "'" ? "''" : char);
        spaces = false;
      }
    }
    this.write("'");
    this.whitespace = false;
  }

  private writeDouble(value: string, indent: number, allowBreaks: boolean): void {
    this.write('"');
    const chars = [...value];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i]!;
      const code = char.codePointAt(0)!;
      if (!isPrintable(code) || code === 0xfeff || isBreakChar(char) || char === '"' || char === '\\') {
        this.write(doubleEscape(code));
        spaces = false;
      } else if (char === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent(indent);
          if (chars[i + 1] === ' ') this.write('\\');
        } else this.write(char);
        spaces = true;
      } else {
        this.write(char);
        spaces = false;
      }
    }
    this.write('"');
    this.whitespace = false;
  }

  private writeLiteral(value: string, indent: number): void {
    let hints = '';
    if (value[0] === ' ' || isBreakChar(value[0])) hints += String(BEST_INDENT);
    const last = value[value.length - 1];
    if (!isBreakChar(last)) hints += '-';
    else if (value.length === 1 || isBreakChar(value[value.length - 2])) hints += '+';
    if (!this.whitespace) this.write(' ');
    this.write(`|${hints}`);
    this.write('\n');
    let breaks = true;
    for (const char of value) {
      if (isBreakChar(char)) {
        this.write('\n');
        breaks = true;
      } else {
        if (breaks) {
          this.writeIndent(indent);
          breaks = false;
        }
        this.write(char);
      }
    }
  }
}

function doubleEscape(code: number): string {
  switch (code) {
    case 0x00:
      return '\\0';
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0b:
      return '\\v';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    case 0x1b:
      return '\\e';
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x85:
      return '\\N';
    case 0xa0:
      return '\\_';
    case 0x2028:
      return '\\L';
    case 0x2029:
      return '\\P';
    default:
      if (code <= 0xff) return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
      if (code <= 0xffff) return `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
      return `\\U${code.toString(16).toUpperCase().padStart(8, '0')}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// sigs.k8s.io/yaml Unmarshal into interface{}: YAML 1.1 scalars, then through JSON (every number a float64).

const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions & ToJSOptions = {
  maxAliasCount: 1000,
  version: '1.1',
  customTags: (tags: Tags) =>
    tags.filter((tag) => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:timestamp'),
  uniqueKeys: false,
};

function fromYamlNode(node: YamlNode | null | undefined | unknown): Value {
  if (node === null || node === undefined) return null;
  if (isYamlMap(node)) {
    const map = newMap();
    for (const pair of node.items) {
      const key = fromYamlNode(pair.key);
      map[typeof key === 'string' ? key : keyText(key)] = fromYamlNode(pair.value);
    }
    return map;
  }
  if (isYamlSeq(node)) return node.items.map((item) => fromYamlNode(item));
  if (isYamlScalar(node)) return scalarValue(node.value);
  return null;
}

function keyText(key: Value): string {
  if (typeof key === 'number') return formatFloat64(key);
  if (key === null) return 'null';
  return String(key);
}

function scalarValue(value: unknown): Value {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  return String(value);
}

export class YamlError extends Error {}

/**
 * Parsed texts, kept in the caches of the run (core/caches.ts): charts call `fromYaml` on the same helper output for
 * every object they render. Each call still builds its own value from the parse, since templates may change the maps
 * it returns.
 */
const PARSED_TEXTS = new CacheSlot<{ contents: unknown } | { error: string }>('fromYaml parses', {
  maxEntries: 256,
  maxChars: Number.POSITIVE_INFINITY,
});

/** One YAML document to a value, as sigs.k8s.io/yaml.Unmarshal gives it. Throws YamlError on a syntax error. */
export function parseYamlValue(text: string): Value {
  const parsedTexts = activeCache(PARSED_TEXTS);
  let parsed = parsedTexts?.get(text);
  if (!parsed) {
    const doc = parseDocument(text, YAML_OPTIONS);
    parsed = doc.errors.length > 0 ? { error: doc.errors[0]!.message } : { contents: doc.contents };
    parsedTexts?.set(text, parsed);
  }
  if ('error' in parsed) throw new YamlError(parsed.error);
  return fromYamlNode(parsed.contents);
}
