import { lifecycleHooks } from './support/lifecycle-helpers';
import { thisResource } from './support/helpers';
import { defineRule } from './rule';

export const testHookNotPod = defineRule({
  id: 'test-hook-not-pod',
  defaultSeverity: 'info',
  summary: '`test` hook that is not a Pod: `helm test --logs` fails on it.',
  fixable: false,
  messages: {
    notPod: 'helm test --logs fails on {{subject}} even when the tests pass: it is a test hook but not a Pod.',
  },
  target: 'helm',
  reads: 'document',
  docs: {
    description:
      "`helm test --logs` asks Kubernetes for the pod logs of **every** test hook by the hook's own name, whatever its " +
      'kind. A Job, ConfigMap or other object hooked on `test` has no pod of that name, so the command fails with ' +
      '`unable to get pod logs for NAME: pods "NAME" not found` even when every test passed. Write the test as a Pod, ' +
      'or run `helm test` without `--logs`. Objects a test Pod needs (a ConfigMap, a ServiceAccount) can be normal ' +
      'release resources instead of test hooks.',
    helmFact:
      '[release_testing.go `GetPodLogs`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/release_testing.go#L121) streams `GET pods/<hook name>/log` for each test hook without checking its kind: ' +
      '`Error: unable to get pod logs for t-cm: pods "t-cm" not found`, exit 1; still so in v4.2.4. Users met it as ' +
      '[helm/helm#9264](https://github.com/helm/helm/issues/9264) and [helm/helm#8796](https://github.com/helm/helm/issues/8796).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-smoke-test',
      '  annotations:',
      '    helm.sh/hook: test',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: {{ .Release.Name }}-smoke-test',
      '  annotations:',
      '    helm.sh/hook: test',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    for (const hook of lifecycleHooks(context.file)) {
      if (!hook.kind || hook.kind === 'Pod' || !hook.events?.includes('test')) continue;
      context.report({
        range: hook.hookEntry.value.range,
        messageId: 'notPod',
        data: { subject: thisResource(hook.resource) },
        help:
          'Make the test a Pod, or make this object a normal release resource. helm test --logs reads the pod logs of every test ' +
          'hook by its name, so it fails with "unable to get pod logs for …: pods "…" not found".',
      });
    }
  },
});
