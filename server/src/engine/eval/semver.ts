import type { Version } from '../chart/semver';
import { parseConstraints, parseVersion, satisfies } from '../chart/semver';
import type { Value } from './value';
import { EvalError, GoMethod, GoObject } from './value';

/** sprig's semverCompare: NewConstraint, then NewVersion, then Check, failing the render when either does not parse. */
export function semverCompare(constraint: string, versionText: string): boolean {
  const constraints = parseConstraints(constraint);
  if ('error' in constraints) throw new EvalError(constraints.error);
  const version = parseVersion(versionText);
  if (!version) throw new EvalError(`Invalid Semantic Version`);
  return satisfies(constraints.groups, version);
}

/** sprig's semver: a *semver.Version with its methods. */
export class SemverVersion extends GoObject {
  readonly typeName = '*semver.Version';
  private readonly version: Version;

  constructor(private readonly original: string) {
    super();
    const version = parseVersion(original);
    if (!version) throw new EvalError(`Invalid Semantic Version`);
    this.version = version;
  }

  member(name: string): Value | GoMethod | undefined {
    const { major, minor, patch, pre, metadata } = this.version;
    const methods: Record<string, () => Value> = {
      Major: () => major,
      Minor: () => minor,
      Patch: () => patch,
      Prerelease: () => pre,
      Metadata: () => metadata,
      Original: () => this.original,
      String: () => this.print(),
    };
    const method = methods[name];
    return method ? new GoMethod(name, () => method()) : undefined;
  }

  print(): string {
    const { major, minor, patch, pre, metadata } = this.version;
    return `${major}.${minor}.${patch}${pre ? `-${pre}` : ''}${metadata ? `+${metadata}` : ''}`;
  }
}
