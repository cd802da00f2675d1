import type { ExpectedError, InvalidChartCase } from '../../support/rule-tester';
import { configMapWith, ruleTester } from '../../support/rule-tester';

function job(annotations: string[], spec: string[] = ['spec:', '  backoffLimit: 1']): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: {{ .Release.Name }}-x',
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    ...spec,
    '',
  ].join('\n');
}

/** A Job hook of `events` whose pod mounts the Secret `name`. */
function reader(events: string, name: string): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  name: reader-${events.replace(/\W/g, '')}`,
    '  annotations:',
    `    helm.sh/hook: ${events}`,
    '    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    '        - name: r',
    '          image: busybox:1.36',
    '          envFrom:',
    '            - secretRef:',
    `                name: ${name}`,
    '',
  ].join('\n');
}

/** A pre-install Secret hook named seed, without a delete policy: its helm.sh/hook value at line 6, column 19. */
const SEED_SECRET = [
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: seed',
  '  annotations:',
  '    helm.sh/hook: pre-install',
  '    helm.sh/hook-weight: "-5"',
  'stringData:',
  '  a: b',
  '',
].join('\n');

const HELPERS = {
  'templates/_helpers.tpl':
    '{{- define "job.spec" }}ttlSecondsAfterFinished: 100{{ end }}\n{{- define "labels" }}app: x{{ end }}\n',
};

/** What Helm does with a hook object at uninstall: it is not part of the release, so it stays. */
const LEFT_ON_UNINSTALL = /hook objects are not part of the release, so helm uninstall leaves it behind, unmanaged/;
/** The help offers ttlSecondsAfterFinished only where Kubernetes honours it: on a Job. */
const NO_TTL_ADVICE = /^(?![^]*ttlSecondsAfterFinished)/;

/** One finding at the helm.sh/hook value of a hook without a delete policy: line 6, from column 19. */
function atHookValue(events: string, expected: Partial<ExpectedError> = {}): ExpectedError {
  return { messageId: 'leftBehind', line: 6, column: 19, endLine: 6, endColumn: 19 + events.length, ...expected };
}

/** A chart of templates/x.yaml and more files, with one finding there at the helm.sh/hook value. */
function leftAtHookValue(name: string, files: Record<string, string>, events = 'pre-install'): InvalidChartCase {
  return { name, files, errors: [atHookValue(events)] };
}

ruleTester.run('hook-left-behind', {
  valid: [
    ...['hook-succeeded', 'before-hook-creation,hook-succeeded', '"HOOK-SUCCEEDED, hook-failed"'].map((policy) => ({
      name: `hook-succeeded deletes the object: ${policy}`,
      files: {
        'templates/x.yaml': configMapWith(['helm.sh/hook: post-install', `helm.sh/hook-delete-policy: ${policy}`]),
      },
    })),
    {
      name: 'a Job that sets ttlSecondsAfterFinished',
      files: { 'templates/x.yaml': job(['helm.sh/hook: pre-upgrade'], ['spec:', '  ttlSecondsAfterFinished: 100']) },
    },
    {
      name: 'a Job that sets ttlSecondsAfterFinished from values',
      files: {
        'templates/x.yaml': job(
          ['helm.sh/hook: pre-upgrade'],
          ['spec:', '  ttlSecondsAfterFinished: {{ .Values.ttl }}'],
        ),
        'values.yaml': 'ttl: 100\n',
      },
    },
    {
      name: 'a Job that sets ttlSecondsAfterFinished from a define',
      files: {
        'templates/x.yaml': job(['helm.sh/hook: pre-upgrade'], ['spec:', '  {{- include "job.spec" . | nindent 2 }}']),
        ...HELPERS,
      },
    },
    {
      name: 'a delete policy from values that renders hook-succeeded',
      files: {
        'templates/x.yaml': configMapWith([
          'helm.sh/hook: pre-install',
          'helm.sh/hook-delete-policy: {{ .Values.policy }}',
        ]),
        'values.yaml': 'policy: hook-succeeded\n',
      },
    },
    {
      name: 'a hook of another event reads it: hook-succeeded would delete it before that hook runs',
      files: { 'templates/x.yaml': SEED_SECRET, 'templates/upgrade.yaml': reader('pre-upgrade', 'seed') },
    },
    {
      name: "a CustomResourceDefinition, which is crd-hook's",
      files: {
        'templates/x.yaml': [
          'apiVersion: apiextensions.k8s.io/v1',
          'kind: CustomResourceDefinition',
          'metadata:',
          '  name: a.b',
          '  annotations:',
          '    helm.sh/hook: pre-install',
          '',
        ].join('\n'),
      },
    },
    {
      name: "a policy of unknown items only, which is unknown-delete-policy's",
      files: {
        'templates/x.yaml': configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-success']),
      },
    },
  ],
  invalid: [
    {
      name: 'a hook without a delete policy, at its helm.sh/hook value: the default deletes it only before the next run',
      files: { 'templates/x.yaml': configMapWith(['helm.sh/hook: pre-install']) },
      errors: [
        atHookValue('pre-install', {
          data: { subject: 'This ConfigMap' },
          severity: 'info',
          help: [
            /^Add hook-succeeded to helm\.sh\/hook-delete-policy/,
            /With no delete policy, Helm deletes it only just before the hook runs again \(the default before-hook-creation\)/,
            LEFT_ON_UNINSTALL,
            NO_TTL_ADVICE,
          ],
        }),
      ],
    },
    {
      name: 'a Job with before-hook-creation,hook-failed, at the delete-policy value, offered ttlSecondsAfterFinished',
      files: {
        'templates/x.yaml': job([
          'helm.sh/hook: pre-upgrade',
          'helm.sh/hook-delete-policy: before-hook-creation,hook-failed',
        ]),
      },
      errors: [
        {
          messageId: 'leftBehind',
          data: { subject: 'This Job' },
          // "    helm.sh/hook-delete-policy: " is 32 columns.
          line: 7,
          column: 33,
          endLine: 7,
          endColumn: 33 + 'before-hook-creation,hook-failed'.length,
          help: [
            /before-hook-creation policy deletes it only just before the hook runs again/,
            /or set ttlSecondsAfterFinished on the Job/,
            LEFT_ON_UNINSTALL,
          ],
        },
      ],
    },
    {
      name: 'a Job with hook-failed alone',
      files: { 'templates/x.yaml': job(['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-failed']) },
      errors: [
        { messageId: 'leftBehind', line: 7, column: 33, help: [/hook-failed policy deletes it only when it fails/] },
      ],
    },
    // Output nested in the pod template cannot add a Job-level field.
    leftAtHookValue(
      'a Job whose include writes only into its pod template',
      {
        'templates/x.yaml': job(
          ['helm.sh/hook: pre-upgrade'],
          ['spec:', '  template:', '    metadata:', '      labels:', '        {{- include "labels" . | nindent 8 }}'],
        ),
        ...HELPERS,
      },
      'pre-upgrade',
    ),
    {
      name: 'events from values, as Helm renders them',
      files: {
        'templates/x.yaml': configMapWith(['helm.sh/hook: {{ .Values.hook }}']),
        'values.yaml': 'hook: post-install\n',
      },
      errors: [{ messageId: 'leftBehind', line: 6, column: 19 }],
    },
    {
      name: 'annotations from values through toYaml, as Helm renders them',
      files: {
        'templates/x.yaml': configMapWith(['{{- toYaml .Values.annotations | nindent 4 }}']),
        'values.yaml': 'annotations:\n  helm.sh/hook: pre-install\n',
      },
      // The rendered helm.sh/hook value is written in values.yaml: "  helm.sh/hook: " is 16 columns of line 2.
      errors: [{ messageId: 'leftBehind', file: 'values.yaml', line: 2, column: 17, endColumn: 28 }],
    },
    leftAtHookValue('a Secret read only in its own event: nothing needs it afterwards', {
      'templates/x.yaml': SEED_SECRET,
      'templates/install.yaml': reader('pre-install', 'seed'),
    }),
    leftAtHookValue('a hook of another event that reads another name', {
      'templates/x.yaml': SEED_SECRET,
      'templates/upgrade.yaml': reader('pre-upgrade', 'other'),
    }),
  ],
});
