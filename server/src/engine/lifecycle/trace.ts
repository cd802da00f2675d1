import { parseAllDocuments, parseDocument } from 'yaml';
import type { LoadedChart } from '../chart/load';
import { loadChart } from '../chart/load';
import { ChartRenderer } from '../eval/render';
import type { HookEvent } from '../model/hook';
import type { EvaluatedHook, EvaluatedResource } from '../order/evaluated-order';
import { evaluateReleaseOrder } from '../order/evaluated-order';
import { HelmDeployer, PHASES } from './helm-deployer';
import type { ChartRevision, RevisionHook, RevisionResource } from './model';
import { namespaceOf, revisionOf, shortRef } from './model';
import type { OperationRun } from './simulation';
import { simulate } from './simulation';

/**
 * What the presence simulation predicts Helm sends to the cluster for a sequence of operations on one release, in the
 * shape a recording fake API server's log is compared with (test/support/fake-kube). Every hook Job and Pod succeeds.
 */

export type TraceOperation = 'install' | 'upgrade' | 'rollback' | 'uninstall' | 'test';

export interface TraceStep {
  operation: TraceOperation;
  chartDir: string;
  valuesFiles?: string[];
  /** This hook's Job or Pod fails (every other succeeds): Helm stops the operation there and the release is failed. */
  failHook?: { event: string; kind: string; name: string };
}

/**
 * `create`: the object did not exist before the request; `update`: it existed (Helm 4 applies server-side, runtime
 * vector R4); `delete`: it existed and was deleted. A DELETE of an object that is not there (before-hook-creation on a
 * first run) changes nothing and is not listed.
 */
export interface ClusterAction {
  verb: 'create' | 'update' | 'delete';
  kind: string;
  name: string;
}

/**
 * One hook's creation. `present`: "Kind/name", sorted: every object of the release's namespace that came from the chart
 * (hooks, release resources and `crds/` objects), excluding the hook itself and Helm's release-storage Secrets. A
 * cluster-scoped object (a ClusterRole, a CustomResourceDefinition) is in no namespace, so never listed: what a hook's
 * pod reads (ConfigMap, Secret, claim, ServiceAccount) is always namespaced.
 */
export interface HookRun {
  event: string;
  kind: string;
  name: string;
  present: string[];
}

export interface OperationTrace {
  operation: TraceOperation;
  /**
   * Hook creations, updates and deletions, release-resource creations, updates (a patch or apply actually sent) and
   * deletions, and at install the `crds/` objects' creations first, in Helm's order.
   */
  actions: ClusterAction[];
  hookRuns: HookRun[];
  /**
   * Set when the operation fails: at `failHook` (later steps still run, as on a real failed release), or when Helm
   * refuses it (a hook left from an earlier run meets a plain create, an object it cannot adopt, a target that exists
   * outside the current release), after which later steps do not run.
   */
  error?: string;
}

export interface TraceOptions {
  helmVersion: 3 | 4;
  releaseName: string;
  namespace: string;
}

type Source = EvaluatedHook | EvaluatedResource;

/**
 * The predicted requests of each step. Release resources within one kind: Helm creates (and deletes) them
 * concurrently (pkg/kube/client.go batchPerform), so their order within a kind is the chart's, not a promise.
 */
export async function traceOperations(steps: TraceStep[], options: TraceOptions): Promise<OperationTrace[]> {
  const history: OperationRun<Source>[] = [];
  /** The revisions of the release so far (a new release after uninstall starts again). */
  let revisions: ChartRevision<Source>[] = [];
  /** The last revision whose operation succeeded: a failed upgrade leaves the one before it deployed. */
  let deployed: ChartRevision<Source> | undefined;
  for (const step of steps) {
    const current = revisions[revisions.length - 1];
    switch (step.operation) {
      case 'install': {
        revisions = [chartRevision(step, options, false, 1)];
        history.push({ operation: 'install', revision: revisions[0]! });
        deployed = step.failHook ? undefined : revisions[0];
        break;
      }
      case 'upgrade': {
        const revision = chartRevision(step, options, current !== undefined, revisions.length + 1);
        // prepareUpgrade (upgrade.go @v4.1.4 and v3.18.0) upgrades from the last deployed revision, or from the last
        // one when none is deployed and it failed.
        const from = deployed ?? current;
        history.push(from ? { operation: 'upgrade', revision, previous: from } : { operation: 'install', revision });
        revisions.push(revision);
        if (!step.failHook) deployed = revision;
        break;
      }
      case 'rollback': {
        const target = revisions[revisions.length - 2];
        if (!current || !target) throw new Error('rollback needs a release with a previous revision');
        history.push({ operation: 'rollback', revision: target, previous: current });
        revisions.push(target);
        if (!step.failHook) deployed = target;
        break;
      }
      case 'uninstall':
      case 'test': {
        if (!current) throw new Error(`${step.operation} needs an installed release`);
        history.push({ operation: step.operation, revision: current });
        if (step.operation === 'uninstall') {
          revisions = [];
          deployed = undefined;
        }
        break;
      }
    }
  }
  history.forEach((run, index) => {
    const fail = steps[index]!.failHook;
    if (!fail) return;
    const at = run.revision
      .hooksOf(fail.event as HookEvent)
      .findIndex((hook) => hook.kind === fail.kind && hook.name === fail.name);
    const phases = PHASES[run.operation];
    if (fail.event !== phases.pre && fail.event !== phases.post)
      throw new Error(`failHook: ${run.operation} runs no ${fail.event} hooks`);
    if (at < 0)
      throw new Error(`failHook: no ${fail.event} hook ${fail.kind}/${fail.name} in ${steps[index]!.chartDir}`);
    run.failAt = { event: fail.event as HookEvent, index: at };
  });
  const { cluster, failed } = simulate(new HelmDeployer(options.helmVersion), history);
  const inNamespace = (namespace: string) => namespace === options.namespace;
  return history.slice(0, failed ? failed.run + 1 : history.length).map((_run, index) => {
    const trace: OperationTrace = {
      operation: steps[index]!.operation,
      actions: cluster.actions
        .filter((action) => action.run === index)
        .map((action) => ({ verb: action.verb, kind: action.ref.kind, name: action.ref.name })),
      hookRuns: cluster.moments.flatMap((moment) => {
        if (moment.type !== 'hook' || moment.run !== index) return [];
        const present = [...moment.present.objects.values()]
          .filter(
            (object) =>
              inNamespace(object.ref.namespace) &&
              !(
                object.ref.kind === moment.hook.kind &&
                object.ref.name === moment.hook.name &&
                object.ref.namespace === moment.hook.namespace
              ),
          )
          .map((object) => shortRef(object.ref))
          .sort();
        return [{ event: moment.event, kind: moment.hook.kind, name: moment.hook.name, present }];
      }),
    };
    const fail = steps[index]!.failHook;
    if (fail) trace.error = `${fail.event} hook ${fail.kind}/${fail.name} failed`;
    if (failed?.run === index) trace.error = failed.error;
    return trace;
  });
}

/** One revision of the chart as Helm renders it for this step: every hook and resource must be certain. */
function chartRevision(
  step: TraceStep,
  options: TraceOptions,
  isUpgrade: boolean,
  revision: number,
): ChartRevision<Source> {
  const chart = loadChart(step.chartDir, { valuesFiles: step.valuesFiles ?? [] });
  if (chart.problems.length > 0) throw new Error(`${step.chartDir}: ${chart.problems[0]!.message}`);
  const release = evaluateReleaseOrder(new ChartRenderer(chart), {
    releaseName: options.releaseName,
    namespace: options.namespace,
    isUpgrade,
    revision,
  });
  if (release.unknown.length > 0)
    throw new Error(
      `${step.chartDir}: ${release.unknown[0]!.at.path}:${release.unknown[0]!.at.line}: ${release.unknown[0]!.reason}`,
    );
  // Helm learns a kind's scope from discovery: the chart's own cluster-scoped CRDs make their kinds cluster-scoped too.
  const crdDocuments = crdFileObjects(chart);
  const clusterKinds = clusterScopedCustomKinds([
    ...crdDocuments,
    ...release.resources.flatMap((resource) =>
      resource.manifest !== undefined ? [decodeManifest(resource.manifest)] : [],
    ),
  ]);
  const namespace = (kind: string, written: string | undefined) =>
    clusterKinds.has(kind) ? '' : namespaceOf(kind, written, options.namespace);
  const events = new Map<HookEvent, RevisionHook<Source>[]>();
  for (const { event, hooks } of release.events) {
    events.set(
      event,
      hooks.map(({ hook }) => {
        if (hook.kind === undefined || hook.name === undefined || !hook.namespaceCertain || !hook.weightCertain)
          throw new Error(`${step.chartDir}: ${hook.at.path}:${hook.at.line}: the hook is not fully known`);
        return {
          kind: hook.kind,
          name: hook.name,
          namespace: namespace(hook.kind, hook.namespace),
          events: hook.events,
          deletePolicies: hook.deletePolicies ?? [],
          source: hook,
        };
      }),
    );
  }
  const resources: RevisionResource<Source>[] = release.resources.map((resource) => {
    if (resource.name === undefined || !resource.namespaceCertain || !resource.resourcePolicyCertain)
      throw new Error(`${step.chartDir}: ${resource.at.path}:${resource.at.line}: the resource is not fully known`);
    return {
      kind: resource.kind,
      name: resource.name,
      namespace: namespace(resource.kind, resource.namespace),
      ...(resource.resourcePolicy !== undefined ? { resourcePolicy: resource.resourcePolicy } : {}),
      ...(resource.manifest !== undefined ? { manifest: resource.manifest } : {}),
      source: resource,
    };
  });
  const crds = crdDocuments.flatMap((value) =>
    typeof value?.kind === 'string' && typeof value.metadata?.name === 'string'
      ? [
          {
            kind: value.kind,
            name: value.metadata.name,
            namespace: namespace(
              value.kind,
              typeof value.metadata.namespace === 'string' ? value.metadata.namespace : undefined,
            ),
          },
        ]
      : [],
  );
  return revisionOf(events, resources, crds);
}

interface DecodedObject {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: { scope?: unknown; names?: { kind?: unknown } };
}

function decodeManifest(text: string): DecodedObject | null {
  return parseDocument(text, { version: '1.1', uniqueKeys: false }).toJS() as DecodedObject | null;
}

/** The kinds that CustomResourceDefinitions among `objects` declare with `scope: Cluster`. */
function clusterScopedCustomKinds(objects: readonly (DecodedObject | null)[]): Set<string> {
  const kinds = new Set<string>();
  for (const object of objects) {
    if (
      object?.kind === 'CustomResourceDefinition' &&
      object.spec?.scope === 'Cluster' &&
      typeof object.spec.names?.kind === 'string'
    )
      kinds.add(object.spec.names.kind);
  }
  return kinds;
}

/**
 * chart.CRDObjects() (pkg/chart/chart.go @v3.18.0 and v4.1.4): the objects of every `crds/` file whose extension is
 * .yaml, .yml or .json in any case (hasManifestExtension, strings.EqualFold), this chart's files first in the order
 * they were read, then its enabled subcharts'. A namespaced object without a namespace lands in the release's: the
 * kube client builds them with its namespace as the default (pkg/kube/client.go newBuilder).
 */
function crdFileObjects(chart: LoadedChart): (DecodedObject | null)[] {
  const paths = [...chart.files.keys()]
    .filter((path) => path.startsWith('crds/') && /\.(ya?ml|json)$/i.test(path))
    .sort();
  const objects = paths.flatMap((path) =>
    parseAllDocuments(chart.files.get(path)!, { version: '1.1', uniqueKeys: false }).map(
      (document) => document.toJS() as DecodedObject | null,
    ),
  );
  for (const subchart of chart.subcharts) objects.push(...crdFileObjects(subchart));
  return objects;
}
