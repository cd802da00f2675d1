import type { ExpectedError } from '../../support/rule-tester';
import { ruleTester, v1Object } from '../../support/rule-tester';

/**
 * A release Deployment (a hook when `hook` is given) whose pod spec has the `podSpec` lines (from line 12, column 7)
 * and whose container the `container` lines (after containers, name and image), each indented for its place.
 */
function deployment(container: string[], podSpec: string[] = [], hook?: string): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: {{ .Release.Name }}-app',
    ...(hook ? ['  annotations:', `    helm.sh/hook: ${hook}`] : []),
    'spec:',
    '  selector:',
    '    matchLabels: {app: web}',
    '  template:',
    '    metadata:',
    '      labels: {app: web}',
    '    spec:',
    ...podSpec.map((line) => `      ${line}`),
    '      containers:',
    '        - name: app',
    '          image: nginx:1.27',
    ...container.map((line) => `          ${line}`),
    '',
  ].join('\n');
}

/** envFrom of the ConfigMap CONFIG: its name is on line 17 of deployment(ENV_FROM), from column 23. */
const ENV_FROM = ['envFrom:', '  - configMapRef:', '      name: {{ .Release.Name }}-config'];
const CONFIG = '{{ .Release.Name }}-config';
const SECRET_ENV_FROM = ['envFrom:', '  - secretRef:', '      name: creds'];
/** What helm install, and helm template, call the release unless told: the reader's name is rendered with it. */
const APP = 'Deployment "release-name-app"';
const UPGRADE_RUNS_ONLY_UPGRADE_HOOKS = /helm upgrade runs only pre-upgrade and post-upgrade hooks/;
const INSTALL_RUNS_ONLY_INSTALL_HOOKS =
  /helm install \(and helm upgrade --install of a new release\) runs only pre-install and post-install hooks/;

/** A finding at the helm.sh/hook value of v1Object() (line 6 of its document, from column 19). */
function atHook(
  file: string,
  line: number,
  events: string,
  expected: Omit<ExpectedError, 'line' | 'column'>,
): ExpectedError {
  return { file, line, column: 19, endLine: line, endColumn: 19 + events.length, severity: 'warning', ...expected };
}

/** Hooks an upgrade never updates, each read by the Deployment of READ_FOUR_WAYS in another way (lines 6, 13, 20, 27). */
const FOUR_HOOKS = [
  v1Object('Secret', 'creds', ['helm.sh/hook: pre-install,post-install']),
  v1Object('ConfigMap', 'files', ['helm.sh/hook: post-install']),
  v1Object('ServiceAccount', 'runner', ['helm.sh/hook: pre-install']),
  v1Object('Secret', 'registry', ['helm.sh/hook: pre-install']),
].join('---\n');
const READ_FOUR_WAYS = deployment(
  [
    'env:',
    '  - name: PASSWORD',
    '    valueFrom:',
    '      secretKeyRef:',
    '        name: creds',
    '        key: password',
  ],
  [
    'serviceAccountName: runner',
    'imagePullSecrets:',
    '  - name: registry',
    'volumes:',
    '  - name: files',
    '    configMap:',
    '      name: files',
  ],
);

/** A pre-install Secret whose password is generated once; with `password` literal instead, it is ordinary data. */
function secretWithPassword(password: string): string {
  return [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: creds',
    '  annotations:',
    '    helm.sh/hook: pre-install',
    'stringData:',
    `  password: ${password}`,
    '',
  ].join('\n');
}

/** A chart whose app template reads .Release.IsUpgrade, so install and upgrade render apart. */
const RENDERED_APART = {
  'templates/config.yaml': v1Object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install']),
  'templates/secret.yaml': v1Object('Secret', 'creds', ['helm.sh/hook: pre-upgrade']),
  'templates/app.yaml': deployment(
    [...ENV_FROM, '  - secretRef:', '      name: creds'],
    ['{{- if .Release.IsUpgrade }}', 'terminationGracePeriodSeconds: 5', '{{- end }}'],
  ),
};

ruleTester.run('stale-install-hook', {
  valid: [
    {
      name: 'hooked on both install and upgrade',
      files: {
        'templates/config.yaml': v1Object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install,pre-upgrade']),
        'templates/app.yaml': deployment(ENV_FROM),
      },
    },
    {
      name: 'another document of the same name covers the upgrade path',
      files: {
        'templates/config.yaml': [
          v1Object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install']),
          v1Object('ConfigMap', CONFIG, ['helm.sh/hook: pre-upgrade']),
        ].join('---\n'),
        'templates/app.yaml': deployment(ENV_FROM),
      },
    },
    {
      name: 'a release ConfigMap, not a hook',
      files: { 'templates/config.yaml': v1Object('ConfigMap', CONFIG), 'templates/app.yaml': deployment(ENV_FROM) },
    },
    {
      name: 'a pre-install hook that hook-succeeded deletes',
      files: {
        'templates/config.yaml': v1Object('ConfigMap', CONFIG, [
          'helm.sh/hook: pre-install',
          'helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
        ]),
        'templates/app.yaml': deployment(ENV_FROM),
      },
    },
    {
      name: 'the reader is itself a hook',
      files: {
        'templates/config.yaml': v1Object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install']),
        'templates/app.yaml': deployment(ENV_FROM, [], 'post-install'),
      },
    },
    {
      name: 'a pre-install PersistentVolumeClaim, the usual way to keep data',
      files: {
        'templates/data.yaml': v1Object('PersistentVolumeClaim', 'data', ['helm.sh/hook: pre-install']),
        'templates/app.yaml': deployment(
          [],
          ['volumes:', '  - name: data', '    persistentVolumeClaim:', '      claimName: data'],
        ),
      },
    },
    {
      name: 'an optional read of an upgrade-only Secret',
      files: {
        'templates/secret.yaml': v1Object('Secret', 'creds', ['helm.sh/hook: pre-upgrade']),
        'templates/app.yaml': deployment([...SECRET_ENV_FROM, '      optional: true']),
      },
    },
    {
      name: 'a pre-install Secret generated once with randAlphaNum: keeping it is the point',
      files: {
        'templates/secret.yaml': secretWithPassword('{{ randAlphaNum 24 | quote }}'),
        'templates/app.yaml': deployment(SECRET_ENV_FROM),
      },
    },
    {
      name: 'a name made by chance',
      files: {
        'templates/config.yaml': v1Object('ConfigMap', '{{ .Release.Name }}-{{ randAlphaNum 5 | lower }}', [
          'helm.sh/hook: pre-install',
        ]),
        'templates/app.yaml': deployment(ENV_FROM),
      },
    },
    {
      name: 'an object created only when lookup does not find it',
      files: {
        'templates/config.yaml': `{{- if not (lookup "v1" "ConfigMap" .Release.Namespace "${CONFIG}") }}\n${v1Object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install'])}{{- end }}\n`,
        'templates/app.yaml': deployment(ENV_FROM),
      },
    },
    {
      name: "a subchart's hook and reader",
      files: {
        'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
        'charts/db/templates/config.yaml': v1Object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install']),
        'charts/db/templates/app.yaml': deployment(ENV_FROM),
      },
    },
    {
      name: 'hooked on the path each render takes (.Release.IsInstall picks the event)',
      files: {
        ...RENDERED_APART,
        'templates/config.yaml': v1Object('ConfigMap', CONFIG, [
          'helm.sh/hook: {{ if .Release.IsInstall }}pre-install{{ else }}pre-upgrade{{ end }}',
        ]),
        'templates/secret.yaml': '',
      },
    },
  ],
  invalid: [
    {
      name: 'a pre-install ConfigMap a release Deployment reads through envFrom, the reader as related',
      files: {
        'templates/config.yaml': v1Object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install']),
        'templates/app.yaml': deployment(ENV_FROM),
      },
      errors: [
        atHook('templates/config.yaml', 6, 'pre-install', {
          messageId: 'notUpgraded',
          data: { what: 'this ConfigMap', reader: APP, only: 'it is a pre-install hook only' },
          help: [UPGRADE_RUNS_ONLY_UPGRADE_HOOKS],
          related: [{ file: 'templates/app.yaml', line: 17, column: 23, message: [/envFrom/] }],
        }),
      ],
    },
    {
      // Only the render knows the name, and it is not written literally in the reader's text: the evaluated view must
      // not take the release Deployment for one that reads no hook.
      name: 'a pre-install ConfigMap read under a name the reader writes with a YAML escape (\\x2d for -)',
      files: {
        'templates/config.yaml': v1Object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install']),
        'templates/app.yaml': deployment([
          'envFrom:',
          '  - configMapRef:',
          '      name: "{{ .Release.Name }}\\x2dconfig"',
        ]),
      },
      errors: [
        atHook('templates/config.yaml', 6, 'pre-install', {
          messageId: 'notUpgraded',
          data: { what: 'this ConfigMap', reader: APP, only: 'it is a pre-install hook only' },
          help: [UPGRADE_RUNS_ONLY_UPGRADE_HOOKS],
        }),
      ],
    },
    {
      name: 'install-only hooks read by env valueFrom, a volume, serviceAccountName and imagePullSecrets',
      files: { 'templates/objects.yaml': FOUR_HOOKS, 'templates/app.yaml': READ_FOUR_WAYS },
      errors: [
        atHook('templates/objects.yaml', 6, 'pre-install,post-install', {
          messageId: 'notUpgraded',
          data: { what: 'this Secret', reader: APP, only: 'it has no pre-upgrade or post-upgrade event' },
          related: [{ file: 'templates/app.yaml', line: 26, column: 25, message: [/env secretKeyRef/] }],
        }),
        atHook('templates/objects.yaml', 13, 'post-install', {
          messageId: 'notUpgraded',
          data: { what: 'this ConfigMap', only: 'it is a post-install hook only' },
          related: [{ file: 'templates/app.yaml', line: 18, column: 19, message: [/volume "files"/] }],
        }),
        atHook('templates/objects.yaml', 20, 'pre-install', {
          messageId: 'notUpgraded',
          data: { what: 'this ServiceAccount', only: 'it is a pre-install hook only' },
          related: [{ file: 'templates/app.yaml', line: 12, column: 27, message: [/serviceAccountName/] }],
        }),
        atHook('templates/objects.yaml', 27, 'pre-install', {
          messageId: 'notUpgraded',
          data: { what: 'this Secret', only: 'it is a pre-install hook only' },
          related: [{ file: 'templates/app.yaml', line: 14, column: 17, message: [/imagePullSecrets/] }],
        }),
      ],
    },
    {
      name: 'a pre-upgrade-only Secret a release resource needs: a fresh install never creates it',
      files: {
        'templates/secret.yaml': v1Object('Secret', 'creds', ['helm.sh/hook: pre-upgrade']),
        'templates/app.yaml': deployment(SECRET_ENV_FROM),
      },
      errors: [
        atHook('templates/secret.yaml', 6, 'pre-upgrade', {
          messageId: 'notInstalled',
          data: { what: 'this Secret', reader: APP, only: 'it is a pre-upgrade hook only' },
          help: [INSTALL_RUNS_ONLY_INSTALL_HOOKS],
        }),
      ],
    },
    {
      name: 'a pre-install Secret with literal data (the control for the generated one)',
      files: {
        'templates/secret.yaml': secretWithPassword('from-values'),
        'templates/app.yaml': deployment(SECRET_ENV_FROM),
      },
      errors: [atHook('templates/secret.yaml', 6, 'pre-install', { messageId: 'notUpgraded' })],
    },
    {
      name: 'install and upgrade rendered apart (.Release.IsUpgrade): each render finds its own case',
      files: RENDERED_APART,
      errors: [
        atHook('templates/config.yaml', 6, 'pre-install', { messageId: 'notUpgraded' }),
        atHook('templates/secret.yaml', 6, 'pre-upgrade', { messageId: 'notInstalled' }),
      ],
    },
  ],
});
