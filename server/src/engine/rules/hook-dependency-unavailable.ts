import type { ReadPresence } from '../lifecycle/reads';
import { describeObject, nameRange } from './support/dependency-helpers';
import { article, missingReads, OPERATION_WORDS, otherPlaces } from './support/presence';
import { ARGO_MISSING_READ_MESSAGES, reportArgoMissingReads } from './support/argocd-presence';
import { defineRule } from './rule';

export const hookDependencyUnavailable = defineRule({
  id: 'hook-dependency-unavailable',
  defaultSeverity: 'error',
  summary: 'Hook reads a Secret, ConfigMap, ServiceAccount or PVC of the chart that does not exist when it runs.',
  fixable: false,
  messages: {
    argoMissing: ARGO_MISSING_READ_MESSAGES.argoMissing,
    missingAfterFailedInstall:
      'After a failed install, helm upgrade --install fails at --timeout: this {{event}} {{kind}} reads {{target}}, missing then.',
    missingWhenRun:
      'The {{operation}} fails at --timeout: this {{event}} {{kind}} reads {{target}}, which does not exist when it runs.',
  },
  docs: {
    description:
      "A pre-install hook runs before Helm creates any of the release's own resources. A migration Job that mounts " +
      "the chart's Secret, takes env from its ConfigMap or runs as its ServiceAccount cannot start: its pod waits for " +
      'an object Helm creates only after every pre-install hook has finished, so the install hangs until `--timeout` ' +
      'and fails. The same happens to a post-install hook that reads a pre-install hook deleted by `hook-succeeded`, ' +
      'and to a post-delete hook that reads a release resource `helm uninstall` has just deleted. Every operation is ' +
      'checked, each after the history it needs (an upgrade after an install of the same chart, a rollback after an ' +
      'upgrade, an uninstall or `helm test` after an install): a Secret hooked on pre-install with `hook-succeeded` is ' +
      'gone by the pre-upgrade migration and the pre-delete backup. Where only `helm upgrade --install` after a failed ' +
      'install misses the object (it runs pre-upgrade hooks, not pre-install ones, before any release resource exists), ' +
      'the finding is a warning. Make the object a ' +
      'hook of the same event with a lower `helm.sh/hook-weight`, run the hook later (post-install), or keep the ' +
      'object with `helm.sh/resource-policy: keep` for post-delete hooks. Objects the chart does not render (created ' +
      'by hand, by another chart or at run time) are not checked, and `optional: true` references are fine. With the ' +
      "`argocd` target, Argo CD's first sync, later syncs and the Application's deletion are checked too: a " +
      '`pre-upgrade` hook runs at PreSync of the first sync, before any resource exists, and a PostDelete hook runs ' +
      'after every resource without `Delete=false` or `helm.sh/resource-policy: keep` is gone (argoproj/argo-cd at ' +
      "37ee0097cf: controller/appcontroller.go:1255-1264, 1328-1440). With `argocd` alone, only Argo CD's are checked.",
    helmFact:
      "pre-install runs when none of the chart's release resources exist; post-delete runs after they are deleted, " +
      'except those with `helm.sh/resource-policy`; `hook-succeeded` deletes a hook after its event succeeds ' +
      '([install.go `performInstall`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/install.go#L501), [uninstall.go `(*Uninstall).Run`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/uninstall.go#L62), [hooks.go `execHookWithDelayedShutdown`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L59)). Helm waits for each Job and Pod hook to ' +
      'complete before going on ([statuswait.go `WatchUntilReady`](https://github.com/helm/helm/blob/v4.1.4/pkg/kube/statuswait.go#L71)). Users met it as [helm/helm#2622](https://github.com/helm/helm/issues/2622), ' +
      '[helm/helm#9163](https://github.com/helm/helm/issues/9163), [mastodon/mastodon#21640](https://github.com/mastodon/mastodon/issues/21640) and [helm/helm#11157](https://github.com/helm/helm/issues/11157). ' +
      '`helm upgrade --install` on a release whose install failed upgrades from the failed revision ' +
      '([upgrade.go `prepareUpgrade`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/upgrade.go)).',
    bad: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ .Release.Name }}-db',
      'stringData:',
      '  password: {{ .Values.password | quote }}',
      '---',
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: migrate',
      '          image: migrate:1.0',
      '          env:',
      '            - name: DB_PASSWORD',
      '              valueFrom:',
      '                secretKeyRef:',
      '                  name: {{ .Release.Name }}-db',
      '                  key: password',
    ].join('\n'),
    good: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ .Release.Name }}-db',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-weight: "-5"',
      'stringData:',
      '  password: {{ .Values.password | quote }}',
      '---',
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: migrate',
      '          image: migrate:1.0',
      '          env:',
      '            - name: DB_PASSWORD',
      '              valueFrom:',
      '                secretKeyRef:',
      '                  name: {{ .Release.Name }}-db',
      '                  key: password',
    ].join('\n'),
  },
  checkChart(context) {
    for (const { reader, missing } of missingReads(context)) {
      const unavailable = missing.filter((read) => !read.laterInEvent);
      const first = unavailable[0];
      if (!first) continue;
      const target = first.targets[0]!;
      const operation = OPERATION_WORDS[first.operation];
      // Only after a failure: works today, breaks under a foreseeable condition: a warning.
      const afterFailure = first.operation === 'upgrade-after-failed-install';
      context.report({
        object: reader,
        range: first.reference.range,
        ...(afterFailure ? { severity: 'warning' as const } : {}),
        messageId: afterFailure ? 'missingAfterFailedInstall' : 'missingWhenRun',
        data: { operation, event: first.event, kind: reader.kind!, target: describeObject(target, 40) },
        help:
          `${advice(first)} The pod reads ${describeObject(target)} (${first.reference.field}), which at ${first.event} of ${article(operation)} is ${first.why}. ` +
          `The pod cannot start without it, so Helm waits for the hook until --timeout and the ${operation} fails.${otherPlaces(unavailable)}`,
        related: [{ object: target, range: nameRange(target), message: `${describeObject(target)} is created here` }],
      });
    }
    reportArgoMissingReads(context, false);
  },
});

/** What to change, by what removed the object or why it is not there yet. */
function advice(read: ReadPresence): string {
  const target = read.targets[0]!;
  if (read.operation === 'upgrade-after-failed-install') {
    return `After a failed install, uninstall the release before installing it again; or hook the object on ${read.event} too, with a lower helm.sh/hook-weight than this one.`;
  }
  if (!target.hook) {
    if (read.event === 'post-delete')
      return 'Give the object helm.sh/resource-policy: keep, or run this hook at pre-delete.';
    return `Make the object a ${read.event} hook with a lower helm.sh/hook-weight than this one, or run this hook at ${read.event === 'pre-install' ? 'post-install' : 'a post- event'}.`;
  }
  if (/hook-succeeded/.test(read.why))
    return `Keep the object until ${read.event}: drop hook-succeeded from its delete policy, or hook it on ${read.event} too with a lower weight.`;
  return `Hook the object on ${read.event} too, with a lower helm.sh/hook-weight than this one.`;
}
