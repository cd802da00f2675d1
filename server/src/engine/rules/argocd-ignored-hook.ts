import { argoHookViews, listed } from './support/argocd-hooks';
import { eventOf } from '../model/hook';
import type { MessageById } from './rule';
import { defineRule } from './rule';

const TEST_EVENTS = ['test', 'test-success'];

export const argocdIgnoredHook = defineRule({
  id: 'argocd-ignored-hook',
  defaultSeverity: 'warning',
  summary:
    'Hook whose events Argo CD never runs (rollback, test, a capitalised event): never applied (target `argocd`).',
  fixable: false,
  messages: {
    testHook: 'Argo CD never runs this test hook: it ignores helm.sh/hook test, and helm test is not part of a sync.',
    capitalisedEvent:
      'Argo CD never applies this object: it reads helm.sh/hook case-sensitively and knows no "{{event}}".',
    noEventRuns: 'Argo CD never applies this object: it runs none of its hook events ({{events}}).',
  },
  target: 'argocd',
  reads: 'document',
  docs: {
    description:
      'Argo CD maps only the install, upgrade and delete events of `helm.sh/hook`. A hook whose every event is ' +
      'something else is dropped from the sync: `pre-rollback` and `post-rollback` (Argo CD rolls back by syncing an ' +
      'older revision, which runs PreSync and PostSync), `test` and `test-success` (Argo CD never runs `helm test`), and ' +
      'events written with capitals (`Pre-Install`), which Helm accepts after lower-casing but Argo CD compares ' +
      'exactly. The object is never applied. Write the event in lower case, hook the object on an event Argo CD runs ' +
      'as well, or give it `argocd.argoproj.io/hook`. For a test hook this is usually what you want, hence info.',
    helmFact:
      'Argo CD (argoproj/argo-cd at 37ee0097cf): gitops-engine/pkg/sync/hook/helm/type.go:19-25 knows only pre-install, ' +
      'pre-upgrade, post-install and post-upgrade, compared exactly; a hook with no type is ignored ' +
      '(gitops-engine/pkg/sync/ignore/ignore.go:10-12, reconcile.go:13-27). pre-delete and post-delete run when the ' +
      'Application is deleted (controller/hook.go:34-43; post-delete since v2.10.0, pre-delete since v3.3.0). The docs ' +
      'list the unsupported events ([the Argo CD Helm guide, lines 508-526](https://github.com/argoproj/argo-cd/blob/37ee0097cf851bc2dd7665fc081bbce61a7e836e/docs/user-guide/helm.md#L508-L526)).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-restore',
      '  annotations:',
      '    helm.sh/hook: pre-rollback',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: restore',
      '          image: busybox:1.36',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-restore',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade,pre-rollback',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: restore',
      '          image: busybox:1.36',
    ].join('\n'),
  },
  check(context) {
    for (const view of argoHookViews(context.file)) {
      if (view.plan.skipped !== 'ignored-helm-events') continue;
      const items = view.plan.unmappedHelmEvents;
      if (items.length === 0) continue;
      const tests = items.every((item) => TEST_EVENTS.includes(item));
      // Helm lower-cases each event; Argo CD does not.
      const capitalised = items.filter(
        (item) => eventOf(item) !== undefined && item !== eventOf(item) && item !== 'test-success',
      );
      const range = view.hook.hookEntry.value.range;
      if (tests) {
        context.report({
          range,
          severity: 'info',
          messageId: 'testHook',
          help:
            'Nothing to do if the test is only for helm test. To run it in Argo CD, add argocd.argoproj.io/hook: PostSync. ' +
            'Argo CD maps only install, upgrade and delete events; an object whose every event is another is dropped from the sync.',
        });
        continue;
      }
      const message: MessageById =
        capitalised.length > 0
          ? { messageId: 'capitalisedEvent', data: { event: capitalised[0]! } }
          : { messageId: 'noEventRuns', data: { events: listed(items) } };
      context.report({
        range,
        ...message,
        help:
          (capitalised.length > 0
            ? `Write the events in lower case (${listed(capitalised.map((item) => item.toLowerCase()))}). `
            : '') +
          'Hook the object on an event Argo CD runs as well (pre-install, pre-upgrade, post-install, post-upgrade, pre-delete, ' +
          'post-delete), or give it argocd.argoproj.io/hook. Argo CD maps only those events, compared exactly; an object whose ' +
          'every event is another is dropped from the sync and never applied.',
      });
    }
  },
});
