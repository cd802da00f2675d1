import { formatMessage } from '../messages';
import type { SyncPhase } from '../../deployers/argocd';
import { ARGOCD_READ_KEYS, planArgoObject } from '../../deployers/argocd';
import { DEFAULT_TARGETS } from '../../deployers/targets';
import type { ArgoObject, ArgoOperation, ArgoPhase } from '../../lifecycle/argocd-deployer';
import { ARGOCD_HISTORIES, ARGOCD_OPERATION_WORDS, argoPlace, simulateArgoCd } from '../../lifecycle/argocd-deployer';
import type { Snapshot } from '../../lifecycle/simulation';
import { objectKey } from '../../lifecycle/model';
import { referencedObjects } from '../../lifecycle/reads';
import { lastEntry } from '../../model/document';
import type { ChartObject, ChartRuleContext } from './chart-objects';
import { describeObject, nameRange, WAITED_KINDS } from './dependency-helpers';
import type { PodReference } from './pod-references';
import { MAX_MESSAGE_LENGTH } from '../rule';
import { missingReads } from './presence';

/**
 * The dependency rules asked of Argo CD's syncs and the Application's deletion (lifecycle/argocd-deployer.ts), when
 * `argocd` is among the targets. Argo CD renders the chart once, as an install (`helm template`): only the render
 * that stands for install is simulated.
 */

/** Where a blocking read of a waited hook (Job, Pod) finds nothing in Argo CD's hands. */
export interface ArgoMissingRead {
  operation: ArgoOperation;
  phase: ArgoPhase;
  wave?: bigint;
  reference: PodReference;
  target: ChartObject;
  why: string;
  /** The object is applied in a later wave of the same phase. */
  laterWave: boolean;
}

const OPERATIONS: readonly ArgoOperation[] = ['first-sync', 'later-sync', 'app-deletion'];

const cache = new WeakMap<readonly ChartObject[], Map<ChartObject, Map<PodReference, ArgoMissingRead[]>>>();

/** Per reader and reference, every place Argo CD leaves the object missing, first operation first. */
export function argoMissingReads(context: ChartRuleContext): Map<ChartObject, Map<PodReference, ArgoMissingRead[]>> {
  if (!(context.targets ?? DEFAULT_TARGETS).includes('argocd') || !context.events.has('pre-install')) return new Map();
  let result = cache.get(context.objects);
  if (!result) cache.set(context.objects, (result = computeMissing(context.objects)));
  return result;
}

function computeMissing(objects: readonly ChartObject[]): Map<ChartObject, Map<PodReference, ArgoMissingRead[]>> {
  const result = new Map<ChartObject, Map<PodReference, ArgoMissingRead[]>>();
  const planned = new Map<ChartObject, ArgoObject<ChartObject>>();
  for (const object of objects) {
    const argo = argoObjectOf(object);
    if (argo) planned.set(object, argo);
  }
  if (
    ![...planned.keys()].some(
      (object) => object.reads.length > 0 && object.kind !== undefined && WAITED_KINDS.has(object.kind),
    )
  )
    return result;
  const argoObjects = [...planned.values()];
  for (const operation of OPERATIONS) {
    const history = ARGOCD_HISTORIES[operation];
    const { cluster } = simulateArgoCd(argoObjects, history);
    for (const moment of cluster.moments) {
      if (moment.type !== 'hook' || moment.run !== history.length - 1) continue;
      const reader = moment.hook.source;
      const phase = moment.event;
      const wave = phase === 'PreDelete' || phase === 'PostDelete' ? undefined : planned.get(reader)!.plan.wave;
      if (!reader.kind || !WAITED_KINDS.has(reader.kind)) continue;
      for (const reference of reader.reads) {
        if (!reference.blocking) continue;
        const { targets, uncertain } = referencedObjects(objects, reader, reference);
        // Silent where an object we cannot plan may be the one read, or the object is not the chart's.
        if (uncertain || targets.length === 0 || targets.some((target) => !planned.has(target))) continue;
        if (targets.some((target) => moment.present.objects.has(objectKey(planned.get(target)!)))) continue;
        const target = targets[0]!;
        const argoTarget = planned.get(target)!;
        const laterWave =
          wave !== undefined &&
          argoTarget.plan.syncPhases.includes(phase as SyncPhase) &&
          argoTarget.plan.wave > wave &&
          moment.present.removed.get(objectKey(argoTarget)) === undefined;
        const read: ArgoMissingRead = {
          operation,
          phase,
          reference,
          target,
          why: whyMissing(argoTarget, phase, wave, moment.present),
          laterWave,
        };
        if (wave !== undefined) read.wave = wave;
        const byReference = result.get(reader) ?? new Map<PodReference, ArgoMissingRead[]>();
        const list = byReference.get(reference) ?? [];
        list.push(read);
        byReference.set(reference, list);
        result.set(reader, byReference);
      }
    }
  }
  return result;
}

/**
 * The object as Argo CD plans it, when everything Argo CD reads of it is known: kind, name, namespace and every
 * annotation of ARGOCD_READ_KEYS (a templated one, or output we cannot see that may add one, leaves it out).
 */
function argoObjectOf(object: ChartObject): ArgoObject<ChartObject> | undefined {
  if (!object.kind || object.name === undefined || object.namespace === undefined || object.maybeHook) return undefined;
  const annotations = object.resource.annotations;
  const values = new Map<string, string | undefined>();
  for (const key of ARGOCD_READ_KEYS) {
    const entry = lastEntry(annotations, key);
    if (!entry) {
      if (annotations?.hasUnknownEntries || object.resource.metadataUnknown) return undefined;
      continue;
    }
    if (entry.value.templated || entry.value.kind !== 'scalar') return undefined;
    values.set(key, entry.value.helmString ?? entry.value.decoded ?? '');
  }
  const plan = planArgoObject(object.kind, (key) => values.get(key));
  return { kind: object.kind, name: object.name, namespace: object.namespace, plan, source: object };
}

function whyMissing(
  target: ArgoObject<ChartObject>,
  phase: ArgoPhase,
  wave: bigint | undefined,
  present: Snapshot<ChartObject, ArgoPhase>,
): string {
  const plan = target.plan;
  if (wave !== undefined && plan.syncPhases.includes(phase as SyncPhase) && plan.wave > wave) {
    return `applied by Argo CD in ${argoPlace(phase, plan.wave)}, which starts only after every hook of wave ${wave} has finished`;
  }
  const removed = present.removed.get(objectKey(target));
  if (removed) return removed.why;
  if (!plan.hook && plan.deletionPhases.length === 0) {
    if (phase === 'PreSync')
      return 'a resource Argo CD applies only in the Sync phase, after every PreSync hook has succeeded';
    return `a resource Argo CD has not applied by ${argoPlace(phase, wave)}`;
  }
  if (plan.skipped === 'ignored-helm-events')
    return `never applied by Argo CD: it runs none of its helm.sh/hook events (${plan.unmappedHelmEvents.join(', ')})`;
  if (plan.skipped === 'skip-annotation') return 'never applied by Argo CD (argocd.argoproj.io/hook: Skip)';
  if (plan.skipped === 'deletion-only')
    return `a ${plan.deletionPhases.join(', ')} hook: Argo CD creates it only when the Application is deleted`;
  const phases = [...plan.syncPhases, ...plan.deletionPhases].join(', ');
  return `a ${phases} hook, which Argo CD has not applied by ${argoPlace(phase, wave)}`;
}

/** The messages of reportArgoMissingReads, which the two rules that call it declare. */
export const ARGO_MISSING_READ_MESSAGES = {
  argoLaterWave:
    "Argo CD's {{operation}} stalls at {{place}}: this {{kind}} reads {{target}}, applied in a later wave.",
  argoMissing:
    "Argo CD's {{operation}} stalls at {{place}}: this {{kind}} reads {{target}}, which does not exist then.",
} as const;

const ARGO_MISSING_READ_RULE = { id: 'argocd-missing-read', messages: ARGO_MISSING_READ_MESSAGES };

/**
 * Reports what Argo CD leaves missing, for hook-dependency-unavailable (`laterWave` false) or hook-dependency-order
 * (`laterWave` true), where the rule's Helm answer says nothing of the same read.
 */
export function reportArgoMissingReads(context: ChartRuleContext, laterWave: boolean): void {
  const helm = new Set(
    missingReads(context).flatMap(({ missing }) =>
      missing.filter((read) => !!read.laterInEvent === laterWave).map((read) => read.reference),
    ),
  );
  for (const [reader, byReference] of argoMissingReads(context)) {
    for (const [reference, reads] of byReference) {
      if (helm.has(reference)) continue;
      const places = reads.filter((read) => read.laterWave === laterWave);
      const first = places[0];
      if (!first) continue;
      const operation = ARGOCD_OPERATION_WORDS[first.operation];
      const place = argoPlace(first.phase, first.wave);
      const target = first.target;
      const others = places
        .slice(1)
        .map(
          (read) =>
            `${argoPlace(read.phase, read.wave)} of Argo CD's ${ARGOCD_OPERATION_WORDS[read.operation]} (${read.why})`,
        );
      const messageId = laterWave ? 'argoLaterWave' : 'argoMissing';
      const data = { operation, place, kind: reader.kind!, target: describeObject(target, 40) };
      const fits = formatMessage(ARGO_MISSING_READ_RULE, { messageId, data }).message.length <= MAX_MESSAGE_LENGTH;
      context.report({
        object: reader,
        range: reference.range,
        messageId,
        // A wave of many digits would make the sentence too long for one line: the help names it.
        data: fits ? data : { ...data, place: first.phase },
        help:
          `${laterWave ? `Give the ${target.kind} a lower sync wave (helm.sh/hook-weight or argocd.argoproj.io/sync-wave) than this ${reader.kind}.` : advice(first)} ` +
          `The pod reads ${describeObject(target)} (${reference.field}), which at ${place} of Argo CD's ${operation} is ${first.why}. ` +
          `The pod cannot start without it, and Argo CD waits for the hook before going on, so the ${first.operation === 'app-deletion' ? 'deletion' : 'sync'} never finishes.` +
          (others.length > 0 ? ` It is missing there too: ${others.join('; ')}.` : ''),
        related: [{ object: target, range: nameRange(target), message: `${describeObject(target)} is created here` }],
      });
    }
  }
}

function advice(read: ArgoMissingRead): string {
  if (/HookSucceeded/.test(read.why))
    return 'Keep the object until then: drop hook-succeeded from its delete policy, or make it a hook of the same phase with a lower wave.';
  if (read.phase === 'PostDelete') {
    return (
      'Give the object argocd.argoproj.io/sync-options: Delete=false (or helm.sh/resource-policy: keep), or run this hook at pre-delete. ' +
      'This assumes the Application is deleted with its resources (cascade) and does not set Delete=false for all of them.'
    );
  }
  return `Make the object a hook of ${read.phase} with a lower wave than this one, or run this hook later.`;
}
