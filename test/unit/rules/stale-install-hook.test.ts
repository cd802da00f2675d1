import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertChartDocsExamples, chartFindings, MemoryCharts, where } from '../../support/chart-tester';

const RULE = 'stale-install-hook';
const charts = new MemoryCharts();

function object(kind: string, name: string, annotations: string[] = []): string {
  const lines = ['apiVersion: v1', `kind: ${kind}`, 'metadata:', `  name: ${name}`];
  if (annotations.length > 0) lines.push('  annotations:', ...annotations.map((line) => `    ${line}`));
  return [...lines, ''].join('\n');
}

/** A release Deployment (a hook when `hook` is given) whose container has the `container` lines, indented for it. */
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

const ENV_FROM = ['envFrom:', '  - configMapRef:', '      name: {{ .Release.Name }}-config'];
const CONFIG = '{{ .Release.Name }}-config';

describe(RULE, () => {
  it('reports a pre-install ConfigMap that a release Deployment reads through envFrom, at its helm.sh/hook value, with the reader as related', () => {
    const chart = charts.write({
      'templates/config.yaml': object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install']),
      'templates/app.yaml': deployment(ENV_FROM),
    });
    const findings = chartFindings(chart, RULE);
    assert.deepEqual(
      findings.map((finding) => where(chart, finding)),
      ['templates/config.yaml:6 "pre-install"'],
    );
    assert.equal(findings[0]!.severity, 'warning');
    assert.equal(
      findings[0]!.message,
      'helm upgrade never updates this ConfigMap, which Deployment "release-name-app" reads: it is a pre-install hook only.',
    );
    assert.match(findings[0]!.help, /^Hook it on pre-upgrade as well/);
    assert.match(findings[0]!.help, /helm upgrade runs only pre-upgrade and post-upgrade hooks/);
    assert.deepEqual(
      findings[0]!.related.map((related) => where(chart, related)),
      ['templates/app.yaml:17 "{{ .Release.Name }}-config"'],
    );
  });

  it('reports install-only hooks read by env valueFrom, volumes, serviceAccountName and imagePullSecrets', () => {
    const chart = charts.write({
      'templates/objects.yaml': [
        object('Secret', 'creds', ['helm.sh/hook: pre-install,post-install']),
        object('ConfigMap', 'files', ['helm.sh/hook: post-install']),
        object('ServiceAccount', 'runner', ['helm.sh/hook: pre-install']),
        object('Secret', 'registry', ['helm.sh/hook: pre-install']),
      ].join('---\n'),
      'templates/app.yaml': deployment(
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
      ),
    });
    const fields = chartFindings(chart, RULE).map(
      (finding) => `${finding.message.split(',')[0]} via ${/\(([^)]+)\)$/.exec(finding.related[0]!.message)?.[1]}`,
    );
    assert.deepEqual(fields.sort(), [
      'helm upgrade never updates this ConfigMap via volume "files"',
      'helm upgrade never updates this Secret via env secretKeyRef',
      'helm upgrade never updates this Secret via imagePullSecrets',
      'helm upgrade never updates this ServiceAccount via serviceAccountName',
    ]);
    assert.match(
      chartFindings(chart, RULE).find((finding) => finding.related[0]!.message.includes('env secretKeyRef'))?.message ??
        '',
      /which Deployment "release-name-app" reads: it has no pre-upgrade or post-upgrade event\.$/,
    );
  });

  it('reports a pre-upgrade-only Secret that a release resource needs: a fresh install never creates it', () => {
    const chart = charts.write({
      'templates/secret.yaml': object('Secret', 'creds', ['helm.sh/hook: pre-upgrade']),
      'templates/app.yaml': deployment(['envFrom:', '  - secretRef:', '      name: creds']),
    });
    const [finding] = chartFindings(chart, RULE);
    assert.equal(
      finding?.message,
      'A fresh install never creates this Secret, which Deployment "release-name-app" reads: it is a pre-upgrade hook only.',
    );
    assert.match(finding!.help, /helm upgrade --install of a new release/);
  });

  it('stays silent when the object is hooked on both paths, or another document of its name covers the other path', () => {
    const both = charts.write({
      'templates/config.yaml': object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install,pre-upgrade']),
      'templates/app.yaml': deployment(ENV_FROM),
    });
    assert.deepEqual(chartFindings(both, RULE), []);
    const split = charts.write({
      'templates/config.yaml': [
        object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install']),
        object('ConfigMap', CONFIG, ['helm.sh/hook: pre-upgrade']),
      ].join('---\n'),
      'templates/app.yaml': deployment(ENV_FROM),
    });
    assert.deepEqual(chartFindings(split, RULE), []);
  });

  it('stays silent for a release object, a claim, a hook deleted after success, a hook reader, and an optional read of an upgrade-only object', () => {
    const cases: Record<string, string>[] = [
      { 'templates/config.yaml': object('ConfigMap', CONFIG), 'templates/app.yaml': deployment(ENV_FROM) },
      {
        'templates/config.yaml': object('ConfigMap', CONFIG, [
          'helm.sh/hook: pre-install',
          'helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
        ]),
        'templates/app.yaml': deployment(ENV_FROM),
      },
      {
        'templates/config.yaml': object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install']),
        'templates/app.yaml': deployment(ENV_FROM, [], 'post-install'),
      },
      {
        'templates/data.yaml': object('PersistentVolumeClaim', 'data', ['helm.sh/hook: pre-install']),
        'templates/app.yaml': deployment(
          [],
          ['volumes:', '  - name: data', '    persistentVolumeClaim:', '      claimName: data'],
        ),
      },
      {
        'templates/secret.yaml': object('Secret', 'creds', ['helm.sh/hook: pre-upgrade']),
        'templates/app.yaml': deployment(['envFrom:', '  - secretRef:', '      name: creds', '      optional: true']),
      },
    ];
    for (const files of cases) assert.deepEqual(chartFindings(charts.write(files), RULE), [], Object.values(files)[0]);
  });

  it('stays silent for a pre-install Secret generated once with randAlphaNum: keeping it is the point', () => {
    const generated = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: creds',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      'stringData:',
      '  password: {{ randAlphaNum 24 | quote }}',
      '',
    ].join('\n');
    const envFrom = ['envFrom:', '  - secretRef:', '      name: creds'];
    assert.deepEqual(
      chartFindings(
        charts.write({ 'templates/secret.yaml': generated, 'templates/app.yaml': deployment(envFrom) }),
        RULE,
      ),
      [],
    );
    const literal = generated.replace('{{ randAlphaNum 24 | quote }}', 'from-values');
    assert.equal(
      chartFindings(charts.write({ 'templates/secret.yaml': literal, 'templates/app.yaml': deployment(envFrom) }), RULE)
        .length,
      1,
      'positive control: literal data is reported',
    );
  });

  it('stays silent when the name comes from lookup or chance, or the objects come from a subchart', () => {
    const random = charts.write({
      'templates/config.yaml': object('ConfigMap', '{{ .Release.Name }}-{{ randAlphaNum 5 | lower }}', [
        'helm.sh/hook: pre-install',
      ]),
      'templates/app.yaml': deployment(ENV_FROM),
    });
    assert.deepEqual(chartFindings(random, RULE), []);
    const guarded = charts.write({
      'templates/config.yaml': `{{- if not (lookup "v1" "ConfigMap" .Release.Namespace "${CONFIG}") }}\n${object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install'])}{{- end }}\n`,
      'templates/app.yaml': deployment(ENV_FROM),
    });
    assert.deepEqual(chartFindings(guarded, RULE), []);
    const sub = charts.write({
      'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
      'charts/db/templates/config.yaml': object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install']),
      'charts/db/templates/app.yaml': deployment(ENV_FROM),
    });
    assert.deepEqual(chartFindings(sub, RULE), []);
    // Positive control: the same two templates in the chart itself are reported.
    const own = charts.write({
      'templates/config.yaml': object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install']),
      'templates/app.yaml': deployment(ENV_FROM),
    });
    assert.equal(chartFindings(own, RULE).length, 1);
  });

  it('finds both cases when the chart renders install and upgrade apart (a template reads .Release.IsUpgrade), and follows what each renders', () => {
    const files = {
      'templates/config.yaml': object('ConfigMap', CONFIG, ['helm.sh/hook: pre-install']),
      'templates/secret.yaml': object('Secret', 'creds', ['helm.sh/hook: pre-upgrade']),
      'templates/app.yaml': deployment(
        [...ENV_FROM, '  - secretRef:', '      name: creds'],
        ['{{- if .Release.IsUpgrade }}', 'terminationGracePeriodSeconds: 5', '{{- end }}'],
      ),
    };
    const chart = charts.write(files);
    assert.deepEqual(
      chartFindings(chart, RULE)
        .map((finding) => `${where(chart, finding)} ${finding.message.split(',')[0]}`)
        .sort(),
      [
        'templates/config.yaml:6 "pre-install" helm upgrade never updates this ConfigMap',
        'templates/secret.yaml:6 "pre-upgrade" A fresh install never creates this Secret',
      ],
    );
    // Hooked on the path each render takes: the install render has it on pre-install, the upgrade render on pre-upgrade.
    const switched = charts.write({
      ...files,
      'templates/config.yaml': object('ConfigMap', CONFIG, [
        'helm.sh/hook: {{ if .Release.IsInstall }}pre-install{{ else }}pre-upgrade{{ end }}',
      ]),
      'templates/secret.yaml': '',
    });
    assert.deepEqual(chartFindings(switched, RULE), []);
  });

  it('reports its documented bad example and not its good one', () => {
    assertChartDocsExamples(charts, RULE);
  });
});
