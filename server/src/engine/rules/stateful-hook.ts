import type { TemplateFile } from '../analysis/file';
import type { ResourceDocument } from '../model/document';
import type { HookEvent } from '../model/hook';
import { deletedWhen } from '../order/order';
import type { ChartObject, ChartRuleContext } from './support/chart-objects';
import { describeObject } from './support/dependency-helpers';
import { isCertainHook, isCertainReleaseResource, listEvents, readsOf } from './support/hook-objects';
import { effectivePolicies, lifecycleHooks } from './support/lifecycle-helpers';
import type { PodReference } from './support/pod-references';
import { defineRule } from './rule';

const GENERATORS =
  /\b(?:randAlphaNum|randAlpha|randAscii|randNumeric|randBytes|genCA|genPrivateKey|genSelfSignedCert\w*|genSignedCert\w*|uuidv4|derivePassword)\b/;
const LOOKUP = /\blookup\b/;
const RECREATING_EVENTS: readonly HookEvent[] = ['pre-upgrade', 'post-upgrade', 'pre-rollback', 'post-rollback'];

export const statefulHook = defineRule({
  id: 'stateful-hook',
  defaultSeverity: 'error',
  summary:
    'PVC hook whose data others read, or Secret hook with generated data, deleted and re-created on every upgrade or rollback.',
  fixable: false,
  messages: {
    regeneratedSecret:
      '{{each}} generates new values for this Secret: as a hook whose data comes from {{generator}}, it is deleted and created again.',
    newEmptyVolume:
      '{{operations}} gives this PersistentVolumeClaim a new, empty volume, though {{reader}} mounts its data.',
  },
  target: 'helm',
  docs: {
    description:
      'A hook is deleted and created again each time one of its events runs: `before-hook-creation` (the default) ' +
      'deletes the old object just before, `hook-succeeded` right after. For a PersistentVolumeClaim that means a new, ' +
      'empty volume on every upgrade or rollback (the old one is released and, with the usual `Delete` reclaim policy, ' +
      'destroyed). For a Secret filled with `randAlphaNum`, `genCA` and the like, it means new passwords, keys and ' +
      'certificates on every upgrade, while databases and stored data still expect the old ones. ' +
      '`helm.sh/resource-policy: keep` does not help: Helm ignores it on hooks. Hook such objects on `pre-install` ' +
      'only, make them normal release resources, or reuse existing data with `lookup`.\n\n' +
      'A claim is reported only where its data must outlive one run of its events: a release resource of the chart ' +
      'mounts it, or a hook of an event the claim is not hooked on does. A claim that only the hooks of its own events ' +
      'mount is scratch space, made empty on purpose for each run, and is fine; so is a claim nothing in the chart ' +
      'mounts (what reads it is not known).',
    helmFact:
      'Before each hook is created, `before-hook-creation` (the default when the annotation is absent) deletes the ' +
      'previous object; `hook-succeeded` deletes all hooks of an event after it succeeded (Helm v4.1.4 ' +
      '[pkg/action/hooks.go `execHookWithDelayedShutdown`, `hookSetDeletePolicy`, `deleteHookByPolicy`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go); ' +
      'v3.18.0 [`execHook`](https://github.com/helm/helm/blob/v3.18.0/pkg/action/hooks.go)). `deleteHookByPolicy` does ' +
      'not read `helm.sh/resource-policy`. Random functions render new values on every ' +
      '`helm upgrade`. Users meeting it: [helm/helm#5915](https://github.com/helm/helm/issues/5915) (a ConfigMap hooked ' +
      'on pre-upgrade deleted and re-created by every upgrade).',
    bad: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ .Release.Name }}-db',
      '  annotations:',
      '    helm.sh/hook: pre-install,pre-upgrade',
      '    helm.sh/resource-policy: keep',
      'stringData:',
      '  password: {{ randAlphaNum 32 | quote }}',
    ].join('\n'),
    good: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ .Release.Name }}-db',
      '  annotations:',
      '    helm.sh/resource-policy: keep',
      'stringData:',
      '  password: {{ randAlphaNum 32 | quote }}',
    ].join('\n'),
  },
  check(context) {
    for (const hook of lifecycleHooks(context.file)) {
      // Claims are judged on the whole chart (checkChart): whether their data must outlive a run depends on who mounts them.
      if (!hook.events || hook.kind !== 'Secret') continue;
      const events = RECREATING_EVENTS.filter((event) => hook.events!.includes(event));
      if (events.length === 0) continue;
      const policies = effectivePolicies(hook.policy);
      if (!policies) continue;
      const deleting = policies.includes('before-hook-creation')
        ? 'before-hook-creation'
        : policies.includes('hook-succeeded')
          ? 'hook-succeeded'
          : undefined;
      if (!deleting) continue;
      const how =
        deleting === 'before-hook-creation'
          ? `${hook.policy.state === 'default' ? 'The default delete policy, before-hook-creation,' : 'Its before-hook-creation policy'} deletes it just before each ${events.join(' and ')} creates it again`
          : `Its hook-succeeded policy deletes it after each ${events.join(' and ')}, and the next run creates it again`;
      const each = everyOperation(events);
      const generator = generatorIn(context.file, hook.resource);
      if (!generator || hasLookup(context.file)) continue;
      context.report({
        range: hook.hookEntry.value.range,
        messageId: 'regeneratedSecret',
        data: { each, generator },
        help:
          `Hook it on pre-install only, make it a normal release resource, or keep existing values with lookup. ${how} ` +
          'with newly generated values: passwords, keys and certificates change while stored data and clients still expect the old ' +
          'ones. helm.sh/resource-policy: keep does not apply to hooks.',
      });
    }
  },
  checkChart(context) {
    checkClaims(context);
  },
});

/**
 * A claim hooked on an event that recurs and deleted by its policy (before-hook-creation or hook-succeeded), that a
 * release resource or a hook of another event mounts: its data must outlive the run that deletes it.
 */
function checkClaims(context: ChartRuleContext): void {
  for (const claim of context.objects) {
    if (!isCertainHook(claim) || claim.kind !== 'PersistentVolumeClaim' || claim.hook.deleted === undefined) continue;
    const own = new Set(claim.hook.events);
    const events = RECREATING_EVENTS.filter((event) => own.has(event) && context.events.has(event));
    if (events.length === 0) continue;
    const when = deletedWhen(claim.kind, claim.hook.deletePolicies);
    if (when === 'on-failure' || when === 'never') continue;
    const readers = outlivingReaders(context.objects, claim, own);
    if (readers.length === 0) continue;
    const { reader, reference } = readers[0]!;
    const how =
      when === 'before-next-run'
        ? `${claim.hook.deletePolicies === undefined ? 'The default delete policy, before-hook-creation,' : 'Its before-hook-creation policy'} deletes it just before each ${listEvents(events)} creates it again`
        : `Its hook-succeeded policy deletes it after each ${listEvents(events)}, and the next run creates it again`;
    const by = reader.hook ? `a ${[...new Set(reader.hook.events)].join(',')} hook` : 'a release resource';
    context.report({
      object: claim,
      range: claim.hook.hookValueRange,
      messageId: 'newEmptyVolume',
      data: { operations: everyOperation(events), reader: describeObject(reader, 30) },
      help:
        `Make it a normal release resource, or hook it on pre-install only. ${how}: the old volume is released and, with ` +
        `the usual Delete reclaim policy, destroyed with its data, which ${describeObject(reader)} (${by}, ${reference.field}) still needs.`,
      related: readers.map(({ reader, reference }) => ({
        object: reader,
        range: reference.range,
        message: `${describeObject(reader)} mounts it here`,
      })),
    });
  }
}

/** Readers whose use outlives one run of the claim's events: release resources, and hooks of other events. */
function outlivingReaders(
  objects: readonly ChartObject[],
  claim: ChartObject,
  claimEvents: ReadonlySet<HookEvent>,
): { reader: ChartObject; reference: PodReference }[] {
  const readers: { reader: ChartObject; reference: PodReference }[] = [];
  for (const reader of objects) {
    if (reader === claim) continue;
    const release = isCertainReleaseResource(reader);
    const otherEvent = isCertainHook(reader) && reader.hook.events.some((event) => !claimEvents.has(event));
    if (!release && !otherEvent) continue;
    const [reference] = readsOf(reader, claim);
    if (reference) readers.push({ reader, reference });
  }
  return readers;
}

/** `Every upgrade`, `Every upgrade and rollback`. */
function everyOperation(events: readonly string[]): string {
  return `Every ${[...new Set(events.map((event) => event.replace(/^(?:pre|post)-/, '')))].join(' and ')}`;
}

/** The first generating function in the document, or in a variable assigned before it in the same file. */
function generatorIn(file: TemplateFile, resource: ResourceDocument): string | undefined {
  for (const action of file.scan.actions) {
    if (action.kind === 'comment' || action.range.start >= resource.range.end) continue;
    const inner = file.text.slice(action.inner.start, action.inner.end);
    const inDocument = action.range.start >= resource.range.start;
    if (!inDocument && !inner.includes(':=')) continue;
    const match = GENERATORS.exec(inner);
    if (match) return match[0];
  }
  return undefined;
}

function hasLookup(file: TemplateFile): boolean {
  return file.scan.actions.some(
    (action) => action.kind !== 'comment' && LOOKUP.test(file.text.slice(action.inner.start, action.inner.end)),
  );
}
