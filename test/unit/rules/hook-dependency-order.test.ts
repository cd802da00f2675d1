import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ExpectedError } from '../../support/rule-tester';
import { jobReadingSecretDb, ruleTester, v1Object } from '../../support/rule-tester';
import { FIXTURES } from '../../support/paths';

/**
 * Helm's order, then Argo CD's (target `argocd`): each Argo CD expectation follows Argo CD's source at the commit
 * deployers/argocd.ts names (argoproj/argo-cd 37ee0097cf), cited per case.
 */

interface HookSpec {
  events: string;
  weight?: string;
  policy?: string;
}

function annotations(hook: HookSpec): string[] {
  return [
    '  annotations:',
    `    helm.sh/hook: ${hook.events}`,
    ...(hook.weight !== undefined ? [`    helm.sh/hook-weight: "${hook.weight}"`] : []),
    ...(hook.policy !== undefined ? [`    helm.sh/hook-delete-policy: ${hook.policy}`] : []),
  ];
}

function secret(name: string, hook: HookSpec): string {
  return [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${name}`,
    ...annotations(hook),
    'stringData:',
    '  password: x',
    '',
  ].join('\n');
}

function serviceAccount(name: string, hook: HookSpec): string {
  return ['apiVersion: v1', 'kind: ServiceAccount', 'metadata:', `  name: ${name}`, ...annotations(hook), ''].join(
    '\n',
  );
}

/**
 * A Job hook whose pod mounts `secretName` as a volume (and optionally runs as a service account). With one hook
 * annotation and no `extra`, the secretName value is at line 17, from column 25; each further annotation or extra line
 * moves it down one line.
 */
function job(name: string, hook: HookSpec, secretName: string, extra: string[] = []): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  name: ${name}`,
    ...annotations(hook),
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    ...extra,
    '      containers:',
    '        - name: main',
    '          image: busybox:1.36',
    '      volumes:',
    '        - name: creds',
    '          secret:',
    `            secretName: ${secretName}`,
    '',
  ].join('\n');
}

/** The finding at job()'s secretName on `line` of templates/job.yaml (17 with one hook annotation). */
function atSecretName(line: number, data: Record<string, string>, more: Partial<ExpectedError> = {}): ExpectedError {
  return { messageId: 'createdAfter', data, file: 'templates/job.yaml', line, column: 25, ...more };
}

/** A pre-install Job `<release>-a` reading the pre-install Secret `<release>-b`, with the Job's text changed by `edit`. */
function jobBeforeSecret(edit: (text: string) => string): Record<string, string> {
  return {
    'templates/job.yaml': edit(job('{{ .Release.Name }}-a', { events: 'pre-install' }, '{{ .Release.Name }}-b')),
    'templates/secret.yaml': secret('{{ .Release.Name }}-b', { events: 'pre-install' }),
  };
}

/** A pre-upgrade Job `<release>-a` reading the Secret `<release>-b`, which sorts after it by name. */
function upgradeReadingSecret(secretHook: HookSpec): Record<string, string> {
  return {
    'templates/job.yaml': job('{{ .Release.Name }}-a', { events: 'pre-upgrade' }, '{{ .Release.Name }}-b'),
    'templates/secret.yaml': secret('{{ .Release.Name }}-b', secretHook),
  };
}

/** A Job named `name` reading the Secret `secretName`, both pre-install at weight 0. */
function sameWeight(jobName: string, secretName: string): Record<string, string> {
  return {
    'templates/job.yaml': job(jobName, { events: 'pre-install' }, secretName),
    'templates/secret.yaml': secret(secretName, { events: 'pre-install' }),
  };
}

/** A chart fixture's files, by path relative to it. */
function fixtureFiles(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(directory, path)] = readFileSync(path, 'utf8');
  }
  return files;
}

/**
 * helm create's fullname helper drops a release name that contains the chart's name; the Job is
 * `pre-install-<fullname>` and reads the Secret `<fullname>-scripts` at line 19 of templates/job.yaml.
 */
const NAMED_LIKE_CHART = fixtureFiles(join(FIXTURES, 'evaluated-first', 'release-named-like-chart'));

const HELM_AND_ARGOCD = { targets: ['helm', 'argocd'] as const };
/** The help says nothing of a later sync: the first sync's object is still in the cluster then. */
const NO_LATER_SYNC = /^(?![\s\S]*later sync)/;

/** A pre-install Job reading the Secret `db`, an Argo CD PreSync hook of Helm weight 5 in the given sync wave. */
function argoSecretInWave(wave: string): Record<string, string> {
  return {
    'templates/secret.yaml': v1Object('Secret', 'db', [
      'argocd.argoproj.io/hook: PreSync',
      'helm.sh/hook-weight: "5"',
      `argocd.argoproj.io/sync-wave: ${wave}`,
    ]),
    'templates/job.yaml': jobReadingSecretDb(['helm.sh/hook: pre-install']),
  };
}

/** A Secret in a later Argo CD wave than the pre-install Job reading it, though Helm's weight puts it first. */
const LATER_WAVE_SECRET = {
  'templates/secret.yaml': v1Object('Secret', 'db', [
    'helm.sh/hook: pre-install',
    'helm.sh/hook-weight: "-5"',
    'argocd.argoproj.io/sync-wave: "1"',
  ]),
  'templates/job.yaml': jobReadingSecretDb(['helm.sh/hook: pre-install']),
};

ruleTester.run('hook-dependency-order', {
  valid: [
    {
      name: 'a Secret hook with a lower weight than the Job reading it',
      files: {
        'templates/job.yaml': job(
          '{{ .Release.Name }}-a-job',
          { events: 'pre-install' },
          '{{ .Release.Name }}-z-secret',
        ),
        'templates/secret.yaml': secret('{{ .Release.Name }}-z-secret', { events: 'pre-install', weight: '-1' }),
      },
    },
    {
      name: 'a Secret hook whose name sorts before the Job reading it, at the same weight',
      files: sameWeight('{{ .Release.Name }}-password-update', '{{ .Release.Name }}-new-secret'),
    },
    {
      // argo-cd's redis-secret-init: every object named alike, no weights: Secret before Job by Helm's kind order.
      name: 'a Secret hook sharing the Job’s name and weight, first by kind',
      files: {
        'templates/job.yaml': job('{{ .Release.Name }}-init', { events: 'pre-install' }, '{{ .Release.Name }}-init'),
        'templates/secret.yaml': secret('{{ .Release.Name }}-init', { events: 'pre-install' }),
      },
    },
    {
      name: 'an upgrade, where an earlier run may have left the Secret (no hook-succeeded)',
      files: upgradeReadingSecret({ events: 'pre-install,pre-upgrade' }),
    },
    {
      // "release-name" and "zz-second" both sort after "n-secret": the Secret runs first under any name.
      name: 'a Job named after the release that sorts after the Secret under any release name',
      files: sameWeight('{{ .Release.Name }}', 'n-secret'),
    },
    {
      // "release-name" < "s-secret" but "zz-second" > "s-secret": not certain under both names.
      name: 'an order that depends on the release name',
      files: sameWeight('{{ .Release.Name }}', 's-secret'),
    },
    {
      name: 'a Job weight from a lookup, unknown until Helm reads the cluster',
      files: jobBeforeSecret((text) =>
        text.replace(
          'helm.sh/hook: pre-install',
          'helm.sh/hook: pre-install\n    helm.sh/hook-weight: {{ (lookup "v1" "ConfigMap" "x" "y").data.weight | default "0" | quote }}',
        ),
      ),
    },
    {
      name: 'an optional secret volume',
      files: jobBeforeSecret((text) =>
        text.replace('            secretName:', '            optional: true\n            secretName:'),
      ),
    },
    {
      // Release "app": the fullname is "app", so "app-scripts" sorts before "pre-install-app" and the Secret runs first.
      name: "a release named like the chart reverses the order, through helm create's fullname helper",
      files: NAMED_LIKE_CHART,
    },
    {
      name: 'a Secret the chart does not render',
      files: {
        'templates/job.yaml': job('{{ .Release.Name }}-a', { events: 'pre-install' }, '{{ .Values.existingSecret }}'),
        'values.yaml': 'existingSecret: made-by-hand\n',
      },
    },
    {
      // Helm's weight -5 puts the Secret first: only Argo CD's sync wave (argocd target) puts it later.
      name: 'a Secret of a later Argo CD wave, without the argocd target',
      files: LATER_WAVE_SECRET,
    },
    {
      // An Argo CD PreSync hook (a plain resource to Helm, whose order says nothing of it) whose sync-wave, when known,
      // wins over its hook-weight of 5 (syncwaves/waves.go:12-21): a lookup may give any wave, even an earlier one.
      name: 'Argo CD: a sync wave from a lookup, unknown until Argo CD reads the cluster',
      files: argoSecretInWave('{{ (lookup "v1" "ConfigMap" "ns" "waves").data.db | default "1" | quote }}'),
      options: HELM_AND_ARGOCD,
    },
    {
      name: 'Argo CD: a Secret of an earlier sync wave',
      files: {
        'templates/secret.yaml': v1Object('Secret', 'db', [
          'helm.sh/hook: pre-install',
          'argocd.argoproj.io/sync-wave: "-1"',
        ]),
        'templates/job.yaml': jobReadingSecretDb(['helm.sh/hook: pre-install']),
      },
      options: HELM_AND_ARGOCD,
    },
  ],
  invalid: [
    {
      name: 'a Job Helm runs before the Secret hook it mounts (same weight, its name sorts first), at the secretName',
      files: sameWeight('{{ .Release.Name }}-password-update', '{{ .Release.Name }}-previous-secret'),
      errors: [
        atSecretName(
          17,
          { event: 'pre-install', kind: 'Job', target: 'Secret "release-name-previous-secret"' },
          {
            endLine: 17,
            endColumn: 25 + '{{ .Release.Name }}-previous-secret'.length,
            severity: 'error',
            help: [
              /\(volume "creds"\)/,
              /both have weight 0, and Helm then orders by name: "release-name-password-update" sorts before "release-name-previous-secret"/,
            ],
            related: [{ file: 'templates/secret.yaml', line: 4, column: 9 }],
          },
        ),
      ],
    },
    {
      name: 'a ServiceAccount hook with a higher weight than the Job running as it, whatever the kind order says',
      files: {
        'templates/hooks.yaml': [
          serviceAccount('{{ .Release.Name }}-sa', {
            events: 'pre-upgrade',
            weight: '5',
            policy: 'before-hook-creation,hook-succeeded',
          }),
          '---',
          job('{{ .Release.Name }}-job', { events: 'pre-upgrade', weight: '1' }, 'not-in-chart', [
            '      serviceAccountName: {{ .Release.Name }}-sa',
          ]),
        ].join('\n'),
      },
      // The ServiceAccount takes lines 1-8, an empty line and "---" lines 9-10; the Job's serviceAccountName, line 22.
      errors: [
        {
          messageId: 'createdAfter',
          data: { event: 'pre-upgrade', kind: 'Job', target: 'ServiceAccount "release-name-sa"' },
          line: 22,
          column: 27,
          help: [/weight 1 runs before weight 5/],
        },
      ],
    },
    {
      name: 'an upgrade where hook-succeeded removed the Secret left by the install',
      files: upgradeReadingSecret({ events: 'pre-install,pre-upgrade', policy: 'hook-succeeded' }),
      errors: [atSecretName(17, { event: 'pre-upgrade' })],
    },
    {
      // A rollback runs the same hooks only when they are hooked on pre-rollback: not here.
      name: 'a first upgrade: a Secret hooked on pre-upgrade only, after the Job by name, does not exist yet',
      files: upgradeReadingSecret({ events: 'pre-upgrade' }),
      errors: [
        atSecretName(
          17,
          { event: 'pre-upgrade', kind: 'Job', target: 'Secret "release-name-b"' },
          { help: [/the pre-upgrade hooks of an upgrade fail at --timeout/, /^(?![\s\S]*rollback)/] },
        ),
      ],
    },
    {
      name: 'job-… sorts before secret-x under any release name',
      files: sameWeight('job-{{ .Release.Name }}', 'secret-x'),
      errors: [atSecretName(17, { event: 'pre-install', target: 'Secret "secret-x"' })],
    },
    {
      name: 'a release named like the chart, under the release name release-name: the Job sorts first',
      files: NAMED_LIKE_CHART,
      options: { releaseName: 'release-name' },
      errors: [atSecretName(19, { event: 'pre-install', target: 'Secret "release-name-app-scripts"' })],
    },
    {
      // The values file of `-f values-install-suffix.yaml` as the chart's own: "<fullname>-install" sorts before
      // "<fullname>-scripts" under any release name (the positive control of the valid case above).
      name: 'a release named like the chart, with a Job named <fullname>-install',
      files: { ...NAMED_LIKE_CHART, 'values.yaml': NAMED_LIKE_CHART['values-install-suffix.yaml']! },
      errors: [atSecretName(19, { event: 'pre-install' })],
    },
    {
      name: 'the order through annotations built with toYaml from values and names built by a fullname helper',
      files: {
        'values.yaml': [
          'jobAnnotations:',
          '  helm.sh/hook: pre-install',
          'secretAnnotations:',
          '  helm.sh/hook: pre-install',
          '  helm.sh/hook-weight: "1"',
          '',
        ].join('\n'),
        'templates/_helpers.tpl': '{{- define "app.fullname" -}}{{ .Release.Name }}-app{{- end -}}\n',
        'templates/job.yaml': job(
          '{{ include "app.fullname" . }}-migrate',
          { events: 'pre-install' },
          '{{ include "app.fullname" . }}-db',
        ).replace(
          '  annotations:\n    helm.sh/hook: pre-install\n',
          '  annotations:\n    {{- toYaml .Values.jobAnnotations | nindent 4 }}\n',
        ),
        'templates/secret.yaml': secret('{{ include "app.fullname" . }}-db', { events: 'pre-install' }).replace(
          '  annotations:\n    helm.sh/hook: pre-install\n',
          '  annotations:\n    {{- toYaml .Values.secretAnnotations | nindent 4 }}\n',
        ),
      },
      errors: [
        atSecretName(
          17,
          { event: 'pre-install', target: 'Secret "release-name-app-db"' },
          { help: [/weight 0 runs before weight 1/] },
        ),
      ],
    },
    {
      // On install the Secret runs first; on upgrade (IsInstall false) it has weight 1 and runs after the Job.
      name: 'a Secret gated on .Release.IsInstall: silent for install, reported for upgrade',
      files: {
        'templates/job.yaml': job(
          '{{ .Release.Name }}-a',
          { events: 'pre-install,pre-upgrade', policy: 'hook-succeeded' },
          '{{ .Release.Name }}-b',
        ),
        'templates/secret.yaml':
          '{{- if .Release.IsInstall }}\n' +
          secret('{{ .Release.Name }}-b', {
            events: 'pre-install,pre-upgrade',
            weight: '-1',
            policy: 'hook-succeeded',
          }) +
          '{{- else }}\n' +
          secret('{{ .Release.Name }}-b', { events: 'pre-upgrade', weight: '1', policy: 'hook-succeeded' }) +
          '{{- end }}\n',
      },
      errors: [atSecretName(18, { event: 'pre-upgrade' })],
    },
    {
      // syncwaves/waves.go: argocd.argoproj.io/sync-wave wins over helm.sh/hook-weight; sync_context.go:678-685 runs a
      // wave only after the one before it has completed. On a later sync the first sync's Secret is still there at
      // wave 0 (BeforeHookCreation deletes it only when its own task runs, sync_context.go:1700-1702).
      name: 'Argo CD: a PreSync Job reading a Secret whose sync-wave is later, whatever its Helm weight',
      files: LATER_WAVE_SECRET,
      options: HELM_AND_ARGOCD,
      errors: [
        {
          messageId: 'argoLaterWave',
          data: { operation: 'first sync', place: 'PreSync wave 0', kind: 'Job', target: 'Secret "db"' },
          file: 'templates/job.yaml',
          line: 18,
          column: 25,
          endLine: 18,
          endColumn: 27,
          help: [
            /^Give the Secret a lower sync wave/,
            /applied by Argo CD in PreSync wave 1, which starts only after every hook of wave 0 has finished/,
            NO_LATER_SYNC,
          ],
          related: [{ file: 'templates/secret.yaml', line: 4, column: 9 }],
        },
      ],
    },
    {
      name: 'Argo CD: a literal later sync wave on a PreSync hook (the positive control of the lookup case)',
      files: argoSecretInWave('"1"'),
      options: HELM_AND_ARGOCD,
      errors: [
        {
          messageId: 'argoLaterWave',
          data: { operation: 'first sync', place: 'PreSync wave 0' },
          file: 'templates/job.yaml',
          line: 18,
          column: 25,
        },
      ],
    },
    {
      // Same weight: Helm runs "a-migrate" before "b-sa" by name and reports it; Argo CD's wave 0 holds both.
      name: "Argo CD: a ServiceAccount of the same wave, applied together: Helm's finding only",
      files: {
        'templates/sa.yaml': v1Object('ServiceAccount', 'b-sa', ['helm.sh/hook: pre-install']),
        'templates/secret.yaml': v1Object('Secret', 'db', ['helm.sh/hook: pre-install', 'helm.sh/hook-weight: "-1"']),
        'templates/job.yaml': jobReadingSecretDb(['helm.sh/hook: pre-install'], 'b-sa', 'a-migrate'),
      },
      options: HELM_AND_ARGOCD,
      errors: [
        {
          messageId: 'createdAfter',
          data: { event: 'pre-install', target: 'ServiceAccount "b-sa"' },
          file: 'templates/job.yaml',
          line: 11,
          column: 27,
        },
      ],
    },
  ],
});
