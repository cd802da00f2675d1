import type { ExpectedError } from '../../support/rule-tester';
import { configMapWith, ruleTester } from '../../support/rule-tester';

/** A pre-install hook of `kind` whose output log policy is `value`, on line 7 from column 37. */
function hookWithLogPolicy(value: string, kind = 'Job'): string {
  return [
    kind === 'Pod' ? 'apiVersion: v1' : 'apiVersion: batch/v1',
    `kind: ${kind}`,
    'metadata:',
    '  name: migrate',
    '  annotations:',
    '    helm.sh/hook: pre-install',
    `    helm.sh/hook-output-log-policy: ${value}`,
    'spec: {}',
    '',
  ].join('\n');
}

/** A finding on the policy line of hookWithLogPolicy, at `column` (37 is the value's first character). */
function atPolicy(column: number, expected: Omit<ExpectedError, 'line' | 'column'>): ExpectedError {
  return { line: 7, column, ...expected };
}

ruleTester.run('unknown-output-log-policy', {
  valid: [
    ...(
      [
        ['hook-failed', 'Job'],
        ['hook-succeeded', 'Pod'],
        ['"hook-succeeded, HOOK-FAILED"', 'Job'],
        ['Hook-Failed', 'Pod'],
      ] as const
    ).map(([value, kind]) => ({ name: `a ${kind} hook with ${value}`, code: hookWithLogPolicy(value, kind) })),
    {
      name: 'no helm.sh/hook: Helm ignores the annotation',
      code: configMapWith(['helm.sh/hook-output-log-policy: hook-faild']),
    },
    { name: 'a templated policy', code: hookWithLogPolicy('{{ .Values.logPolicy }}') },
    { name: 'a quoted template', code: hookWithLogPolicy('{{ .Values.logPolicy | quote }}') },
    { name: 'a known policy beside a templated item', code: hookWithLogPolicy('"hook-failed,{{ .Values.more }}"') },
    {
      name: 'annotations built by toYaml',
      code: configMapWith(['helm.sh/hook: pre-install', '{{- toYaml .Values.annotations | nindent 4 }}']),
    },
    {
      name: 'another annotation key',
      code: configMapWith(['helm.sh/hook: pre-install', 'example.com/log-policy: hook-faild']),
    },
  ],
  invalid: [
    {
      name: 'a misspelled policy on a Job hook: no logs for it, the typo fixed',
      code: hookWithLogPolicy('hook-faild'),
      errors: [
        atPolicy(37, {
          messageId: 'noLogsMisspelled',
          data: { item: 'hook-faild', suggestion: 'hook-failed' },
          endLine: 7,
          endColumn: 47,
          severity: 'error',
          help: [/^Write "hook-failed"/, /Output log policies are hook-succeeded, hook-failed\./],
        }),
      ],
      output: hookWithLogPolicy('hook-failed'),
    },
    {
      name: 'a policy with no near name, without a fix',
      code: hookWithLogPolicy('on-failure', 'Pod'),
      errors: [atPolicy(37, { messageId: 'noLogsUnknown', data: { item: 'on-failure' } })],
    },
    {
      name: 'a kind whose logs Helm never reads: reported once, as info, whatever the items',
      code: hookWithLogPolicy('hook-faild,bogus', 'ConfigMap'),
      errors: [atPolicy(37, { messageId: 'notLogged', data: { kind: 'ConfigMap' }, endColumn: 53, severity: 'info' })],
    },
    {
      name: 'a known policy on a ConfigMap: info',
      code: configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-output-log-policy: hook-failed']),
      errors: [atPolicy(37, { messageId: 'notLogged', data: { kind: 'ConfigMap' }, severity: 'info' })],
    },
    {
      name: 'an empty kind: info',
      code: hookWithLogPolicy('hook-failed', '""'),
      errors: [atPolicy(37, { messageId: 'notLoggedWithoutKind', severity: 'info' })],
    },
    {
      name: 'a templated kind: the items are checked',
      code: hookWithLogPolicy('hook-faild', '{{ .Values.kind }}'),
      errors: [atPolicy(37, { messageId: 'noLogsMisspelled', severity: 'error' })],
      output: hookWithLogPolicy('hook-failed', '{{ .Values.kind }}'),
    },
    {
      // The quote is column 37; "hook-failed" runs from 38 to 48.
      name: 'a trailing comma: info, removed',
      code: hookWithLogPolicy('"hook-failed,"'),
      errors: [
        atPolicy(49, { messageId: 'ignoredStrayComma', data: { comma: 'trailing' }, endColumn: 50, severity: 'info' }),
      ],
      output: hookWithLogPolicy('"hook-failed"'),
    },
    {
      // An escape keeps the items from being located in the text: the finding is at the value.
      name: 'an empty item not located in the text: info at the value, without a fix',
      code: hookWithLogPolicy('"hook-failed,\\t"'),
      errors: [atPolicy(37, { messageId: 'ignoredEmptyItem', severity: 'info' })],
    },
    {
      name: 'an empty value: info, Helm prints no logs, as without the annotation',
      code: hookWithLogPolicy('""'),
      errors: [
        atPolicy(37, {
          messageId: 'empty',
          endColumn: 39,
          severity: 'info',
          help: [/An empty policy prints nothing, as without the annotation/],
        }),
      ],
    },
    {
      name: 'policies separated by ";": separated with commas',
      code: hookWithLogPolicy('"hook-succeeded;hook-failed"'),
      errors: [atPolicy(38, { messageId: 'noLogsSeparators', data: { item: 'hook-succeeded;hook-failed' } })],
      output: hookWithLogPolicy('"hook-succeeded,hook-failed"'),
    },
    {
      name: 'a YAML boolean, which Kubernetes rejects and Helm reads as the policy "true"',
      code: hookWithLogPolicy('yes'),
      errors: [
        atPolicy(37, {
          messageId: 'nonString',
          data: { subject: 'this Job', value: 'yes', type: 'a boolean' },
          severity: 'error',
          help: [/cannot unmarshal bool/, /output log policy "true"/],
        }),
      ],
    },
    {
      name: 'a YAML list: joined with commas',
      code: hookWithLogPolicy('[hook-succeeded, hook-failed]'),
      errors: [atPolicy(37, { messageId: 'collection', data: { shape: 'list' }, help: [/cannot unmarshal array/] })],
      output: hookWithLogPolicy('hook-succeeded,hook-failed'),
    },
    {
      name: 'a policy written inside a define, whatever kind includes it',
      filename: 'templates/_helpers.tpl',
      code: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook-output-log-policy: hook-faild',
        '{{- end }}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'noLogsMisspelled', line: 2, column: 33, endColumn: 43 }],
      output: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook-output-log-policy: hook-failed',
        '{{- end }}',
        '',
      ].join('\n'),
    },
  ],
});
