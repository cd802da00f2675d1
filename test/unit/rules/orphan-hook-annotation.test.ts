import { configMapWith, ruleTester } from '../../support/rule-tester';

/** What Helm does with a resource without helm.sh/hook: installs it with the release and ignores its hook settings. */
const IGNORED = (what: string) =>
  new RegExp(`Without helm\\.sh/hook, Helm installs the resource as a normal release resource and ignores ${what}`);

const KEEP_IS_NOT_A_SETTING = '"helm.sh/hook-delete-policy: keep" is not a Helm setting';

ruleTester.run('orphan-hook-annotation', {
  valid: [
    { name: 'a weight on a hook', code: configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-weight: "5"']) },
    {
      name: 'a quoted helm.sh/hook key with a templated value',
      code: configMapWith(['"helm.sh/hook": {{ .Values.hook | quote }}', 'helm.sh/hook-weight: "5"']),
    },
    {
      name: 'helm.sh/hook after the weight, templated',
      code: configMapWith(['helm.sh/hook-weight: "5"', 'helm.sh/hook: {{ .Values.hook }}']),
    },
    {
      name: 'annotations toYaml may add helm.sh/hook to',
      code: configMapWith(['helm.sh/hook-weight: "5"', '{{- toYaml .Values.annotations | nindent 4 }}']),
    },
    {
      name: 'annotations a range may add helm.sh/hook to',
      code: configMapWith([
        'helm.sh/hook-weight: "5"',
        '{{- range $k, $v := .Values.annotations }}',
        '{{ $k }}: {{ $v | quote }}',
        '{{- end }}',
      ]),
    },
    {
      name: 'a templated key, which may be helm.sh/hook',
      code: configMapWith(['helm.sh/hook-weight: "5"', '{{ .Values.hookKey }}: pre-install']),
    },
    {
      name: 'annotations an include on the key line may add helm.sh/hook to',
      code: [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: x',
        '  annotations: {{- include "x.hook" . | nindent 4 }}',
        '    helm.sh/hook-weight: "5"',
        '',
      ].join('\n'),
    },
    {
      name: 'metadata an include may add annotations to',
      code: [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: x',
        '  {{- include "x.metadata" . | nindent 2 }}',
        '  annotations:',
        '    helm.sh/hook-weight: "5"',
        '',
      ].join('\n'),
    },
    { name: 'unrelated annotations', code: configMapWith(['example.com/hook-weight: "5"', 'checksum/config: abc']) },
    {
      name: 'a pod template annotation, which Helm does not read',
      code: [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: x',
        'spec:',
        '  template:',
        '    metadata:',
        '      annotations:',
        '        helm.sh/hook-weight: "1"',
        '',
      ].join('\n'),
    },
    {
      name: 'a weight in a define, whose includer may be a hook',
      filename: 'templates/_helpers.tpl',
      code: [
        '{{- define "x.weight" -}}',
        'helm.sh/hook-weight: "1"',
        '{{- end }}',
        '{{ include "x.weight" . }}',
        '',
      ].join('\n'),
    },
  ],
  invalid: [
    {
      name: 'a weight on a resource without helm.sh/hook (W19), at its key',
      code: configMapWith(['helm.sh/hook-weight: "5"']),
      errors: [
        {
          messageId: 'notAHook',
          data: { annotation: 'the weight', subject: 'this ConfigMap', hookKey: 'helm.sh/hook' },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 5 + 'helm.sh/hook-weight'.length,
          severity: 'warning',
          help: [
            /^Add helm\.sh\/hook with the events it should run on, or remove this annotation\./,
            IGNORED('the weight'),
          ],
        },
      ],
    },
    {
      name: 'a delete policy (D10) and an output log policy without helm.sh/hook',
      code: configMapWith([
        'helm.sh/hook-delete-policy: hook-succeeded',
        'helm.sh/hook-output-log-policy: hook-failed',
      ]),
      errors: [
        {
          messageId: 'notAHook',
          data: { annotation: 'the delete policy' },
          line: 6,
          column: 5,
          endColumn: 5 + 'helm.sh/hook-delete-policy'.length,
          help: [IGNORED('the delete policy')],
        },
        {
          messageId: 'notAHook',
          data: { annotation: 'the output log policy' },
          line: 7,
          column: 5,
          endColumn: 5 + 'helm.sh/hook-output-log-policy'.length,
          help: [IGNORED('the output log policy')],
        },
      ],
    },
    {
      name: 'hook-delete-policy: keep, meant as helm.sh/resource-policy: the rename changes uninstall, so it is unsafe',
      code: configMapWith(['helm.sh/hook-delete-policy: keep']),
      errors: [
        {
          messageId: 'deletedOnUninstall',
          data: { subject: 'this ConfigMap', notASetting: KEEP_IS_NOT_A_SETTING },
          line: 6,
          column: 5,
          endColumn: 5 + 'helm.sh/hook-delete-policy'.length,
          help: [
            /^To keep it, write "helm\.sh\/resource-policy: keep"\./,
            /Helm reads helm\.sh\/hook-delete-policy only on hooks/,
          ],
        },
      ],
      output: null,
      suggestions: [
        { title: 'Change to "helm.sh/resource-policy"', output: configMapWith(['helm.sh/resource-policy: keep']) },
      ],
    },
    {
      name: 'keep in any case and quoting; a quoted key stays quoted',
      code: configMapWith(['"helm.sh/hook-delete-policy": "Keep"']),
      errors: [{ messageId: 'deletedOnUninstall', line: 6, column: 5 }],
      output: null,
      suggestions: [{ output: configMapWith(['"helm.sh/resource-policy": "Keep"']) }],
    },
    {
      name: 'keep beside helm.sh/resource-policy: no rename, remove the line',
      code: configMapWith(['helm.sh/resource-policy: keep', 'helm.sh/hook-delete-policy: keep']),
      errors: [
        {
          messageId: 'uselessLine',
          data: { notASetting: KEEP_IS_NOT_A_SETTING, hookKey: 'helm.sh/hook' },
          line: 7,
          column: 5,
          help: [/^Remove this line: helm\.sh\/resource-policy, set here too, decides what helm uninstall does\./],
        },
      ],
    },
  ],
});
