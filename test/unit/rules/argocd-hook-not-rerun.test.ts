import type { ExpectedError, InvalidFileCase } from '../../support/rule-tester';
import { ruleTester } from '../../support/rule-tester';

const ARGOCD = { targets: ['argocd'] as const };

// Facts (argoproj/argo-cd at 37ee0097cf, gitops-engine/pkg/sync/): hook/delete_policy.go:11-26 adds BeforeHookCreation
// only when neither annotation names a policy; sync_task.go:130-132 deletes the live hook first only with it; else
// sync_context.go:1452-1474 applies over it and lines 558-570 read the hook's result from the live object's health.
const DEFAULT_ONLY_WITHOUT_POLICY =
  /only when neither helm\.sh\/hook-delete-policy nor argocd\.argoproj\.io\/hook-delete-policy names a policy/;
const APPLIED_OVER = /applies the rendered (Job|Pod) over the old one: a finished \1 does not start again/;

/** The value column of `key: ` at four spaces of indent. */
const valueColumn = (key: string) => 4 + key.length + 2 + 1;

/** A hook of `kind` named `migrate`; its annotations start on line 6, then `spec` lines follow. */
function hook(
  kind: 'Job' | 'Pod' | 'ConfigMap',
  annotations: string[],
  spec: string[] = [],
  metadata?: string[],
): string {
  const body =
    kind === 'Job'
      ? [
          'spec:',
          ...spec,
          '  template:',
          '    spec:',
          '      restartPolicy: Never',
          '      containers:',
          '        - name: m',
          '          image: busybox:1.36',
        ]
      : kind === 'Pod'
        ? ['spec:', '  restartPolicy: Never', '  containers:', '    - name: m', '      image: busybox:1.36']
        : ['data: {}'];
  return [
    kind === 'Job' ? 'apiVersion: batch/v1' : 'apiVersion: v1',
    `kind: ${kind}`,
    'metadata:',
    ...(metadata ?? ['  name: migrate']),
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    ...body,
    '',
  ].join('\n');
}

const PRE_SYNC = 'helm.sh/hook: pre-install,pre-upgrade';

/**
 * A hook reported at the delete policy annotation on line `line` (its value from the key's column), whose safe fix
 * appends `added` to that value.
 */
function notRerun(
  name: string,
  kind: 'Job' | 'Pod',
  annotations: string[],
  line: number,
  added: string,
  expected: Omit<ExpectedError, 'line' | 'column'>,
): InvalidFileCase {
  const policyLine = annotations[line - 6]!;
  const key = policyLine.slice(0, policyLine.indexOf(':'));
  const value = policyLine.slice(key.length + 2);
  const fixed = annotations.map((annotation, index) =>
    index === line - 6 ? `${key}: ${value.replace(/("?)$/, `${added}$1`)}` : annotation,
  );
  return {
    name,
    code: hook(kind, annotations),
    options: ARGOCD,
    errors: [
      {
        line,
        column: valueColumn(key),
        endLine: line,
        endColumn: valueColumn(key) + value.length,
        severity: 'warning',
        ...expected,
      },
    ],
    output: hook(kind, fixed),
  };
}

const valid = (name: string, code: string, options: object = ARGOCD) => ({ name, code, options });

ruleTester.run('argocd-hook-not-rerun', {
  valid: [
    valid('no delete policy: Argo CD defaults to BeforeHookCreation', hook('Job', [PRE_SYNC])),
    valid(
      'before-hook-creation in the list',
      hook('Job', [PRE_SYNC, 'helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded']),
    ),
    valid(
      'hook-succeeded and hook-failed: deleted after every sync',
      hook('Job', [PRE_SYNC, 'helm.sh/hook-delete-policy: hook-succeeded,hook-failed']),
    ),
    valid(
      "BeforeHookCreation in Argo CD's annotation, joined to Helm's hook-succeeded",
      hook('Job', [
        PRE_SYNC,
        'helm.sh/hook-delete-policy: hook-succeeded',
        'argocd.argoproj.io/hook-delete-policy: BeforeHookCreation',
      ]),
    ),
    valid(
      'only an unknown policy: Argo CD drops it and keeps its default',
      hook('Job', [PRE_SYNC, 'helm.sh/hook-delete-policy: hook-succeded']),
    ),
    valid(
      'a ConfigMap: applied over, it takes the new data',
      hook('ConfigMap', [PRE_SYNC, 'helm.sh/hook-delete-policy: hook-failed']),
    ),
    valid(
      'a Job with ttlSecondsAfterFinished: Kubernetes may delete it first',
      hook('Job', [PRE_SYNC, 'helm.sh/hook-delete-policy: hook-failed'], ['  ttlSecondsAfterFinished: 600']),
    ),
    valid(
      'a Job named by generateName: a new object each sync',
      hook('Job', [PRE_SYNC, 'helm.sh/hook-delete-policy: hook-failed'], [], ['  generateName: migrate-']),
    ),
    valid(
      'Replace=true,Force=true: re-created',
      hook('Job', [
        PRE_SYNC,
        'helm.sh/hook-delete-policy: hook-failed',
        'argocd.argoproj.io/sync-options: Replace=true,Force=true',
      ]),
    ),
    valid(
      'a templated delete policy',
      hook('Job', [PRE_SYNC, 'helm.sh/hook-delete-policy: {{ .Values.hookDeletePolicy }}']),
    ),
    valid(
      'Skip: Argo CD never applies it',
      hook('Job', [PRE_SYNC, 'helm.sh/hook-delete-policy: hook-failed', 'argocd.argoproj.io/hook: Skip']),
    ),
    valid(
      'a pre-rollback hook: Argo CD never applies it',
      hook('Job', ['helm.sh/hook: pre-rollback', 'helm.sh/hook-delete-policy: hook-failed']),
    ),
    valid('without the argocd target', hook('Job', [PRE_SYNC, 'helm.sh/hook-delete-policy: hook-failed']), {}),
  ],
  invalid: [
    notRerun(
      'hook-failed alone on a Job: a successful sync leaves it, the next one counts its old success',
      'Job',
      [PRE_SYNC, 'helm.sh/hook-delete-policy: hook-failed'],
      7,
      ',before-hook-creation',
      {
        messageId: 'keptAfterSuccess',
        data: { kind: 'Job' },
        help: [
          DEFAULT_ONLY_WITHOUT_POLICY,
          /HookFailed deletes it only when the sync fails/,
          APPLIED_OVER,
          /spec\.template is immutable/,
        ],
      },
    ),
    notRerun(
      'hook-succeeded alone on a Job: a failed sync leaves it, and every later sync fails',
      'Job',
      [PRE_SYNC, 'helm.sh/hook-delete-policy: hook-succeeded'],
      7,
      ',before-hook-creation',
      {
        messageId: 'keptAfterFailure',
        data: { kind: 'Job' },
        help: [
          /HookSucceeded deletes it only when the whole sync succeeds/,
          /every later sync fails until the Job is deleted/,
        ],
      },
    ),
    notRerun(
      'hook-succeeded alone on a Pod',
      'Pod',
      ['helm.sh/hook: post-install', 'helm.sh/hook-delete-policy: hook-succeeded'],
      7,
      ',before-hook-creation',
      { messageId: 'keptAfterFailure', data: { kind: 'Pod' }, help: [APPLIED_OVER] },
    ),
    notRerun(
      "Argo CD's own HookSucceeded: the fix goes into that annotation, in its spelling",
      'Job',
      [PRE_SYNC, 'argocd.argoproj.io/hook-delete-policy: HookSucceeded'],
      7,
      ',BeforeHookCreation',
      { messageId: 'keptAfterFailure' },
    ),
    notRerun(
      "both annotations written: the fix goes into Argo CD's, which Helm does not read",
      'Job',
      [
        PRE_SYNC,
        'helm.sh/hook-delete-policy: hook-failed',
        'argocd.argoproj.io/hook: PreSync',
        'argocd.argoproj.io/hook-delete-policy: HookFailed',
      ],
      9,
      ',BeforeHookCreation',
      { messageId: 'keptAfterSuccess' },
    ),
    notRerun(
      'the separator the list already uses, inside quotes',
      'Job',
      [PRE_SYNC, 'helm.sh/hook-delete-policy: "hook-failed, hook-failed"'],
      7,
      ', before-hook-creation',
      { messageId: 'keptAfterSuccess' },
    ),
    {
      name: 'as rendered: a delete policy from values',
      files: {
        'templates/job.yaml': hook('Job', [PRE_SYNC, 'helm.sh/hook-delete-policy: {{ .Values.hookDeletePolicy }}']),
        'values.yaml': 'hookDeletePolicy: hook-failed\n',
      },
      options: ARGOCD,
      errors: [{ messageId: 'keptAfterSuccess', line: 7, column: 33 }],
    },
  ],
});
