import { ruleTester } from '../../support/rule-tester';

function job(lines: string[]): string {
  return ['apiVersion: batch/v1', 'kind: Job', ...lines, ''].join('\n');
}

/** A pod template whose annotations hold the hook keys: after job(metadata lines), they start at column 9. */
const POD_TEMPLATE_HOOK = [
  'spec:',
  '  template:',
  '    metadata:',
  '      annotations:',
  '        helm.sh/hook: pre-upgrade',
  '        helm.sh/hook-weight: "-5"',
  '    spec:',
  '      restartPolicy: Never',
];

/** A Job whose own annotations are `annotations` (each indented under them) above POD_TEMPLATE_HOOK. */
function jobWithOwnAnnotations(annotations: string[]): string {
  return job(['metadata:', '  name: migrate', '  annotations:', ...annotations, ...POD_TEMPLATE_HOOK]);
}

const HELM_READS_OWN_ANNOTATIONS_ONLY = /Helm reads hook annotations only from the object's own metadata\.annotations/;
const JOB_UPGRADE_FAILS = /fails with "spec\.template: field is immutable"/;
/** The immutable-template failure is a Job's: a help that does not state it. */
const NO_JOB_CONSEQUENCE = /^(?![\s\S]*immutable)/;

ruleTester.run('misplaced-hook-annotation', {
  valid: [
    {
      name: 'the object itself is a hook, with copies in its pod template',
      code: jobWithOwnAnnotations(['    helm.sh/hook: pre-upgrade']),
    },
    {
      name: 'its own hook annotation quoted and templated',
      code: jobWithOwnAnnotations(['    "helm.sh/hook": "{{ .Values.hook }}"']),
    },
    {
      name: 'its own hook annotation under an if',
      code: jobWithOwnAnnotations(['    {{- if .Values.asHook }}', '    helm.sh/hook: pre-upgrade', '    {{- end }}']),
    },
    {
      name: 'its own annotations built by toYaml',
      code: jobWithOwnAnnotations(['    {{- toYaml .Values.jobAnnotations | nindent 4 }}']),
    },
    {
      name: 'its own annotations from include, inline',
      code: job([
        'metadata:',
        '  name: migrate',
        '  annotations: {{- include "app.hookAnnotations" . | nindent 4 }}',
        ...POD_TEMPLATE_HOOK,
      ]),
    },
    {
      name: 'its own annotations from a range',
      code: jobWithOwnAnnotations([
        '    {{- range $k, $v := .Values.jobAnnotations }}',
        '    {{ $k }}: {{ $v | quote }}',
        '    {{- end }}',
      ]),
    },
    {
      name: 'its metadata from include',
      code: job([
        'metadata:',
        '  name: migrate',
        '  {{- include "app.metadata" . | nindent 2 }}',
        ...POD_TEMPLATE_HOOK,
      ]),
    },
    {
      name: 'other annotations and labels, and a key that only ends in helm.sh/hook',
      code: job([
        'metadata:',
        '  name: x',
        '  labels:',
        '    helm.sh/chart: app-1.0.0',
        'spec:',
        '  template:',
        '    metadata:',
        '      annotations:',
        '        checksum/config: abc',
        '        example.com/helm.sh/hook: x',
      ]),
    },
    {
      name: 'chart values a Flux HelmRelease hands to another release',
      code: [
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        'metadata:',
        '  name: x',
        'spec:',
        '  values:',
        '    job:',
        '      metadata:',
        '        annotations:',
        '          helm.sh/hook: pre-install',
        '',
      ].join('\n'),
    },
    {
      name: 'Argo CD alone: its own argocd.argoproj.io/hook makes the object a hook',
      code: jobWithOwnAnnotations(['    argocd.argoproj.io/hook: PreSync']),
      options: { targets: ['argocd'] },
    },
  ],
  invalid: [
    {
      name: "hook annotations on a Job's pod template, at each key, without a fix",
      code: job(['metadata:', '  name: migrate', ...POD_TEMPLATE_HOOK]),
      errors: [
        {
          messageId: 'misplaced',
          data: { subject: 'This Job', key: 'helm.sh/hook', where: 'under spec.template.metadata.annotations' },
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 21,
          severity: 'error',
          help: [HELM_READS_OWN_ANNOTATIONS_ONLY, JOB_UPGRADE_FAILS],
        },
        {
          messageId: 'misplaced',
          data: { key: 'helm.sh/hook-weight', where: 'under spec.template.metadata.annotations' },
          line: 10,
          column: 9,
          endColumn: 28,
        },
      ],
    },
    {
      name: 'hook annotations under metadata.labels',
      code: [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: x',
        '  labels:',
        '    helm.sh/hook: pre-install',
        'data: {}',
        '',
      ].join('\n'),
      errors: [
        {
          messageId: 'misplaced',
          data: { subject: 'This ConfigMap', key: 'helm.sh/hook', where: 'under metadata.labels' },
          line: 6,
          column: 5,
          endColumn: 17,
          help: [HELM_READS_OWN_ANNOTATIONS_ONLY, NO_JOB_CONSEQUENCE],
        },
      ],
    },
    {
      name: 'a hook key directly under metadata, where an empty "annotations:" left it',
      code: [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: x',
        '  annotations:',
        '  helm.sh/hook: pre-install',
        'data: {}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'misplaced', data: { where: 'directly under metadata' }, line: 6, column: 3, endColumn: 15 },
      ],
    },
    {
      name: 'a top-level annotations key outside metadata, and a hook key at the top level',
      code: [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: x',
        'annotations:',
        '  helm.sh/hook: pre-install',
        'helm.sh/hook-weight: "1"',
        '',
      ].join('\n'),
      errors: [
        {
          messageId: 'misplaced',
          data: { key: 'helm.sh/hook', where: 'in a top-level "annotations:" key' },
          line: 6,
          column: 3,
        },
        {
          messageId: 'misplaced',
          data: { key: 'helm.sh/hook-weight', where: 'at the top level of the document' },
          line: 7,
          column: 1,
        },
      ],
    },
    {
      name: "labels and a wrong-level key in a CronJob's job template",
      code: [
        'apiVersion: batch/v1',
        'kind: CronJob',
        'metadata:',
        '  name: x',
        'spec:',
        '  jobTemplate:',
        '    spec:',
        '      template:',
        '        metadata:',
        '          labels:',
        '            helm.sh/hook: pre-install',
        '          helm.sh/hook-delete-policy: hook-succeeded',
        '',
      ].join('\n'),
      errors: [
        {
          messageId: 'misplaced',
          data: {
            subject: 'This CronJob',
            key: 'helm.sh/hook',
            where: 'under spec.jobTemplate.spec.template.metadata.labels',
          },
          line: 11,
          column: 13,
        },
        {
          messageId: 'misplaced',
          data: { key: 'helm.sh/hook-delete-policy', where: 'directly under spec.jobTemplate.spec.template.metadata' },
          line: 12,
          column: 11,
          endColumn: 37,
        },
      ],
    },
    {
      name: "a list item's metadata: a StatefulSet volumeClaimTemplate",
      code: [
        'apiVersion: apps/v1',
        'kind: StatefulSet',
        'metadata:',
        '  name: x',
        'spec:',
        '  volumeClaimTemplates:',
        '    - metadata:',
        '        name: data',
        '        annotations:',
        '          helm.sh/hook: pre-install',
        '',
      ].join('\n'),
      errors: [
        {
          messageId: 'misplaced',
          data: { subject: 'This StatefulSet', where: 'under spec.volumeClaimTemplates[0].metadata.annotations' },
          line: 10,
          column: 11,
        },
      ],
    },
    {
      name: 'an Argo CD hook annotation when Helm deploys too: Helm still reads only helm.sh/hook',
      code: jobWithOwnAnnotations(['    argocd.argoproj.io/hook: PreSync']),
      errors: [
        { messageId: 'misplaced', data: { key: 'helm.sh/hook' }, line: 11, column: 9 },
        { messageId: 'misplaced', data: { key: 'helm.sh/hook-weight' }, line: 12, column: 9 },
      ],
    },
  ],
});
