import { HookEvent } from '../model/hook';
import { ChartObject } from './support/chart-objects';
import { blockingReads, deletedAfterSuccess, describeObject, nameRange } from './support/dependency-helpers';
import { defineRule } from './rule';

export const hookDependencyUnavailable = defineRule({
  id: 'hook-dependency-unavailable',
  defaultSeverity: 'error',
  summary: 'Hook reads a Secret, ConfigMap, ServiceAccount or PVC of the chart that does not exist when it runs.',
  fixable: false,
  docs: {
    description:
      'A pre-install hook runs before Helm creates any of the release\'s own resources. A migration Job that mounts ' +
      'the chart\'s Secret, takes env from its ConfigMap or runs as its ServiceAccount cannot start: its pod waits for ' +
      'an object Helm creates only after every pre-install hook has finished, so the install hangs until `--timeout` ' +
      'and fails. The same happens to a post-install hook that reads a pre-install hook deleted by `hook-succeeded`, ' +
      'and to a post-delete hook that reads a release resource `helm uninstall` has just deleted. Make the object a ' +
      'hook of the same event with a lower `helm.sh/hook-weight`, run the hook later (post-install), or keep the ' +
      'object with `helm.sh/resource-policy: keep` for post-delete hooks. Objects the chart does not render (created ' +
      'by hand, by another chart or at run time) are not checked, and `optional: true` references are fine.',
    helmFact:
      'pre-install runs when none of the chart\'s release resources exist; post-delete runs after they are deleted, ' +
      'except those with `helm.sh/resource-policy`; `hook-succeeded` deletes a hook after its event succeeds ' +
      '([install.go `performInstall`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/install.go#L501), [uninstall.go `(*Uninstall).Run`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/uninstall.go#L62), [hooks.go `execHookWithDelayedShutdown`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L59)). Helm waits for each Job and Pod hook to ' +
      'complete before going on ([statuswait.go `WatchUntilReady`](https://github.com/helm/helm/blob/v4.1.4/pkg/kube/statuswait.go#L71)). Users met it as [helm/helm#2622](https://github.com/helm/helm/issues/2622), ' +
      '[helm/helm#9163](https://github.com/helm/helm/issues/9163), [mastodon/mastodon#21640](https://github.com/mastodon/mastodon/issues/21640) and [helm/helm#11157](https://github.com/helm/helm/issues/11157).',
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
    for (const { reader, event, reference, targets } of blockingReads(context)) {
      const why = targets.map((target) => absenceAt(target, event));
      if (why.some((reason) => reason === undefined)) continue;
      const target = targets[0]!;
      context.report({
        object: reader,
        range: reference.range,
        message: `The ${OPERATION[event]} fails at --timeout: this ${event} ${reader.kind} reads ${describeObject(target, 40)}, which does not exist when it runs.`,
        help:
          `${ADVICE[event]} The pod reads ${describeObject(target)} (${reference.field}), which ${why[0]}. The pod cannot start ` +
          `without it, so Helm waits for the hook until --timeout and the ${OPERATION[event]} fails.`,
        related: [{ object: target, range: nameRange(target), message: `${describeObject(target)} is created here` }],
      });
    }
  },
});

const OPERATION: Partial<Record<HookEvent, string>> = { 'pre-install': 'install', 'post-install': 'install', 'post-delete': 'uninstall' };

const ADVICE: Partial<Record<HookEvent, string>> = {
  'pre-install': 'Make the object a pre-install hook with a lower helm.sh/hook-weight than this one, or run this hook at post-install.',
  'post-install': 'Keep the object until post-install: drop hook-succeeded from its delete policy, or hook it on post-install with a lower weight too.',
  'post-delete': 'Give the object helm.sh/resource-policy: keep, or run this hook at pre-delete.',
};

/** Why the object is certainly missing when a hook of `event` runs; undefined when it may be there. */
function absenceAt(target: ChartObject, event: HookEvent): string | undefined {
  const hook = target.hook;
  switch (event) {
    case 'pre-install':
      if (!hook) return 'is a normal resource of the release: Helm creates it only after every pre-install hook has succeeded';
      if (hook.events.includes('pre-install')) return undefined;
      return `is a hook of ${[...new Set(hook.events)].join(', ')} only, so it does not exist yet during an install`;
    case 'post-install':
      if (!hook || hook.events.includes('post-install')) return undefined;
      if (hook.events.includes('pre-install')) return deletedAfterSuccess(target) ? 'is a pre-install hook that hook-succeeded deletes as soon as the pre-install hooks have succeeded' : undefined;
      return `is a hook of ${[...new Set(hook.events)].join(', ')} only, so it does not exist during an install`;
    case 'post-delete':
      if (hook || target.survivesUninstall !== false) return undefined;
      return 'is a normal resource of the release without helm.sh/resource-policy: helm uninstall deletes it before the post-delete hooks run';
    default:
      return undefined;
  }
}
