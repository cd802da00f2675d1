import { ruleTester } from '../../support/rule-tester';

/** A Job whose annotations (line 6 on) and spec lines (after the `spec:` key) are given. */
function job(spec: string[], annotations = ['helm.sh/hook: pre-upgrade']): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: {{ .Release.Name }}-x',
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec:',
    ...spec.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

const TEMPLATE = ['template:', '  spec:', '    restartPolicy: Never'];

/** The finding at the Job's `spec` key, line 7 of job() with one annotation. */
const AT_SPEC = {
  messageId: 'unbounded',
  line: 7,
  column: 1,
  endLine: 7,
  endColumn: 5,
  severity: 'info' as const,
  help: [/--timeout \(5m by default\)/, /Kubernetes retries 6 times/],
};

ruleTester.run('hook-job-unbounded', {
  valid: [
    { name: 'backoffLimit set', code: job(['backoffLimit: 0', ...TEMPLATE]) },
    { name: 'activeDeadlineSeconds set', code: job(['activeDeadlineSeconds: 300', ...TEMPLATE]) },
    { name: 'backoffLimit templated', code: job(['backoffLimit: {{ .Values.backoffLimit }}', ...TEMPLATE]) },
    {
      name: 'template output inside a with may add Job fields',
      code: job(['{{- with .Values.jobSpec }}', '{{- toYaml . | nindent 2 }}', '{{- end }}', ...TEMPLATE]),
    },
    {
      name: 'template output at column 1 may add Job fields',
      code: job(['{{ toYaml .Values.jobSpec | indent 2 }}', ...TEMPLATE]).replace('  {{ toYaml', '{{ toYaml'),
    },
    { name: 'a normal Job', code: job(TEMPLATE, ['example.com/x: "y"']) },
    { name: 'a Job whose events are templated', code: job(TEMPLATE, ['helm.sh/hook: {{ .Values.hook }}']) },
    { name: 'a Pod hook', code: job(TEMPLATE).replace('kind: Job', 'kind: Pod') },
  ],
  invalid: [
    {
      name: "a hook Job with neither field: reported at the Job's spec key",
      code: job(TEMPLATE),
      errors: [AT_SPEC],
    },
    {
      name: 'template output inside the pod template cannot add Job fields',
      code: job([...TEMPLATE, '    {{- toYaml .Values.podSpec | nindent 4 }}']),
      errors: [AT_SPEC],
    },
    {
      name: 'a hook Job without template actions',
      code: job(TEMPLATE).replace('{{ .Release.Name }}-x', 'migrate'),
      errors: [AT_SPEC],
    },
  ],
});
