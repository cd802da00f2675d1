import { createHash } from 'node:crypto';
import type { FunctionContext, FunctionSpec, FunctionTable } from './exec';
import { goQuote, sprint, sprintf, sprintln } from './fmt';
import { YamlError, parseYamlValue, toJson, toYaml } from './goyaml';
import { originOf } from './origin';
import { SemverVersion, semverCompare } from './semver';
import type { Chunk, GoMap, Value } from './value';
import {
  EvalError,
  GoObject,
  SourcedText,
  Unknown,
  compareGoStrings,
  containsUnknown,
  deepCopy,
  formatValue,
  goKindName,
  goTypeName,
  isMap,
  newMap,
  truth,
  unknown,
} from './value';

/**
 * The functions Helm gives templates: Go's builtins, Sprig's, and Helm's own (include, tpl, required, toYaml …),
 * each with the argument types its Go signature has, so that what errors in Helm errors here. What depends on the
 * cluster, on chance or on the clock is Unknown.
 */

type Fn = (args: Value[], context: FunctionContext) => Value;

function arity(name: string, args: Value[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    throw new EvalError(
      `wrong number of args for ${name}: want ${min === max ? min : `${min}..${max === Infinity ? '' : max}`} got ${args.length}`,
    );
  }
}

/** A `string` parameter: Go rejects nil and other types. */
function str(value: Value, name: string): string {
  if (typeof value === 'string') return value;
  if (value === null) throw new EvalError(`${name}: invalid value; expected string`);
  throw new EvalError(`${name}: wrong type for value; expected string; got ${goTypeName(value)}`);
}

/** An `int` parameter: text/template accepts Go integers only (a float64 from values.yaml is an error). */
function int(value: Value, name: string): bigint {
  if (typeof value === 'bigint') return value;
  if (value === null) throw new EvalError(`${name}: invalid value; expected int`);
  throw new EvalError(`${name}: wrong type for value; expected int; got ${goTypeName(value)}`);
}

function bool(value: Value, name: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new EvalError(
    `${name}: wrong type for value; expected bool; got ${value === null ? 'nil' : goTypeName(value)}`,
  );
}

/** A `map[string]interface{}` parameter: nil is accepted, as Go passes a nil map (read as empty). */
function map(value: Value, name: string): GoMap {
  if (isMap(value)) return value;
  if (value === null) return newMap();
  throw new EvalError(
    `${name}: wrong type for value; expected map[string]interface {}; got ${value === null ? 'nil' : goTypeName(value)}`,
  );
}

/** sprig's strval: strings as they are, everything else as fmt's %v. */
export function strval(value: Value): string {
  if (typeof value === 'string') return value;
  return formatValue(value);
}

/** spf13/cast ToInt64 as sprig uses it: numbers truncated, strings parsed with base prefixes, errors give 0. */
function toInt64(value: Value): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)) : 0n;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string') {
    const text = value.replace(/\.0*$/, '');
    const match = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]*|[1-9][0-9_]*)$/.exec(text);
    if (!match) return 0n;
    let body = match[2]!.replace(/_/g, '');
    if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`;
    const parsed = BigInt(body.toLowerCase());
    return match[1] === '-' ? -parsed : parsed;
  }
  return 0n;
}

function toFloat64(value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const parsed = Number(value.trim() === '' ? NaN : value);
    return Number.isNaN(parsed) ? 0 : parsed;
  }
  return 0;
}

/** sprig's strslice: a list's items as strings (nil items dropped), a single value as a one-item list. */
function strslice(value: Value): string[] {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(strval);
  if (value === null) return [];
  return [strval(value)];
}

function list(value: Value, name: string): Value[] {
  if (Array.isArray(value)) return value;
  throw new EvalError(`${name}: cannot find ${name} on type ${value === null ? 'nil' : goTypeName(value)}`);
}

/** sprig's empty */
export function isEmpty(value: Value): boolean {
  if (value instanceof GoObject) return false;
  const truthy = truth(value);
  return truthy instanceof Unknown ? false : !truthy;
}

/** Go's == on template values, as text/template's eq compares basic kinds; errors on incompatible kinds. */
function basicEqual(a: Value, b: Value): boolean {
  const kind = (value: Value) =>
    value === null
      ? 'nil'
      : typeof value === 'string'
        ? 'string'
        : typeof value === 'bigint'
          ? 'int'
          : typeof value === 'number'
            ? 'float'
            : typeof value === 'boolean'
              ? 'bool'
              : 'other';
  const ka = kind(a);
  const kb = kind(b);
  if (ka !== kb) {
    if (ka === 'nil' || kb === 'nil') return false;
    throw new EvalError('incompatible types for comparison');
  }
  if (ka === 'other') {
    if (Array.isArray(a) || isMap(a)) throw new EvalError('non-comparable type');
    return a === b;
  }
  return a === b;
}

function compareOrdered(a: Value, b: Value, name: string): number {
  if (typeof a === 'string' && typeof b === 'string') return compareGoStrings(a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (a === null || b === null) throw new EvalError(`${name}: invalid type for comparison`);
  throw new EvalError(`${name}: incompatible types for comparison`);
}

/** mergo's deep merge as sprig's merge (dst keeps non-empty values) and mergeOverwrite (src wins) use it. */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const key of Object.keys(src)) {
    const from = src[key]!;
    const to = Object.prototype.hasOwnProperty.call(dst, key) ? dst[key]! : undefined;
    if (isMap(from) && isMap(to)) mergeInto(to, from, overwrite);
    // mergeOverwrite replaces even with an empty value (checked with helm 4: "keep": "" wins over "k").
    else if (to === undefined || isEmpty(to) || overwrite) dst[key] = from;
  }
}

/** sprig's merge/mergeOverwrite: into the first map (a nil one becomes a new map), each source in turn. */
function mergeAll(args: Value[], context: FunctionContext, overwrite: boolean, name: string): Value {
  if (args.length === 0) throw new EvalError(`wrong number of args for ${name}`);
  const sources = args.slice(1);
  const unknownSource = sources.find((source) => containsUnknown(source));
  context.exec.noteMutation(args[0]!, unknownSource !== undefined);
  if (args[0] instanceof Unknown) return args[0];
  if (unknownSource !== undefined) return unknown(`${name} of an unknown value`);
  const dst = args[0] === null ? newMap() : map(args[0]!, name);
  for (const src of sources) mergeInto(dst, map(src, name), overwrite);
  return dst;
}

/** Go's regexp syntax mostly matches JavaScript's; leading inline flags need translating. */
function goRegex(pattern: string, global = false): RegExp | Unknown {
  // Go's RE2 is lenient where JavaScript's unicode mode is strict (`[\w-\.]`); \p classes need unicode mode.
  let flags = global ? 'g' : '';
  if (/\\[pP]/.test(pattern)) flags += 'u';
  let source = pattern;
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    if (inline[1]!.includes('U')) return unknown('regexp with the U flag');
    flags += inline[1]!;
    source = source.slice(inline[0].length);
  }
  if (/\(\?[a-zA-Z]/.test(source) && !/\(\?[:=!<]/.test(source)) return unknown('regexp with inline flags');
  if (/\\[zAQE]|\[\[:/.test(source)) return unknown('regexp syntax not modelled');
  try {
    return new RegExp(source, flags);
  } catch {
    throw new EvalError(`error parsing regexp: ${pattern}`);
  }
}

/** regexp.Expand for ReplaceAllString: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expandTemplate(
  template: string,
  match: RegExpExecArray | string[],
  groups: Record<string, string> | undefined,
): string {
  return template.replace(
    /\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g,
    (_all, dollar: string, braced?: string, bare?: string) => {
      if (dollar === '$') return '$';
      const name = braced ?? bare!;
      if (/^[0-9]+$/.test(name)) return match[Number(name)] ?? '';
      return groups?.[name] ?? '';
    },
  );
}

function titleCase(text: string): string {
  // strings.Title: a letter after a separator (anything but a letter, digit, underscore or mark) is upper-cased.
  let previousSeparator = true;
  let out = '';
  for (const char of text) {
    out += previousSeparator ? char.toUpperCase() : char;
    previousSeparator = !/[\p{L}\p{N}_\p{M}]/u.test(char);
  }
  return out;
}

/** indent/nindent keep the sources of an included text: each line break gains the padding. */
function indentValue(
  spaces: bigint,
  value: Value,
  leadingNewline: boolean,
  context: FunctionContext,
  name: string,
): Value {
  const pad = ' '.repeat(Math.max(0, Number(spaces)));
  if (value instanceof SourcedText) {
    const chunks: Chunk[] = [{ text: (leadingNewline ? '\n' : '') + pad, source: context.site }];
    for (const chunk of value.chunks)
      chunks.push(chunk.text === undefined ? chunk : { ...chunk, text: chunk.text.replaceAll('\n', `\n${pad}`) });
    // An unknown piece may hold line breaks that would have been padded: the text after it is not certain.
    if (!value.known) return value.flatten();
    return new SourcedText(chunks);
  }
  const text = str(value, name);
  return (leadingNewline ? '\n' : '') + pad + text.replaceAll('\n', `\n${pad}`);
}

/** toYaml, keeping where the text came from when it prints a map or list of `.Values` (see origin.ts). */
function valuesYaml(value: Value, context: FunctionContext): Value {
  const text = toYaml(value);
  const origin = originOf(value);
  // The output's `<no value>` is removed from printed strings only (see Executor.print): keep that path for it.
  if (typeof text !== 'string' || !origin || text.includes('<no value>')) return text;
  return new SourcedText([{ text, source: context.site, origin }]);
}

const unknownBecause =
  (reason: string): Fn =>
  (args) => {
    void args;
    return unknown(reason);
  };

const FUNCTIONS: Record<string, Fn | { fn: Fn; acceptsUnknown?: boolean; keepsSources?: boolean }> = {
  // Go builtins
  print: (args) => sprint(args),
  println: (args) => sprintln(args),
  printf: (args) => {
    if (args.length === 0) throw new EvalError('wrong number of args for printf: want at least 1 got 0');
    return sprintf(str(args[0]!, 'printf'), args.slice(1));
  },
  len: (args) => {
    arity('len', args, 1);
    const value = args[0]!;
    if (typeof value === 'string') return BigInt(Buffer.byteLength(value, 'utf8'));
    if (Array.isArray(value)) return BigInt(value.length);
    if (isMap(value)) return BigInt(Object.keys(value).length);
    throw new EvalError(`len of ${value === null ? 'nil pointer' : `type ${goTypeName(value)}`}`);
  },
  index: (args) => {
    if (args.length === 0) throw new EvalError('wrong number of args for index');
    let value: Value = args[0]!;
    for (const key of args.slice(1)) {
      if (value === null) throw new EvalError('index of untyped nil');
      if (isMap(value)) {
        if (typeof key !== 'string') throw new EvalError(`value has type ${goTypeName(key)}; should be string`);
        value = Object.prototype.hasOwnProperty.call(value, key) ? value[key]! : null;
      } else if (Array.isArray(value) || typeof value === 'string') {
        if (typeof key !== 'bigint') throw new EvalError(`cannot index slice/array with type ${goTypeName(key)}`);
        if (key < 0n || key >= BigInt(value.length)) throw new EvalError(`index out of range: ${key}`);
        value = typeof value === 'string' ? BigInt(Buffer.from(value, 'utf8')[Number(key)]!) : value[Number(key)]!;
      } else throw new EvalError(`can't index item of type ${goTypeName(value)}`);
    }
    return value;
  },
  not: (args) => {
    arity('not', args, 1);
    return !truth(args[0]!);
  },
  eq: (args) => {
    if (args.length < 2) throw new EvalError('missing argument for comparison');
    return args.slice(1).some((other) => basicEqual(args[0]!, other));
  },
  ne: (args) => {
    arity('ne', args, 2);
    return !basicEqual(args[0]!, args[1]!);
  },
  lt: (args) => (arity('lt', args, 2), compareOrdered(args[0]!, args[1]!, 'lt') < 0),
  le: (args) => (arity('le', args, 2), compareOrdered(args[0]!, args[1]!, 'le') <= 0),
  gt: (args) => (arity('gt', args, 2), compareOrdered(args[0]!, args[1]!, 'gt') > 0),
  ge: (args) => (arity('ge', args, 2), compareOrdered(args[0]!, args[1]!, 'ge') >= 0),
  html: (args) =>
    sprint(args).replace(
      /[<>&'"\0]/g,
      (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD' })[char]!,
    ),

  // Helm
  include: (args, context) => {
    arity('include', args, 2);
    return context.exec.include(str(args[0]!, 'include'), args[1]!, context.site);
  },
  tpl: (args, context) => {
    arity('tpl', args, 2);
    const chunks = context.exec.callText(str(args[0]!, 'tpl'), args[1]!, context.site);
    return new SourcedText(
      chunks.map((chunk) =>
        chunk.text === undefined ? chunk : { ...chunk, text: chunk.text.replaceAll('<no value>', '') },
      ),
    );
  },
  required: {
    fn: (args) => {
      arity('required', args, 2);
      const [message, value] = args as [Value, Value];
      if (value instanceof Unknown) return value;
      if (value === null || value === '') throw new EvalError(`execution error: ${strval(message)}`);
      return value;
    },
    acceptsUnknown: true,
  },
  fail: (args) => {
    throw new EvalError(`execution error: ${strval(args[0] ?? '')}`);
  },
  toYaml: (args, context) => (arity('toYaml', args, 1), valuesYaml(args[0]!, context)),
  mustToYaml: (args, context) => (arity('mustToYaml', args, 1), valuesYaml(args[0]!, context)),
  toJson: (args) => (arity('toJson', args, 1), toJson(args[0]!)),
  mustToJson: (args) => (arity('mustToJson', args, 1), toJson(args[0]!)),
  toRawJson: (args) => (arity('toRawJson', args, 1), toJson(args[0]!, false, false)),
  toPrettyJson: (args) => (arity('toPrettyJson', args, 1), toJson(args[0]!, true)),
  fromYaml: (args) => {
    arity('fromYaml', args, 1);
    try {
      const value = parseYamlValue(str(args[0]!, 'fromYaml'));
      if (value === null) return newMap();
      if (!isMap(value))
        return Object.assign(newMap(), { Error: 'error unmarshaling JSON: cannot unmarshal into map' });
      return value;
    } catch (error) {
      if (error instanceof YamlError) return unknown('fromYaml of text that does not parse');
      throw error;
    }
  },
  fromYamlArray: (args) => {
    arity('fromYamlArray', args, 1);
    try {
      const value = parseYamlValue(str(args[0]!, 'fromYamlArray'));
      if (value === null) return [];
      return Array.isArray(value) ? value : unknown('fromYamlArray of a non-list');
    } catch (error) {
      if (error instanceof YamlError) return unknown('fromYamlArray of text that does not parse');
      throw error;
    }
  },
  fromJson: (args) => {
    arity('fromJson', args, 1);
    try {
      const value = parseYamlValue(str(args[0]!, 'fromJson'));
      return isMap(value) ? value : unknown('fromJson of a non-object');
    } catch {
      return unknown('fromJson of text that does not parse');
    }
  },
  lookup: unknownBecause('lookup reads the cluster'),

  // Sprig: defaults and flow
  default: {
    fn: (args) => {
      if (args.length === 0) throw new EvalError('wrong number of args for default');
      const given = args[1];
      if (given instanceof Unknown) return given;
      if (args.length < 2 || isEmpty(given!)) return args[0]!;
      return given!;
    },
    acceptsUnknown: true,
  },
  empty: (args) => (arity('empty', args, 1), isEmpty(args[0]!)),
  coalesce: {
    fn: (args) => {
      for (const arg of args) {
        if (arg instanceof Unknown) return arg;
        if (!isEmpty(arg)) return arg;
      }
      return null;
    },
    acceptsUnknown: true,
  },
  all: (args) => args.every((arg) => !isEmpty(arg)),
  any: (args) => args.some((arg) => !isEmpty(arg)),
  ternary: {
    fn: (args) => {
      arity('ternary', args, 3);
      const condition = args[2]!;
      if (condition instanceof Unknown) return condition;
      const chosen = bool(condition, 'ternary') ? args[0]! : args[1]!;
      return chosen;
    },
    acceptsUnknown: true,
  },
  deepCopy: (args) => (arity('deepCopy', args, 1), deepCopy(args[0]!)),
  mustDeepCopy: (args) => (arity('mustDeepCopy', args, 1), deepCopy(args[0]!)),

  // Sprig: strings
  quote: (args) =>
    args
      .filter((arg) => arg !== null)
      .map((arg) => goQuote(strval(arg)))
      .join(' '),
  squote: (args) =>
    args
      .filter((arg) => arg !== null)
      .map((arg) => `'${strval(arg)}'`)
      .join(' '),
  cat: (args) =>
    args
      .filter((arg) => arg !== null)
      .map(strval)
      .join(' '),
  upper: (args) => (arity('upper', args, 1), str(args[0]!, 'upper').toUpperCase()),
  lower: (args) => (arity('lower', args, 1), str(args[0]!, 'lower').toLowerCase()),
  title: (args) => (arity('title', args, 1), titleCase(str(args[0]!, 'title'))),
  trim: (args) => (arity('trim', args, 1), str(args[0]!, 'trim').replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/g, '')),
  trimAll: (args) => {
    arity('trimAll', args, 2);
    const cutset = [...str(args[0]!, 'trimAll')];
    const chars = [...str(args[1]!, 'trimAll')];
    let start = 0;
    let end = chars.length;
    while (start < end && cutset.includes(chars[start]!)) start++;
    while (end > start && cutset.includes(chars[end - 1]!)) end--;
    return chars.slice(start, end).join('');
  },
  trimSuffix: (args) => {
    arity('trimSuffix', args, 2);
    const suffix = str(args[0]!, 'trimSuffix');
    const text = str(args[1]!, 'trimSuffix');
    return suffix !== '' && text.endsWith(suffix) ? text.slice(0, text.length - suffix.length) : text;
  },
  trimPrefix: (args) => {
    arity('trimPrefix', args, 2);
    const prefix = str(args[0]!, 'trimPrefix');
    const text = str(args[1]!, 'trimPrefix');
    return text.startsWith(prefix) ? text.slice(prefix.length) : text;
  },
  trunc: (args) => {
    arity('trunc', args, 2);
    const count = Number(int(args[0]!, 'trunc'));
    const bytes = Buffer.from(str(args[1]!, 'trunc'), 'utf8');
    // Go slices bytes; a cut inside a multi-byte character leaves invalid UTF-8, which we cannot represent.
    const cut =
      count < 0
        ? bytes.length + count > 0
          ? bytes.subarray(bytes.length + count)
          : bytes
        : bytes.length > count
          ? bytes.subarray(0, count)
          : bytes;
    const text = cut.toString('utf8');
    return Buffer.byteLength(text, 'utf8') === cut.length ? text : unknown('trunc cuts a multi-byte character');
  },
  substr: (args) => {
    arity('substr', args, 3);
    const start = Number(int(args[0]!, 'substr'));
    const end = Number(int(args[1]!, 'substr'));
    const text = str(args[2]!, 'substr');
    // eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
    if (/[^\x00-\x7f]/.test(text)) return unknown('substr of non-ASCII text');
    if (start < 0) return text.slice(0, end);
    if (end < 0 || end > text.length) return text.slice(start);
    return text.slice(start, end);
  },
  replace: (args) => (
    arity('replace', args, 3),
    str(args[2]!, 'replace').split(str(args[0]!, 'replace')).join(str(args[1]!, 'replace'))
  ),
  contains: (args) => (arity('contains', args, 2), str(args[1]!, 'contains').includes(str(args[0]!, 'contains'))),
  hasPrefix: (args) => (arity('hasPrefix', args, 2), str(args[1]!, 'hasPrefix').startsWith(str(args[0]!, 'hasPrefix'))),
  hasSuffix: (args) => (arity('hasSuffix', args, 2), str(args[1]!, 'hasSuffix').endsWith(str(args[0]!, 'hasSuffix'))),
  repeat: (args) => (
    arity('repeat', args, 2),
    str(args[1]!, 'repeat').repeat(Math.max(0, Math.min(Number(int(args[0]!, 'repeat')), 1_000_000)))
  ),
  nospace: (args) => (arity('nospace', args, 1), str(args[0]!, 'nospace').replace(/\s/g, '')),
  indent: {
    fn: (args: Value[], context: FunctionContext) => (
      arity('indent', args, 2),
      indentValue(int(args[0]!, 'indent'), args[1]!, false, context, 'indent')
    ),
    keepsSources: true,
  },
  nindent: {
    fn: (args: Value[], context: FunctionContext) => (
      arity('nindent', args, 2),
      indentValue(int(args[0]!, 'nindent'), args[1]!, true, context, 'nindent')
    ),
    keepsSources: true,
  },
  toString: (args: Value[]) => (arity('toString', args, 1), strval(args[0]!)),
  toStrings: (args) => (arity('toStrings', args, 1), strslice(args[0]!)),
  split: (args) => {
    arity('split', args, 2);
    const parts = str(args[1]!, 'split').split(str(args[0]!, 'split'));
    const result = newMap();
    parts.forEach((part, index) => (result[`_${index}`] = part));
    return result;
  },
  splitList: (args) => (arity('splitList', args, 2), str(args[1]!, 'splitList').split(str(args[0]!, 'splitList'))),
  join: (args) => (arity('join', args, 2), strslice(args[1]!).join(str(args[0]!, 'join'))),
  sortAlpha: (args) => (arity('sortAlpha', args, 1), strslice(args[0]!).sort(compareGoStrings)),
  b64enc: (args) => (arity('b64enc', args, 1), Buffer.from(str(args[0]!, 'b64enc'), 'utf8').toString('base64')),
  b64dec: (args) => {
    arity('b64dec', args, 1);
    const text = str(args[0]!, 'b64dec');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return unknown('b64dec of invalid base64');
    const decoded = Buffer.from(text, 'base64');
    const out = decoded.toString('utf8');
    return Buffer.byteLength(out, 'utf8') === decoded.length ? out : unknown('b64dec to binary data');
  },
  sha256sum: (args) => (
    arity('sha256sum', args, 1),
    createHash('sha256').update(str(args[0]!, 'sha256sum'), 'utf8').digest('hex')
  ),
  sha1sum: (args) => (
    arity('sha1sum', args, 1),
    createHash('sha1').update(str(args[0]!, 'sha1sum'), 'utf8').digest('hex')
  ),
  regexMatch: (args) => {
    arity('regexMatch', args, 2);
    const regex = goRegex(str(args[0]!, 'regexMatch'));
    return regex instanceof Unknown ? regex : regex.test(str(args[1]!, 'regexMatch'));
  },
  regexFind: (args) => {
    arity('regexFind', args, 2);
    const regex = goRegex(str(args[0]!, 'regexFind'));
    return regex instanceof Unknown ? regex : (regex.exec(str(args[1]!, 'regexFind'))?.[0] ?? '');
  },
  regexReplaceAll: (args) => {
    arity('regexReplaceAll', args, 3);
    const regex = goRegex(str(args[0]!, 'regexReplaceAll'), true);
    if (regex instanceof Unknown) return regex;
    const template = str(args[2]!, 'regexReplaceAll');
    return str(args[1]!, 'regexReplaceAll').replace(regex, (...match: unknown[]) => {
      const hasGroups = typeof match[match.length - 1] === 'object';
      const groups = hasGroups ? (match[match.length - 1] as Record<string, string>) : undefined;
      const captures = match.slice(0, hasGroups ? -3 : -2).map((item) => (item === undefined ? '' : String(item)));
      return expandTemplate(template, captures, groups);
    });
  },
  regexReplaceAllLiteral: (args) => {
    arity('regexReplaceAllLiteral', args, 3);
    const regex = goRegex(str(args[0]!, 'regexReplaceAllLiteral'), true);
    if (regex instanceof Unknown) return regex;
    const replacement = str(args[2]!, 'regexReplaceAllLiteral');
    return str(args[1]!, 'regexReplaceAllLiteral').replace(regex, () => replacement);
  },
  mustRegexMatch: (args, context) => callFunction('regexMatch', args, context),
  mustRegexFind: (args, context) => callFunction('regexFind', args, context),
  mustRegexReplaceAll: (args, context) => callFunction('regexReplaceAll', args, context),
  mustRegexReplaceAllLiteral: (args, context) => callFunction('regexReplaceAllLiteral', args, context),
  regexSplit: (args) => {
    arity('regexSplit', args, 3);
    const regex = goRegex(str(args[0]!, 'regexSplit'), true);
    if (regex instanceof Unknown) return regex;
    if (int(args[2]!, 'regexSplit') !== -1n) return unknown('regexSplit with a limit');
    return str(args[1]!, 'regexSplit').split(regex);
  },
  base: (args) => {
    const path = str(args[0]!, 'base').replace(/\/+$/, '');
    return path === '' ? (args[0] === '' ? '.' : '/') : path.slice(path.lastIndexOf('/') + 1);
  },

  // Sprig: lists
  list: (args) => [...args],
  tuple: (args) => [...args],
  first: (args) => (arity('first', args, 1), list(args[0]!, 'first').length === 0 ? null : list(args[0]!, 'first')[0]!),
  last: (args) => {
    arity('last', args, 1);
    const items = list(args[0]!, 'last');
    return items.length === 0 ? null : items[items.length - 1]!;
  },
  rest: (args) => (arity('rest', args, 1), list(args[0]!, 'rest').slice(1)),
  initial: (args) => (arity('initial', args, 1), list(args[0]!, 'initial').slice(0, -1)),
  append: (args) => (arity('append', args, 2), [...list(args[0]!, 'append'), args[1]!]),
  mustAppend: (args) => (arity('mustAppend', args, 2), [...list(args[0]!, 'mustAppend'), args[1]!]),
  push: (args) => (arity('push', args, 2), [...list(args[0]!, 'push'), args[1]!]),
  prepend: (args) => (arity('prepend', args, 2), [args[1]!, ...list(args[0]!, 'prepend')]),
  concat: (args) => args.flatMap((arg) => list(arg, 'concat')),
  reverse: (args) => (arity('reverse', args, 1), [...list(args[0]!, 'reverse')].reverse()),
  compact: (args) => (arity('compact', args, 1), list(args[0]!, 'compact').filter((item) => !isEmpty(item))),
  uniq: (args) => uniq(args),
  mustUniq: (args) => uniq(args),
  has: (args) => {
    arity('has', args, 2);
    const haystack = args[1]!;
    if (haystack === null) return false;
    return list(haystack, 'has').some((item) => deepEqual(item, args[0]!));
  },
  without: (args) => list(args[0]!, 'without').filter((item) => !args.slice(1).some((other) => deepEqual(item, other))),
  until: (args) => {
    const count = Number(int(args[0]!, 'until'));
    if (count > 100_000) return unknown('until with a huge count');
    return Array.from({ length: Math.max(0, count) }, (_, index) => BigInt(index));
  },
  slice: (args) => {
    const items = list(args[0]!, 'slice');
    const start = args.length > 1 ? Number(toInt64(args[1]!)) : 0;
    const end = args.length > 2 ? Number(toInt64(args[2]!)) : items.length;
    return items.slice(start, end);
  },

  // Sprig: dictionaries
  dict: (args) => {
    const result = newMap();
    for (let i = 0; i < args.length; i += 2) result[strval(args[i]!)] = i + 1 < args.length ? args[i + 1]! : '';
    return result;
  },
  get: (args) => {
    arity('get', args, 2);
    const dict = map(args[0]!, 'get');
    const key = str(args[1]!, 'get');
    return Object.prototype.hasOwnProperty.call(dict, key) ? dict[key]! : '';
  },
  set: {
    fn: (args, context) => {
      arity('set', args, 3);
      context.exec.noteMutation(args[0]!, args[1] instanceof Unknown);
      if (args[0] instanceof Unknown) return args[0];
      if (args[1] instanceof Unknown) return args[1];
      if (args[0] === null) throw new EvalError('set: assignment to entry in nil map');
      const dict = map(args[0]!, 'set');
      dict[str(args[1]!, 'set')] = args[2]!;
      return dict;
    },
    acceptsUnknown: true,
  },
  unset: {
    fn: (args, context) => {
      arity('unset', args, 2);
      context.exec.noteMutation(args[0]!, args[1] instanceof Unknown);
      if (args[0] instanceof Unknown) return args[0];
      if (args[1] instanceof Unknown) return args[1];
      const dict = map(args[0]!, 'unset');
      delete dict[str(args[1]!, 'unset')];
      return dict;
    },
    acceptsUnknown: true,
  },
  hasKey: (args) => (
    arity('hasKey', args, 2),
    Object.prototype.hasOwnProperty.call(map(args[0]!, 'hasKey'), str(args[1]!, 'hasKey'))
  ),
  keys: (args) => args.flatMap((arg) => Object.keys(map(arg, 'keys'))).sort(compareGoStrings),
  values: (args) => {
    const dict = map(args[0]!, 'values');
    return Object.keys(dict)
      .sort(compareGoStrings)
      .map((key) => dict[key]!);
  },
  pick: (args) => {
    const dict = map(args[0]!, 'pick');
    const result = newMap();
    for (const key of args.slice(1).map(strval))
      if (Object.prototype.hasOwnProperty.call(dict, key)) result[key] = dict[key]!;
    return result;
  },
  omit: (args) => {
    const dict = map(args[0]!, 'omit');
    const drop = new Set(args.slice(1).map(strval));
    const result = newMap();
    for (const key of Object.keys(dict)) if (!drop.has(key)) result[key] = dict[key]!;
    return result;
  },
  pluck: (args) => {
    const key = str(args[0]!, 'pluck');
    return args.slice(1).flatMap((arg) => {
      const dict = map(arg, 'pluck');
      return Object.prototype.hasOwnProperty.call(dict, key) ? [dict[key]!] : [];
    });
  },
  dig: (args) => {
    if (args.length < 3) throw new EvalError('dig needs at least three arguments');
    const dict = map(args[args.length - 1]!, 'dig');
    const fallback = args[args.length - 2]!;
    let current: Value = dict;
    for (const key of args.slice(0, -2)) {
      const name = str(key, 'dig');
      if (!isMap(current) || !Object.prototype.hasOwnProperty.call(current, name)) return fallback;
      current = current[name]!;
    }
    return current;
  },
  merge: { fn: (args, context) => mergeAll(args, context, false, 'merge'), acceptsUnknown: true },
  mustMerge: { fn: (args, context) => mergeAll(args, context, false, 'mustMerge'), acceptsUnknown: true },
  mergeOverwrite: { fn: (args, context) => mergeAll(args, context, true, 'mergeOverwrite'), acceptsUnknown: true },
  mustMergeOverwrite: {
    fn: (args, context) => mergeAll(args, context, true, 'mustMergeOverwrite'),
    acceptsUnknown: true,
  },

  // Sprig: types
  kindOf: (args) => (arity('kindOf', args, 1), goKindName(args[0]!)),
  kindIs: (args) => (arity('kindIs', args, 2), goKindName(args[1]!) === str(args[0]!, 'kindIs')),
  typeOf: (args) => (arity('typeOf', args, 1), goTypeName(args[0]!)),
  typeIs: (args) => (arity('typeIs', args, 2), goTypeName(args[1]!) === str(args[0]!, 'typeIs')),
  deepEqual: (args) => (arity('deepEqual', args, 2), deepEqual(args[0]!, args[1]!)),

  // Sprig: numbers
  int: (args) => (arity('int', args, 1), toInt64(args[0]!)),
  int64: (args) => (arity('int64', args, 1), toInt64(args[0]!)),
  float64: (args) => (arity('float64', args, 1), toFloat64(args[0]!)),
  atoi: (args) => {
    arity('atoi', args, 1);
    const text = str(args[0]!, 'atoi');
    return /^[+-]?[0-9]+$/.test(text) ? BigInt(text) : 0n;
  },
  add: (args) => args.reduce<bigint>((sum, arg) => sum + toInt64(arg), 0n),
  add1: (args) => (arity('add1', args, 1), toInt64(args[0]!) + 1n),
  sub: (args) => (arity('sub', args, 2), toInt64(args[0]!) - toInt64(args[1]!)),
  mul: (args) => args.reduce<bigint>((product, arg) => product * toInt64(arg), 1n),
  div: (args) => {
    arity('div', args, 2);
    const divisor = toInt64(args[1]!);
    if (divisor === 0n) throw new EvalError('runtime error: integer divide by zero');
    return toInt64(args[0]!) / divisor;
  },
  mod: (args) => {
    arity('mod', args, 2);
    const divisor = toInt64(args[1]!);
    if (divisor === 0n) throw new EvalError('runtime error: integer divide by zero');
    return toInt64(args[0]!) % divisor;
  },
  max: (args) => args.map(toInt64).reduce((best, value) => (value > best ? value : best)),
  min: (args) => args.map(toInt64).reduce((best, value) => (value < best ? value : best)),
  floor: (args) => Math.floor(toFloat64(args[0]!)),
  ceil: (args) => Math.ceil(toFloat64(args[0]!)),
  addf: (args) => args.reduce<number>((sum, arg) => sum + toFloat64(arg), 0),
  subf: (args) => args.slice(1).reduce<number>((sum, arg) => sum - toFloat64(arg), toFloat64(args[0]!)),
  mulf: (args) => args.reduce<number>((product, arg) => product * toFloat64(arg), 1),
  divf: (args) => args.slice(1).reduce<number>((sum, arg) => sum / toFloat64(arg), toFloat64(args[0]!)),
  semver: (args) => (arity('semver', args, 1), new SemverVersion(str(args[0]!, 'semver'))),
  semverCompare: (args) => (
    arity('semverCompare', args, 2),
    semverCompare(str(args[0]!, 'semverCompare'), str(args[1]!, 'semverCompare'))
  ),

  // Whatever depends on chance, the clock, the environment or the cluster.
  randAlphaNum: unknownBecause('randAlphaNum is random'),
  randAlpha: unknownBecause('randAlpha is random'),
  randNumeric: unknownBecause('randNumeric is random'),
  randAscii: unknownBecause('randAscii is random'),
  randBytes: unknownBecause('randBytes is random'),
  randInt: unknownBecause('randInt is random'),
  shuffle: unknownBecause('shuffle is random'),
  uuidv4: unknownBecause('uuidv4 is random'),
  now: unknownBecause('now depends on the clock'),
  date: unknownBecause('date depends on the clock'),
  dateInZone: unknownBecause('dateInZone depends on the clock'),
  unixEpoch: unknownBecause('unixEpoch depends on the clock'),
  genCA: unknownBecause('genCA is random'),
  genPrivateKey: unknownBecause('genPrivateKey is random'),
  genSelfSignedCert: unknownBecause('genSelfSignedCert is random'),
  genSignedCert: unknownBecause('genSignedCert is random'),
  htpasswd: unknownBecause('htpasswd uses a random salt'),
  getHostByName: unknownBecause('getHostByName reads DNS'),
};

/** Another function of the table: sprig's must* variants only differ in how errors surface, which we share. */
function callFunction(name: string, args: Value[], context: FunctionContext): Value {
  const entry = FUNCTIONS[name]!;
  return (typeof entry === 'function' ? entry : entry.fn)(args, context);
}

function uniq(args: Value[]): Value {
  arity('uniq', args, 1);
  const out: Value[] = [];
  for (const item of list(args[0]!, 'uniq')) if (!out.some((seen) => deepEqual(seen, item))) out.push(item);
  return out;
}

function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]!));
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && deepEqual(a[key]!, b[key]!))
    );
  }
  return false;
}

const FUNCTIONS_TABLE: Map<string, FunctionSpec> = new Map(
  Object.entries(FUNCTIONS).map(([name, entry]) => [name, typeof entry === 'function' ? { fn: entry } : entry]),
);

/** Helm's function map (sprig.TxtFuncMap plus Helm's own) as far as the evaluator models it. */
export const HELM_FUNCTIONS: FunctionTable = FUNCTIONS_TABLE;
