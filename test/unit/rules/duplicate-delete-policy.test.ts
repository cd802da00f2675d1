import assert from 'node:assert/strict';
import { it } from 'node:test';
import { configMapWith, lint, ruleTester } from '../../support/rule-tester';

const RULE = 'duplicate-delete-policy';

/** A hook ConfigMap whose delete policy is `value`, on line 7 from column 33. */
function hookWithPolicy(value: string): string {
  return configMapWith(['helm.sh/hook: pre-install', `helm.sh/hook-delete-policy: ${value}`]);
}

const NO_EFFECT = /Helm only checks whether a policy is in the list/;

ruleTester.run(RULE, {
  valid: [
    ...['before-hook-creation,hook-succeeded,hook-failed', 'hook-succeeded', '"hook-succeeded, hook-failed"'].map(
      (value) => ({ name: `distinct policies ${value}`, code: hookWithPolicy(value) }),
    ),
    { name: 'repeated unknown items: unknown-delete-policy', code: hookWithPolicy('hook-success,hook-success') },
    { name: 'repeated empty items: unknown-delete-policy', code: hookWithPolicy('hook-succeeded,,') },
    { name: 'a templated policy', code: hookWithPolicy('{{ .Values.deletePolicy }}') },
    { name: 'a known and a templated item', code: hookWithPolicy('"hook-succeeded,{{ .Values.deletePolicy }}"') },
    { name: 'a quoted template', code: hookWithPolicy('{{ .Values.deletePolicy | quote }}') },
    {
      name: 'no helm.sh/hook: Helm ignores the annotation',
      code: configMapWith(['helm.sh/hook-delete-policy: hook-failed,hook-failed']),
    },
    {
      name: 'annotations built by toYaml',
      code: configMapWith(['helm.sh/hook: pre-install', '{{- toYaml .Values.annotations | nindent 4 }}']),
    },
    {
      name: 'another annotation key',
      code: configMapWith(['helm.sh/hook: pre-install', 'example.com/policy: hook-failed,hook-failed']),
    },
  ],
  invalid: [
    {
      // "before-hook-creation,hook-succeeded," is 36 columns after column 33.
      name: 'the second occurrence of a policy: info, removed with its comma',
      code: hookWithPolicy('before-hook-creation,hook-succeeded,before-hook-creation'),
      errors: [
        {
          messageId: 'duplicate',
          data: { policy: 'before-hook-creation' },
          line: 7,
          column: 69,
          endLine: 7,
          endColumn: 89,
          severity: 'info',
          help: [NO_EFFECT],
        },
      ],
      output: hookWithPolicy('before-hook-creation,hook-succeeded'),
    },
    {
      // The quote is column 33; "hook-succeeded, " runs to column 49.
      name: 'policies compared after trimming and lower-casing them, as Helm does',
      code: hookWithPolicy('"hook-succeeded, Hook-Succeeded, hook-failed"'),
      errors: [{ messageId: 'duplicate', data: { policy: 'Hook-Succeeded' }, line: 7, column: 50, endColumn: 64 }],
      output: hookWithPolicy('"hook-succeeded, hook-failed"'),
    },
    {
      // The quote is column 33; "hook-failed, {{ .Values.more }}, " runs to column 66.
      name: 'two known items around a templated one',
      code: hookWithPolicy('"hook-failed, {{ .Values.more }}, hook-failed"'),
      errors: [{ messageId: 'duplicate', data: { policy: 'hook-failed' }, line: 7, column: 67, endColumn: 78 }],
      output: hookWithPolicy('"hook-failed, {{ .Values.more }}"'),
    },
    {
      name: 'a delete policy written inside a define',
      filename: 'templates/_helpers.tpl',
      code: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook-delete-policy: hook-failed,hook-failed',
        '{{- end }}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'duplicate', line: 2, column: 41, endLine: 2, endColumn: 52 }],
      output: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook-delete-policy: hook-failed',
        '{{- end }}',
        '',
      ].join('\n'),
    },
  ],
});

// The table has no field for a finding's related locations: this proves the pointer to the first occurrence.
it('points at the first occurrence of the repeated policy', () => {
  const text = hookWithPolicy('before-hook-creation,hook-succeeded,before-hook-creation');
  const first = text.indexOf('before-hook-creation');
  assert.deepEqual(
    lint(RULE, text).map((finding) => finding.related.map((related) => related.range)),
    [[{ start: first, end: first + 'before-hook-creation'.length }]],
  );
});
