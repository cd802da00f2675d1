import { minimatch } from 'minimatch';
import { toYaml } from './goyaml';
import type { Value } from './value';
import { GoMethod, GoObject, newMap } from './value';

/**
 * Helm's built-in objects that are Go structs with methods: `.Capabilities` and `.Files`. `.Release`, `.Chart` and
 * `.Template` reach Helm 4 templates as maps (toJson prints their keys), so they are plain maps in render.ts.
 */

/**
 * What `helm template` (Helm v4.1.4) reports without a cluster: chartutil's DefaultCapabilities. The API versions
 * are the group/versions of client-go's scheme plus apiextensions (no kinds), printed by the v4.1.4 binary.
 */
export const DEFAULT_KUBE_VERSION = { version: 'v1.35.0', major: '1', minor: '35' };
export const DEFAULT_HELM_VERSION = {
  version: 'v4.1.4',
  gitCommit: '05fa37973dc9e42b76e1d2883494c87174b6074f',
  gitTreeState: 'clean',
  goVersion: 'go1.25.9',
};
export const DEFAULT_API_VERSIONS: readonly string[] = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1alpha1',
  'admissionregistration.k8s.io/v1beta1',
  'internal.apiserver.k8s.io/v1alpha1',
  'apps/v1',
  'apps/v1beta1',
  'apps/v1beta2',
  'authentication.k8s.io/v1',
  'authentication.k8s.io/v1alpha1',
  'authentication.k8s.io/v1beta1',
  'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1',
  'autoscaling/v1',
  'autoscaling/v2',
  'autoscaling/v2beta1',
  'autoscaling/v2beta2',
  'batch/v1',
  'batch/v1beta1',
  'certificates.k8s.io/v1',
  'certificates.k8s.io/v1beta1',
  'certificates.k8s.io/v1alpha1',
  'coordination.k8s.io/v1alpha2',
  'coordination.k8s.io/v1beta1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'discovery.k8s.io/v1beta1',
  'events.k8s.io/v1',
  'events.k8s.io/v1beta1',
  'extensions/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta2',
  'flowcontrol.apiserver.k8s.io/v1beta3',
  'networking.k8s.io/v1',
  'networking.k8s.io/v1beta1',
  'node.k8s.io/v1',
  'node.k8s.io/v1alpha1',
  'node.k8s.io/v1beta1',
  'policy/v1',
  'policy/v1beta1',
  'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1',
  'rbac.authorization.k8s.io/v1alpha1',
  'resource.k8s.io/v1',
  'resource.k8s.io/v1beta2',
  'resource.k8s.io/v1beta1',
  'resource.k8s.io/v1alpha3',
  'scheduling.k8s.io/v1alpha1',
  'scheduling.k8s.io/v1beta1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1beta1',
  'storage.k8s.io/v1',
  'storage.k8s.io/v1alpha1',
  'storagemigration.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1',
];

class KubeVersion extends GoObject {
  readonly typeName = '*common.KubeVersion';
  constructor(
    private readonly version: string,
    private readonly major: string,
    private readonly minor: string,
  ) {
    super();
  }
  member(name: string): Value | GoMethod | undefined {
    switch (name) {
      case 'Version':
      case 'GitVersion':
        return this.version;
      case 'Major':
        return this.major;
      case 'Minor':
        return this.minor;
      case 'String':
        return new GoMethod(name, () => this.version);
      default:
        return undefined;
    }
  }
  print(): string {
    return this.version;
  }
}

class VersionSet extends GoObject {
  readonly typeName = 'common.VersionSet';
  constructor(private readonly versions: readonly string[]) {
    super();
  }
  member(name: string): Value | GoMethod | undefined {
    if (name === 'Has')
      return new GoMethod(name, (args) => typeof args[0] === 'string' && this.versions.includes(args[0]));
    return undefined;
  }
  print(): string {
    return `[${this.versions.join(' ')}]`;
  }
}

class HelmVersion extends GoObject {
  readonly typeName = 'version.BuildInfo';
  member(name: string): Value | GoMethod | undefined {
    switch (name) {
      case 'Version':
        return DEFAULT_HELM_VERSION.version;
      case 'GitCommit':
        return DEFAULT_HELM_VERSION.gitCommit;
      case 'GitTreeState':
        return DEFAULT_HELM_VERSION.gitTreeState;
      case 'GoVersion':
        return DEFAULT_HELM_VERSION.goVersion;
      default:
        return undefined;
    }
  }
  print(): string {
    return `{${DEFAULT_HELM_VERSION.version} ${DEFAULT_HELM_VERSION.gitCommit} ${DEFAULT_HELM_VERSION.gitTreeState} ${DEFAULT_HELM_VERSION.goVersion}}`;
  }
}

export class Capabilities extends GoObject {
  readonly typeName = '*common.Capabilities';
  private readonly kube = new KubeVersion(
    DEFAULT_KUBE_VERSION.version,
    DEFAULT_KUBE_VERSION.major,
    DEFAULT_KUBE_VERSION.minor,
  );
  private readonly apis = new VersionSet(DEFAULT_API_VERSIONS);
  member(name: string): Value | GoMethod | undefined {
    switch (name) {
      case 'KubeVersion':
        return this.kube;
      case 'APIVersions':
        return this.apis;
      case 'HelmVersion':
        return new HelmVersion();
      default:
        return undefined;
    }
  }
  print(): string {
    return '&{…}';
  }
}

/** `.Files`: the chart's non-template files (Helm's `Files` map[string][]byte and its methods). */
export class Files extends GoObject {
  readonly typeName = 'common.Files';
  constructor(private readonly files: ReadonlyMap<string, string>) {
    super();
  }
  member(name: string): Value | GoMethod | undefined {
    switch (name) {
      case 'Get':
        return new GoMethod(name, (args) => this.files.get(String(args[0])) ?? '');
      case 'GetBytes':
        return new GoMethod(name, (args) => this.files.get(String(args[0])) ?? '');
      case 'Lines':
        return new GoMethod(name, (args) => {
          const text = this.files.get(String(args[0]));
          if (text === undefined) return [];
          // Helm's Lines splits on "\n" and drops a final empty line.
          const lines = text.split('\n');
          if (lines[lines.length - 1] === '') lines.pop();
          return lines;
        });
      case 'Glob':
        return new GoMethod(name, (args) => {
          const pattern = String(args[0]);
          const matched = new Map<string, string>();
          for (const [path, text] of this.files) if (minimatch(path, pattern, { dot: true })) matched.set(path, text);
          return new Files(matched);
        });
      case 'AsConfig':
        return new GoMethod(name, () => this.asMap((text) => text));
      case 'AsSecrets':
        return new GoMethod(name, () => this.asMap((text) => Buffer.from(text, 'utf8').toString('base64')));
      default:
        return undefined;
    }
  }

  override entries(): Array<[Value, Value]> {
    return [...this.files.keys()].sort().map((path) => [path, this.files.get(path)!]);
  }

  /** AsConfig/AsSecrets: base names as keys, as YAML; Helm returns "" when the set is empty. */
  private asMap(encode: (text: string) => string): Value {
    if (this.files.size === 0) return '';
    const map = newMap();
    for (const [path, text] of this.files) map[path.slice(path.lastIndexOf('/') + 1)] = encode(text);
    return toYaml(map);
  }

  print(): string {
    return `map[${[...this.files.keys()]
      .sort()
      .map((key) => `${key}:[…]`)
      .join(' ')}]`;
  }
}
