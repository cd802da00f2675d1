/**
 * The part of Masterminds/semver v3 that Helm uses, shared by chart loading and the template evaluator: NewVersion
 * (loose: `v` prefix, missing minor or patch allowed), NewConstraint and Check. Chart loading needs it for
 * `dependencies[].version` (Helm's IsCompatibleRange), templates for sprig's `semverCompare` and `semver`.
 */
export interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
  metadata: string;
}

const LOOSE_VERSION =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const UINT64_MAX = 2n ** 64n - 1n;

export function parseVersion(text: string): Version | undefined {
  const match = LOOSE_VERSION.exec(text);
  if (!match) return undefined;
  const numbers = [match[1]!, match[2]?.slice(1) ?? '0', match[3]?.slice(1) ?? '0'].map((digits) => BigInt(digits));
  if (numbers.some((value) => value > UINT64_MAX)) return undefined;
  const pre = match[5] ?? '';
  // validatePrerelease: numeric identifiers must not have leading zeros.
  if (pre.split('.').some((part) => /^[0-9]+$/.test(part) && part.length > 1 && part.startsWith('0'))) return undefined;
  return { major: numbers[0]!, minor: numbers[1]!, patch: numbers[2]!, pre, metadata: match[8] ?? '' };
}

function compareNumber(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xNumeric = /^[0-9]+$/.test(x);
    const yNumeric = /^[0-9]+$/.test(y);
    if (xNumeric && yNumeric) return compareNumber(BigInt(x), BigInt(y));
    if (xNumeric) return -1;
    if (yNumeric) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export function compareVersions(a: Version, b: Version): number {
  return (
    compareNumber(a.major, b.major) ||
    compareNumber(a.minor, b.minor) ||
    compareNumber(a.patch, b.patch) ||
    comparePrerelease(a.pre, b.pre)
  );
}

export interface Constraint {
  op: string;
  version: Version;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

const OPS = '=||!=|>|<|>=|=>|<=|=<|~|~>|\\^';
const CV =
  'v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?';
const CONSTRAINT = new RegExp(`^\\s*(${OPS})\\s*(${CV})\\s*$`);
const RANGE = new RegExp(`\\s*(${CV})\\s+-\\s+(${CV})\\s*`, 'g');
const FIND = new RegExp(`(${OPS})\\s*(${CV})`, 'g');
const VALID = new RegExp(`^(\\s*(${OPS})\\s*(${CV})\\s*)((?:\\s+|,\\s*)(${OPS})\\s*(${CV})\\s*)*$`);

function isX(text: string): boolean {
  return text === 'x' || text === 'X' || text === '*';
}

/** One `<op><version>`; an `x`, `*` or missing part makes it "dirty" (a range over that part). */
function parseConstraint(text: string): Constraint | undefined {
  const match = CONSTRAINT.exec(text);
  if (!match) return undefined;
  const op = match[1]!;
  const major = match[3]!;
  const minor = match[4] ?? '';
  const patch = match[5] ?? '';
  const pre = match[7] ? `-${match[7]}` : '';
  let versionText = match[2]!;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major)) {
    versionText = `0.0.0${pre}`;
    dirty = true;
  } else if (minor === '' || isX(minor.slice(1))) {
    versionText = `${major}.0.0${pre}`;
    dirty = minorDirty = true;
  } else if (patch === '' || isX(patch.slice(1))) {
    versionText = `${major}${minor}.0${pre}`;
    dirty = patchDirty = true;
  }
  const version = parseVersion(versionText);
  if (!version) return undefined;
  return { op, version, dirty, minorDirty, patchDirty };
}

function tilde(v: Version, c: Constraint): boolean {
  if (compareVersions(v, c.version) < 0) return false;
  if (c.version.major === 0n && c.version.minor === 0n && c.version.patch === 0n && !c.minorDirty && !c.patchDirty)
    return true;
  if (v.major !== c.version.major) return false;
  return !(v.minor !== c.version.minor && !c.minorDirty);
}

function check(v: Version, c: Constraint, includePre: boolean): boolean {
  if (v.pre !== '' && !includePre) return false;
  const cv = c.version;
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : compareVersions(v, cv) === 0;
    case '!=':
      if (c.dirty) {
        if (cv.major !== v.major) return true;
        if (cv.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (cv.patch !== v.patch && !c.patchDirty) return true;
        if (c.patchDirty) return (v.pre !== '' || cv.pre !== '') && comparePrerelease(v.pre, cv.pre) !== 0;
      }
      return compareVersions(v, cv) !== 0;
    case '>':
      if (!c.dirty) return compareVersions(v, cv) === 1;
      if (v.major > cv.major) return true;
      if (v.major < cv.major) return false;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > cv.minor;
      return compareVersions(v, cv) === 1;
    case '<':
      return compareVersions(v, cv) < 0;
    case '>=':
    case '=>':
      return compareVersions(v, cv) >= 0;
    case '<=':
    case '=<':
      if (!c.dirty) return compareVersions(v, cv) <= 0;
      if (v.major > cv.major) return false;
      return !(v.major === cv.major && v.minor > cv.minor && !c.minorDirty);
    case '~':
    case '~>':
      return tilde(v, c);
    case '^':
      if (compareVersions(v, cv) < 0) return false;
      if (cv.major > 0n || c.minorDirty) return v.major === cv.major;
      if (v.major > 0n) return false;
      if (cv.minor > 0n || c.patchDirty) return v.minor === cv.minor;
      if (v.minor > 0n) return false;
      return cv.patch === v.patch;
    default:
      return false;
  }
}

/** NewConstraint: `||` groups of constraints, or the reason Masterminds gives when the text is not one. */
export type Constraints = { groups: Constraint[][] } | { error: string };

export function parseConstraints(constraint: string): Constraints {
  const rewritten = constraint.replace(
    RANGE,
    (_all, low: string, ...rest: unknown[]) => `>= ${low}, <= ${rest[9] as string} `,
  );
  const groups: Constraint[][] = [];
  for (const group of rewritten.split('||')) {
    if (!VALID.test(group)) return { error: `improper constraint: ${group}` };
    const texts = group.match(FIND) ?? [group];
    const constraints: Constraint[] = [];
    for (const text of texts) {
      const parsed = parseConstraint(text);
      if (!parsed) return { error: `improper constraint: ${text}` };
      constraints.push(parsed);
    }
    groups.push(constraints);
  }
  return { groups };
}

/** Constraints.Check: a pre-release version only satisfies a group in which some constraint has a pre-release. */
export function satisfies(constraints: Constraint[][], version: Version): boolean {
  return constraints.some((group) => {
    const includePre = group.some((c) => c.version.pre !== '');
    return group.every((c) => check(version, c, includePre));
  });
}

/** Helm's IsCompatibleRange: false when the version or the constraint does not parse (an empty constraint does not). */
export function isCompatibleRange(constraint: string, versionText: string): boolean {
  const version = parseVersion(versionText);
  if (!version) return false;
  const constraints = parseConstraints(constraint);
  return 'groups' in constraints && satisfies(constraints.groups, version);
}
