import { EvalError, GoMethod, GoObject, Unknown, Value, unknown } from './value';

/**
 * sprig's semverCompare (Masterminds/semver v3): `||` between groups, comma or space between the constraints of a
 * group; operators = != > < >= <= ~ ~> ^ and x/X/* wildcards; a version with a pre-release part only satisfies a
 * constraint that has one too. Hyphen ranges are Unknown.
 */

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  prerelease: string;
}

const VERSION = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return { major: BigInt(match[1]!), minor: BigInt(match[2] ?? 0), patch: BigInt(match[3] ?? 0), prerelease: match[4] ?? '' };
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xn = /^[0-9]+$/.test(x);
    const yn = /^[0-9]+$/.test(y);
    if (xn && yn) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (xn) return -1;
    if (yn) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function compare(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

interface Bound {
  op: '>=' | '>' | '<' | '<=' | '=' | '!=';
  version: Version;
}

const CONSTRAINT = /^(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)?\s*v?([0-9xX*]+)(?:\.([0-9xX*]+))?(?:\.([0-9xX*]+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** One constraint as lower/upper bounds. */
function bounds(text: string): Bound[] | undefined {
  const match = CONSTRAINT.exec(text);
  if (!match) return undefined;
  const op = match[1] === '=>' ? '>=' : match[1] === '=<' ? '<=' : match[1] === '~>' ? '~' : (match[1] ?? '=');
  const wild = (part: string | undefined) => part === undefined || /^[xX*]$/.test(part);
  const parts = [match[2], match[3], match[4]];
  const firstWild = parts.findIndex(wild);
  const given = firstWild < 0 ? 3 : firstWild;
  const num = (index: number) => (index < given ? BigInt(parts[index]!) : 0n);
  const prerelease = match[5] ?? '';
  const base: Version = { major: num(0), minor: num(1), patch: num(2), prerelease };
  const bump = (level: number): Version =>
    level === 0 ? { major: base.major + 1n, minor: 0n, patch: 0n, prerelease: '' } : level === 1 ? { major: base.major, minor: base.minor + 1n, patch: 0n, prerelease: '' } : { major: base.major, minor: base.minor, patch: base.patch + 1n, prerelease: '' };
  if (given === 0) {
    // `*`, `x`: any version (but `<*`/`>*`/`!=*` match nothing).
    return op === '=' || op === '>=' || op === '<=' || op === '~' || op === '^' ? [] : [{ op: '<', version: { major: 0n, minor: 0n, patch: 0n, prerelease: '' } }, { op: '>', version: { major: 0n, minor: 0n, patch: 0n, prerelease: '' } }];
  }
  switch (op) {
    case '=':
      return given === 3 ? [{ op: '=', version: base }] : [{ op: '>=', version: base }, { op: '<', version: bump(given - 1) }];
    case '!=':
      if (given !== 3) return undefined;
      return [{ op: '!=', version: base }];
    case '>':
      return given === 3 ? [{ op: '>', version: base }] : [{ op: '>=', version: bump(given - 1) }];
    case '>=':
      return [{ op: '>=', version: base }];
    case '<':
      return [{ op: '<', version: base }];
    case '<=':
      return given === 3 ? [{ op: '<=', version: base }] : [{ op: '<', version: bump(given - 1) }];
    case '~':
      return [{ op: '>=', version: base }, { op: '<', version: bump(given === 1 ? 0 : 1) }];
    case '^': {
      const level = base.major > 0n || given === 1 ? 0 : base.minor > 0n || given === 2 ? 1 : 2;
      return [{ op: '>=', version: base }, { op: '<', version: bump(level) }];
    }
    default:
      return undefined;
  }
}

function satisfies(version: Version, bound: Bound): boolean {
  const c = compare(version, bound.version);
  switch (bound.op) {
    case '=': return c === 0;
    case '!=': return c !== 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
  }
}

export function semverCompare(constraint: string, versionText: string): boolean | Unknown {
  const version = parseVersion(versionText);
  if (!version) throw new EvalError(`Invalid Semantic Version: ${versionText}`);
  if (/\s-\s/.test(constraint)) return unknown('semver hyphen ranges are not modelled');
  const groups = constraint.split('||');
  let anyGroup = false;
  for (const group of groups) {
    const texts = group
      .trim()
      .replace(/(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)\s+/g, '$1')
      .split(/[\s,]+/)
      .filter((text) => text !== '');
    if (texts.length === 0) throw new EvalError(`improper constraint: ${constraint}`);
    let all = true;
    for (const text of texts) {
      const parsed = bounds(text);
      if (!parsed) throw new EvalError(`improper constraint: ${constraint}`);
      const wantsPrerelease = /-[0-9A-Za-z]/.test(text.replace(/^[^0-9vxX*]*/, ''));
      if (version.prerelease !== '' && !wantsPrerelease) {
        all = false;
        continue;
      }
      if (!parsed.every((bound) => satisfies(version, bound))) all = false;
    }
    if (all) anyGroup = true;
  }
  return anyGroup;
}

/** sprig's semver: a *semver.Version with its methods. */
export class SemverVersion extends GoObject {
  readonly typeName = '*semver.Version';
  private readonly version: Version;
  private readonly metadata: string;

  constructor(private readonly original: string) {
    super();
    const version = parseVersion(original);
    if (!version) throw new EvalError(`Invalid Semantic Version`);
    this.version = version;
    this.metadata = /\+([0-9A-Za-z.-]+)$/.exec(original)?.[1] ?? '';
  }

  member(name: string): Value | GoMethod | undefined {
    const { major, minor, patch, prerelease } = this.version;
    const methods: Record<string, () => Value> = {
      Major: () => major,
      Minor: () => minor,
      Patch: () => patch,
      Prerelease: () => prerelease,
      Metadata: () => this.metadata,
      Original: () => this.original,
      String: () => this.print(),
    };
    const method = methods[name];
    return method ? new GoMethod(name, () => method()) : undefined;
  }

  print(): string {
    const { major, minor, patch, prerelease } = this.version;
    return `${major}.${minor}.${patch}${prerelease ? `-${prerelease}` : ''}${this.metadata ? `+${this.metadata}` : ''}`;
  }
}
