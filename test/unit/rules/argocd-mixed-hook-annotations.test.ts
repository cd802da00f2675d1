import type { ExpectedError, InvalidFileCase } from '../../support/rule-tester';
import { configMapWith, ruleTester } from '../../support/rule-tester';

const ARGOCD = { targets: ['argocd'] as const };

// Facts (argoproj/argo-cd at 37ee0097cf): gitops-engine/pkg/sync/hook/hook.go:38-53 (Argo CD's type wins, per
// object), hook/delete_policy.go:11-25 (both annotations' policies joined, BeforeHookCreation only when neither names
// one; #15613), controller/hook.go:34-60 (PreDelete/PostDelete from either annotation).

/** A ConfigMap whose first annotation is helm.sh/hook: its value starts at line 6, column 19. */
function mixedCase(
  name: string,
  annotations: string[],
  expected: Omit<ExpectedError, 'line' | 'column'>,
): InvalidFileCase {
  const events = annotations[0]!.replace('helm.sh/hook: ', '');
  return {
    name,
    code: configMapWith(annotations),
    options: ARGOCD,
    errors: [{ line: 6, column: 19, endLine: 6, endColumn: 19 + events.length, ...expected }],
  };
}

const valid = (name: string, annotations: string[], options: object = ARGOCD) => ({
  name,
  code: configMapWith(annotations),
  options,
});

ruleTester.run('argocd-mixed-hook-annotations', {
  valid: [
    valid('both say the same', [
      'helm.sh/hook: pre-install,pre-upgrade',
      'helm.sh/hook-delete-policy: before-hook-creation',
      'argocd.argoproj.io/hook: PreSync',
    ]),
    valid('both say the same, delete policies too', [
      'helm.sh/hook: post-install',
      'helm.sh/hook-delete-policy: hook-succeeded',
      'argocd.argoproj.io/hook: PostSync',
      'argocd.argoproj.io/hook-delete-policy: HookSucceeded',
    ]),
    valid('a pre-delete written in both', ['helm.sh/hook: pre-delete', 'argocd.argoproj.io/hook: PreDelete,PreSync']),
    valid('Skip: Argo CD applies nothing', ['helm.sh/hook: pre-install', 'argocd.argoproj.io/hook: Skip']),
    valid('a Helm test run deliberately as PostSync', ['helm.sh/hook: test', 'argocd.argoproj.io/hook: PostSync']),
    valid('an Argo CD value it does not know (presync): Helm events are read', [
      'helm.sh/hook: post-install',
      'argocd.argoproj.io/hook: presync',
    ]),
    valid('a templated Argo CD hook', ['helm.sh/hook: post-install', 'argocd.argoproj.io/hook: {{ .Values.phase }}']),
    valid('without the argocd target', ['helm.sh/hook: post-install', 'argocd.argoproj.io/hook: PreSync'], {}),
  ],
  invalid: [
    mixedCase(
      "Helm's hook-succeeded joined to Argo CD's BeforeHookCreation (#15613), and another phase in the help",
      [
        'helm.sh/hook: post-install,post-upgrade',
        'helm.sh/hook-delete-policy: hook-succeeded',
        'argocd.argoproj.io/hook: PreSync',
        'argocd.argoproj.io/hook-delete-policy: BeforeHookCreation',
      ],
      {
        messageId: 'helmDeletePolicyAdded',
        // BeforeHookCreation (Argo CD's) and HookSucceeded (Helm's, mapped): both apply.
        data: { deletion: 'replaced at the next sync, deleted when the whole sync succeeds' },
        severity: 'warning',
        help: [/adds the policies of helm\.sh\/hook-delete-policy to its own/, /not at PostSync as helm.sh\/hook says/],
      },
    ),
    mixedCase(
      "Helm's hook-succeeded takes the place of Argo CD's default BeforeHookCreation",
      ['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-succeeded', 'argocd.argoproj.io/hook: PreSync'],
      {
        messageId: 'helmDeletePolicyAdded',
        data: { deletion: 'deleted when the whole sync succeeds' },
        help: [/instead of its default BeforeHookCreation/],
      },
    ),
    mixedCase(
      'a pre-delete in helm.sh/hook still makes a PreDelete hook',
      ['helm.sh/hook: pre-delete', 'argocd.argoproj.io/hook: PostSync'],
      { messageId: 'deletionHookFromHelm', data: { events: 'pre-delete' } },
    ),
    mixedCase(
      'events that put the object in another phase: Argo CD annotation wins',
      ['helm.sh/hook: post-install', 'argocd.argoproj.io/hook: PreSync'],
      { messageId: 'argoPhaseWins', data: { argoPhases: 'PreSync', helmPhases: 'PostSync' } },
    ),
  ],
});
