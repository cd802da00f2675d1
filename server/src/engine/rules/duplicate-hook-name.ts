import type { Node } from 'yaml';
import { isMap, isNode } from '../core/yaml-nodes';
import type { HookEvent } from '../model/hook';
import { compareHooks } from '../order/order';
import type { ChartObject, ChartRuleContext } from './support/chart-objects';
import { deletedAfterSuccess, describeObject, nameRange } from './support/dependency-helpers';
import { isCertainHook, sameIdentity } from './support/hook-objects';
import { shown } from './support/helpers';
import { DocumentWalker } from './support/lifecycle-helpers';
import type { HelmVersion, MessageById, Severity } from './rule';
import { defineRule } from './rule';

/** The events of each operation in the order it runs them (pkg/action install.go, upgrade.go, rollback.go, uninstall.go @v4.1.4). */
const OPERATIONS: readonly (readonly HookEvent[])[] = [
  ['pre-install', 'post-install'],
  ['pre-upgrade', 'post-upgrade'],
  ['pre-rollback', 'post-rollback'],
  ['pre-delete', 'post-delete'],
  ['test'],
];
const INSTALL: readonly HookEvent[] = ['pre-install', 'post-install'];

export const duplicateHookName = defineRule({
  id: 'duplicate-hook-name',
  defaultSeverity: 'error',
  summary:
    'Two hook documents with the same kind, namespace and name that exist at the same time: one fails, or silently replaces or skips the other.',
  fixable: false,
  messages: {
    replaced: 'Helm deletes the first {{name}} in {{event}} to create this second one: only one of them is left.',
    alreadyExists: 'Creating this second {{name}} in {{event}} fails with "already exists": {{there}} is still there.',
    immutable:
      'Applying this second {{name}} in {{event}} fails: {{there}} is still there, and its pod template cannot change.',
    notRunAgain:
      'This second {{name}} never runs in {{event}}: Helm 4 applies it over {{there}}, which has already completed.',
    overwritten:
      'This second {{name}} silently overwrites {{there}} in {{event}}; with client-side apply it fails instead.',
  },
  target: 'helm',
  docs: {
    description:
      'Helm accepts two hook documents that name the same object: it records both and runs each in its turn. The ' +
      'API server sees one object. When the second is created while the first still exists — later in the same event, ' +
      "or in a later event while nothing has deleted the first — what happens depends on the second's delete policy. " +
      'With `before-hook-creation` (the default when there is no `helm.sh/hook-delete-policy`) Helm deletes the first ' +
      'and creates the second: the first is silently replaced (a warning). With an explicit policy that lacks ' +
      '`before-hook-creation` the second meets the first: Helm 3 creates hooks with a plain create and fails with ' +
      '"already exists" (an error); Helm 4 does the same when the release uses client-side apply (`--server-side=false`, ' +
      'or an upgrade, rollback or test of a release Helm 3 installed), and with server-side apply it applies the second ' +
      'over the first: a Job or Pod whose pod template differs is rejected, because a pod template cannot change (an ' +
      'error), an identical Job has already completed and the second never runs, and other kinds are silently ' +
      "overwritten (warnings). Give each document its own name. Reported on the second document's `metadata.name`; " +
      'silent when a kind, name or namespace is not certain, or when either comes from a subchart.',
    helmFact:
      'Helm records every hook document, duplicates included, and runs the hooks of an event one by one, sorted by weight ' +
      'and name ([pkg/action/hooks.go `execHookWithDelayedShutdown`, `hookByWeight`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go)); ' +
      'without the annotation the policy is `before-hook-creation` (`hookSetDeletePolicy`), and `hook-succeeded` deletes ' +
      'only after the whole event succeeded. Helm 3 creates with POST ([v3.18.0 pkg/action/hooks.go `execHook`](https://github.com/helm/helm/blob/v3.18.0/pkg/action/hooks.go) → ' +
      '`KubeClient.Create`). Helm 4 creates with server-side apply when the operation uses it ' +
      '([pkg/kube/client.go `makeCreateApplyFunc`, `patchResourceServerSide`](https://github.com/helm/helm/blob/v4.1.4/pkg/kube/client.go)): ' +
      "install by default (`--server-side=true`), upgrade and rollback from the release's recorded method " +
      '([pkg/action/upgrade.go `getUpgradeServerSideValue`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/upgrade.go)), ' +
      'test likewise ([pkg/action/release_testing.go `Run`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/release_testing.go)). ' +
      "That a changed pod template is rejected is the API server's rule for Jobs (`spec.template` is immutable) and " +
      'Pods, *inferred*, not observed offline. `helm install --dry-run=client -o json` lists both documents as hooks ' +
      '(test/differential). Users meeting it: [helm/helm#1679](https://github.com/helm/helm/issues/1679) ("jobs.batch … ' +
      'already exists" for a reused hook name), [helm/helm#2710](https://github.com/helm/helm/issues/2710).',
    bad: [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-setup',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-weight: "-5"',
      'data:',
      '  step: schema',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-setup',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-delete-policy: hook-succeeded',
      'data:',
      '  step: seed',
    ].join('\n'),
    good: [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-setup-schema',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-weight: "-5"',
      'data:',
      '  step: schema',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-setup-seed',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-delete-policy: hook-succeeded',
      'data:',
      '  step: seed',
    ].join('\n'),
  },
  checkChart(context) {
    const hooks = context.objects.filter(isCertainHook);
    for (const second of hooks) {
      let worst: Meeting | undefined;
      for (const first of hooks) {
        if (first === second || sameIdentity(first, second) !== true) continue;
        const meeting = meetingOf(first, second, context);
        if (meeting && (!worst || RANK[meeting.severity] > RANK[worst.severity])) worst = meeting;
      }
      if (!worst) continue;
      context.report({
        object: second,
        range: nameRange(second),
        ...explain(worst, context.helmVersion),
        severity: worst.severity,
        related: [
          {
            object: worst.first,
            range: nameRange(worst.first),
            message: `The first ${describeObject(worst.first)} is declared here`,
          },
        ],
      });
    }
  },
});

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

type Outcome = 'replaced' | 'already-exists' | 'immutable' | 'not-run-again' | 'overwritten';

interface Meeting {
  first: ChartObject;
  second: ChartObject;
  /** The event in which the second is created while the first exists. */
  event: HookEvent;
  /** The event in which the first was created, when it is another one. */
  firstEvent?: HookEvent;
  outcome: Outcome;
  severity: Severity;
}

/**
 * Whether `second` is created while `first` exists, in an event this render stands for, and what Helm then does.
 * The first exists when it ran earlier in the same event, or in an earlier event of the same operation, or in an
 * install before this operation, and nothing deleted it since (`hook-succeeded` deletes after its event succeeded).
 */
function meetingOf(first: ChartObject, second: ChartObject, context: ChartRuleContext): Meeting | undefined {
  const firstEvents = new Set(first.hook!.events);
  const secondEvents = [...new Set(second.hook!.events)].filter((event) => context.events.has(event));
  const keepsBefore = hasBeforeHookCreation(second);
  if (keepsBefore === undefined) return undefined;
  for (const event of secondEvents) {
    if (firstEvents.has(event)) {
      // Same event: the one Helm runs later meets the other; only certain when the order is.
      if (compareHooks(first.hook!, second.hook!) !== -1) continue;
      return graded(first, second, event, undefined, keepsBefore, context.helmVersion);
    }
  }
  // In another event: a problem only when the second does not delete the first (before-hook-creation is Helm's way
  // of re-using a name across events), and the first was not deleted after its own event.
  if (keepsBefore || first.hook!.deleted === undefined || deletedAfterSuccess(first)) return undefined;
  for (const event of secondEvents) {
    const earlier = earlierEventsOf(event).find(
      (candidate) => firstEvents.has(candidate) && context.events.has(candidate),
    );
    if (earlier) return graded(first, second, event, earlier, false, context.helmVersion);
  }
  return undefined;
}

/** The events that certainly ran before `event`: earlier in its operation, or the install that made the release. */
function earlierEventsOf(event: HookEvent): HookEvent[] {
  const operation = OPERATIONS.find((events) => events.includes(event))!;
  const before = operation.slice(0, operation.indexOf(event));
  return operation === OPERATIONS[0] ? before : [...before, ...INSTALL];
}

/** Whether Helm deletes an existing object of this name before it creates this hook; undefined when templated. */
function hasBeforeHookCreation(object: ChartObject): boolean | undefined {
  const hook = object.hook!;
  if (hook.deleted === undefined) return undefined;
  return hook.deletePolicies === undefined || hook.deletePolicies.includes('before-hook-creation');
}

function graded(
  first: ChartObject,
  second: ChartObject,
  event: HookEvent,
  firstEvent: HookEvent | undefined,
  keepsBefore: boolean,
  helmVersion: HelmVersion,
): Meeting {
  const meeting = (outcome: Outcome, severity: Severity): Meeting => ({
    first,
    second,
    event,
    ...(firstEvent ? { firstEvent } : {}),
    outcome,
    severity,
  });
  if (keepsBefore) return meeting('replaced', 'warning');
  if (helmVersion === 3) return meeting('already-exists', 'error');
  const kind = second.kind;
  if (kind === 'Job' || kind === 'Pod') {
    const same = samePodTemplate(first, second);
    if (same === false) return meeting('immutable', 'error');
    // Unchanged (or not certain): with server-side apply the completed object stays, and the second never runs.
    return meeting('not-run-again', 'warning');
  }
  return meeting('overwritten', 'warning');
}

/**
 * Whether two Jobs have the same pod template, or two Pods the same spec apart from container images (the one
 * field of a Pod's spec an update may change); undefined when either is not certain.
 */
function samePodTemplate(a: ChartObject, b: ChartObject): boolean | undefined {
  const path = a.kind === 'Job' ? ['spec', 'template'] : ['spec'];
  const left = certainJson(a, path);
  const right = certainJson(b, path);
  if (left === undefined || right === undefined) return undefined;
  return (
    canonical(a.kind === 'Pod' ? withoutImages(left) : left) ===
    canonical(b.kind === 'Pod' ? withoutImages(right) : right)
  );
}

function certainJson(object: ChartObject, path: readonly string[]): unknown {
  const root = object.resource.doc.contents;
  if (!isMap(root)) return undefined;
  const node = root.getIn(path, true);
  if (!isNode(node) || !(node as Node).range) return undefined;
  const [start, end] = (node as Node).range!;
  if (new DocumentWalker(object.file).isTemplated({ start, end })) return undefined;
  return (node as Node).toJSON();
}

function withoutImages(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutImages);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => key !== 'image')
        .map(([key, inner]) => [key, withoutImages(inner)]),
    );
  }
  return value;
}

/** JSON with keys sorted, so that two mappings written in another order compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function explain(meeting: Meeting, helmVersion: HelmVersion): MessageById & { help: string } {
  const { first, second, event, firstEvent } = meeting;
  const kind = second.kind!;
  const name = `${shown(kind, 30)} "${shown(second.name!, 30)}"`;
  const there = firstEvent ? `the ${firstEvent} one` : 'the first';
  const rename = 'Give each document its own metadata.name.';
  const exists = firstEvent
    ? `The first ${describeObject(first)} was created in ${firstEvent} and nothing deleted it since (its delete policy has no hook-succeeded)`
    : `Helm runs both in ${event}, the first one earlier, and deletes hooks only after the whole event`;
  const noBefore =
    "this document's helm.sh/hook-delete-policy lacks before-hook-creation, so Helm does not delete the first before creating it";
  const clientSide =
    'with client-side apply (--server-side=false, or a release Helm 3 installed) the create fails with "already exists"';
  const data = { name, event, there };
  switch (meeting.outcome) {
    case 'replaced':
      return {
        messageId: 'replaced',
        data,
        help:
          `${rename} ${exists}; this document's before-hook-creation policy (the default without the annotation) deletes the ` +
          `first just before creating it, so the first ${kind} is silently replaced${kind === 'Job' || kind === 'Pod' ? ' once it has run' : ' and what read it reads this one from then on'}.`,
      };
    case 'already-exists':
      return {
        messageId: 'alreadyExists',
        data,
        help: `${rename} ${exists}; ${noBefore}. Helm ${helmVersion} creates hooks with a plain create, which fails when the object exists.`,
      };
    case 'immutable':
      return {
        messageId: 'immutable',
        data,
        help: `${rename} ${exists}; ${noBefore}. Helm 4 applies it over the first with server-side apply, and the API server rejects the changed pod template; ${clientSide}.`,
      };
    case 'not-run-again':
      return {
        messageId: 'notRunAgain',
        data,
        help:
          `${rename} ${exists}; ${noBefore}. With server-side apply the completed ${kind} keeps its status, so Helm takes this ` +
          `one as done at once; a changed pod template would be rejected, and ${clientSide}.`,
      };
    case 'overwritten':
      return {
        messageId: 'overwritten',
        data,
        help:
          `${rename} ${exists}; ${noBefore}. Helm 4 applies it over the first with server-side apply (the default for install; ` +
          `upgrade, rollback and test keep the release's method), so only one of them is left; ${clientSide}.`,
      };
  }
}
