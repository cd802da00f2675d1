import type { ChartCase, ExpectedError } from '../../support/rule-tester';
import { jobReadingSecretDb, ruleTester, v1Object } from '../../support/rule-tester';

/**
 * Helm's answers, then Argo CD's (target `argocd`): each Argo CD expectation follows Argo CD's source at the commit
 * deployers/argocd.ts names (argoproj/argo-cd 37ee0097cf), cited per case.
 */

/** A Job hook whose pod spec and container hold the given lines (line 11 on: pod spec, then the container). */
function job(
  events: string,
  podSpec: string[],
  container: string[] = [],
  name = '{{ .Release.Name }}-migrate',
): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    `    helm.sh/hook: ${events}`,
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    ...podSpec.map((line) => `      ${line}`),
    '      containers:',
    '        - name: migrate',
    '          image: migrate:1.0',
    ...container.map((line) => `          ${line}`),
    '',
  ].join('\n');
}

/** An env var from the Secret `<release>-db`: in job(…, [], SECRET_ENV) its name is at line 18, from column 25. */
const SECRET_ENV = [
  'env:',
  '  - name: PASSWORD',
  '    valueFrom:',
  '      secretKeyRef:',
  '        name: {{ .Release.Name }}-db',
  '        key: password',
];
const RELEASE_SECRET = v1Object('Secret', '{{ .Release.Name }}-db');
/** The Secret's name in RELEASE_SECRET-like objects: line 4, from column 9. */
const SECRET_NAME = { file: 'templates/secret.yaml', line: 4, column: 9 };

/** The Secret read through SECRET_ENV, under the first release name the rule tries. */
const DB = 'Secret "release-name-db"';

/** A finding at the secretKeyRef name of SECRET_ENV in `file`. */
function atSecretEnv(file: string, messageId: string, data: Record<string, string>, more: Partial<ExpectedError> = {}) {
  const name = '{{ .Release.Name }}-db';
  return { messageId, data, file, line: 18, column: 25, endLine: 18, endColumn: 25 + name.length, ...more };
}

/** A chart of the release Secret and a Job on `events` reading it. */
function secretAndJob(secret: string, events: string): Record<string, string> {
  return { 'templates/secret.yaml': secret, 'templates/job.yaml': job(events, [], SECRET_ENV) };
}

const HELM_AND_ARGOCD = { targets: ['helm', 'argocd'] as const };
/** Where jobReadingSecretDb reads the Secret `db`. */
const ARGO_READ = { file: 'templates/job.yaml', line: 18, column: 25, endLine: 18, endColumn: 27 };
/** Where the Secret `db` is named, as a related location. */
const DB_NAMED = [{ file: 'templates/secret.yaml', line: 4, column: 9 }];
/** The help says nothing of a later sync: the first sync's object is still in the cluster then. */
const NO_LATER_SYNC = /^(?![\s\S]*later sync)/;

/** A post-delete hook reading a Secret with the given annotations, which Argo CD (argocd target) deletes or keeps. */
function postDeleteReading(annotation: string): ChartCase['files'] {
  return {
    'templates/secret.yaml': v1Object('Secret', 'db', [annotation]),
    'templates/job.yaml': jobReadingSecretDb(['helm.sh/hook: post-delete']),
  };
}

const PRE_UPGRADE_READS_RELEASE_SECRET = {
  'templates/secret.yaml': v1Object('Secret', 'db'),
  'templates/job.yaml': jobReadingSecretDb(['helm.sh/hook: pre-upgrade']),
};

/** A Secret in a later Argo CD wave than the pre-install Job reading it, though Helm's weight puts it first. */
const LATER_WAVE_SECRET = {
  'templates/secret.yaml': v1Object('Secret', 'db', [
    'helm.sh/hook: pre-install',
    'helm.sh/hook-weight: "-5"',
    'argocd.argoproj.io/sync-wave: "1"',
  ]),
  'templates/job.yaml': jobReadingSecretDb(['helm.sh/hook: pre-install']),
};

ruleTester.run('hook-dependency-unavailable', {
  valid: [
    {
      name: 'a pre-install hook without hook-succeeded, left by an earlier run, read at pre-upgrade and pre-delete',
      files: secretAndJob(
        v1Object('Secret', '{{ .Release.Name }}-db', ['helm.sh/hook: pre-install', 'helm.sh/hook-weight: "-5"']),
        'pre-install,pre-upgrade,pre-delete',
      ),
    },
    {
      name: 'a pre-upgrade hook reading a release resource, with no hook that can fail the install',
      files: secretAndJob(RELEASE_SECRET, 'pre-upgrade'),
    },
    { name: 'a post-install hook reading a release resource', files: secretAndJob(RELEASE_SECRET, 'post-install') },
    {
      name: 'a post-install hook reading a pre-install hook Helm keeps',
      files: secretAndJob(v1Object('Secret', '{{ .Release.Name }}-db', ['helm.sh/hook: pre-install']), 'post-install'),
    },
    {
      name: 'a post-delete hook reading a release resource with helm.sh/resource-policy: keep',
      files: secretAndJob(
        v1Object('Secret', '{{ .Release.Name }}-db', ['helm.sh/resource-policy: keep']),
        'post-delete',
      ),
    },
    {
      name: 'a pre-install hook reading a pre-install hook of a lower weight',
      files: secretAndJob(
        v1Object('Secret', '{{ .Release.Name }}-db', ['helm.sh/hook: pre-install', 'helm.sh/hook-weight: "-1"']),
        'pre-install',
      ),
    },
    {
      name: 'a Secret the chart does not render, named from values',
      files: {
        'templates/job.yaml': job(
          'pre-install',
          [],
          [
            'env:',
            '  - name: PASSWORD',
            '    valueFrom:',
            '      secretKeyRef:',
            '        name: {{ .Values.existingSecret }}',
            '        key: password',
          ],
        ),
        'values.yaml': 'existingSecret: made-by-hand\n',
      },
    },
    {
      name: 'an optional secretKeyRef',
      files: {
        'templates/secret.yaml': RELEASE_SECRET,
        'templates/job.yaml': job('pre-install', [], [...SECRET_ENV, '        optional: true']),
      },
    },
    {
      name: 'a Secret rendered only when lookup does not find it',
      files: secretAndJob(
        '{{- if not (lookup "v1" "Secret" .Release.Namespace (printf "%s-db" .Release.Name)) }}\n' +
          RELEASE_SECRET +
          '{{- end }}\n',
        'pre-install',
      ),
    },
    {
      name: 'an image pull Secret, which the pod does not need to start',
      files: {
        'templates/secret.yaml': RELEASE_SECRET,
        'templates/job.yaml': job('pre-install', ['imagePullSecrets:', '  - name: {{ .Release.Name }}-db']),
      },
    },
    {
      // Helm runs pre-upgrade hooks only on upgrade, after the install created the Secret.
      name: "a pre-upgrade Job reading a release resource: Helm's answer, without the argocd target",
      files: PRE_UPGRADE_READS_RELEASE_SECRET,
    },
    {
      name: 'the same with the helm target alone',
      files: PRE_UPGRADE_READS_RELEASE_SECRET,
      options: { targets: ['helm'] },
    },
    {
      name: "a Secret in a later Argo CD wave: the order rule's, not this one's",
      files: LATER_WAVE_SECRET,
      options: HELM_AND_ARGOCD,
    },
    {
      name: 'a Secret of an earlier Argo CD wave',
      files: {
        'templates/secret.yaml': v1Object('Secret', 'db', [
          'helm.sh/hook: pre-install',
          'argocd.argoproj.io/sync-wave: "-1"',
        ]),
        'templates/job.yaml': jobReadingSecretDb(['helm.sh/hook: pre-install']),
      },
      options: HELM_AND_ARGOCD,
    },
    {
      // appcontroller.go:1255-1264 shouldBeDeleted keeps a resource with helm.sh/resource-policy: keep, as Helm does.
      name: 'a post-delete hook reading a Secret with helm.sh/resource-policy: keep, for Argo CD too',
      files: postDeleteReading('helm.sh/resource-policy: keep'),
      options: HELM_AND_ARGOCD,
    },
    {
      // Helm's uninstall keeps a resource with any resource-policy value, so Helm says nothing of "retain".
      name: 'a post-delete hook reading a Secret with helm.sh/resource-policy: retain, for Helm',
      files: postDeleteReading('helm.sh/resource-policy: retain'),
    },
  ],
  invalid: [
    {
      name: 'a pre-install Job reading a release Secret through secretKeyRef, with the Secret as related',
      files: secretAndJob(RELEASE_SECRET, 'pre-install'),
      errors: [
        atSecretEnv(
          'templates/job.yaml',
          'missingWhenRun',
          { operation: 'install', event: 'pre-install', kind: 'Job', target: DB },
          {
            severity: 'error',
            help: [
              /reads Secret "release-name-db" \(env secretKeyRef\), which at pre-install of an install is a release resource: Helm creates it only after every pre-install hook has succeeded/,
            ],
            related: [SECRET_NAME],
          },
        ),
      ],
    },
    {
      name: 'a pre-install Job reading envFrom, configMap and projected volumes, a PVC and its service account',
      files: {
        'templates/objects.yaml': [
          v1Object('ConfigMap', 'config'),
          v1Object('Secret', 'creds'),
          v1Object('PersistentVolumeClaim', 'data'),
          v1Object('ServiceAccount', 'runner'),
          v1Object('ConfigMap', 'extra'),
        ].join('---\n'),
        'templates/job.yaml': job(
          'pre-install',
          [
            'serviceAccountName: runner',
            'volumes:',
            '  - name: cfg',
            '    configMap:',
            '      name: config',
            '  - name: all',
            '    projected:',
            '      sources:',
            '        - secret:',
            '            name: creds',
            '  - name: data',
            '    persistentVolumeClaim:',
            '      claimName: data',
          ],
          ['envFrom:', '  - configMapRef:', '      name: extra'],
        ),
      },
      errors: [
        ['ServiceAccount "runner"', 11, 27, /\(serviceAccountName\)/],
        ['ConfigMap "config"', 15, 19, /\(volume "cfg"\)/],
        ['Secret "creds"', 20, 25, /\(volume "all" \(projected secret\)\)/],
        ['PersistentVolumeClaim "data"', 23, 24, /\(volume "data"\)/],
        ['ConfigMap "extra"', 29, 23, /\(envFrom configMapRef\)/],
      ].map(([target, line, column, field]) => ({
        messageId: 'missingWhenRun',
        data: { operation: 'install', event: 'pre-install', target: target as string },
        file: 'templates/job.yaml',
        line: line as number,
        column: column as number,
        help: [field as RegExp],
      })),
    },
    {
      name: 'a post-install hook reading a pre-install hook that hook-succeeded has deleted',
      files: secretAndJob(
        v1Object('Secret', '{{ .Release.Name }}-db', [
          'helm.sh/hook: pre-install',
          'helm.sh/hook-delete-policy: hook-succeeded',
        ]),
        'post-install',
      ),
      errors: [
        atSecretEnv(
          'templates/job.yaml',
          'missingWhenRun',
          { operation: 'install', event: 'post-install', target: DB },
          { help: [/at post-install of an install is deleted at the end of pre-install \(hook-succeeded\)/] },
        ),
      ],
    },
    {
      name: 'a post-delete hook reading a release resource helm uninstall has deleted',
      files: secretAndJob(RELEASE_SECRET, 'post-delete'),
      errors: [
        atSecretEnv(
          'templates/job.yaml',
          'missingWhenRun',
          { operation: 'uninstall', event: 'post-delete', target: DB },
          { help: [/deleted by helm uninstall before the post-delete hooks run/, /helm\.sh\/resource-policy: keep/] },
        ),
      ],
    },
    {
      name: 'a Secret hooked on pre-install with hook-succeeded, read later at pre-upgrade, pre-delete and test',
      files: {
        'templates/secret.yaml': v1Object('Secret', '{{ .Release.Name }}-db', [
          'helm.sh/hook: pre-install',
          'helm.sh/hook-weight: "-5"',
          'helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
        ]),
        'templates/migrate.yaml': job('pre-install,pre-upgrade', [], SECRET_ENV),
        'templates/backup.yaml': job('pre-delete', [], SECRET_ENV, '{{ .Release.Name }}-backup'),
        'templates/test.yaml': job('test', [], SECRET_ENV, '{{ .Release.Name }}-test'),
      },
      errors: [
        atSecretEnv('templates/backup.yaml', 'missingWhenRun', { operation: 'uninstall', event: 'pre-delete' }),
        atSecretEnv(
          'templates/migrate.yaml',
          'missingWhenRun',
          { operation: 'upgrade', event: 'pre-upgrade', kind: 'Job', target: DB },
          {
            help: [
              /at pre-upgrade of an upgrade is deleted at the end of pre-install \(hook-succeeded\)/,
              /drop hook-succeeded/,
            ],
          },
        ),
        atSecretEnv('templates/test.yaml', 'missingWhenRun', { operation: 'helm test', event: 'test' }),
      ],
    },
    {
      name: 'a pre-rollback hook reading what hook-succeeded removed at the end of the upgrade before it',
      files: secretAndJob(
        v1Object('Secret', '{{ .Release.Name }}-db', [
          'helm.sh/hook: pre-upgrade',
          'helm.sh/hook-weight: "-5"',
          'helm.sh/hook-delete-policy: hook-succeeded',
        ]),
        'pre-rollback',
      ),
      errors: [
        atSecretEnv(
          'templates/job.yaml',
          'missingWhenRun',
          { operation: 'rollback', event: 'pre-rollback' },
          { help: [/deleted at the end of pre-upgrade \(hook-succeeded\)/] },
        ),
      ],
    },
    {
      name: 'helm upgrade --install after a failed install misses the objects: pre-upgrade runs before any release resource',
      files: {
        'templates/secret.yaml': RELEASE_SECRET,
        'templates/settings.yaml': v1Object('ConfigMap', '{{ .Release.Name }}-settings', [
          'helm.sh/hook: post-install',
        ]),
        'templates/init.yaml': job('pre-install', [], [], '{{ .Release.Name }}-init'),
        'templates/job.yaml': job(
          'pre-upgrade',
          [],
          [...SECRET_ENV, 'envFrom:', '  - configMapRef:', '      name: {{ .Release.Name }}-settings'],
        ),
      },
      errors: [
        atSecretEnv(
          'templates/job.yaml',
          'missingAfterFailedInstall',
          { event: 'pre-upgrade', kind: 'Job', target: DB },
          {
            severity: 'warning',
            help: [
              /a release resource: the install failed at pre-install hook Job "release-name-init", before Helm creates any/,
            ],
          },
        ),
        {
          messageId: 'missingAfterFailedInstall',
          data: { event: 'pre-upgrade', target: 'ConfigMap "release-name-settings"' },
          file: 'templates/job.yaml',
          line: 22,
          column: 23,
          severity: 'warning',
          help: [
            /created only at install, and the install failed at pre-install hook Job "release-name-init" before creating it/,
          ],
        },
      ],
    },
    {
      name: 'a hook whose annotations come from values through toYaml',
      files: {
        'values.yaml': 'job:\n  annotations:\n    helm.sh/hook: pre-install\n',
        'templates/secret.yaml': RELEASE_SECRET,
        'templates/job.yaml': job('pre-install', [], SECRET_ENV).replace(
          '  annotations:\n    helm.sh/hook: pre-install\n',
          '  annotations:\n    {{- toYaml .Values.job.annotations | nindent 4 }}\n',
        ),
      },
      errors: [atSecretEnv('templates/job.yaml', 'missingWhenRun', { event: 'pre-install' })],
    },
    {
      // hook/helm/type.go:27-32 maps pre-upgrade to PreSync; sync_tasks.go:16-21 puts PreSync before Sync; every sync
      // renders as an install (util/helm/cmd.go:429-470), so the first sync runs it before the Secret exists. A later
      // sync finds the first sync's Secret in the cluster: not named as another place it is missing.
      name: 'Argo CD: a pre-upgrade Job reading a release resource runs at PreSync of the first sync, before Sync',
      files: PRE_UPGRADE_READS_RELEASE_SECRET,
      options: HELM_AND_ARGOCD,
      errors: [
        {
          ...ARGO_READ,
          messageId: 'argoMissing',
          data: { operation: 'first sync', place: 'PreSync wave 0', kind: 'Job', target: 'Secret "db"' },
          help: [
            /at PreSync wave 0 of Argo CD's first sync is a resource Argo CD applies only in the Sync phase, after every PreSync hook has succeeded/,
            NO_LATER_SYNC,
          ],
          related: DB_NAMED,
        },
      ],
    },
    {
      name: 'Argo CD: the same with the argocd target alone',
      files: PRE_UPGRADE_READS_RELEASE_SECRET,
      options: { targets: ['argocd'] },
      errors: [{ ...ARGO_READ, messageId: 'argoMissing' }],
    },
    {
      // appcontroller.go:1255-1264 shouldBeDeleted keeps only Delete=false and helm.sh/resource-policy: keep.
      name: 'Argo CD: a PostDelete Job reading a Secret whose resource-policy is retain, not keep',
      files: postDeleteReading('helm.sh/resource-policy: retain'),
      options: HELM_AND_ARGOCD,
      errors: [
        {
          ...ARGO_READ,
          messageId: 'argoMissing',
          data: { operation: 'Application deletion', place: 'PostDelete', kind: 'Job', target: 'Secret "db"' },
          help: [/deleted with the Application before its PostDelete hooks run/],
        },
      ],
    },
    {
      // Delete=false keeps the Secret for Argo CD (appcontroller.go:1255-1264) but means nothing to Helm, whose
      // uninstall deletes it: only Helm's answer is left.
      name: "Argo CD: a post-delete hook reading a Secret with Delete=false: Helm's finding only",
      files: postDeleteReading('argocd.argoproj.io/sync-options: Delete=false'),
      options: HELM_AND_ARGOCD,
      errors: [{ ...ARGO_READ, messageId: 'missingWhenRun', data: { operation: 'uninstall', event: 'post-delete' } }],
    },
  ],
});
