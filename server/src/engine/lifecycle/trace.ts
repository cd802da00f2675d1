import { parseAllDocuments } from 'yaml';
import { loadChart, LoadedChart } from '../chart/load';
import { ChartRenderer } from '../eval/render';
import { HookEvent } from '../model/hook';
import { EvaluatedHook, EvaluatedResource, evaluateReleaseOrder } from '../order/evaluated-order';
import { HelmDeployer, PHASES } from './helm-deployer';
import { ChartRevision, namespaceOf, ObjectRef, revisionOf, RevisionHook, RevisionResource, shortRef } from './model';
import { simulate, OperationRun } from './simulation';

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
 * (hooks and resources), excluding the hook itself and Helm's release-storage Secrets.
 */
export interface HookRun {
  event: string;
  kind: string;
  name: string;
  present: string[];
}

export interface OperationTrace {
  operation: TraceOperation;
  /** Hook creations, updates and deletions and release-resource creations, updates and deletions, in Helm's order. */
  actions: ClusterAction[];
  hookRuns: HookRun[];
  /**
   * Set when the operation fails: at `failHook` (later steps still run, as on a real failed release), or when Helm
   * refuses it (a hook left from an earlier run meets a plain create, an object it cannot adopt), after which later
   * steps do not run.
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
  for (const step of steps) {
    const current = revisions[revisions.length - 1];
    switch (step.operation) {
      case 'install': {
        revisions = [chartRevision(step, options, false, 1)];
        history.push({ operation: 'install', revision: revisions[0]! });
        break;
      }
      case 'upgrade': {
        const revision = chartRevision(step, options, current !== undefined, revisions.length + 1);
        history.push(current ? { operation: 'upgrade', revision, previous: current } : { operation: 'install', revision });
        revisions.push(revision);
        break;
      }
      case 'rollback': {
        const target = revisions[revisions.length - 2];
        if (!current || !target) throw new Error('rollback needs a release with a previous revision');
        history.push({ operation: 'rollback', revision: target, previous: current });
        revisions.push(target);
        break;
      }
      case 'uninstall':
      case 'test': {
        if (!current) throw new Error(`${step.operation} needs an installed release`);
        history.push({ operation: step.operation, revision: current });
        if (step.operation === 'uninstall') revisions = [];
        break;
      }
    }
  }
  history.forEach((run, index) => {
    const fail = steps[index]!.failHook;
    if (!fail) return;
    const at = run.revision.hooksOf(fail.event as HookEvent).findIndex((hook) => hook.kind === fail.kind && hook.name === fail.name);
    const phases = PHASES[run.operation];
    if (fail.event !== phases.pre && fail.event !== phases.post) throw new Error(`failHook: ${run.operation} runs no ${fail.event} hooks`);
    if (at < 0) throw new Error(`failHook: no ${fail.event} hook ${fail.kind}/${fail.name} in ${steps[index]!.chartDir}`);
    run.failAt = { event: fail.event as HookEvent, index: at };
  });
  const { cluster, failed } = simulate(new HelmDeployer(options.helmVersion), history);
  const inNamespace = (namespace: string) => namespace === options.namespace;
  return history.slice(0, failed ? failed.run + 1 : history.length).map((_run, index) => {
    const trace: OperationTrace = {
      operation: steps[index]!.operation,
      actions: cluster.actions.filter((action) => action.run === index).map((action) => ({ verb: action.verb, kind: action.ref.kind, name: action.ref.name })),
      hookRuns: cluster.moments.flatMap((moment) => {
        if (moment.type !== 'hook' || moment.run !== index) return [];
        const present = [...moment.present.objects.values()]
          .filter((object) => inNamespace(object.ref.namespace) && !(object.ref.kind === moment.hook.kind && object.ref.name === moment.hook.name && object.ref.namespace === moment.hook.namespace))
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
function chartRevision(step: TraceStep, options: TraceOptions, isUpgrade: boolean, revision: number): ChartRevision<Source> {
  const chart = loadChart(step.chartDir, { valuesFiles: step.valuesFiles ?? [] });
  if (chart.problems.length > 0) throw new Error(`${step.chartDir}: ${chart.problems[0]!.message}`);
  const release = evaluateReleaseOrder(new ChartRenderer(chart), { releaseName: options.releaseName, namespace: options.namespace, isUpgrade, revision });
  if (release.unknown.length > 0) throw new Error(`${step.chartDir}: ${release.unknown[0]!.at.path}:${release.unknown[0]!.at.line}: ${release.unknown[0]!.reason}`);
  const events = new Map<HookEvent, RevisionHook<Source>[]>();
  for (const { event, hooks } of release.events) {
    events.set(
      event,
      hooks.map(({ hook }) => {
        if (hook.kind === undefined || hook.name === undefined || !hook.namespaceCertain || !hook.weightCertain) throw new Error(`${step.chartDir}: ${hook.at.path}:${hook.at.line}: the hook is not fully known`);
        return { kind: hook.kind, name: hook.name, namespace: namespaceOf(hook.kind, hook.namespace, options.namespace), events: hook.events, deletePolicies: hook.deletePolicies ?? [], source: hook };
      }),
    );
  }
  const resources: RevisionResource<Source>[] = release.resources.map((resource) => {
    if (resource.name === undefined || !resource.namespaceCertain || !resource.resourcePolicyCertain) throw new Error(`${step.chartDir}: ${resource.at.path}:${resource.at.line}: the resource is not fully known`);
    return { kind: resource.kind, name: resource.name, namespace: namespaceOf(resource.kind, resource.namespace, options.namespace), ...(resource.resourcePolicy !== undefined ? { resourcePolicy: resource.resourcePolicy } : {}), ...(resource.manifest !== undefined ? { manifest: resource.manifest } : {}), source: resource };
  });
  return revisionOf(events, resources, crdObjects(chart));
}

/**
 * chart.CRDObjects(): the objects of every `crds/` file with a manifest extension, this chart's files first in the
 * order they were read, then its enabled subcharts'.
 */
function crdObjects(chart: LoadedChart): ObjectRef[] {
  const objects: ObjectRef[] = [];
  const paths = [...chart.files.keys()].filter((path) => path.startsWith('crds/') && /\.(ya?ml|json)$/.test(path)).sort();
  for (const path of paths) {
    for (const document of parseAllDocuments(chart.files.get(path)!, { version: '1.1', uniqueKeys: false })) {
      const value = document.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
      if (typeof value?.kind === 'string' && typeof value.metadata?.name === 'string') {
        objects.push({ kind: value.kind, name: value.metadata.name, namespace: namespaceOf(value.kind, undefined, '') });
      }
    }
  }
  for (const subchart of chart.subcharts) objects.push(...crdObjects(subchart));
  return objects;
}
