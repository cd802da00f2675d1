import { DELETE_POLICY_KEY, HOOK_KEY, RESOURCE_POLICY_KEY, WEIGHT_KEY } from '../model/hook';
import { goAtoi } from '../model/scalar';

/**
 * What Argo CD does with a chart's objects and their Helm hook annotations. Argo CD renders the chart with
 * `helm template` and syncs the output itself: it maps Helm's annotations onto its own hooks, phases and waves, per
 * object. Every fact below was read from Argo CD's source at ARGOCD_SOURCE.commit, whose `gitops-engine/` directory
 * holds the sync engine (the standalone argoproj/gitops-engine at 5baed5604d2d has the same logic in `pkg/sync/`);
 * where Argo CD's docs (its Helm user guide) disagree, the code is what is modelled.
 */

export const ARGOCD_SOURCE = {
  repo: 'argoproj/argo-cd',
  commit: '37ee0097cf851bc2dd7665fc081bbce61a7e836e',
  /** The commit is on master after v3.5.1; its VERSION file says 3.6.0. */
  version: '3.6.0 (master, after v3.5.1)',
} as const;

/** A place in argoproj/argo-cd at ARGOCD_SOURCE.commit: `path:lines`. */
export interface ArgoSource {
  path: string;
  lines: string;
}

export const ARGOCD_HOOK_KEY = 'argocd.argoproj.io/hook';
export const ARGOCD_HOOK_DELETE_POLICY_KEY = 'argocd.argoproj.io/hook-delete-policy';
export const ARGOCD_SYNC_WAVE_KEY = 'argocd.argoproj.io/sync-wave';
export const ARGOCD_SYNC_OPTIONS_KEY = 'argocd.argoproj.io/sync-options';
/** Every annotation planArgoObject reads. */
export const ARGOCD_READ_KEYS = [
  HOOK_KEY,
  WEIGHT_KEY,
  DELETE_POLICY_KEY,
  RESOURCE_POLICY_KEY,
  ARGOCD_HOOK_KEY,
  ARGOCD_HOOK_DELETE_POLICY_KEY,
  ARGOCD_SYNC_WAVE_KEY,
  ARGOCD_SYNC_OPTIONS_KEY,
] as const;

export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';
export type DeletionPhase = 'PreDelete' | 'PostDelete';
export type ArgoDeletePolicy = 'BeforeHookCreation' | 'HookSucceeded' | 'HookFailed';

/**
 * The order of a sync's phases (gitops-engine/pkg/sync/sync_tasks.go:16-21); SyncFail runs only when the sync fails
 * (sync_context.go:647-657).
 */
export const SYNC_PHASES: readonly SyncPhase[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail'];

/** The values of `argocd.argoproj.io/hook` the sync engine knows, compared exactly (common/types.go:116-133). */
export const ARGOCD_HOOK_TYPES = ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip'] as const;

/** What Argo CD does with one item of `helm.sh/hook`. */
export interface HelmEventMapping {
  /** The item exactly as Argo CD compares it (after strings.TrimSpace, case-sensitive). */
  helm: string;
  argo: SyncPhase | DeletionPhase | 'ignored';
  /** The first Argo CD release that runs it so (earlier ones ignore the item). */
  since?: string;
  source: ArgoSource;
}

/**
 * Helm's events as Argo CD reads them. Argo CD does not lower-case: `Pre-Install`, which Helm accepts, maps to
 * nothing. An item not listed here is ignored like pre-rollback.
 */
export const HELM_EVENT_MAPPING: readonly HelmEventMapping[] = [
  {
    helm: 'pre-install',
    argo: 'PreSync',
    source: { path: 'gitops-engine/pkg/sync/hook/helm/type.go', lines: '27-32' },
  },
  {
    helm: 'pre-upgrade',
    argo: 'PreSync',
    source: { path: 'gitops-engine/pkg/sync/hook/helm/type.go', lines: '27-32' },
  },
  {
    helm: 'post-install',
    argo: 'PostSync',
    source: { path: 'gitops-engine/pkg/sync/hook/helm/type.go', lines: '27-32' },
  },
  {
    helm: 'post-upgrade',
    argo: 'PostSync',
    source: { path: 'gitops-engine/pkg/sync/hook/helm/type.go', lines: '27-32' },
  },
  // controller/hook.go, git log -S'"pre-delete"': 3bf3d8a212 (#22288), first tagged v3.3.0.
  { helm: 'pre-delete', argo: 'PreDelete', since: 'v3.3.0', source: { path: 'controller/hook.go', lines: '34-43' } },
  // controller/hook.go, git log -S'"post-delete"': dcc17f70bf (#16595), first tagged v2.10.0.
  { helm: 'post-delete', argo: 'PostDelete', since: 'v2.10.0', source: { path: 'controller/hook.go', lines: '34-43' } },
  // NewType accepts only the four install and upgrade events; Types drops every other item.
  {
    helm: 'pre-rollback',
    argo: 'ignored',
    source: { path: 'gitops-engine/pkg/sync/hook/helm/type.go', lines: '19-25' },
  },
  {
    helm: 'post-rollback',
    argo: 'ignored',
    source: { path: 'gitops-engine/pkg/sync/hook/helm/type.go', lines: '19-25' },
  },
  { helm: 'test', argo: 'ignored', source: { path: 'gitops-engine/pkg/sync/hook/helm/type.go', lines: '19-25' } },
  {
    helm: 'test-success',
    argo: 'ignored',
    source: { path: 'gitops-engine/pkg/sync/hook/helm/type.go', lines: '19-25' },
  },
];

/** Helm's delete policies as Argo CD reads them, exactly; any other item (`Hook-Succeeded`) is dropped. */
export const HELM_DELETE_POLICY_MAPPING: readonly { helm: string; argo: ArgoDeletePolicy; source: ArgoSource }[] = [
  {
    helm: 'before-hook-creation',
    argo: 'BeforeHookCreation',
    source: { path: 'gitops-engine/pkg/sync/hook/helm/delete_policy.go', lines: '19-27' },
  },
  {
    helm: 'hook-succeeded',
    argo: 'HookSucceeded',
    source: { path: 'gitops-engine/pkg/sync/hook/helm/delete_policy.go', lines: '19-27' },
  },
  {
    helm: 'hook-failed',
    argo: 'HookFailed',
    source: { path: 'gitops-engine/pkg/sync/hook/helm/delete_policy.go', lines: '19-27' },
  },
];
const ARGO_DELETE_POLICIES: readonly ArgoDeletePolicy[] = ['BeforeHookCreation', 'HookSucceeded', 'HookFailed'];

/**
 * The kinds in the order a wave applies them (gitops-engine/pkg/sync/sync_tasks.go:25-69, Helm's older InstallOrder);
 * any other kind comes after them all, and two other kinds are not ordered by kind at all: by name only.
 */
export const ARGOCD_KIND_ORDER: readonly string[] = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];

/** A rendered object's annotations, by key; undefined where absent. */
export type AnnotationReader = (key: string) => string | undefined;

/** Why a sync never applies an object. */
export type SkipReason = 'ignored-helm-events' | 'skip-annotation' | 'deletion-only';

export interface ArgoObjectPlan {
  /** gitops-engine's hook.IsHook: the sync runs it as a hook, not as a managed resource. */
  hook: boolean;
  /** Whose annotation decides the object's hook phases: Argo CD's when it holds a type it knows, else Helm's. */
  eventsFrom: 'argocd' | 'helm' | 'none';
  /** The sync phases that apply it, in SYNC_PHASES order; empty when a sync never applies it. */
  syncPhases: SyncPhase[];
  /** Run when the Application is deleted (controller/hook.go), whoever's annotation says so. */
  deletionPhases: DeletionPhase[];
  /** Why a sync never applies it; undefined when it does. */
  skipped?: SkipReason;
  wave: bigint;
  waveFrom: 'sync-wave' | 'hook-weight' | 'default';
  /** Argo CD's and Helm's delete policies together, deduplicated; BeforeHookCreation when neither names one. */
  deletePolicies: ArgoDeletePolicy[];
  /** Items of `helm.sh/hook` that Argo CD runs nowhere, as written (trimmed), when Helm's annotation is read. */
  unmappedHelmEvents: string[];
  /** Deleting the Application leaves it in the cluster, and why. */
  keptOnDelete?: 'resource-policy-keep' | 'delete-false' | 'crd';
}

/** resource/annotations.go GetAnnotationCSVs: split on commas, trim, drop empty items and duplicates; no case folding. */
export function annotationItems(value: string | undefined): string[] {
  if (value === undefined) return [];
  const items: string[] = [];
  for (const raw of value.split(',')) {
    const item = raw.replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/g, '');
    if (item !== '' && !items.includes(item)) items.push(item);
  }
  return items;
}

/** The phase Argo CD gives one item of `helm.sh/hook` (undefined: it runs the item nowhere). */
export function argoPhaseOfHelmEvent(item: string): SyncPhase | DeletionPhase | undefined {
  const row = HELM_EVENT_MAPPING.find((candidate) => candidate.helm === item);
  return row && row.argo !== 'ignored' ? row.argo : undefined;
}

function isSyncPhase(value: string): value is SyncPhase {
  return (SYNC_PHASES as readonly string[]).includes(value);
}

/** The valid `argocd.argoproj.io/hook` types of an object, in its order. */
export function argoHookTypes(annotations: AnnotationReader): string[] {
  return annotationItems(annotations(ARGOCD_HOOK_KEY)).filter((item) =>
    (ARGOCD_HOOK_TYPES as readonly string[]).includes(item),
  );
}

/** What Argo CD does with one object of `helm template`'s output. */
export function planArgoObject(kind: string | undefined, annotations: AnnotationReader): ArgoObjectPlan {
  const argoTypes = argoHookTypes(annotations);
  const helmValue = annotations(HOOK_KEY);
  const helmItems = annotationItems(helmValue);
  // hook/hook.go Types: Helm's events are read only when the object has no Argo CD type (lines 46-51).
  const eventsFrom = argoTypes.length > 0 ? 'argocd' : helmItems.length > 0 ? 'helm' : 'none';
  const helmTypes =
    eventsFrom === 'helm'
      ? helmItems
          .map(argoPhaseOfHelmEvent)
          .filter((phase): phase is SyncPhase => phase !== undefined && isSyncPhase(phase))
      : [];
  const types = eventsFrom === 'argocd' ? argoTypes : helmTypes;
  // hook/hook.go Skip (lines 31-36): Skip alone; IsHook (lines 23-29): Argo CD's key decides when present.
  const skip = types.includes('Skip') && types.length === 1;
  const hook =
    annotations(ARGOCD_HOOK_KEY) !== undefined ? !skip : helmValue !== undefined && helmValue !== 'crd-install';
  // controller/hook.go isHookOfType (lines 45-60): either annotation, whatever the other one says.
  const deletionPhases: DeletionPhase[] = [];
  const argoItems = annotationItems(annotations(ARGOCD_HOOK_KEY));
  if (argoItems.includes('PreDelete') || helmItems.includes('pre-delete')) deletionPhases.push('PreDelete');
  if (argoItems.includes('PostDelete') || helmItems.includes('post-delete')) deletionPhases.push('PostDelete');
  const hasSyncPhase = types.some((type) => isSyncPhase(type));
  let syncPhases: SyncPhase[];
  let skipped: SkipReason | undefined;
  if (deletionPhases.length > 0 && !hasSyncPhase) {
    // controller/state.go partitionTargetObjsForSync (lines 659-676): deletion hooks stay out of the sync.
    syncPhases = [];
    skipped = 'deletion-only';
  } else if (skip) {
    // sync_phase.go syncPhases (lines 10-12): a skipped object gets no task.
    syncPhases = [];
    skipped = 'skip-annotation';
  } else if (hook) {
    // ignore/ignore.go (lines 10-12) and reconcile.go splitHooks (lines 13-27): a hook without a type is dropped.
    syncPhases = SYNC_PHASES.filter((phase) => (types as string[]).includes(phase));
    if (syncPhases.length === 0) skipped = 'ignored-helm-events';
  } else {
    syncPhases = ['Sync'];
  }
  const unmappedHelmEvents =
    eventsFrom === 'argocd' ? [] : helmItems.filter((item) => argoPhaseOfHelmEvent(item) === undefined);
  const plan: ArgoObjectPlan = {
    hook,
    eventsFrom,
    syncPhases,
    deletionPhases,
    ...waveOf(annotations),
    deletePolicies: argoDeletePolicies(annotations),
    unmappedHelmEvents,
  };
  if (skipped) plan.skipped = skipped;
  const kept = keptOnDelete(kind, annotations);
  if (kept) plan.keptOnDelete = kept;
  return plan;
}

/** syncwaves/waves.go Wave: the sync-wave when strconv.Atoi reads it, else helm.sh/hook-weight (hook or not), else 0. */
function waveOf(annotations: AnnotationReader): Pick<ArgoObjectPlan, 'wave' | 'waveFrom'> {
  const syncWave = annotations(ARGOCD_SYNC_WAVE_KEY);
  const fromSyncWave = syncWave !== undefined ? goAtoi(syncWave) : undefined;
  if (fromSyncWave !== undefined) return { wave: fromSyncWave, waveFrom: 'sync-wave' };
  // hook/helm/weight.go Weight: Atoi, 0 on error.
  const weight = annotations(WEIGHT_KEY);
  const fromWeight = weight !== undefined ? goAtoi(weight) : undefined;
  if (fromWeight !== undefined) return { wave: fromWeight, waveFrom: 'hook-weight' };
  return { wave: 0n, waveFrom: 'default' };
}

/** hook/delete_policy.go DeletePolicies: Argo CD's, then Helm's mapped, together; BeforeHookCreation when none. */
export function argoDeletePolicies(annotations: AnnotationReader): ArgoDeletePolicy[] {
  const policies: ArgoDeletePolicy[] = [];
  const add = (policy: ArgoDeletePolicy | undefined) => {
    if (policy && !policies.includes(policy)) policies.push(policy);
  };
  for (const item of annotationItems(annotations(ARGOCD_HOOK_DELETE_POLICY_KEY)))
    add(ARGO_DELETE_POLICIES.find((policy) => policy === item));
  for (const item of annotationItems(annotations(DELETE_POLICY_KEY)))
    add(HELM_DELETE_POLICY_MAPPING.find((row) => row.helm === item)?.argo);
  if (policies.length === 0) policies.push('BeforeHookCreation');
  return policies;
}

/** controller/appcontroller.go shouldBeDeleted (lines 1255-1264): what deleting the Application leaves behind. */
function keptOnDelete(kind: string | undefined, annotations: AnnotationReader): ArgoObjectPlan['keptOnDelete'] {
  if (kind === 'CustomResourceDefinition') return 'crd';
  if (annotationItems(annotations(ARGOCD_SYNC_OPTIONS_KEY)).includes('Delete=false')) return 'delete-false';
  if (annotationItems(annotations(RESOURCE_POLICY_KEY)).includes('keep')) return 'resource-policy-keep';
  return undefined;
}

/** sync_tasks.go kindOrder: the listed kinds before all others, which share one rank. */
function argoKindRank(kind: string | undefined): number {
  const index = kind === undefined ? -1 : ARGOCD_KIND_ORDER.indexOf(kind);
  return index < 0 ? ARGOCD_KIND_ORDER.length : index;
}

/** One application of an object in a sync: an object runs once per sync phase it has. */
export interface SyncTaskKey {
  phase: SyncPhase;
  wave: bigint;
  kind?: string;
  name?: string;
}

/**
 * gitops-engine/pkg/sync/sync_tasks.go:81-111 Less: phase, wave, kind, name (Go string comparison, byte-wise). Undefined when the order depends on a
 * kind or name that is not known.
 */
export function compareSyncTasks(a: SyncTaskKey, b: SyncTaskKey): number | undefined {
  const phase = SYNC_PHASES.indexOf(a.phase) - SYNC_PHASES.indexOf(b.phase);
  if (phase !== 0) return phase;
  if (a.wave !== b.wave) return a.wave < b.wave ? -1 : 1;
  if (a.kind === undefined || b.kind === undefined) return undefined;
  const kind = argoKindRank(a.kind) - argoKindRank(b.kind);
  if (kind !== 0) return kind;
  if (a.name === undefined || b.name === undefined) return undefined;
  return compareBytes(a.name, b.name);
}

function compareBytes(a: string, b: string): number {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return Buffer.compare(left, right);
}

/** When Argo CD deletes a hook, from its delete policies (sync_context.go and sync_task.go). */
export function describeArgoDeletion(policies: readonly ArgoDeletePolicy[]): string {
  const parts: string[] = [];
  // sync_task.go deleteBeforeCreation (lines 130-132), run by sync_context.go runTasks (line 1702).
  if (policies.includes('BeforeHookCreation')) parts.push('replaced at the next sync');
  // sync_context.go lines 638-645 collect them; lines 670-674 and 721-730 delete them once the whole sync succeeded.
  if (policies.includes('HookSucceeded')) parts.push('deleted when the whole sync succeeds');
  // sync_context.go lines 652-657 and 716-719: on a failed sync.
  if (policies.includes('HookFailed')) parts.push('deleted when the sync fails');
  return parts.join(', ');
}

/**
 * When a PreDelete or PostDelete hook is deleted (controller/hook.go cleanupHooks, lines 282-299): its policies are
 * never empty (BeforeHookCreation by default), so only HookSucceeded deletes it, once the phase's hooks succeeded.
 */
export function describeDeletionHookCleanup(policies: readonly ArgoDeletePolicy[]): string {
  return policies.includes('HookSucceeded')
    ? "deleted once the phase's hooks all succeed"
    : 'not deleted by a delete policy (only HookSucceeded deletes it)';
}
