import { describeObject, nameRange, whyFirst } from './support/dependency-helpers';
import { article, missingReads, OPERATION_WORDS, otherPlaces } from './support/presence';
import { ARGO_MISSING_READ_MESSAGES, reportArgoMissingReads } from './support/argocd-presence';
import { defineRule } from './rule';

export const hookDependencyOrder = defineRule({
  id: 'hook-dependency-order',
  defaultSeverity: 'error',
  summary: 'Hook reads an object that another hook of the same event creates later.',
  fixable: false,
  messages: {
    argoLaterWave: ARGO_MISSING_READ_MESSAGES.argoLaterWave,
    createdAfter:
      'The {{event}} hooks fail at --timeout: this {{kind}} reads {{target}}, which another hook creates after it.',
  },
  docs: {
    description:
      'Helm runs the hooks of an event one at a time and waits for each Job or Pod to finish before creating the next. ' +
      'The order is by `helm.sh/hook-weight`, then by `metadata.name` — not by kind, whatever the Helm docs say — so ' +
      'at the same weight a Job named `app-migrate` runs before its ServiceAccount `app-sa` and its Secret ' +
      "`app-secret`. The Job's pod cannot start without them, the event never finishes, and the install or upgrade " +
      'fails at `--timeout`. Give the objects a hook needs a lower weight than the hook. Reported only when the ' +
      'order holds under any release name and the object cannot be left over from an earlier run. With the `argocd` ' +
      "target, Argo CD's order is checked too: it runs a phase's hooks by sync wave (`argocd.argoproj.io/sync-wave`, " +
      'else `helm.sh/hook-weight`), all of a wave together, and starts a wave only when the one before has finished; ' +
      "an object of a later wave is missing. With `argocd` alone, only Argo CD's order is checked.",
    helmFact:
      'Per event, hooks are sorted by weight, then name byte-wise; kind only breaks ties of equal weight and name, and ' +
      'each hook is created only when the previous one is ready ([hooks.go `hookByWeight.Less`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L172), [kind_sorter.go `sortHooksByKind`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/kind_sorter.go#L131), ' +
      '[hooks.go `execHookWithDelayedShutdown`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L59)). `hook-succeeded` deletes hooks after their event. Users met it as ' +
      '[helm/helm#12414](https://github.com/helm/helm/issues/12414), [helm/helm#10768](https://github.com/helm/helm/issues/10768) and [helm/helm#10006](https://github.com/helm/helm/issues/10006). ' +
      'Argo CD (argoproj/argo-cd at 37ee0097cf) runs the pending tasks of one phase and wave together, and the next wave ' +
      'only once they have completed ([sync_context.go lines 678-685](https://github.com/argoproj/argo-cd/blob/37ee0097cf851bc2dd7665fc081bbce61a7e836e/gitops-engine/pkg/sync/sync_context.go#L678-L685)).',
    bad: [
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  name: {{ .Release.Name }}-sa',
      '  annotations:',
      '    helm.sh/hook: pre-install',
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
      '      serviceAccountName: {{ .Release.Name }}-sa',
      '      containers:',
      '        - name: migrate',
      '          image: migrate:1.0',
    ].join('\n'),
    good: [
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  name: {{ .Release.Name }}-sa',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-weight: "-5"',
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
      '      serviceAccountName: {{ .Release.Name }}-sa',
      '      containers:',
      '        - name: migrate',
      '          image: migrate:1.0',
    ].join('\n'),
  },
  checkChart(context) {
    for (const { reader, missing } of missingReads(context)) {
      // After a failed install the pre-upgrade order is the upgrade's own: reported there.
      const later = missing.filter((read) => read.laterInEvent && read.operation !== 'upgrade-after-failed-install');
      const first = later[0];
      if (!first) continue;
      const target = first.targets[0]!;
      context.report({
        object: reader,
        range: first.reference.range,
        messageId: 'createdAfter',
        data: { event: first.event, kind: reader.kind!, target: describeObject(target, 40) },
        help:
          `Give the ${target.kind} a lower helm.sh/hook-weight than this ${reader.kind} (${reader.hook!.weight}). Helm runs this ` +
          `${reader.kind} first (${whyFirst(reader, target)}) and waits for it to finish before creating ${describeObject(target)}, ` +
          `which its pod reads (${first.reference.field}): the pod cannot start, and the ${first.event} hooks of ${article(OPERATION_WORDS[first.operation])} fail at --timeout.` +
          otherPlaces(later),
        related: [
          {
            object: target,
            range: nameRange(target),
            message: `${describeObject(target)} is created here, after the ${reader.kind}`,
          },
        ],
      });
    }
    reportArgoMissingReads(context, true);
  },
});
