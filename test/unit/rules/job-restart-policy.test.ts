import type { ExpectedError } from '../../support/rule-tester';
import { ruleTester } from '../../support/rule-tester';

/** A hook Job named migrate whose pod template's `spec` key is on line 10, columns 5-9; podSpec lines go under it. */
function job(podSpec: string[], hook = 'pre-install', kind = 'Job'): string {
  return [
    'apiVersion: batch/v1',
    `kind: ${kind}`,
    'metadata:',
    '  name: migrate',
    '  annotations:',
    `    helm.sh/hook: ${hook}`,
    'spec:',
    '  backoffLimit: 1',
    '  template:',
    '    spec:',
    ...podSpec.map((line) => `      ${line}`),
    '',
  ].join('\n');
}

const CONTAINERS = ['containers:', '  - name: migrate', '    image: example.com/migrate:1.0.0'];
const NEVER = 'restartPolicy: Never';
/** The API server's answer, as Kubernetes' Job validation words it. */
const JOB_INVALID =
  /The Job "migrate" is invalid: spec\.template\.spec\.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"/;
const crlf = (text: string) => text.replace(/\n/g, '\r\n');

/** The finding at the pod template's spec key of job(). */
function atPodSpec(messageId: string, expected: Partial<ExpectedError> = {}): ExpectedError {
  return { messageId, line: 10, column: 5, endLine: 10, endColumn: 9, severity: 'error', ...expected };
}

ruleTester.run('job-restart-policy', {
  valid: [
    { name: 'restartPolicy: OnFailure', code: job(['restartPolicy: OnFailure', ...CONTAINERS]) },
    { name: 'restartPolicy: Never (what the fix writes)', code: job([NEVER, ...CONTAINERS]) },
    { name: 'the fixed CRLF text', code: crlf(job([NEVER, ...CONTAINERS])) },
    { name: 'a templated restartPolicy', code: job(['restartPolicy: {{ .Values.restartPolicy }}', ...CONTAINERS]) },
    { name: 'a pod spec from include, which may set it', code: job(['{{- include "pod.spec" . | nindent 6 }}']) },
    {
      name: 'pod spec keys from toYaml, which may set it',
      code: job([...CONTAINERS, '{{- with .Values.podSpecExtra }}', '{{- toYaml . | nindent 6 }}', '{{- end }}']),
    },
    {
      name: 'a Job that is not a hook',
      code: job(CONTAINERS).replace('  annotations:\n    helm.sh/hook: pre-install\n', ''),
    },
    { name: 'a Deployment hook', code: job(CONTAINERS, 'pre-install', 'Deployment') },
  ],
  invalid: [
    {
      name: 'no restartPolicy: reported at the pod spec key, restartPolicy: Never added',
      code: job(CONTAINERS),
      errors: [atPodSpec('defaultsToAlways', { help: [JOB_INVALID, /helm template and helm lint do not notice/] })],
      output: job([NEVER, ...CONTAINERS]),
    },
    {
      name: 'the key goes right after spec:, outside an if block that opens the pod spec',
      code: job([
        '{{- if .Values.pullSecrets }}',
        'imagePullSecrets: {{ toYaml .Values.pullSecrets | nindent 8 }}',
        '{{- end }}',
        ...CONTAINERS,
      ]),
      errors: [atPodSpec('defaultsToAlways')],
      output: job([
        NEVER,
        '{{- if .Values.pullSecrets }}',
        'imagePullSecrets: {{ toYaml .Values.pullSecrets | nindent 8 }}',
        '{{- end }}',
        ...CONTAINERS,
      ]),
    },
    {
      name: 'CRLF line ends are kept by the added line',
      code: crlf(job(CONTAINERS)),
      errors: [atPodSpec('defaultsToAlways')],
      output: crlf(job([NEVER, ...CONTAINERS])),
    },
    {
      name: 'template output nested in a container cannot set it',
      code: job([...CONTAINERS, '    resources:', '      {{- toYaml .Values.resources | nindent 12 }}']),
      errors: [atPodSpec('defaultsToAlways')],
      output: job([NEVER, ...CONTAINERS, '    resources:', '      {{- toYaml .Values.resources | nindent 12 }}']),
    },
    {
      name: 'restartPolicy: Always, replaced with Never',
      code: job(['restartPolicy: "Always"', ...CONTAINERS]),
      errors: [atPodSpec('restartAlways', { help: [JOB_INVALID] })],
      output: job([NEVER, ...CONTAINERS]),
    },
    {
      name: 'a flow-mapping pod spec: no fix, since a new line cannot go there',
      code: [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: m',
        '  annotations:',
        '    helm.sh/hook: pre-install',
        'spec:',
        '  template:',
        '    spec: {containers: []}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'defaultsToAlways', line: 9, column: 5, endColumn: 9 }],
      output: null,
    },
  ],
});
