import { appendToListEdit } from './support/list-items';
import type { LifecycleHook } from './support/lifecycle-helpers';
import { hasKnownPolicy, lifecycleHooks, nextRunMeetsOldObject, RECURRING_EVENTS } from './support/lifecycle-helpers';
import { capitalize, shown, thisResource } from './support/helpers';
import type { HelmVersion, MessageById, Report } from './rule';
import { defineRule } from './rule';
import type { TemplateFile } from '../analysis/file';

const BHC = 'before-hook-creation';

export const hookRecreateConflict = defineRule({
  id: 'hook-recreate-conflict',
  defaultSeverity: 'error',
  summary:
    'A delete policy without `before-hook-creation` on a hook that runs again: the next run meets the old object.',
  fixable: true,
  messages: {
    successfulRun:
      'A successful run leaves {{subject}} behind for {{next}}: {{policy}} replaces the default policy, before-hook-creation.',
    failedRun:
      'A failed run leaves {{subject}} behind for {{next}}: {{policy}} replaces the default policy, before-hook-creation.',
    unfinishedRun:
      'An unfinished run leaves {{subject}} behind for {{next}}: {{policy}} replaces the default policy, before-hook-creation.',
  },
  target: 'helm',
  reads: 'document',
  docs: {
    description:
      'Without a `helm.sh/hook-delete-policy` annotation Helm deletes the previous hook object just before it creates ' +
      'the hook again (`before-hook-creation`). Writing any policy turns that default off. With `hook-succeeded` alone a ' +
      'failed Job or Pod stays behind; with `hook-failed` alone a successful one does. The next upgrade, rollback, test ' +
      'or re-install then meets the old object. What happens then depends on the Helm version and on how the release ' +
      'applies objects: Helm 3 creates hooks with a plain create and fails with "already exists". Helm 4 creates them ' +
      'with server-side apply when the operation uses it — `helm install` by default, while upgrade, rollback and test ' +
      'keep the method the release was installed with, so a release Helm 3 (or `--server-side=false`) installed still ' +
      'meets "already exists". With server-side apply a ConfigMap, Secret, ServiceAccount or Role is applied over the ' +
      'old one and the run goes on (unless a field is immutable, such as the data of an `immutable: true` Secret, or ' +
      'owned by another field manager); a Job or Pod is not: a changed pod template is rejected, and an unchanged one ' +
      'keeps its old status, so the hook "succeeds" without running again.\n\n' +
      'Grading: an **error** where a successful run leaves the object (`hook-failed` alone, no `hook-succeeded`) and an ' +
      'event that recurs (upgrade, rollback, test) certainly meets it, on Helm 3 for any kind and on Helm 4 for Jobs and ' +
      'Pods (every apply method fails or skips the run). A **warning** where it takes a foreseeable condition: a failed ' +
      'or interrupted run (`hook-succeeded` alone), a second install of the same release name, or, on Helm 4 for other ' +
      'kinds, client-side apply. Reported for Jobs and Pods (they can fail) and for any hook on an event that recurs, ' +
      'unless both `hook-succeeded` and `hook-failed` are set. The safe fix adds `before-hook-creation` to the list.',
    helmFact:
      'The default applies only when the annotation is absent (Helm v4.1.4 [pkg/action/hooks.go `hookSetDeletePolicy`, ' +
      '`deleteHookByPolicy`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go); v3.18.0 inline in ' +
      '[`execHook`](https://github.com/helm/helm/blob/v3.18.0/pkg/action/hooks.go)); `hook-succeeded` deletes after the ' +
      'event succeeded, `hook-failed` right after a failure. Helm 3 creates hooks with `KubeClient.Create`, a POST. Helm 4 ' +
      "passes the operation's apply method to `Create` ([pkg/kube/client.go `makeCreateApplyFunc`, " +
      '`patchResourceServerSide`](https://github.com/helm/helm/blob/v4.1.4/pkg/kube/client.go)): `--server-side` defaults ' +
      'to true for install ([pkg/cmd/install.go](https://github.com/helm/helm/blob/v4.1.4/pkg/cmd/install.go)); upgrade ' +
      "and rollback take the previous release's recorded method ([pkg/action/upgrade.go `getUpgradeServerSideValue`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/upgrade.go), " +
      "pkg/action/rollback.go `prepareRollback`), test the release's ([pkg/action/release_testing.go `Run`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/release_testing.go)); " +
      'uninstall hooks always use it. A release Helm 3 stored has no method, which `auto` reads as client-side. Observed ' +
      'with the real Helm against a recording API server (test/differential/fake-kube-vectors.test.ts, R4): a completed Job re-applied ' +
      "unchanged keeps its Complete status and is not run again. *Inferred* from the API server's rules, not observed: " +
      'a changed Job pod template is rejected (`spec.template` is immutable), and re-applying other kinds succeeds. ' +
      'Users meeting it: [helm/helm#11188](https://github.com/helm/helm/issues/11188), ' +
      '[portworx/helm#24](https://github.com/portworx/helm/issues/24) ("already exists" after a failed hook).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      '    helm.sh/hook-delete-policy: hook-succeeded',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      '    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    for (const hook of lifecycleHooks(context.file)) {
      const policy = hook.policy;
      // A templated event list may not even make this a hook; a CRD is never deleted by any policy (crd-hook).
      if (!hook.events || policy.state !== 'listed' || hook.kind === 'CustomResourceDefinition') continue;
      const items = policy.items;
      // Only unknown items: unknown-delete-policy already says the object is never deleted.
      if (!hasKnownPolicy(items) || items.includes(BHC)) continue;
      const succeeded = items.includes('hook-succeeded');
      const failed = items.includes('hook-failed');
      if (succeeded && failed) continue;
      const canFail = hook.kind === 'Job' || hook.kind === 'Pod';
      const recurring = [...new Set(hook.events.filter((event) => RECURRING_EVENTS.includes(event)))];
      if (!canFail && recurring.length === 0) continue;
      // Certain to meet the old object: a success leaves it and the event recurs; on Helm 4 only a Job or Pod then fails
      // (or is skipped) whatever the apply method, other kinds only with client-side apply.
      const certain = !succeeded && recurring.length > 0 && (context.helmVersion === 3 || canFail);
      const report: Report = {
        range: policy.entry.value.range,
        ...explain(hook, succeeded, canFail, recurring, context.helmVersion),
      };
      if (!certain) report.severity = 'warning';
      const edit = addPolicyEdit(context.file, hook);
      if (edit) report.fixes = [{ title: `Add ${BHC}`, safe: true, edits: [edit] }];
      context.report(report);
    }
  },
});

function explain(
  hook: LifecycleHook,
  succeeded: boolean,
  canFail: boolean,
  recurring: string[],
  helmVersion: HelmVersion,
): MessageById & { help: string } {
  const what = thisResource(hook.resource);
  const listed = hook.policy.state === 'listed' ? shown(hook.policy.entry.value.source) : '';
  const events = [...new Set(hook.events ?? [])];
  const nextEvents = recurring.length > 0 ? recurring : events;
  const next = `the next ${nextEvents.join(' or ')}`;
  let messageId: string;
  let stays: string;
  if (!succeeded) {
    messageId = 'successfulRun';
    stays = `Its hook-failed policy deletes ${what} only when it fails`;
  } else if (canFail) {
    messageId = 'failedRun';
    stays = `Its hook-succeeded policy deletes ${what} only after it succeeds`;
  } else {
    messageId = 'unfinishedRun';
    stays =
      `${capitalize(what)} stays whenever its event does not finish: Helm 3 up to 3.18 keeps hooks that succeeded when a later ` +
      'hook of the event fails, and an interrupted command keeps them in any version';
  }
  const later =
    recurring.length > 0 ? '' : ' (a retry, or a later release of the same name: hook objects survive helm uninstall)';
  return {
    messageId,
    data: { subject: what, next: nextEvents.length <= 2 ? next : 'the next run', policy: listed },
    help:
      `Add ${BHC} to the list: writing any delete policy turns off Helm's default, ${BHC}. ${stays}. ` +
      `${capitalize(next)}${later} then meets the old object: ${nextRunMeetsOldObject(hook, helmVersion)}.`,
  };
}

/** Appends `before-hook-creation` after the last item, with the separator the list already uses. */
function addPolicyEdit(
  file: TemplateFile,
  hook: LifecycleHook,
): { range: { start: number; end: number }; newText: string } | undefined {
  return hook.policy.state === 'listed' ? appendToListEdit(file, hook.policy.entry.value, BHC) : undefined;
}
