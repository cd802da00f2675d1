import type { InvalidFileCase } from '../../support/rule-tester';
import { configMapWith, ruleTester } from '../../support/rule-tester';

const ARGOCD = { targets: ['argocd'] as const };

/** A ConfigMap hook on `events`, linted for Argo CD: the value sits on line 6 from column 19. */
function argoHook(events: string, annotations: string[] = []) {
  return { code: configMapWith([`helm.sh/hook: ${events}`, ...annotations]), options: ARGOCD };
}

const DROPPED = /an object whose every event is another is dropped from the sync/;

function testHook(events: string): InvalidFileCase {
  return {
    name: `a test hook (${events}): info`,
    ...argoHook(events),
    errors: [{ messageId: 'testHook', line: 6, column: 19, endColumn: 19 + events.length, severity: 'info' }],
  };
}

// Facts: gitops-engine/pkg/sync/hook/helm/type.go:19-25 (exact comparison, four events), ignore/ignore.go:10-12 and
// reconcile.go:13-27 (a hook with no type is dropped); controller/hook.go:34-43 (pre-delete, post-delete).
ruleTester.run('argocd-ignored-hook', {
  valid: [
    { name: 'one event maps', ...argoHook('post-upgrade,post-rollback') },
    { name: 'a deletion event', ...argoHook('pre-delete') },
    { name: 'a deletion event beside a rollback event', ...argoHook('post-delete,post-rollback') },
    {
      name: 'a test hook that is an Argo CD PostSync hook',
      ...argoHook('test', ['argocd.argoproj.io/hook: PostSync']),
    },
    { name: 'a test hook that Argo CD skips', ...argoHook('test', ['argocd.argoproj.io/hook: Skip']) },
    { name: 'templated events', ...argoHook('{{ .Values.hook }}') },
    // Helm drops a document with an event it does not know: helm template never hands it to Argo CD.
    { name: 'an event Helm does not know', ...argoHook('pre-rolback') },
    { name: 'a rollback hook without the argocd target', code: configMapWith(['helm.sh/hook: pre-rollback']) },
    { name: 'a test hook without the argocd target', code: configMapWith(['helm.sh/hook: test']) },
  ],
  invalid: [
    {
      name: 'a rollback-only hook: never applied, reported at its helm.sh/hook value',
      ...argoHook('pre-rollback,post-rollback'),
      errors: [
        {
          messageId: 'noEventRuns',
          data: { events: 'pre-rollback and post-rollback' },
          line: 6,
          column: 19,
          endLine: 6,
          endColumn: 45,
          severity: 'warning',
          help: [DROPPED],
        },
      ],
    },
    {
      name: 'a capitalised event Helm accepts and Argo CD does not know',
      ...argoHook('Pre-Install'),
      errors: [
        {
          messageId: 'capitalisedEvent',
          data: { event: 'Pre-Install' },
          line: 6,
          column: 19,
          endColumn: 30,
          severity: 'warning',
          help: [/Write the events in lower case \(pre-install\)/, DROPPED],
        },
      ],
    },
    testHook('test'),
    testHook('test-success'),
    testHook('test,test-success'),
  ],
});
