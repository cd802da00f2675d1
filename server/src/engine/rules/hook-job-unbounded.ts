import { DocumentWalker, lifecycleHooks } from './support/lifecycle-helpers';
import { defineRule } from './rule';

export const hookJobUnbounded = defineRule({
  id: 'hook-job-unbounded',
  defaultSeverity: 'info',
  summary:
    'Hook Job with neither `activeDeadlineSeconds` nor `backoffLimit`: a stuck hook holds the release until `--timeout`.',
  fixable: false,
  messages: {
    unbounded:
      'A failing run of this hook Job holds the release until --timeout: it sets neither backoffLimit nor activeDeadlineSeconds.',
  },
  target: 'helm',
  reads: 'document',
  docs: {
    description:
      'Helm waits for a hook Job to complete before it goes on, and nothing else moves meanwhile. A Job with no ' +
      '`activeDeadlineSeconds` and the default `backoffLimit` (6 retries, with back-off delays doubling from 10 s up to ' +
      "6 min) keeps failing pods for longer than Helm's default 5 minute `--timeout`: the release waits the whole " +
      'timeout, then fails with "timed out waiting for the condition" (Helm 4: "context deadline exceeded") instead ' +
      "of the Job's own error. Set `backoffLimit` (often 0–3) and, for long tasks, `activeDeadlineSeconds`, so a broken " +
      'hook fails fast with `BackoffLimitExceeded` or `DeadlineExceeded`. Silent when template output may set them.',
    helmFact:
      'Helm waits for each hook Job until `Complete`, `Failed`, or `--timeout` (default 5m0s, per hook; in Helm 4 ' +
      '`--timeout 0` means 30 s) ([statuswait.go `WatchUntilReady`](https://github.com/helm/helm/blob/v4.1.4/pkg/kube/statuswait.go#L71); [helm/helm#7447](https://github.com/helm/helm/issues/7447), [helm/helm#4558](https://github.com/helm/helm/issues/4558)). ' +
      'Kubernetes defaults ' +
      '`backoffLimit` to 6.',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      'spec:',
      '  backoffLimit: 1',
      '  activeDeadlineSeconds: 600',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
    ].join('\n'),
  },
  check(context) {
    const walker = new DocumentWalker(context.file);
    for (const hook of lifecycleHooks(context.file)) {
      if (hook.kind !== 'Job' || !hook.events) continue;
      const root = walker.root(hook.resource);
      if (!root || root.hasUnknownEntries) continue;
      const spec = walker.childMap(root, 'spec');
      if (!spec?.keyRange || spec.hasUnknownEntries) continue;
      if (walker.entry(spec, 'activeDeadlineSeconds') || walker.entry(spec, 'backoffLimit')) continue;
      context.report({
        range: spec.keyRange,
        messageId: 'unbounded',
        help:
          "Set backoffLimit (often 0 to 3) in the Job's spec, and activeDeadlineSeconds for long tasks. When its pods keep failing, " +
          'Kubernetes retries 6 times with growing delays, and Helm waits for the Job until --timeout (5m by default): the release ' +
          "then fails with a timeout instead of the Job's own error.",
      });
    }
  },
});
