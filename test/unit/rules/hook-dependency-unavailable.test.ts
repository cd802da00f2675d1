import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertChartDocsExamples, chartFindings, MemoryCharts, where } from '../../support/chart-tester';

const RULE = 'hook-dependency-unavailable';
const charts = new MemoryCharts();

function object(kind: string, name: string, annotations: string[] = []): string {
  const lines = ['apiVersion: v1', `kind: ${kind}`, 'metadata:', `  name: ${name}`];
  if (annotations.length > 0) lines.push('  annotations:', ...annotations.map((line) => `    ${line}`));
  return [...lines, ''].join('\n');
}

/** A Job hook whose pod reads `reads` (lines under the pod spec, indented for it). */
function job(events: string, podSpec: string[], container: string[] = []): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: {{ .Release.Name }}-migrate',
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

const SECRET_ENV = [
  'env:',
  '  - name: PASSWORD',
  '    valueFrom:',
  '      secretKeyRef:',
  '        name: {{ .Release.Name }}-db',
  '        key: password',
];

describe(RULE, () => {
  it('reports a pre-install Job reading a normal Secret of the chart through secretKeyRef, with the Secret as related', () => {
    const chart = charts.write({
      'templates/secret.yaml': object('Secret', '{{ .Release.Name }}-db'),
      'templates/job.yaml': job('pre-install', [], SECRET_ENV),
    });
    const findings = chartFindings(chart, RULE);
    assert.deepEqual(
      findings.map((finding) => where(chart, finding)),
      ['templates/job.yaml:18 "{{ .Release.Name }}-db"'],
    );
    assert.equal(findings[0]!.severity, 'error');
    assert.match(findings[0]!.message, /install .* pre-install Job reads Secret "release-name-db"/);
    assert.match(
      findings[0]!.help,
      /reads Secret "release-name-db" \(env secretKeyRef\), which at pre-install of an install is a release resource: Helm creates it only after every pre-install hook has succeeded/,
    );
    assert.deepEqual(
      findings[0]!.related.map((related) => where(chart, related)),
      ['templates/secret.yaml:4 "{{ .Release.Name }}-db"'],
    );
  });

  it('reports envFrom, configMap and projected volumes, a PVC and the service account of a pre-install hook', () => {
    const chart = charts.write({
      'templates/objects.yaml': [
        object('ConfigMap', 'config'),
        object('Secret', 'creds'),
        object('PersistentVolumeClaim', 'data'),
        object('ServiceAccount', 'runner'),
        object('ConfigMap', 'extra'),
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
    });
    const fields = chartFindings(chart, RULE).map((finding) =>
      /reads (\w+ "\w+") \(([^)]*\)?)\)/.exec(finding.help)?.slice(1, 3).join(' via '),
    );
    assert.deepEqual(fields.sort(), [
      'ConfigMap "config" via volume "cfg"',
      'ConfigMap "extra" via envFrom configMapRef',
      'PersistentVolumeClaim "data" via volume "data"',
      'Secret "creds" via volume "all" (projected secret)',
      'ServiceAccount "runner" via serviceAccountName',
    ]);
  });

  it('reports a post-install hook reading a pre-install hook that hook-succeeded has deleted, and a post-delete hook reading a release resource', () => {
    const deleted = charts.write({
      'templates/secret.yaml': object('Secret', '{{ .Release.Name }}-db', [
        'helm.sh/hook: pre-install',
        'helm.sh/hook-delete-policy: hook-succeeded',
      ]),
      'templates/job.yaml': job('post-install', [], SECRET_ENV),
    });
    assert.match(
      chartFindings(deleted, RULE)[0]?.help ?? '',
      /at post-install of an install is deleted at the end of pre-install \(hook-succeeded\)/,
    );
    const uninstalled = charts.write({
      'templates/secret.yaml': object('Secret', '{{ .Release.Name }}-db'),
      'templates/job.yaml': job('post-delete', [], SECRET_ENV),
    });
    const [afterUninstall] = chartFindings(uninstalled, RULE);
    assert.match(afterUninstall?.message ?? '', /uninstall .* post-delete Job/);
    assert.match(afterUninstall?.help ?? '', /deleted by helm uninstall before the post-delete hooks run/);
  });

  it('reports a Secret hooked on pre-install with hook-succeeded where later events read it: pre-upgrade, pre-delete, test', () => {
    const secret = object('Secret', '{{ .Release.Name }}-db', [
      'helm.sh/hook: pre-install',
      'helm.sh/hook-weight: "-5"',
      'helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
    ]);
    const chart = charts.write({
      'templates/secret.yaml': secret,
      'templates/migrate.yaml': job('pre-install,pre-upgrade', [], SECRET_ENV),
      'templates/backup.yaml': job('pre-delete', [], SECRET_ENV).replace('-migrate', '-backup'),
      'templates/test.yaml': job('test', [], SECRET_ENV).replace('-migrate', '-test'),
    });
    const findings = chartFindings(chart, RULE);
    const byFile = Object.fromEntries(findings.map((finding) => [where(chart, finding).split(':')[0], finding]));
    assert.deepEqual(Object.keys(byFile).sort(), [
      'templates/backup.yaml',
      'templates/migrate.yaml',
      'templates/test.yaml',
    ]);
    assert.match(
      byFile['templates/migrate.yaml']!.message,
      /^The upgrade fails at --timeout: this pre-upgrade Job reads Secret "release-name-db"/,
    );
    assert.match(
      byFile['templates/migrate.yaml']!.help,
      /at pre-upgrade of an upgrade is deleted at the end of pre-install \(hook-succeeded\)/,
    );
    assert.match(byFile['templates/migrate.yaml']!.help, /^Keep the object until pre-upgrade: drop hook-succeeded/);
    assert.match(byFile['templates/backup.yaml']!.message, /^The uninstall fails at --timeout: this pre-delete Job/);
    assert.match(byFile['templates/test.yaml']!.message, /^The helm test fails at --timeout: this test Job/);
  });

  it('reports a pre-rollback hook reading what hook-succeeded removed at the end of the upgrade before it', () => {
    const secret = object('Secret', '{{ .Release.Name }}-db', [
      'helm.sh/hook: pre-upgrade',
      'helm.sh/hook-weight: "-5"',
      'helm.sh/hook-delete-policy: hook-succeeded',
    ]);
    const chart = charts.write({
      'templates/secret.yaml': secret,
      'templates/job.yaml': job('pre-rollback', [], SECRET_ENV),
    });
    const [finding] = chartFindings(chart, RULE);
    assert.match(finding?.message ?? '', /^The rollback fails at --timeout: this pre-rollback Job/);
    assert.match(finding?.help ?? '', /deleted at the end of pre-upgrade \(hook-succeeded\)/);
  });

  it('stays silent where an earlier run left the object: a pre-install hook without hook-succeeded read at pre-upgrade and pre-delete', () => {
    const left = object('Secret', '{{ .Release.Name }}-db', ['helm.sh/hook: pre-install', 'helm.sh/hook-weight: "-5"']);
    const chart = charts.write({
      'templates/secret.yaml': left,
      'templates/job.yaml': job('pre-install,pre-upgrade,pre-delete', [], SECRET_ENV),
    });
    assert.deepEqual(chartFindings(chart, RULE), []);
  });

  it('warns where only helm upgrade --install after a failed install misses the object: pre-upgrade runs before any release resource', () => {
    const init = job('pre-install', []).replace('-migrate', '-init');
    const settings = object('ConfigMap', '{{ .Release.Name }}-settings', ['helm.sh/hook: post-install']);
    const chart = charts.write({
      'templates/secret.yaml': object('Secret', '{{ .Release.Name }}-db'),
      'templates/settings.yaml': settings,
      'templates/init.yaml': init,
      'templates/job.yaml': job(
        'pre-upgrade',
        [],
        [...SECRET_ENV, 'envFrom:', '  - configMapRef:', '      name: {{ .Release.Name }}-settings'],
      ),
    });
    const findings = chartFindings(chart, RULE);
    assert.deepEqual(
      findings.map((finding) => [where(chart, finding), finding.severity]),
      [
        ['templates/job.yaml:18 "{{ .Release.Name }}-db"', 'warning'],
        ['templates/job.yaml:22 "{{ .Release.Name }}-settings"', 'warning'],
      ],
    );
    assert.match(
      findings[0]!.message,
      /^After a failed install, helm upgrade --install fails at --timeout: this pre-upgrade Job reads Secret "release-name-db"/,
    );
    assert.match(
      findings[0]!.help,
      /a release resource: the install failed at pre-install hook Job "release-name-init", before Helm creates any/,
    );
    assert.match(
      findings[1]!.help,
      /created only at install, and the install failed at pre-install hook Job "release-name-init" before creating it/,
    );
    // Without a hook that can fail the install (no pre- or post-install Job or Pod), there is nothing to warn about.
    const noInit = charts.write({
      'templates/secret.yaml': object('Secret', '{{ .Release.Name }}-db'),
      'templates/job.yaml': job('pre-upgrade', [], SECRET_ENV),
    });
    assert.deepEqual(chartFindings(noInit, RULE), []);
  });

  it('stays silent when the object exists by then: post-install, a kept pre-install hook, resource-policy on post-delete, an earlier hook', () => {
    const release = object('Secret', '{{ .Release.Name }}-db');
    assert.deepEqual(
      chartFindings(
        charts.write({ 'templates/secret.yaml': release, 'templates/job.yaml': job('post-install', [], SECRET_ENV) }),
        RULE,
      ),
      [],
    );
    assert.deepEqual(
      chartFindings(
        charts.write({ 'templates/secret.yaml': release, 'templates/job.yaml': job('pre-upgrade', [], SECRET_ENV) }),
        RULE,
      ),
      [],
    );
    const kept = object('Secret', '{{ .Release.Name }}-db', ['helm.sh/hook: pre-install']);
    assert.deepEqual(
      chartFindings(
        charts.write({ 'templates/secret.yaml': kept, 'templates/job.yaml': job('post-install', [], SECRET_ENV) }),
        RULE,
      ),
      [],
    );
    const policy = object('Secret', '{{ .Release.Name }}-db', ['helm.sh/resource-policy: keep']);
    assert.deepEqual(
      chartFindings(
        charts.write({ 'templates/secret.yaml': policy, 'templates/job.yaml': job('post-delete', [], SECRET_ENV) }),
        RULE,
      ),
      [],
    );
    const earlier = object('Secret', '{{ .Release.Name }}-db', [
      'helm.sh/hook: pre-install',
      'helm.sh/hook-weight: "-1"',
    ]);
    assert.deepEqual(
      chartFindings(
        charts.write({ 'templates/secret.yaml': earlier, 'templates/job.yaml': job('pre-install', [], SECRET_ENV) }),
        RULE,
      ),
      [],
    );
  });

  it('stays silent for objects the chart does not render, names from values, optional references and lookup-guarded Secrets', () => {
    const existing = job(
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
    );
    assert.deepEqual(
      chartFindings(
        charts.write({ 'templates/job.yaml': existing, 'values.yaml': 'existingSecret: made-by-hand\n' }),
        RULE,
      ),
      [],
    );
    const optional = job('pre-install', [], [...SECRET_ENV, '        optional: true']);
    assert.deepEqual(
      chartFindings(
        charts.write({
          'templates/secret.yaml': object('Secret', '{{ .Release.Name }}-db'),
          'templates/job.yaml': optional,
        }),
        RULE,
      ),
      [],
    );
    const guarded =
      '{{- if not (lookup "v1" "Secret" .Release.Namespace (printf "%s-db" .Release.Name)) }}\n' +
      object('Secret', '{{ .Release.Name }}-db') +
      '{{- end }}\n';
    assert.deepEqual(
      chartFindings(
        charts.write({ 'templates/secret.yaml': guarded, 'templates/job.yaml': job('pre-install', [], SECRET_ENV) }),
        RULE,
      ),
      [],
    );
    const pullSecret = job('pre-install', ['imagePullSecrets:', '  - name: {{ .Release.Name }}-db']);
    assert.deepEqual(
      chartFindings(
        charts.write({
          'templates/secret.yaml': object('Secret', '{{ .Release.Name }}-db'),
          'templates/job.yaml': pullSecret,
        }),
        RULE,
      ),
      [],
    );
  });

  it('finds a hook whose annotations come from values through toYaml', () => {
    const chart = charts.write({
      'values.yaml': 'job:\n  annotations:\n    helm.sh/hook: pre-install\n',
      'templates/secret.yaml': object('Secret', '{{ .Release.Name }}-db'),
      'templates/job.yaml': job('pre-install', [], SECRET_ENV).replace(
        '  annotations:\n    helm.sh/hook: pre-install\n',
        '  annotations:\n    {{- toYaml .Values.job.annotations | nindent 4 }}\n',
      ),
    });
    assert.deepEqual(
      chartFindings(chart, RULE).map((finding) => where(chart, finding)),
      ['templates/job.yaml:18 "{{ .Release.Name }}-db"'],
    );
  });

  it('reports its documented bad example and not its good one', () => {
    assertChartDocsExamples(charts, RULE);
  });
});
