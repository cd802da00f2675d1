import type { Value } from './value';
import {
  GoObject,
  SourcedText,
  Unknown,
  compareGoStrings,
  formatFloat64,
  formatValue,
  goTypeName,
  isMap,
  unknown,
} from './value';

/**
 * Go's fmt as templates reach it: Sprintf (printf), Sprint (print), Sprintln (println) and strconv.Quote (%q,
 * sprig's quote). Verbs s, v, d, q, t, f, F, e, g, x, X, o, b, c, T and %; flags - + 0 space #; width and precision.
 * A verb that does not fit its operand prints `%!verb(type=value)` as Go does.
 */

export function sprint(args: Value[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const isString = (value: Value) => typeof value === 'string' || value instanceof SourcedText;
    // Sprint adds a space between operands when neither is a string.
    if (i > 0 && !isString(args[i]!) && !isString(args[i - 1]!)) out += ' ';
    out += formatValue(args[i]!);
  }
  return out;
}

export function sprintln(args: Value[]): string {
  return `${args.map((arg) => formatValue(arg)).join(' ')}\n`;
}

/** strconv.Quote */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (code === 0x07) out += '\\a';
    else if (code === 0x08) out += '\\b';
    else if (code === 0x0c) out += '\\f';
    else if (code === 0x0a) out += '\\n';
    else if (code === 0x0d) out += '\\r';
    else if (code === 0x09) out += '\\t';
    else if (code === 0x0b) out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (isGoPrintable(code)) out += char;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

function isGoPrintable(code: number): boolean {
  if (code < 0x80) return code >= 0x20 && code < 0x7f;
  // unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space; not other spaces or controls.
  const char = String.fromCodePoint(code);
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(char);
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  precision?: number;
}

/** fmt.Sprintf; Unknown when an operand is unknown or the format uses what we do not model (`%[2]s`, `*`). */
export function sprintf(format: string, args: Value[]): string | Unknown {
  let out = '';
  let argIndex = 0;
  for (let i = 0; i < format.length; i++) {
    const char = format[i]!;
    if (char !== '%') {
      out += char;
      continue;
    }
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    i++;
    for (; i < format.length; i++) {
      const flag = format[i];
      if (flag === '-') spec.minus = true;
      else if (flag === '+') spec.plus = true;
      else if (flag === '#') spec.sharp = true;
      else if (flag === ' ') spec.space = true;
      else if (flag === '0') spec.zero = !spec.minus;
      else break;
    }
    if (format[i] === '[' || format[i] === '*') return unknown('printf with argument indexes or * widths');
    let digits = '';
    while (i < format.length && /[0-9]/.test(format[i]!)) digits += format[i++];
    if (digits) spec.width = Number(digits);
    if (format[i] === '.') {
      i++;
      if (format[i] === '*' || format[i] === '[') return unknown('printf with * precision');
      let precision = '';
      while (i < format.length && /[0-9]/.test(format[i]!)) precision += format[i++];
      spec.precision = precision ? Number(precision) : 0;
    }
    const verb = format[i];
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argIndex++]!;
    const formatted = formatOne(verb, arg, spec);
    if (formatted instanceof Unknown) return formatted;
    out += formatted;
  }
  if (argIndex < args.length) {
    const extra = args
      .slice(argIndex)
      .map((arg) => (arg === null ? '<nil>' : `${goTypeName(arg)}=${formatValue(arg)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}

function pad(text: string, spec: Spec, numeric = false): string {
  const width = spec.width ?? 0;
  const length = [...text].length;
  if (length >= width) return text;
  const fill = width - length;
  if (spec.minus) return text + ' '.repeat(fill);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(text) ? text[0]! : '';
    return sign + '0'.repeat(fill) + text.slice(sign.length);
  }
  if (spec.zero && !numeric) return '0'.repeat(fill) + text;
  return ' '.repeat(fill) + text;
}

function bad(verb: string, arg: Value): string {
  if (arg === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(arg)}=${formatValue(arg)})`;
}

function formatOne(verb: string, arg: Value, spec: Spec): string | Unknown {
  if (arg instanceof Unknown) return arg;
  if (arg instanceof SourcedText) {
    const flat = arg.flatten();
    if (flat instanceof Unknown) return flat;
    arg = flat;
  }
  if (verb === 'T') return pad(arg === null ? '<nil>' : goTypeName(arg), spec);
  if (Array.isArray(arg) || isMap(arg)) {
    if (verb === 'v' || verb === 's' || verb === 'd' || verb === 'q' || verb === 't' || verb === 'x')
      return pad(formatCollection(verb, arg, spec), spec);
    return bad(verb, arg);
  }
  if (arg instanceof GoObject) return verb === 'v' || verb === 's' ? pad(arg.print(), spec) : bad(verb, arg);
  switch (verb) {
    case 'v':
      if (typeof arg === 'string') return pad(arg, spec);
      if (arg === null) return pad('<nil>', spec);
      if (typeof arg === 'number')
        return spec.precision !== undefined
          ? formatFloatVerb('g', arg, spec)
          : pad(withSign(formatFloat64(arg), spec), spec, true);
      if (typeof arg === 'bigint') return pad(withSign(arg.toString(), spec), spec, true);
      return pad(formatValue(arg), spec);
    case 's':
      if (typeof arg === 'string')
        return pad(spec.precision !== undefined ? [...arg].slice(0, spec.precision).join('') : arg, spec);
      return bad(verb, arg);
    case 'q':
      if (typeof arg === 'string') return pad(spec.sharp && !arg.includes('`') ? `\`${arg}\`` : goQuote(arg), spec);
      if (typeof arg === 'bigint') return pad(`'${String.fromCodePoint(Number(arg))}'`, spec);
      return bad(verb, arg);
    case 't':
      return typeof arg === 'boolean' ? pad(String(arg), spec) : bad(verb, arg);
    case 'd':
      return typeof arg === 'bigint' ? pad(withSign(arg.toString(), spec), spec, true) : bad(verb, arg);
    case 'c':
      return typeof arg === 'bigint' ? pad(String.fromCodePoint(Number(arg)), spec) : bad(verb, arg);
    case 'x':
    case 'X':
    case 'o':
    case 'b': {
      const base = verb === 'o' ? 8 : verb === 'b' ? 2 : 16;
      if (typeof arg === 'bigint') {
        let text = (arg < 0n ? -arg : arg).toString(base);
        if (verb === 'X') text = text.toUpperCase();
        if (spec.sharp) text = (verb === 'o' ? '0' : verb === 'b' ? '0b' : verb === 'x' ? '0x' : '0X') + text;
        return pad(withSign((arg < 0n ? '-' : '') + text, spec), spec, true);
      }
      if (typeof arg === 'string' && (verb === 'x' || verb === 'X')) {
        const hex = Buffer.from(arg, 'utf8').toString('hex');
        return pad(verb === 'X' ? hex.toUpperCase() : hex, spec);
      }
      return bad(verb, arg);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return typeof arg === 'number' ? formatFloatVerb(verb, arg, spec) : bad(verb, arg);
    default:
      return unknown(`printf verb %${verb}`);
  }
}

function withSign(text: string, spec: Spec): string {
  if (text.startsWith('-')) return text;
  if (spec.plus) return `+${text}`;
  if (spec.space) return ` ${text}`;
  return text;
}

function formatFloatVerb(verb: string, value: number, spec: Spec): string {
  let text: string;
  if (!Number.isFinite(value)) text = Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  else if (verb === 'f' || verb === 'F') text = value.toFixed(spec.precision ?? 6);
  else if (verb === 'e' || verb === 'E') text = goExponent(value.toExponential(spec.precision ?? 6));
  else if (spec.precision === undefined) text = formatFloat64(value);
  else {
    const precision = spec.precision === 0 ? 1 : spec.precision;
    const exponent = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(Number(value.toPrecision(precision)))));
    text =
      exponent < -4 || exponent >= precision
        ? goExponent(Number(value.toPrecision(precision)).toExponential())
        : String(Number(value.toPrecision(precision)));
  }
  if (verb === 'E' || verb === 'G') text = text.toUpperCase();
  if (text === '+Inf' && !spec.plus) text = spec.space ? ' Inf' : '+Inf';
  return pad(withSign(text, spec), spec, true);
}

function goExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** fmt applies the verb to each element of a slice or map: `[a b]`, `map[k:v]`. */
function formatCollection(verb: string, value: Value[] | Record<string, Value>, spec: Spec): string {
  const inner = (item: Value): string => {
    if (Array.isArray(item) || isMap(item)) return formatCollection(verb, item, spec);
    const text = formatOne(verb, item, { ...spec, width: undefined });
    return typeof text === 'string' ? text : '';
  };
  if (Array.isArray(value)) return `[${value.map(inner).join(' ')}]`;
  const keys = Object.keys(value).sort(compareGoStrings);
  return `map[${keys.map((key) => `${inner(key)}:${inner(value[key]!)}`).join(' ')}]`;
}
