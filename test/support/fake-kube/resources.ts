/**
 * The resource types the fake API server knows, and the discovery documents built from them. The set covers the
 * kinds charts put in hooks and releases; a CustomResourceDefinition created through the server adds its type.
 */

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  versions: string[];
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Subresources served besides the main one (`status`, `log`). */
  subresources?: string[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function core(kind: string, plural: string, namespaced = true, subresources?: string[]): ResourceType {
  return { group: '', versions: ['v1'], kind, plural, namespaced, subresources };
}

function grouped(
  group: string,
  versions: string[],
  kind: string,
  plural: string,
  namespaced = true,
  subresources?: string[],
): ResourceType {
  return { group, versions, kind, plural, namespaced, subresources };
}

export const BUILT_IN_TYPES: readonly ResourceType[] = [
  core('Namespace', 'namespaces', false, ['status']),
  core('Node', 'nodes', false, ['status']),
  core('PersistentVolume', 'persistentvolumes', false, ['status']),
  core('ConfigMap', 'configmaps'),
  core('Secret', 'secrets'),
  core('ServiceAccount', 'serviceaccounts'),
  core('Service', 'services', true, ['status']),
  core('Endpoints', 'endpoints'),
  core('Event', 'events'),
  core('LimitRange', 'limitranges'),
  core('ResourceQuota', 'resourcequotas', true, ['status']),
  core('ReplicationController', 'replicationcontrollers', true, ['status']),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', true, ['status']),
  core('Pod', 'pods', true, ['status', 'log']),
  grouped('apps', ['v1'], 'Deployment', 'deployments', true, ['status']),
  grouped('apps', ['v1'], 'StatefulSet', 'statefulsets', true, ['status']),
  grouped('apps', ['v1'], 'DaemonSet', 'daemonsets', true, ['status']),
  grouped('apps', ['v1'], 'ReplicaSet', 'replicasets', true, ['status']),
  grouped('apps', ['v1'], 'ControllerRevision', 'controllerrevisions'),
  grouped('batch', ['v1'], 'Job', 'jobs', true, ['status']),
  grouped('batch', ['v1'], 'CronJob', 'cronjobs', true, ['status']),
  grouped('autoscaling', ['v2', 'v1'], 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['status']),
  grouped('policy', ['v1'], 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['status']),
  grouped('rbac.authorization.k8s.io', ['v1'], 'Role', 'roles'),
  grouped('rbac.authorization.k8s.io', ['v1'], 'RoleBinding', 'rolebindings'),
  grouped('rbac.authorization.k8s.io', ['v1'], 'ClusterRole', 'clusterroles', false),
  grouped('rbac.authorization.k8s.io', ['v1'], 'ClusterRoleBinding', 'clusterrolebindings', false),
  grouped('networking.k8s.io', ['v1'], 'Ingress', 'ingresses', true, ['status']),
  grouped('networking.k8s.io', ['v1'], 'IngressClass', 'ingressclasses', false),
  grouped('networking.k8s.io', ['v1'], 'NetworkPolicy', 'networkpolicies'),
  grouped('storage.k8s.io', ['v1'], 'StorageClass', 'storageclasses', false),
  grouped('scheduling.k8s.io', ['v1'], 'PriorityClass', 'priorityclasses', false),
  grouped('apiextensions.k8s.io', ['v1'], 'CustomResourceDefinition', 'customresourcedefinitions', false, ['status']),
  grouped('apiregistration.k8s.io', ['v1'], 'APIService', 'apiservices', false, ['status']),
  grouped(
    'admissionregistration.k8s.io',
    ['v1'],
    'MutatingWebhookConfiguration',
    'mutatingwebhookconfigurations',
    false,
  ),
  grouped(
    'admissionregistration.k8s.io',
    ['v1'],
    'ValidatingWebhookConfiguration',
    'validatingwebhookconfigurations',
    false,
  ),
  grouped('coordination.k8s.io', ['v1'], 'Lease', 'leases'),
];

/** `apiVersion` as objects spell it: `v1` for the core group, `group/version` otherwise. */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** The discovery documents of one server, over a mutable list of types (CRDs add to it). */
export class Discovery {
  readonly types: ResourceType[] = [...BUILT_IN_TYPES];

  byPlural(group: string, plural: string): ResourceType | undefined {
    return this.types.find((type) => type.group === group && type.plural === plural);
  }

  byKind(group: string, kind: string): ResourceType | undefined {
    return this.types.find((type) => type.group === group && type.kind === kind);
  }

  /** Adds the type a CustomResourceDefinition declares (its first served version first). */
  addCustomResource(crd: Record<string, unknown>): void {
    const spec = (crd.spec ?? {}) as {
      group?: string;
      names?: { kind?: string; plural?: string; shortNames?: string[] };
      scope?: string;
      versions?: { name?: string }[];
    };
    if (!spec.group || !spec.names?.kind || !spec.names.plural) return;
    if (this.byPlural(spec.group, spec.names.plural)) return;
    const versions = (spec.versions ?? []).map((version) => version.name).filter((name): name is string => !!name);
    this.types.push({
      group: spec.group,
      versions: versions.length > 0 ? versions : ['v1'],
      kind: spec.names.kind,
      plural: spec.names.plural,
      namespaced: spec.scope !== 'Cluster',
      shortNames: spec.names.shortNames,
    });
  }

  removeCustomResource(crd: Record<string, unknown>): void {
    const spec = (crd.spec ?? {}) as { group?: string; names?: { plural?: string } };
    const index = this.types.findIndex(
      (type) => type.group === spec.group && type.plural === spec.names?.plural && !BUILT_IN_TYPES.includes(type),
    );
    if (index >= 0) this.types.splice(index, 1);
  }

  /** GET /version. */
  version(): object {
    return {
      major: '1',
      minor: '34',
      gitVersion: 'v1.34.0-fake',
      gitCommit: 'fake',
      gitTreeState: 'clean',
      buildDate: '2026-01-01T00:00:00Z',
      goVersion: 'go1.24',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }

  /** GET /api. */
  coreVersions(): object {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
    };
  }

  private groups(): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const type of this.types) {
      if (type.group === '') continue;
      const versions = groups.get(type.group) ?? [];
      for (const version of type.versions) if (!versions.includes(version)) versions.push(version);
      groups.set(type.group, versions);
    }
    return groups;
  }

  /** GET /apis. */
  groupList(): object {
    const groups = [...this.groups()].map(([name, versions]) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    }));
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }

  /** GET /apis/GROUP. */
  group(name: string): object | undefined {
    const versions = this.groups().get(name);
    if (!versions) return undefined;
    return {
      kind: 'APIGroup',
      apiVersion: 'v1',
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    };
  }

  /** GET /api/v1 or /apis/GROUP/VERSION. */
  resourceList(group: string, version: string): object | undefined {
    const types = this.types.filter((type) => type.group === group && type.versions.includes(version));
    if (types.length === 0) return undefined;
    const resources = types.flatMap((type) => [
      {
        name: type.plural,
        singularName: type.kind.toLowerCase(),
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: VERBS,
        shortNames: type.shortNames,
      },
      ...(type.subresources ?? []).map((sub) => ({
        name: `${type.plural}/${sub}`,
        singularName: '',
        namespaced: type.namespaced,
        kind: sub === 'log' ? 'Pod' : type.kind,
        verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
      })),
    ]);
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
  }

  /**
   * GET /openapi/v3: one path per group version. Each document declares the `fieldValidation` query parameter on
   * its operations, so that clients leave validation to the server (which accepts every object) instead of
   * downloading full schemas.
   */
  openApiIndex(): object {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    const add = (group: string, version: string) => {
      const key = group === '' ? `api/${version}` : `apis/${group}/${version}`;
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=fake` };
    };
    add('', 'v1');
    for (const [group, versions] of this.groups()) for (const version of versions) add(group, version);
    return { paths };
  }

  /** GET /openapi/v3/api/v1 and /openapi/v3/apis/GROUP/VERSION. */
  openApiGroupVersion(group: string, version: string): object | undefined {
    const types = this.types.filter((type) => type.group === group && type.versions.includes(version));
    if (types.length === 0) return undefined;
    const fieldValidation = { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } };
    const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const paths: Record<string, object> = {};
    const schemas: Record<string, object> = {};
    for (const type of types) {
      const gvk = [{ group, version, kind: type.kind }];
      const prefix = type.namespaced ? `${base}/namespaces/{namespace}/${type.plural}` : `${base}/${type.plural}`;
      const operation = {
        'x-kubernetes-group-version-kind': gvk[0],
        parameters: [fieldValidation],
        responses: { '200': { description: 'OK' } },
      };
      paths[prefix] = { post: operation, get: operation };
      paths[`${prefix}/{name}`] = { get: operation, put: operation, patch: operation, delete: operation };
      const schemaName = `io.k8s.fake.${group || 'core'}.${version}.${type.kind}`;
      schemas[schemaName] = {
        type: 'object',
        'x-kubernetes-group-version-kind': gvk,
        'x-kubernetes-preserve-unknown-fields': true,
      };
    }
    return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.34.0-fake' }, paths, components: { schemas } };
  }
}
