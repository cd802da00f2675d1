/**
 * How Kubernetes and Helm see a YAML scalar. Both decode manifests with sigs.k8s.io/yaml, which resolves plain
 * scalars with go-yaml v2 (YAML 1.1 flavoured) rules, not with the YAML 1.2 core schema the `yaml` package uses.
 *
 * - kubectl / the API server decode into untyped JSON first, so an annotation whose plain scalar resolves to an int,
 *   float or bool becomes a JSON number or bool and is rejected ("cannot unmarshal number into Go struct field
 *   ObjectMeta.metadata.annotations of type string"). Timestamps stay strings (go-yaml v2 keeps them as text when
 *   decoding into interface{}); null is accepted.
 * - Helm decodes into a typed `map[string]string`, so the same scalar is converted back to text: `010` becomes "8",
 *   `5.0` becomes "5", `on` becomes "true".
 */
export type KubeScalarType = 'string' | 'null' | 'int' | 'float' | 'bool';

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const SPECIAL_FLOATS = new Map<string, number>([
  ['.nan', NaN],
  ['.NaN', NaN],
  ['.NAN', NaN],
  ['.inf', Infinity],
  ['.Inf', Infinity],
  ['.INF', Infinity],
  ['+.inf', Infinity],
  ['+.Inf', Infinity],
  ['+.INF', Infinity],
  ['-.inf', -Infinity],
  ['-.Inf', -Infinity],
  ['-.INF', -Infinity],
]);
/** go-yaml v2's yamlStyleFloat */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TIMESTAMP_FORMATS = [
  /^\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d{2}:\d{2}(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}(?::\d{2})?))?$/,
  /^\d{4}-\d{1,2}-\d{1,2}$/,
];

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

export interface ResolvedScalar {
  type: KubeScalarType;
  /** For int: the integer value (bigint, since int64/uint64 exceed Number's exact range). */
  int?: bigint;
  /** For float: the float value. */
  float?: number;
  bool?: boolean;
}

/** Resolves an untagged plain scalar exactly as go-yaml v2's `resolve("", in)` does. */
export function resolvePlainScalar(text: string): ResolvedScalar {
  if (NULLS.has(text)) return { type: 'null' };
  if (TRUES.has(text)) return { type: 'bool', bool: true };
  if (FALSES.has(text)) return { type: 'bool', bool: false };
  const special = SPECIAL_FLOATS.get(text);
  if (special !== undefined) return { type: 'float', float: special };
  const first = text[0]!;
  if (first === '.') {
    const value = parseGoFloat(text);
    return value === undefined ? { type: 'string' } : { type: 'float', float: value };
  }
  if (first === '+' || first === '-' || (first >= '0' && first <= '9')) {
    if (TIMESTAMP_FORMATS.some((format) => format.test(text))) return { type: 'string' };
    const plain = text.replace(/_/g, '');
    const int = parseGoInt(plain);
    if (int !== undefined && int >= INT64_MIN && int <= UINT64_MAX) return { type: 'int', int };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const value = parseGoFloat(plain);
      if (value !== undefined) return { type: 'float', float: value };
    }
    return { type: 'string' };
  }
  return { type: 'string' };
}

/**
 * strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64) without the range check: sign, then `0x`, `0o`, `0b` or a
 * leading `0` (octal) prefix, or decimal. Underscores were already removed by the caller, as go-yaml does.
 */
function parseGoInt(text: string): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return undefined;
  const sign = match[1] === '-' ? -1n : 1n;
  let digits = match[2]!;
  let value: bigint;
  if (/^0[xX]/.test(digits)) value = BigInt('0x' + digits.slice(2));
  else if (/^0[oO]/.test(digits)) value = BigInt('0o' + digits.slice(2));
  else if (/^0[bB]/.test(digits)) value = BigInt('0b' + digits.slice(2));
  else if (digits.length > 1 && digits[0] === '0') {
    digits = digits.slice(1);
    value = BigInt('0o' + digits);
  } else value = BigInt(digits);
  const signed = sign * value;
  if (match[1] === '' || match[1] === '+') return signed <= UINT64_MAX ? signed : undefined;
  return signed >= INT64_MIN ? signed : undefined;
}

/** strconv.ParseFloat(s, 64) for the decimal forms YAML_STYLE_FLOAT and a leading "." admit. */
function parseGoFloat(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined; // Go reports ERANGE and go-yaml then keeps the text
  return value;
}

export function isInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

/**
 * strconv.Atoi as Helm's calculateHookWeight uses it: an optional sign and decimal digits, within int64.
 * Anything else (spaces, decimals, hex, underscores, overflow, the empty string) is an error, which Helm turns into 0.
 */
export function goAtoi(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return isInt64(value) ? value : undefined;
}

/** The text Helm's typed decode (`map[string]string`) gives a scalar of this kind. */
export function helmStringOf(decoded: string, style: ScalarStyle): string {
  if (style !== 'plain') return decoded;
  const resolved = resolvePlainScalar(decoded);
  switch (resolved.type) {
    case 'null':
      return '';
    case 'bool':
      return String(resolved.bool);
    case 'int':
      return resolved.int!.toString();
    case 'float':
      return formatGoFloat(resolved.float!);
    default:
      return decoded;
  }
}

/**
 * strconv.FormatFloat(v, 'g', -1, 32), which sigs.k8s.io/yaml uses to turn a float into a string field. The bit size
 * is 32, so the value is first rounded to float32: `3.141592653589793` becomes "3.1415927", `16777217.0`
 * "1.6777216e+07", `1e39` "+Inf" and `1e-50` "0" (checked with Helm v4.1.4). Shortest digits that round-trip as a
 * float32, and exponent notation when the decimal exponent is below -4 or at least 6 (Go's rule for shortest 'g').
 */
export function formatGoFloat(value: number): string {
  const single = Math.fround(value);
  if (Number.isNaN(single)) return 'NaN';
  if (single === Infinity) return '+Inf';
  if (single === -Infinity) return '-Inf';
  if (single === 0) return Object.is(single, -0) ? '-0' : '0';
  const sign = single < 0 ? '-' : '';
  const shortest = Number(shortestFloat32Digits(Math.abs(single)));
  const [mantissa, exponentText] = shortest.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const magnitude = Math.abs(exponent).toString().padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  return sign + String(shortest);
}

/**
 * The fewest significant digits (as `<integer>e<exponent>`) that read back as this positive float32, and of those the
 * nearest, ties to even: what Go's shortest formatting picks. Works on the float32's exact decimal expansion.
 */
function shortestFloat32Digits(single: number): string {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, single);
  const bits = view.getUint32(0);
  const biased = (bits >>> 23) & 0xff;
  const fraction = BigInt(bits & 0x7fffff);
  const mantissa = biased === 0 ? fraction : fraction | 0x800000n;
  const binaryExponent = (biased === 0 ? 1 : biased) - 150;
  // value = exact × 10^scale, exactly
  const exact = binaryExponent >= 0 ? mantissa << BigInt(binaryExponent) : mantissa * 5n ** BigInt(-binaryExponent);
  const scale = Math.min(binaryExponent, 0);
  const digits = exact.toString();
  const fits = (units: bigint, exponent: number) => Math.fround(Number(`${units}e${exponent}`)) === single;
  for (let precision = 1; precision < digits.length; precision++) {
    const exponent = scale + digits.length - precision;
    const head = BigInt(digits.slice(0, precision));
    const rest = digits.slice(precision);
    const beyondHalf = rest[0]! > '5' || (rest[0] === '5' && /[1-9]/.test(rest.slice(1)));
    const half = rest[0] === '5' && !beyondHalf;
    const nearest = beyondHalf || (half && head % 2n === 1n) ? head + 1n : head;
    if (fits(nearest, exponent)) return `${nearest}e${exponent}`;
    // At a power of two the float32 below is twice as near as the one above, so the rounding interval is lopsided:
    // the decimal on the far side may round to this value when the nearest one does not.
    const other = nearest === head ? head + 1n : head;
    if (fits(other, exponent)) return `${other}e${exponent}`;
  }
  return `${exact}e${scale}`;
}

export function isNonString(type: KubeScalarType): boolean {
  return type === 'int' || type === 'float' || type === 'bool';
}
