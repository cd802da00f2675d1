import type { ExpectedError } from '../../support/rule-tester';
import { annotationsFromValues, configMapWith, ruleTester } from '../../support/rule-tester';

/** A hook ConfigMap whose delete policy is `value`, on line 7 from column 33. */
function hookWithPolicy(value: string): string {
  return configMapWith(['helm.sh/hook: pre-install', `helm.sh/hook-delete-policy: ${value}`]);
}

/** A finding on the policy line of hookWithPolicy, at `column` (33 is the value's first character). */
function atPolicy(column: number, expected: Omit<ExpectedError, 'line' | 'column'>): ExpectedError {
  return { line: 7, column, ...expected };
}

const THIS_CONFIGMAP = { subject: 'This ConfigMap' };
/** Helm's default, before-hook-creation, applies only when the annotation is absent (hooks.go hookSetDeletePolicy). */
const DEFAULT_LOST = /the default before-hook-creation no longer applies/;
const HELM4_APPLIES_OVER =
  /Helm 4 applies the new one over it in place, so a Job that already completed does not run again/;
const ANNOTATIONS_ARE_STRINGS = (type: string) =>
  new RegExp(`cannot unmarshal ${type} into Go struct field ObjectMeta\\.metadata\\.annotations of type string`);

ruleTester.run('unknown-delete-policy', {
  valid: [
    ...[
      'before-hook-creation',
      'hook-succeeded',
      'hook-failed',
      'Hook-Succeeded',
      '"hook-succeeded, hook-failed"',
      '"before-hook-creation, HOOK-FAILED"',
    ].map((value) => ({ name: `the policies Helm knows, in any case: ${value}`, code: hookWithPolicy(value) })),
    {
      name: 'no helm.sh/hook: Helm ignores the annotation',
      code: configMapWith(['helm.sh/hook-delete-policy: hook-success']),
    },
    {
      name: 'annotations built by toYaml beside helm.sh/hook',
      code: configMapWith(['helm.sh/hook: pre-install', annotationsFromValues()]),
    },
    { name: 'a templated policy', code: hookWithPolicy('{{ .Values.deletePolicy }}') },
    { name: 'a quoted template', code: hookWithPolicy('{{ .Values.deletePolicy | quote }}') },
    { name: 'a known policy beside a templated item', code: hookWithPolicy('"hook-succeeded,{{ .Values.more }}"') },
    {
      name: 'other annotation keys',
      code: configMapWith([
        'helm.sh/hook: pre-install',
        'example.com/delete-policy: hook-success',
        'helm.sh/hook-weight: "5"',
      ]),
    },
    {
      name: 'a delete policy in the pod template',
      code: [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: x',
        '  annotations:',
        '    helm.sh/hook: pre-install',
        'spec:',
        '  template:',
        '    metadata:',
        '      annotations:',
        '        helm.sh/hook-delete-policy: hook-success',
        '',
      ].join('\n'),
    },
  ],
  invalid: [
    {
      name: 'a misspelled policy: at the item, the default is lost, the typo fixed',
      code: hookWithPolicy('hook-succeded'),
      errors: [
        atPolicy(33, {
          messageId: 'neverDeletedMisspelled',
          data: { ...THIS_CONFIGMAP, item: 'hook-succeded', suggestion: 'hook-succeeded' },
          endLine: 7,
          endColumn: 46,
          severity: 'error',
          help: [
            /^Write "hook-succeeded"/,
            DEFAULT_LOST,
            HELM4_APPLIES_OVER,
            /Delete policies are before-hook-creation, hook-succeeded, hook-failed\./,
          ],
        }),
      ],
      output: hookWithPolicy('hook-succeeded'),
    },
    {
      name: 'checked against Helm 3: the next run fails with "already exists"',
      code: hookWithPolicy('hook-succeded'),
      options: { helmVersion: 3 },
      errors: [atPolicy(33, { messageId: 'neverDeletedMisspelled', help: [/Helm 3 fails with "… already exists"/] })],
      output: hookWithPolicy('hook-succeeded'),
    },
    {
      name: 'a far-off suggestion, hook-success → hook-succeeded, is only an unsafe fix',
      code: hookWithPolicy('hook-success'),
      errors: [atPolicy(33, { messageId: 'neverDeletedMisspelled', data: { suggestion: 'hook-succeeded' } })],
      output: null,
      suggestions: [{ title: 'Change to "hook-succeeded"', output: hookWithPolicy('hook-succeeded') }],
    },
    {
      name: 'a policy with no near name, without a fix',
      code: hookWithPolicy('always'),
      errors: [atPolicy(33, { messageId: 'neverDeletedUnknown', data: { ...THIS_CONFIGMAP, item: 'always' } })],
    },
    {
      // "before-hook-creation," is 21 columns.
      name: 'beside a known policy, which already turned the default off: no default note',
      code: hookWithPolicy('before-hook-creation,hook-faild'),
      errors: [
        atPolicy(54, {
          messageId: 'deletesNothingMisspelled',
          data: { item: 'hook-faild', suggestion: 'hook-failed' },
          endColumn: 64,
          severity: 'error',
        }),
      ],
      output: hookWithPolicy('before-hook-creation,hook-failed'),
    },
    {
      name: 'an unknown policy beside a known one',
      code: hookWithPolicy('hook-failed,always'),
      errors: [atPolicy(45, { messageId: 'deletesNothingUnknown', data: { item: 'always' } })],
    },
    {
      name: 'known policies run together with a space, beside a known one',
      code: hookWithPolicy('before-hook-creation,hook-succeeded hook-failed'),
      errors: [atPolicy(54, { messageId: 'deletesNothingSeparators', data: { item: 'hook-succeeded hook-failed' } })],
      output: hookWithPolicy('before-hook-creation,hook-succeeded,hook-failed'),
    },
    {
      // The quote is column 33; the comma follows "hook-succeeded" (columns 34 to 47).
      name: 'a trailing comma: info, since the empty item changes nothing, and removed',
      code: hookWithPolicy('"hook-succeeded,"'),
      errors: [
        atPolicy(48, {
          messageId: 'ignoredStrayComma',
          data: { comma: 'trailing' },
          endColumn: 49,
          severity: 'info',
          help: [/removing the comma changes nothing/],
        }),
      ],
      output: hookWithPolicy('"hook-succeeded"'),
    },
    {
      name: 'a double comma: info, removed',
      code: hookWithPolicy('hook-succeeded,,hook-failed'),
      errors: [atPolicy(47, { messageId: 'ignoredStrayComma', data: { comma: 'double' }, severity: 'info' })],
      output: hookWithPolicy('hook-succeeded,hook-failed'),
    },
    {
      // An escape keeps the items from being located in the text: the finding is at the value.
      name: 'an empty item beside a policy, not located in the text: info at the value, without a fix',
      code: hookWithPolicy('"hook-succeeded,\\t"'),
      errors: [atPolicy(33, { messageId: 'ignoredEmptyItem', endColumn: 52, severity: 'info' })],
    },
    {
      name: 'a value of commas only: an error, it still turns the default off',
      code: hookWithPolicy('","'),
      errors: [
        atPolicy(34, {
          messageId: 'neverDeletedStrayComma',
          data: { ...THIS_CONFIGMAP, comma: 'leading' },
          severity: 'error',
          help: [DEFAULT_LOST],
        }),
      ],
      output: hookWithPolicy('""'),
    },
    {
      name: 'a comma and an escaped blank: an empty policy at the value, and the default is lost',
      code: hookWithPolicy('",\\t"'),
      errors: [atPolicy(33, { messageId: 'neverDeletedEmptyItem', severity: 'error', help: [DEFAULT_LOST] })],
    },
    {
      name: 'an empty value: at the value, without a fix',
      code: hookWithPolicy('""'),
      errors: [
        atPolicy(33, {
          messageId: 'empty',
          data: THIS_CONFIGMAP,
          endColumn: 35,
          help: [
            /^Remove the annotation to get the default/,
            /default before-hook-creation no longer applies: this hook object is never deleted/,
          ],
        }),
      ],
    },
    {
      name: 'a null value: at the key',
      code: configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy:']),
      errors: [atPolicy(5, { messageId: 'empty', endLine: 7, endColumn: 31 })],
    },
    {
      name: 'policies separated by ";": separated with commas',
      code: hookWithPolicy('"hook-succeeded;hook-failed"'),
      errors: [
        atPolicy(34, {
          messageId: 'neverDeletedSeparators',
          data: { item: 'hook-succeeded;hook-failed' },
          endColumn: 60,
          help: [
            /^Separate them with commas: hook-succeeded,hook-failed\. Helm separates delete policies with commas only, not ";"/,
          ],
        }),
      ],
      output: hookWithPolicy('"hook-succeeded,hook-failed"'),
    },
    {
      name: 'policies separated by a space: separated with commas',
      code: hookWithPolicy('before-hook-creation hook-succeeded'),
      errors: [atPolicy(33, { messageId: 'neverDeletedSeparators', help: [/with commas only, not spaces/] })],
      output: hookWithPolicy('before-hook-creation,hook-succeeded'),
    },
    {
      name: 'a YAML boolean, which Kubernetes rejects and Helm reads as the policy "true"',
      code: hookWithPolicy('true'),
      errors: [
        atPolicy(33, {
          messageId: 'nonString',
          data: { subject: 'this ConfigMap', value: 'true', type: 'a boolean' },
          help: [ANNOTATIONS_ARE_STRINGS('bool'), /the delete policy "true", which it does not know/],
        }),
      ],
    },
    {
      name: 'YAML 1.1 reads on as a boolean too',
      code: hookWithPolicy('on'),
      errors: [atPolicy(33, { messageId: 'nonString', data: { value: 'on' }, help: [/delete policy "true"/] })],
    },
    {
      name: 'a YAML number',
      code: hookWithPolicy('1'),
      errors: [
        atPolicy(33, { messageId: 'nonString', data: { type: 'a number' }, help: [ANNOTATIONS_ARE_STRINGS('number')] }),
      ],
    },
    {
      name: 'a flow list of policies: joined with commas, safely',
      code: hookWithPolicy('[before-hook-creation, hook-succeeded]'),
      errors: [
        atPolicy(33, {
          messageId: 'collection',
          data: { subject: 'this ConfigMap', shape: 'list' },
          endColumn: 71,
          help: [/cannot unmarshal array/],
        }),
      ],
      output: hookWithPolicy('before-hook-creation,hook-succeeded'),
    },
    {
      name: 'a block list with an unknown item: joined only as an unsafe fix',
      code: configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy:', '  - hook-success']),
      errors: [{ messageId: 'collection', data: { shape: 'list' }, line: 8, column: 7 }],
      output: null,
      suggestions: [{ title: 'Join the delete policies: hook-success', output: hookWithPolicy('hook-success') }],
    },
    {
      name: 'a mapping',
      code: hookWithPolicy('{a: b}'),
      errors: [
        atPolicy(33, { messageId: 'collection', data: { shape: 'mapping' }, help: [/cannot unmarshal object/] }),
      ],
    },
    {
      name: 'annotations built by toYaml may hold helm.sh/hook: the policy is checked',
      code: configMapWith([
        annotationsFromValues('.Values.hookAnnotations'),
        'helm.sh/hook-delete-policy: hook-success',
      ]),
      errors: [atPolicy(33, { messageId: 'neverDeletedMisspelled', data: { item: 'hook-success' } })],
      output: null,
      suggestions: [
        {
          output: configMapWith([
            annotationsFromValues('.Values.hookAnnotations'),
            'helm.sh/hook-delete-policy: hook-succeeded',
          ]),
        },
      ],
    },
    {
      name: 'only the known text is checked beside a templated item, with no claim about the default',
      code: hookWithPolicy('"hook-faild,{{ .Values.more }}"'),
      errors: [atPolicy(34, { messageId: 'deletesNothingMisspelled', data: { item: 'hook-faild' }, endColumn: 44 })],
      output: hookWithPolicy('"hook-failed,{{ .Values.more }}"'),
    },
    {
      name: 'a delete policy written inside a define, where the resource is not known',
      filename: 'templates/_helpers.tpl',
      code: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook-delete-policy: hook-succeded',
        '{{- end }}',
        '',
      ].join('\n'),
      errors: [
        {
          messageId: 'neverDeletedMisspelled',
          data: { subject: 'This resource', item: 'hook-succeded' },
          line: 2,
          column: 29,
          endColumn: 42,
        },
      ],
      output: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook-delete-policy: hook-succeeded',
        '{{- end }}',
        '',
      ].join('\n'),
    },
  ],
});
