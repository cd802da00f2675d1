import type { HookEvent } from '../model/hook';
import type { HelmVersion } from '../rules/rule';
import type { ChartRevision, RevisionHook, RevisionResource } from './model';
import { objectKey } from './model';
import type { Cluster, Deployer, LiveObject, OperationRun, Origin } from './simulation';
import { OperationFailed } from './simulation';
import { isBuiltInKind, threeWayPatchChanges } from './manifest';

/**
 * What Helm does to the cluster in each operation, step by step, from pkg/action at v4.1.4 and v3.18.0:
 *
 * - install.go (Install.RunWithContext, performInstall): installCRDs first (the `crds/` objects), then
 *   existingResourceConflict (a release resource that exists must carry this release's annotations: it is then
 *   adopted and updated), pre-install hooks, then KubeClient.Create of the release resources (KubeClient.Update when
 *   some are adopted), then post-install hooks.
 * - upgrade.go (Upgrade.releasingUpgrade): pre-upgrade hooks of the new revision, then KubeClient.Update(current,
 *   target) — pkg/kube/client.go update(): each target in order is created when a GET finds nothing, else updated,
 *   and one that exists without an original fails the update there (performUpgrade first appends the adopted to
 *   `current`; performRollback adopts nothing); then every original not in the target is deleted unless its `helm.sh/resource-policy` is exactly `keep` — then
 *   post-upgrade hooks. `helm upgrade --install` installs only when no release of that name exists (pkg/cmd/upgrade.go
 *   @v4.1.4, cmd/helm/upgrade.go @v3.18.0: ErrReleaseNotFound or uninstalled); on a release whose only revision failed
 *   it upgrades from that failed revision (prepareUpgrade: `currentRelease = lastRelease` on ErrNoDeployedReleases).
 * - rollback.go (Rollback.prepareRollback, performRollback): the target revision's stored hooks and manifest
 *   (`Hooks: previousRelease.Hooks`), pre-rollback, Update(current, target), post-rollback.
 * - uninstall.go (Uninstall.Run, deleteRelease): pre-delete hooks, then the manifest in UninstallOrder without those
 *   filterManifestsToKeep holds back (any `helm.sh/resource-policy`; only `keep` is reported), then post-delete.
 * - release_testing.go (ReleaseTesting.Run): the `test` hooks of the deployed revision.
 * - hooks.go (execHook; v4 execHookWithDelayedShutdown): per event, the hooks in order; for each, the default
 *   policy before-hook-creation when none is stored (hookSetDeletePolicy), deleteHookByPolicy(before-hook-creation),
 *   create (v3: POST; v4: server-side apply when the release uses it, which patches an object left behind), wait.
 *   After every hook succeeded, hook-succeeded deletions in reverse order. On a failure: hook-failed for the failed
 *   hook and, in v4 (and v3.19+, not v3.18.0), hook-succeeded for the hooks before it. deleteHookByPolicy never
 *   deletes a CustomResourceDefinition.
 */
export class HelmDeployer implements Deployer {
  readonly name = 'helm';

  constructor(
    readonly helmVersion: HelmVersion,
    /** Helm 4 only: whether the release uses server-side apply (install's default; upgrade, rollback and test keep the release's method). */
    readonly serverSideApply = helmVersion === 4,
  ) {}

  run<S>(run: OperationRun<S>, cluster: Cluster<S>): void {
    const phases = PHASES[run.operation];
    if (run.operation === 'install') this.installCrds(run.revision, cluster);
    // Decided before any hook runs, as install.go and upgrade.go do.
    const adopted = new Set<string>();
    if (run.operation === 'install') this.checkOwnership(run.revision.resources, cluster, adopted);
    // upgrade.go performUpgrade appends the adopted resources to `current`; rollback.go adopts nothing.
    if (run.operation === 'upgrade') {
      const current = new Set((run.previous?.resources ?? []).map(objectKey));
      this.checkOwnership(
        run.revision.resources.filter((resource) => !current.has(objectKey(resource))),
        cluster,
        adopted,
      );
    }
    if (!this.execHooks(run, cluster, phases.pre)) return;
    if (!phases.post) return;
    cluster.record({ type: 'resources', run: cluster.run, present: cluster.snapshot() });
    switch (run.operation) {
      case 'install':
        this.create(run.revision, cluster, adopted);
        break;
      case 'upgrade':
      case 'rollback':
        this.update(run.previous, run.revision, cluster, adopted);
        break;
      case 'uninstall':
        this.uninstall(run.revision, cluster);
        break;
      default:
        break;
    }
    this.execHooks(run, cluster, phases.post);
  }

  /** execHook for one event; false when a hook failed (the operation stops there). */
  private execHooks<S>(run: OperationRun<S>, cluster: Cluster<S>, event: HookEvent): boolean {
    const hooks = run.revision.hooksOf(event);
    // Uninstall's hooks always use server-side apply in v4 (uninstall.go: `serverSideApply := true`).
    const apply = this.helmVersion === 4 && (this.serverSideApply || run.operation === 'uninstall');
    for (const [index, hook] of hooks.entries()) {
      const origin: Origin<S> = { type: 'hook', hook, event, run: cluster.run };
      const policies = hook.deletePolicies.length > 0 ? hook.deletePolicies : ['before-hook-creation'];
      if (policies.includes('before-hook-creation') && hook.kind !== 'CustomResourceDefinition') {
        cluster.delete(hook, origin, {
          event,
          why: `deleted just before the ${event} hook ${hook.kind}/${hook.name} is created again (before-hook-creation)`,
        });
      }
      cluster.record({ type: 'hook', event, hook, run: cluster.run, present: cluster.snapshot() });
      if (cluster.has(hook)) {
        if (!apply)
          throw new OperationFailed(
            `${event} hook ${hook.kind}/${hook.name}: it already exists (no before-hook-creation), and Helm ${this.helmVersion} creates hooks with a plain create`,
          );
        cluster.write(hook, origin, 'update');
      } else {
        cluster.write(hook, origin, 'create');
      }
      if (run.failAt?.event === event && run.failAt.index === index) {
        if (policies.includes('hook-failed'))
          this.deleteHook(cluster, hook, origin, `deleted when it failed at ${event} (hook-failed)`);
        if (this.helmVersion === 4) {
          for (const earlier of hooks.slice(0, index)) {
            if (earlier.deletePolicies.includes('hook-succeeded'))
              this.deleteHook(
                cluster,
                earlier,
                { ...origin, hook: earlier },
                `deleted after a later ${event} hook failed (hook-succeeded)`,
              );
          }
        }
        cluster.record({ type: 'event-end', event, run: cluster.run, present: cluster.snapshot() });
        return false;
      }
    }
    for (let index = hooks.length - 1; index >= 0; index--) {
      const hook = hooks[index]!;
      if (hook.deletePolicies.includes('hook-succeeded')) {
        this.deleteHook(
          cluster,
          hook,
          { type: 'hook', hook, event, run: cluster.run },
          `deleted at the end of ${event} (hook-succeeded)`,
        );
      }
    }
    cluster.record({ type: 'event-end', event, run: cluster.run, present: cluster.snapshot() });
    return true;
  }

  private deleteHook<S>(cluster: Cluster<S>, hook: RevisionHook<S>, origin: Origin<S>, why: string): void {
    if (hook.kind === 'CustomResourceDefinition') return;
    cluster.delete(hook, origin, { ...(origin.type === 'hook' ? { event: origin.event } : {}), why });
  }

  /**
   * install.go installCRDs, first of all: each object of the chart's `crds/` files is created; one that exists is
   * skipped (Helm 3's create meets AlreadyExists) or applied again (Helm 4's server-side apply). Never updated or
   * deleted afterwards.
   */
  private installCrds<S>(revision: ChartRevision<S>, cluster: Cluster<S>): void {
    for (const crd of revision.crds ?? []) {
      const origin: Origin<S> = { type: 'crd', run: cluster.run };
      if (!cluster.has(crd)) cluster.write(crd, origin, 'create');
      else if (this.serverSideApply) cluster.write(crd, origin, 'update');
    }
  }

  /**
   * existingResourceConflict (pkg/action/validate.go), before any hook: a resource about to be created that exists
   * already may be adopted only when Helm's release annotations name this release, which Helm sets on release
   * resources and never on hooks (reference/helm-hooks.md §5.5). The simulation holds one release: an object a
   * release resource wrote is this release's. Adopted keys are added to `adopted`.
   */
  private checkOwnership<S>(
    resources: readonly RevisionResource<S>[],
    cluster: Cluster<S>,
    adopted: Set<string>,
  ): void {
    for (const resource of resources) {
      const live = cluster.get(resource);
      if (!live) continue;
      if (live.origin.type !== 'resource') {
        throw new OperationFailed(
          `${resource.kind} "${resource.name}" exists and cannot be imported into the current release: it was not made as a release resource, so it lacks Helm's release annotations`,
        );
      }
      adopted.add(objectKey(resource));
    }
  }

  /**
   * install.go performInstall: KubeClient.Create of every release resource (one that exists by then, made by a hook of
   * this install, fails it), or KubeClient.Update(toBeAdopted, resources) when existingResourceConflict adopted some:
   * then the adopted are their own originals, and any other that exists by then fails the update.
   */
  private create<S>(revision: ChartRevision<S>, cluster: Cluster<S>, adopted: ReadonlySet<string>): void {
    for (const resource of revision.resources) {
      const origin: Origin<S> = { type: 'resource', resource, run: cluster.run };
      const live = cluster.get(resource);
      if (!live) {
        cluster.write(resource, origin, 'create');
        continue;
      }
      if (adopted.size === 0) throw new OperationFailed(`${resource.kind} "${resource.name}" already exists`);
      if (!adopted.has(objectKey(resource))) throw new OperationFailed(this.originalNotFound(resource));
      if (this.sendsPatch(resource, live, undefined)) cluster.write(resource, origin, 'update');
      else cluster.touch(resource, origin);
    }
  }

  /**
   * KubeClient.Update (pkg/kube/client.go update): targets in order — created when missing, else patched, and a target
   * that exists but is in neither the current manifest nor the adopted fails the operation there; then the originals
   * no longer rendered are deleted unless kept.
   */
  private update<S>(
    previous: ChartRevision<S> | undefined,
    target: ChartRevision<S>,
    cluster: Cluster<S>,
    adopted: ReadonlySet<string>,
  ): void {
    const originals = new Map((previous?.resources ?? []).map((resource) => [objectKey(resource), resource]));
    for (const resource of target.resources) {
      const origin: Origin<S> = { type: 'resource', resource, run: cluster.run };
      const live = cluster.get(resource);
      if (!live) {
        cluster.write(resource, origin, 'create');
        continue;
      }
      const key = objectKey(resource);
      // upgrade.go appends the adopted target itself to `current`: it is its own original.
      if (!originals.has(key) && !adopted.has(key)) throw new OperationFailed(this.originalNotFound(resource));
      if (this.sendsPatch(resource, live, originals.get(key))) cluster.write(resource, origin, 'update');
      else cluster.touch(resource, origin);
    }
    const rendered = new Set(target.resources.map(objectKey));
    for (const resource of previous?.resources ?? []) {
      if (rendered.has(objectKey(resource))) continue;
      if (resource.resourcePolicy === 'keep') continue;
      cluster.delete(
        resource,
        { type: 'resource', resource, run: cluster.run },
        { why: `deleted by the ${cluster.operation}: the revision no longer renders it` },
      );
    }
  }

  /** pkg/kube/client.go update(): a target that exists but has no original (@v4.1.4; @v3.18.0 "no … found"). */
  private originalNotFound(resource: RevisionResource<unknown>): string {
    return this.helmVersion === 4
      ? `original object ${resource.kind} with the name "${resource.name}" not found`
      : `no ${resource.kind} with the name "${resource.name}" found`;
  }

  /**
   * Whether a patch goes out for an existing release resource; `original` is the current release's object, undefined
   * when adopted (install.go and upgrade.go pass the target itself as its original). Server-side apply always
   * applies. Client-side (Helm 3, pkg/kube/client.go updateResource and createPatch @v3.18.0; the same @v4.1.4)
   * sends nothing for an empty patch: a kind of client-go's scheme gets a three-way strategic merge of the original,
   * the target and the live object; any other kind (a custom resource) a two-way merge from the original to the
   * target, never empty on an upgrade or rollback (the target holds the release metadata setMetadataVisitor adds,
   * the stored manifest does not) and always empty when adopting (two equal objects).
   */
  private sendsPatch<S>(
    resource: RevisionResource<S>,
    live: LiveObject<S>,
    original: RevisionResource<S> | undefined,
  ): boolean {
    // Without the rendered text the simulation cannot tell: it says a patch goes out.
    if (this.serverSideApply || resource.manifest === undefined) return true;
    if (!isBuiltInKind(resource.manifest)) return original !== undefined;
    const holder = live.sent ?? live.origin;
    const written = holder.type === 'resource' ? holder.resource.manifest : undefined;
    const before = original ? original.manifest : resource.manifest;
    if (written === undefined || before === undefined) return true;
    return threeWayPatchChanges(before, resource.manifest, written);
  }

  /** deleteRelease: UninstallOrder, without the resources filterManifestsToKeep holds back. */
  private uninstall<S>(revision: ChartRevision<S>, cluster: Cluster<S>): void {
    const ordered = revision.resources
      .map((resource, index) => ({ resource, index }))
      .sort((a, b) => uninstallRank(a.resource.kind) - uninstallRank(b.resource.kind) || a.index - b.index);
    for (const { resource } of ordered) {
      if (resource.resourcePolicy !== undefined) continue;
      cluster.delete(
        resource,
        { type: 'resource', resource, run: cluster.run },
        { why: 'deleted by helm uninstall before the post-delete hooks run (no helm.sh/resource-policy: keep)' },
      );
    }
  }
}

export const PHASES: Record<OperationRun<unknown>['operation'], { pre: HookEvent; post?: HookEvent }> = {
  install: { pre: 'pre-install', post: 'post-install' },
  upgrade: { pre: 'pre-upgrade', post: 'post-upgrade' },
  rollback: { pre: 'pre-rollback', post: 'post-rollback' },
  uninstall: { pre: 'pre-delete', post: 'post-delete' },
  test: { pre: 'test' },
};

/** pkg/release/v1/util/kind_sorter.go UninstallOrder @v4.1.4; unknown kinds last, by name as in sortManifestsByKind. */
const UNINSTALL_ORDER = [
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'Ingress',
  'IngressClass',
  'Service',
  'CronJob',
  'Job',
  'StatefulSet',
  'HorizontalPodAutoscaler',
  'Deployment',
  'ReplicaSet',
  'ReplicationController',
  'Pod',
  'DaemonSet',
  'RoleBindingList',
  'RoleBinding',
  'RoleList',
  'Role',
  'ClusterRoleBindingList',
  'ClusterRoleBinding',
  'ClusterRoleList',
  'ClusterRole',
  'CustomResourceDefinition',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'StorageClass',
  'ConfigMap',
  'SecretList',
  'Secret',
  'ServiceAccount',
  'PodDisruptionBudget',
  'PodSecurityPolicy',
  'LimitRange',
  'ResourceQuota',
  'NetworkPolicy',
  'Namespace',
  'PriorityClass',
];

function uninstallRank(kind: string): number {
  const index = UNINSTALL_ORDER.indexOf(kind);
  return index < 0 ? UNINSTALL_ORDER.length : index;
}
