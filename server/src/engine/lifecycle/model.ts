import type { HookEvent } from '../model/hook';

/**
 * What the presence simulation reads of a chart revision: its hooks and release resources as Helm stores them in the
 * release record (pkg/release/v1 Release.Hooks and Release.Manifest), in the order Helm runs and applies them.
 * `S` is whatever the caller wants back on each object (a rule's ChartObject, the order's evaluated hook).
 */

/** An object as the API server names it. */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace: string;
}

export function objectKey(ref: ObjectRef): string {
  return `${ref.namespace}\0${ref.kind}\0${ref.name}`;
}

/** `Secret/db` */
export function shortRef(ref: ObjectRef): string {
  return `${ref.kind}/${ref.name}`;
}

export interface RevisionHook<S = unknown, P extends string = HookEvent> extends ObjectRef {
  /** As Helm stores them: in annotation order, an event listed twice runs twice. */
  events: readonly P[];
  /** As Helm stores them; empty when the annotation is absent, which Helm turns into before-hook-creation at run time. */
  deletePolicies: readonly string[];
  source: S;
}

export interface RevisionResource<S = unknown> extends ObjectRef {
  /** `helm.sh/resource-policy` as written; undefined when absent. */
  resourcePolicy?: string;
  /** The rendered document, when known: Helm 3 sends no patch for a resource whose manifest did not change. */
  manifest?: string;
  source: S;
}

export interface ChartRevision<S = unknown, P extends string = HookEvent> {
  /** The chart's `crds/` objects (subcharts' included), which install creates before anything else. */
  crds?: readonly ObjectRef[];
  /** The hooks of one event (or another tool's phase) in the order they run (execHook: sort.Stable by weight, then name, over the kind-sorted hooks). */
  hooksOf(event: P): readonly RevisionHook<S, P>[];
  /** The release resources in the order Helm applies them (InstallOrder). */
  resources: readonly RevisionResource<S>[];
}

/** A revision from hooks already ordered per event (each list in Helm's run order). */
export function revisionOf<S, P extends string = HookEvent>(
  events: ReadonlyMap<P, readonly RevisionHook<S, P>[]>,
  resources: readonly RevisionResource<S>[],
  crds: readonly ObjectRef[] = [],
): ChartRevision<S, P> {
  return { hooksOf: (event) => events.get(event) ?? [], resources, crds };
}

/**
 * Kinds the API server serves without a namespace (the built-in cluster-scoped resources of Kubernetes 1.34, and
 * APIService). Helm learns this from discovery; a custom resource is taken to be namespaced.
 */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ComponentStatus',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'VolumeAttributesClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'APIService',
  'CertificateSigningRequest',
  'ClusterTrustBundle',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'PodSecurityPolicy',
  'DeviceClass',
  'ResourceSlice',
  'StorageVersionMigration',
  'IPAddress',
  'ServiceCIDR',
]);

/** The namespace an object lives in: none for a cluster-scoped kind, else the one written or the release's. */
export function namespaceOf(kind: string, written: string | undefined, releaseNamespace: string): string {
  return CLUSTER_SCOPED_KINDS.has(kind) ? '' : (written ?? releaseNamespace);
}
