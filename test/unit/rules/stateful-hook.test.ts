import type { ExpectedError } from '../../support/rule-tester';
import { ruleTester } from '../../support/rule-tester';

/** A claim whose helm.sh/hook value is on line 6, from column 19. */
function pvc(annotations: string[]): string {
  return [
    'apiVersion: v1',
    'kind: PersistentVolumeClaim',
    'metadata:',
    '  name: {{ .Release.Name }}-data',
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec:',
    '  accessModes: [ReadWriteOnce]',
    '',
  ].join('\n');
}

/** A Secret whose first annotation is on line 6 after the `before` lines, its value from column 19. */
function secret(annotations: string[], data: string[], before: string[] = []): string {
  return [
    ...before,
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: {{ .Release.Name }}-db',
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'stringData:',
    ...data.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

/**
 * A workload of `kind` (a hook when `events` is given) whose pod mounts the claim `{{ .Release.Name }}-data`: its
 * claimName is on line 19 of a Deployment, 17 of a Job hook, from column 24.
 */
function mounting(kind: 'Deployment' | 'Job', name: string, events?: string): string {
  const apiVersion = kind === 'Job' ? 'batch/v1' : 'apps/v1';
  const annotations = events ? ['  annotations:', `    helm.sh/hook: ${events}`] : [];
  const selector = kind === 'Deployment' ? ['  selector:', '    matchLabels: {app: x}'] : [];
  const labels = kind === 'Deployment' ? ['    metadata:', '      labels: {app: x}'] : [];
  return [
    `apiVersion: ${apiVersion}`,
    `kind: ${kind}`,
    'metadata:',
    `  name: ${name}`,
    ...annotations,
    'spec:',
    ...selector,
    '  template:',
    ...labels,
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    '        - name: c',
    '          image: busybox:1.36',
    '      volumes:',
    '        - name: data',
    '          persistentVolumeClaim:',
    '            claimName: {{ .Release.Name }}-data',
    '',
  ].join('\n');
}

const GENERATED_PASSWORD = ['password: {{ randAlphaNum 32 | quote }}'];
const KEEP_IGNORED_ON_HOOKS = /helm\.sh\/resource-policy: keep does not apply to hooks/;
const VOLUME_DESTROYED =
  /the old volume is released and, with the usual Delete reclaim policy, destroyed with its data/;

/** A claim's finding at its helm.sh/hook value (templates/pvc.yaml line 6, column 19). */
function atClaimHook(expected: Omit<ExpectedError, 'line' | 'column' | 'messageId'>): ExpectedError {
  return { file: 'templates/pvc.yaml', line: 6, column: 19, messageId: 'newEmptyVolume', ...expected };
}

ruleTester.run('stateful-hook', {
  valid: [
    {
      name: 'a scratch claim that only hooks of its own events mount',
      files: {
        'templates/pvc.yaml': pvc(['helm.sh/hook: pre-upgrade', 'helm.sh/hook-weight: "-1"']),
        'templates/job.yaml': mounting('Job', 'migrate', 'pre-upgrade'),
      },
    },
    {
      name: 'a claim nothing in the chart mounts',
      files: { 'templates/pvc.yaml': pvc(['helm.sh/hook: pre-upgrade']) },
    },
    ...[
      ['helm.sh/hook: pre-install'],
      ['helm.sh/hook: pre-install,post-delete,test'],
      ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-failed'],
    ].map((lines) => ({
      name: `a mounted claim that runs once, or whose policy never deletes it: ${lines.join('; ')}`,
      files: { 'templates/pvc.yaml': pvc(lines), 'templates/app.yaml': mounting('Deployment', 'app') },
    })),
    {
      name: 'a claim linted alone as written: claims are judged on the chart, where their readers are',
      code: pvc(['helm.sh/hook: pre-install,pre-upgrade']),
    },
    {
      name: 'a Secret whose generated value lookup keeps',
      code: secret(
        ['helm.sh/hook: pre-install,pre-upgrade'],
        ['password: {{ $password | quote }}'],
        [
          '{{- $existing := lookup "v1" "Secret" .Release.Namespace "db" }}',
          '{{- $password := randAlphaNum 32 }}',
          '{{- if $existing }}{{- $password = index $existing.data "password" | b64dec }}{{- end }}',
        ],
      ),
    },
    {
      name: 'a Secret with data from values',
      code: secret(['helm.sh/hook: pre-upgrade'], ['password: {{ .Values.password | quote }}']),
    },
    {
      name: 'a Secret that names a generator only in a comment',
      code: secret(['helm.sh/hook: pre-upgrade'], ['{{/* not randAlphaNum: a comment */}}', 'password: fixed']),
    },
    { name: 'templated events', code: secret(['helm.sh/hook: {{ .Values.hook }}'], GENERATED_PASSWORD) },
    {
      name: 'a templated delete policy',
      code: secret(
        ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: {{ .Values.policy }}'],
        GENERATED_PASSWORD,
      ),
    },
    {
      name: 'annotations partly from toYaml',
      code: secret(['helm.sh/hook: pre-upgrade', '{{- toYaml .Values.annotations | nindent 4 }}'], GENERATED_PASSWORD),
    },
    {
      name: "annotations built from values by toYaml, as in ory's charts",
      code: [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: x',
        '  annotations:',
        '    {{- toYaml .Values.secret.secretAnnotations | nindent 4 }}',
        'data:',
        '  secretsSystem: {{ randAlphaNum 32 | b64enc | quote }}',
        '',
      ].join('\n'),
    },
  ],
  invalid: [
    {
      name: 'a claim hooked on upgrade with the default policy, mounted by a release Deployment',
      files: {
        'templates/pvc.yaml': pvc(['helm.sh/hook: "pre-install, pre-upgrade"']),
        'templates/app.yaml': mounting('Deployment', 'app'),
      },
      errors: [
        atClaimHook({
          data: { operations: 'Every upgrade', reader: 'Deployment "app"' },
          endLine: 6,
          endColumn: 45,
          severity: 'error',
          help: [
            /The default delete policy, before-hook-creation, deletes it just before each pre-upgrade creates it again/,
            VOLUME_DESTROYED,
          ],
          related: [{ file: 'templates/app.yaml', line: 19, column: 24, message: [/Deployment "app"/] }],
        }),
      ],
    },
    {
      name: 'a claim a hook of another event mounts: its data must outlive the run',
      files: {
        'templates/pvc.yaml': pvc(['helm.sh/hook: pre-upgrade']),
        'templates/restore.yaml': mounting('Job', 'restore', 'post-rollback'),
      },
      errors: [
        atClaimHook({
          data: { operations: 'Every upgrade', reader: 'Job "restore"' },
          help: [/Job "restore" \(a post-rollback hook, volume "data"\) still needs/],
          related: [{ file: 'templates/restore.yaml', line: 17, column: 24 }],
        }),
      ],
    },
    {
      name: 'hook-succeeded deletes a claim too',
      files: {
        'templates/pvc.yaml': pvc(['helm.sh/hook: post-upgrade', 'helm.sh/hook-delete-policy: hook-succeeded']),
        'templates/app.yaml': mounting('Deployment', 'app'),
      },
      errors: [
        atClaimHook({
          data: { operations: 'Every upgrade' },
          help: [/Its hook-succeeded policy deletes it after each post-upgrade, and the next run creates it again/],
        }),
      ],
    },
    {
      name: 'a Secret hook filled by randAlphaNum on rollback, which keep does not save',
      code: secret(
        [
          'helm.sh/hook: pre-install,post-rollback',
          'helm.sh/hook-delete-policy: before-hook-creation',
          'helm.sh/resource-policy: keep',
        ],
        GENERATED_PASSWORD,
      ),
      errors: [
        {
          messageId: 'regeneratedSecret',
          data: { each: 'Every rollback', generator: 'randAlphaNum' },
          line: 6,
          column: 19,
          endLine: 6,
          endColumn: 44,
          severity: 'error',
          help: [
            /before-hook-creation policy deletes it just before each post-rollback creates it again with newly generated values/,
            KEEP_IGNORED_ON_HOOKS,
          ],
        },
      ],
    },
    {
      name: 'a Secret hook on upgrade filled from a genCA variable assigned before it',
      code: secret(
        ['helm.sh/hook: pre-upgrade'],
        ['tls.crt: {{ $ca.Cert | b64enc }}'],
        ['{{- $ca := genCA "my-ca" 365 }}'],
      ),
      errors: [
        {
          messageId: 'regeneratedSecret',
          data: { each: 'Every upgrade', generator: 'genCA' },
          line: 7,
          column: 19,
          help: [
            /The default delete policy, before-hook-creation, deletes it just before each pre-upgrade creates it again/,
          ],
        },
      ],
    },
  ],
});
