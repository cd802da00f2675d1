import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ExpectedError, InvalidFileCase } from '../../support/rule-tester';
import { configMapWith, lint, ruleTester } from '../../support/rule-tester';

const RULE = 'unknown-helm-annotation';
const HOOK = 'helm.sh/hook: pre-install';

/** The finding at a key of configMapWith on `line` (the first annotation is line 6), from column 5. */
function atKey(line: number, key: string, expected: Omit<ExpectedError, 'line' | 'column'>): ExpectedError {
  return { line, column: 5, endLine: line, endColumn: 5 + key.length, ...expected };
}

/**
 * A ConfigMap with `before` annotations and then `key: value`: one finding at the key, whose safe fix (or, when
 * `safe` is false, only suggestion) renames it to `meant`.
 */
function renamed(
  before: string[],
  key: string,
  value: string,
  meant: string,
  safe: boolean,
  expected: Omit<ExpectedError, 'line' | 'column'>,
): InvalidFileCase {
  const fixed = configMapWith([...before, `${meant}: ${value}`]);
  return {
    name: `${key} beside ${before.join(', ') || 'nothing'}: renamed to ${meant} (${safe ? 'safe' : 'unsafe'})`,
    code: configMapWith([...before, `${key}: ${value}`]),
    errors: [
      atKey(6 + before.length, key, {
        data: { key, meant },
        help: [/Helm looks up its annotations by exact, case-sensitive key/],
        ...expected,
      }),
    ],
    ...(safe ? { output: fixed } : { output: null, suggestions: [{ title: `Change to "${meant}"`, output: fixed }] }),
  };
}

const DEFINE = ['{{- define "app.hookAnnotations" -}}', 'helm.sh/hooks: pre-install', '{{- end -}}'];

// Helm reads its annotations from a map[string]string by exact key (manifest_sorter.go (*manifestFile).sort).
ruleTester.run(RULE, {
  valid: [
    {
      name: 'every key Helm reads, the helm.sh/chart convention and unrelated keys',
      code: configMapWith([
        HOOK,
        'helm.sh/hook-weight: "-5"',
        'helm.sh/hook-delete-policy: before-hook-creation',
        'helm.sh/hook-output-log-policy: hook-failed',
        'helm.sh/resource-policy: keep',
        'helm.sh/chart: app-1.0.0',
        'meta.helm.sh/release-name: rel',
        'example.com/helm.sh/hooks: x',
        'checksum/config: {{ include (print $.Template.BasePath "/cm.yaml") . | sha256sum }}',
      ]),
    },
    { name: 'annotations built by toYaml', code: configMapWith(['{{- toYaml .Values.annotations | nindent 4 }}']) },
    { name: 'a templated key', code: configMapWith(['{{ .Values.prefix }}helm.sh/hooks: x']) },
    {
      name: 'keys from a range',
      code: configMapWith(['{{- range $k, $v := .Values.annotations }}', '{{ $k }}: {{ $v | quote }}', '{{- end }}']),
    },
    { name: 'a define nobody includes', filename: 'templates/_helpers.tpl', code: [...DEFINE, ''].join('\n') },
    {
      name: 'a define only another name is included by',
      filename: 'templates/_helpers.tpl',
      code: [...DEFINE, '{{ include "app.hookAnnotationsV2" . }}', ''].join('\n'),
    },
  ],
  invalid: [
    {
      ...renamed([], 'helm.sh/hooks', 'pre-install', 'helm.sh/hook', true, {
        messageId: 'notHookMisspelled',
        data: { subject: 'This ConfigMap' },
        severity: 'warning',
        help: [/^Change the key to "helm\.sh\/hook"\./],
      }),
      name: 'helm.sh/hooks: the ConfigMap is then a normal resource; renamed safely',
    },
    // Helm.sh/hook is ignored by Helm: the prefix is compared case-insensitively to find it.
    renamed([], 'Helm.sh/hook', 'pre-install', 'helm.sh/hook', true, { messageId: 'notHookWrongCase' }),
    renamed([HOOK], 'helm.sh/hook-weights', '"5"', 'helm.sh/hook-weight', true, {
      messageId: 'weightZeroMisspelled',
      data: { hook: 'The hook' },
    }),
    renamed([HOOK], 'Helm.sh/hook-weight', '"5"', 'helm.sh/hook-weight', true, { messageId: 'weightZeroWrongCase' }),
    renamed([HOOK], 'helm.sh/weight', '"1"', 'helm.sh/hook-weight', false, { messageId: 'weightZeroMisspelled' }),
    renamed([HOOK], 'helm.sh/delete-policy', 'hook-succeeded', 'helm.sh/hook-delete-policy', false, {
      messageId: 'defaultDeletePolicyMisspelled',
      data: { hook: 'The hook' },
    }),
    renamed([HOOK], 'HELM.SH/HOOK-DELETE-POLICY', 'hook-succeeded', 'helm.sh/hook-delete-policy', true, {
      messageId: 'defaultDeletePolicyWrongCase',
    }),
    renamed([HOOK], 'helm.sh/hook-output-log-polcy', 'hook-failed', 'helm.sh/hook-output-log-policy', true, {
      messageId: 'noLogsMisspelled',
      data: { hook: 'the hook' },
    }),
    renamed([HOOK], 'Helm.sh/hook-output-log-policy', 'hook-failed', 'helm.sh/hook-output-log-policy', true, {
      messageId: 'noLogsWrongCase',
    }),
    renamed([], 'helm.sh/resource-polcy', 'keep', 'helm.sh/resource-policy', true, {
      messageId: 'deletedOnUninstallMisspelled',
      data: { subject: 'this ConfigMap' },
    }),
    renamed([], 'Helm.sh/resource-policy', 'keep', 'helm.sh/resource-policy', true, {
      messageId: 'deletedOnUninstallWrongCase',
    }),
    renamed([HOOK], 'helm.sh/chrt', 'app-1.0.0', 'helm.sh/chart', true, { messageId: 'ignoredMisspelled' }),
    {
      name: 'a quoted key keeps its quotes when renamed',
      code: configMapWith(['"helm.sh/hooks": pre-install']),
      errors: [atKey(6, '"helm.sh/hooks"', { messageId: 'notHookMisspelled' })],
      output: configMapWith(['"helm.sh/hook": pre-install']),
    },
    {
      name: 'a templated value: only the key matters',
      code: configMapWith(['helm.sh/hooks: {{ .Values.hookEvents | quote }}']),
      errors: [atKey(6, 'helm.sh/hooks', { messageId: 'notHookMisspelled' })],
      output: configMapWith(['helm.sh/hook: {{ .Values.hookEvents | quote }}']),
    },
    {
      name: 'the key it would become is already there: no rename, remove the typo',
      code: configMapWith([HOOK, 'helm.sh/hooks: pre-install']),
      errors: [
        atKey(7, 'helm.sh/hooks', {
          messageId: 'alreadySet',
          data: { key: 'helm.sh/hooks', meant: 'helm.sh/hook' },
          help: [/^Remove this key\./],
        }),
      ],
    },
    {
      name: 'nothing close: the keys Helm reads, without a fix',
      code: configMapWith(['helm.sh/release-name: x']),
      errors: [
        atKey(6, 'helm.sh/release-name', {
          messageId: 'notRead',
          data: { key: 'helm.sh/release-name' },
          help: [
            /use a key Helm reads: helm\.sh\/hook, helm\.sh\/hook-weight, helm\.sh\/hook-delete-policy, helm\.sh\/hook-output-log-policy, helm\.sh\/resource-policy\./,
          ],
        }),
      ],
    },
    ...(
      [
        ['helm.sh/hook-weights', 'ignoredMisspelled'],
        ['Helm.sh/hook-weight', 'ignoredWrongCase'],
      ] as const
    ).map(([key, messageId]): InvalidFileCase => ({
      // Renaming would leave the key where Helm does not read it either.
      name: `${key} in a pod template's annotations, where Helm reads nothing: no fix`,
      code: [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: x',
        'spec:',
        '  template:',
        '    metadata:',
        '      annotations:',
        `        ${key}: "1"`,
        '    spec: {}',
        '',
      ].join('\n'),
      errors: [
        {
          messageId,
          data: { key, meant: 'helm.sh/hook-weight' },
          line: 9,
          column: 9,
          help: [
            /^Write "helm\.sh\/hook-weight" in the object's own metadata\.annotations: Helm would not read it here either/,
          ],
        },
      ],
    })),
    {
      name: 'a define that the same file includes',
      code: [
        ...DEFINE,
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: x',
        '  annotations:',
        '    {{- include "app.hookAnnotations" . | nindent 4 }}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'notHookInDefineMisspelled', data: { key: 'helm.sh/hooks' }, line: 2, column: 1 }],
      output: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook: pre-install',
        '{{- end -}}',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: x',
        '  annotations:',
        '    {{- include "app.hookAnnotations" . | nindent 4 }}',
        '',
      ].join('\n'),
    },
    {
      name: 'a define that the same file renders with template',
      filename: 'templates/_helpers.tpl',
      code: [...DEFINE, '{{ template "app.hookAnnotations" . }}', ''].join('\n'),
      errors: [{ messageId: 'notHookInDefineMisspelled', line: 2, column: 1 }],
      output: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook: pre-install',
        '{{- end -}}',
        '{{ template "app.hookAnnotations" . }}',
        '',
      ].join('\n'),
    },
    {
      name: 'a wrongly cased key in an included define',
      filename: 'templates/_helpers.tpl',
      code: [
        '{{- define "app.hook" -}}',
        'Helm.sh/hook: pre-install',
        '{{- end -}}',
        '{{ include "app.hook" . }}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'notHookInDefineWrongCase', line: 2, column: 1, endColumn: 13 }],
      output: [
        '{{- define "app.hook" -}}',
        'helm.sh/hook: pre-install',
        '{{- end -}}',
        '{{ include "app.hook" . }}',
        '',
      ].join('\n'),
    },
  ],
});

// The table has no field for a finding's related locations: this proves the pointer to the key already set.
it('points at the key already set when the typo would become it', () => {
  const text = configMapWith([HOOK, 'helm.sh/hooks: pre-install']);
  assert.deepEqual(
    lint(RULE, text).map((finding) =>
      finding.related.map((related) => text.slice(related.range.start, related.range.end)),
    ),
    [['helm.sh/hook']],
  );
});
