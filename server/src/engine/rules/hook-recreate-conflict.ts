import { splitList } from '../model/hook';
import { LifecycleHook, hasKnownPolicy, lifecycleHooks, nextRunMeetsOldObject, RECURRING_EVENTS } from './support/lifecycle-helpers';
import { capitalize, shown, thisResource } from './support/helpers';
import { defineRule, HelmVersion, Report } from './rule';
import { TemplateFile } from '../analysis/file';

const BHC = 'before-hook-creation';

export const hookRecreateConflict = defineRule({
  id: 'hook-recreate-conflict',
  defaultSeverity: 'warning',
  summary: 'A delete policy without `before-hook-creation` on a hook that runs again: the next run meets the old object.',
  fixable: true,
  reads: 'document',
  docs: {
    description:
      'Without a `helm.sh/hook-delete-policy` annotation Helm deletes the previous hook object just before it creates ' +
      'the hook again (`before-hook-creation`). Writing any policy turns that default off. With `hook-succeeded` alone a ' +
      'failed Job or Pod stays behind; with `hook-failed` alone a successful one does. The next upgrade, rollback, test ' +
      'or re-install then meets the old object: Helm 3 fails with "already exists", Helm 4 applies over it in place, so ' +
      'a completed Job "succeeds" without running again. Reported for Jobs and Pods (they can fail) and for any hook on ' +
      'an event that recurs (upgrade, rollback, test), unless both `hook-succeeded` and `hook-failed` are set. The safe ' +
      'fix adds `before-hook-creation` to the list.',
    helmFact:
      '[hooks.go `hookSetDeletePolicy`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L237) applies `before-hook-creation` only when ' +
      'the annotation is absent; `hook-succeeded` deletes after the event succeeded, `hook-failed` right after a failure ' +
      '([hooks.go `execHookWithDelayedShutdown`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L59)). Helm 3 creates hooks with POST ' +
      '("already exists"); Helm 4 uses server-side apply and patches the leftover object, a completed Job keeping its ' +
      'Complete status ([client.go `makeCreateApplyFunc`](https://github.com/helm/helm/blob/v4.1.4/pkg/kube/client.go#L312)). Users met it as ' +
      '[helm/community#257](https://github.com/helm/community/issues/257) and ' +
      '[helm/helm#6879](https://github.com/helm/helm/issues/6879).',
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
      const report: Report = { range: policy.entry.value.range, ...explain(hook, succeeded, canFail, recurring, context.helmVersion) };
      const edit = addPolicyEdit(context.file, hook);
      if (edit) report.fixes = [{ title: `Add ${BHC}`, safe: true, edits: [edit] }];
      context.report(report);
    }
  },
});

function explain(hook: LifecycleHook, succeeded: boolean, canFail: boolean, recurring: string[], helmVersion: HelmVersion): { message: string; help: string } {
  const what = thisResource(hook.resource);
  const listed = hook.policy.state === 'listed' ? shown(hook.policy.entry.value.source) : '';
  const events = [...new Set(hook.events ?? [])];
  const nextEvents = recurring.length > 0 ? recurring : events;
  const next = `the next ${nextEvents.join(' or ')}`;
  let run: string;
  let stays: string;
  if (!succeeded) {
    run = 'A successful run';
    stays = `Its hook-failed policy deletes ${what} only when it fails`;
  } else if (canFail) {
    run = 'A failed run';
    stays = `Its hook-succeeded policy deletes ${what} only after it succeeds`;
  } else {
    run = 'An unfinished run';
    stays =
      `${capitalize(what)} stays whenever its event does not finish: Helm 3 up to 3.18 keeps hooks that succeeded when a later ` +
      'hook of the event fails, and an interrupted command keeps them in any version';
  }
  const later = recurring.length > 0 ? '' : ' (a retry, or a later release of the same name: hook objects survive helm uninstall)';
  return {
    message: `${run} leaves ${what} behind for ${nextEvents.length <= 2 ? next : 'the next run'}: ${listed} replaces the default policy, before-hook-creation.`,
    help:
      `Add ${BHC} to the list: writing any delete policy turns off Helm's default, ${BHC}. ${stays}. ` +
      `${capitalize(next)}${later} then meets the old object: ${nextRunMeetsOldObject(hook, helmVersion)}.`,
  };
}

/** Appends `before-hook-creation` after the last item, with the separator the list already uses. */
function addPolicyEdit(file: TemplateFile, hook: LifecycleHook): { range: { start: number; end: number }; newText: string } | undefined {
  if (hook.policy.state !== 'listed') return undefined;
  const list = splitList(hook.policy.entry.value, file.text);
  const last = [...list.items].reverse().find((item) => item.normalized !== '');
  if (!last?.range || !list.certain) return undefined;
  const [first, second] = list.items;
  const separator = first?.range && second?.range ? file.text.slice(first.range.end, second.range.start) : ',';
  return { range: { start: last.range.end, end: last.range.end }, newText: `${separator}${BHC}` };
}
