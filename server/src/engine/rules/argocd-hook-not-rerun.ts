import type { TemplateFile } from '../analysis/file';
import { lastEntry } from '../model/document';
import { DELETE_POLICY_KEY } from '../model/hook';
import type { ValueModel } from '../model/document';
import { appendToListEdit } from './support/list-items';
import { annotationItems, ARGOCD_HOOK_DELETE_POLICY_KEY, ARGOCD_SYNC_OPTIONS_KEY } from '../deployers/argocd';
import type { ArgoHookView } from './support/argocd-hooks';
import { argoHookViews } from './support/argocd-hooks';
import { DocumentWalker } from './support/lifecycle-helpers';
import type { ReportBody } from './rule';
import { defineRule } from './rule';

const ARGO_SOURCE = 'https://github.com/argoproj/argo-cd/blob/37ee0097cf851bc2dd7665fc081bbce61a7e836e';

/** The policy to add, in the spelling of each annotation. */
const BEFORE_HOOK_CREATION: Record<string, string> = {
  [DELETE_POLICY_KEY]: 'before-hook-creation',
  [ARGOCD_HOOK_DELETE_POLICY_KEY]: 'BeforeHookCreation',
};

export const argocdHookNotRerun = defineRule({
  id: 'argocd-hook-not-rerun',
  defaultSeverity: 'warning',
  summary:
    'A Job or Pod hook whose delete policies lack BeforeHookCreation: the next Argo CD sync applies over the one left and does not run it (target `argocd`).',
  fixable: true,
  messages: {
    keptAfterSuccess:
      'A successful sync leaves this {{kind}} behind, and the next sync applies over it: it does not run again and its old success counts.',
    keptAfterFailure:
      'A failed sync leaves this {{kind}} behind, and the next sync applies over it: it does not run again and its old result counts.',
  },
  target: 'argocd',
  reads: 'document',
  docs: {
    description:
      'Argo CD deletes a hook before the next sync creates it again (BeforeHookCreation) only when neither ' +
      '`helm.sh/hook-delete-policy` nor `argocd.argoproj.io/hook-delete-policy` names a policy. Writing ' +
      '`hook-succeeded` alone (or `HookSucceeded`) turns that off: the hook is deleted only when the whole sync ' +
      'succeeds, so a failed sync leaves it. Writing `hook-failed` alone leaves it after every successful sync. The ' +
      'next sync does not create the hook: it applies the rendered object over the one left behind. A finished Job or ' +
      "Pod does not start again, and Argo CD takes the old object's status as the hook's result: after a success the " +
      'hook "succeeds" at once without running (a migration of the new version never runs); after a failure it fails ' +
      'at once, and every later sync fails until someone deletes the Job. If the pod template changed, the apply is ' +
      "rejected instead: a Job's `spec.template` is immutable. Add `before-hook-creation` to the list (the safe fix " +
      "adds it to Argo CD's annotation when that is written, else to Helm's, where Helm reads it the same way). " +
      'Silent for other kinds (applied over, they take the new spec), for a Job with `ttlSecondsAfterFinished` ' +
      '(Kubernetes may have deleted it by the next sync), for a hook named by `generateName` (a new object each sync), ' +
      'for `Replace=true,Force=true` in its `argocd.argoproj.io/sync-options` (re-created) and for templated policies. ' +
      "The Application's own sync options cannot be seen here: `Replace=true` with `Force=true` there re-creates too.",
    helmFact:
      'Argo CD (argoproj/argo-cd at 37ee0097cf): ' +
      `[gitops-engine/pkg/sync/hook/delete_policy.go lines 11-26](${ARGO_SOURCE}/gitops-engine/pkg/sync/hook/delete_policy.go#L11-L26) ` +
      "joins both annotations' policies and adds BeforeHookCreation only when there are none; " +
      `a hook left from the last sync is among the Application's live objects ([reconcile.go lines 106-109](${ARGO_SOURCE}/gitops-engine/pkg/sync/reconcile.go#L106-L109)) ` +
      `and becomes the hook task's live object ([sync_context.go lines 1058-1064](${ARGO_SOURCE}/gitops-engine/pkg/sync/sync_context.go#L1058-L1064), ` +
      `[1266-1277](${ARGO_SOURCE}/gitops-engine/pkg/sync/sync_context.go#L1266-L1277)); it is deleted first only with BeforeHookCreation ` +
      `([sync_task.go deleteBeforeCreation, lines 130-132](${ARGO_SOURCE}/gitops-engine/pkg/sync/sync_task.go#L130-L132), ` +
      `[sync_context.go lines 1702-1735](${ARGO_SOURCE}/gitops-engine/pkg/sync/sync_context.go#L1702-L1735)), else applied over ` +
      `([lines 1452-1474](${ARGO_SOURCE}/gitops-engine/pkg/sync/sync_context.go#L1452-L1474)); the running hook's result is then read from ` +
      `that live object's health ([lines 558-570](${ARGO_SOURCE}/gitops-engine/pkg/sync/sync_context.go#L558-L570), ` +
      `[364-386](${ARGO_SOURCE}/gitops-engine/pkg/sync/sync_context.go#L364-L386)): a complete Job is Healthy, a failed one Degraded ` +
      `([health_job.go lines 30-75](${ARGO_SOURCE}/gitops-engine/pkg/health/health_job.go#L30-L75)). HookSucceeded deletes the hook ` +
      `when the whole sync succeeds, HookFailed when it fails ([sync_context.go lines 638-674](${ARGO_SOURCE}/gitops-engine/pkg/sync/sync_context.go#L638-L674)). ` +
      'Users meeting it: [alphagov/govuk-helm-charts#362](https://github.com/alphagov/govuk-helm-charts/pull/362) ' +
      '("a failed Job causes the subsequent sync to fail").',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install,pre-upgrade',
      '    helm.sh/hook-delete-policy: hook-failed',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: migrate',
      '          image: migrate/migrate:v4.17.1',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install,pre-upgrade',
      '    helm.sh/hook-delete-policy: hook-failed,before-hook-creation',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: migrate',
      '          image: migrate/migrate:v4.17.1',
    ].join('\n'),
  },
  check(context) {
    const walker = new DocumentWalker(context.file);
    for (const view of argoHookViews(context.file)) {
      const kind = view.hook.kind;
      if ((kind !== 'Job' && kind !== 'Pod') || view.plan.syncPhases.length === 0) continue;
      const policies = view.plan.deletePolicies;
      const succeeded = policies.includes('HookSucceeded');
      const failed = policies.includes('HookFailed');
      // Deleted after every sync, or before the next one: nothing is left to apply over.
      if (policies.includes('BeforeHookCreation') || (succeeded && failed)) continue;
      if (recreatedAnyway(walker, view)) continue;
      // Argo CD's own list when it is written (Helm never reads it), else Helm's, which both read.
      const key = (view.annotation(ARGOCD_HOOK_DELETE_POLICY_KEY) ?? '').trim()
        ? ARGOCD_HOOK_DELETE_POLICY_KEY
        : DELETE_POLICY_KEY;
      const entry = lastEntry(view.hook.annotations, key);
      if (!entry) continue;
      const fix = addPolicyFix(context.file, entry.value, BEFORE_HOOK_CREATION[key]!);
      const left = succeeded
        ? 'HookSucceeded deletes it only when the whole sync succeeds, so a failed sync leaves it.'
        : 'HookFailed deletes it only when the sync fails, so a successful sync leaves it.';
      const afterFailure = succeeded
        ? `: after a failed run the hook fails at once, and every later sync fails until the ${kind} is deleted`
        : '';
      const immutable =
        kind === 'Job' ? " A changed pod template is rejected instead: a Job's spec.template is immutable." : '';
      context.report({
        range: entry.value.range,
        messageId: succeeded ? 'keptAfterFailure' : 'keptAfterSuccess',
        data: { kind },
        help:
          `Add ${BEFORE_HOOK_CREATION[key]} to ${key}. Argo CD deletes a hook before the next sync creates it ` +
          `(BeforeHookCreation) only when neither ${DELETE_POLICY_KEY} nor ${ARGOCD_HOOK_DELETE_POLICY_KEY} names a ` +
          `policy. ${left} The next sync applies the rendered ${kind} over the old one: a finished ${kind} does not ` +
          `start again, and Argo CD takes the old one's status as the hook's result${afterFailure}.${immutable}`,
        ...(fix && { fixes: [fix] }),
      });
    }
  },
});

/**
 * A hook the next sync meets as a new object whatever its policies: named by generateName (a new name each sync,
 * sync_context.go:1013-1024), re-created by Replace=true with Force=true, or a Job Kubernetes may delete first
 * (ttlSecondsAfterFinished). Template output that may add any of these counts too.
 */
function recreatedAnyway(walker: DocumentWalker, view: ArgoHookView): boolean {
  const options = annotationItems(view.annotation(ARGOCD_SYNC_OPTIONS_KEY));
  if (options.includes('Replace=true') && options.includes('Force=true')) return true;
  const root = walker.root(view.hook.resource);
  if (!root || root.hasUnknownEntries) return true;
  const metadata = walker.childMap(root, 'metadata');
  if (!metadata || metadata.hasUnknownEntries || !walker.entry(metadata, 'name')) return true;
  if (view.hook.kind !== 'Job') return false;
  const specEntry = walker.entry(root, 'spec');
  const spec = specEntry && walker.mapOf(specEntry);
  if (!spec) return !!specEntry && walker.isOpaque(specEntry);
  return spec.hasUnknownEntries || walker.entry(spec, 'ttlSecondsAfterFinished') !== undefined;
}

/** Appends the policy after the list's last item, with the separator the list already uses. */
function addPolicyFix(
  file: TemplateFile,
  value: ValueModel,
  policy: string,
): NonNullable<ReportBody['fixes']>[number] | undefined {
  const edit = appendToListEdit(file, value, policy);
  return edit && { title: `Add ${policy}`, safe: true, edits: [edit] };
}
