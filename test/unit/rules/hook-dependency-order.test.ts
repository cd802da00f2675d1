import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertChartDocsExamples, chartFindings, MemoryCharts, where } from '../../support/chart-tester';
import { FIXTURES } from '../../support/paths';

const RULE = 'hook-dependency-order';
const charts = new MemoryCharts();

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

/** A Job hook whose pod mounts `secretName` as a volume (and optionally runs as a service account). */
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

describe(RULE, () => {
  it('reports a Job that Helm runs before the Secret hook it mounts (same weight, its name sorts first), at the secretName', () => {
    const chart = charts.write({
      'templates/job.yaml': job(
        '{{ .Release.Name }}-password-update',
        { events: 'pre-install' },
        '{{ .Release.Name }}-previous-secret',
      ),
      'templates/secret.yaml': secret('{{ .Release.Name }}-previous-secret', { events: 'pre-install' }),
    });
    const findings = chartFindings(chart, RULE);
    assert.deepEqual(
      findings.map((finding) => where(chart, finding)),
      ['templates/job.yaml:17 "{{ .Release.Name }}-previous-secret"'],
    );
    const finding = findings[0]!;
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /reads Secret "release-name-previous-secret"/);
    assert.match(finding.help, /\(volume "creds"\)/);
    assert.match(
      finding.help,
      /both have weight 0, and Helm then orders by name: "release-name-password-update" sorts before "release-name-previous-secret"/,
    );
    assert.deepEqual(
      finding.related.map((related) => where(chart, related)),
      ['templates/secret.yaml:4 "{{ .Release.Name }}-previous-secret"'],
    );
  });

  it('reports a ServiceAccount hook with a higher weight than the Job that runs as it, whatever the kind order says', () => {
    const chart = charts.write({
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
    });
    const findings = chartFindings(chart, RULE);
    assert.deepEqual(
      findings.map((finding) => where(chart, finding)),
      ['templates/hooks.yaml:22 "{{ .Release.Name }}-sa"'],
    );
    assert.match(findings[0]!.help, /weight 1 runs before weight 5/);
  });

  it('stays silent when the Secret hook has a lower weight, or sorts first by name, or shares the name and sorts first by kind', () => {
    const lower = charts.write({
      'templates/job.yaml': job('{{ .Release.Name }}-a-job', { events: 'pre-install' }, '{{ .Release.Name }}-z-secret'),
      'templates/secret.yaml': secret('{{ .Release.Name }}-z-secret', { events: 'pre-install', weight: '-1' }),
    });
    assert.deepEqual(chartFindings(lower, RULE), []);
    const byName = charts.write({
      'templates/job.yaml': job(
        '{{ .Release.Name }}-password-update',
        { events: 'pre-install' },
        '{{ .Release.Name }}-new-secret',
      ),
      'templates/secret.yaml': secret('{{ .Release.Name }}-new-secret', { events: 'pre-install' }),
    });
    assert.deepEqual(chartFindings(byName, RULE), []);
    // argo-cd's redis-secret-init: every object named alike, no weights: Secret before Job by Helm's kind order.
    const byKind = charts.write({
      'templates/job.yaml': job('{{ .Release.Name }}-init', { events: 'pre-install' }, '{{ .Release.Name }}-init'),
      'templates/secret.yaml': secret('{{ .Release.Name }}-init', { events: 'pre-install' }),
    });
    assert.deepEqual(chartFindings(byKind, RULE), []);
  });

  it('stays silent on upgrade when an earlier run may have left the Secret (no hook-succeeded), and reports it when hook-succeeded removed it', () => {
    const files = (policy?: string) => ({
      'templates/job.yaml': job('{{ .Release.Name }}-a', { events: 'pre-upgrade' }, '{{ .Release.Name }}-b'),
      'templates/secret.yaml': secret('{{ .Release.Name }}-b', {
        events: 'pre-install,pre-upgrade',
        ...(policy ? { policy } : {}),
      }),
    });
    assert.deepEqual(chartFindings(charts.write(files()), RULE), []);
    assert.equal(chartFindings(charts.write(files('hook-succeeded')), RULE).length, 1);
  });

  it('reports a first upgrade: a Secret hooked on pre-upgrade only, after the Job by name, does not exist yet whatever its policy', () => {
    const chart = charts.write({
      'templates/job.yaml': job('{{ .Release.Name }}-a', { events: 'pre-upgrade' }, '{{ .Release.Name }}-b'),
      'templates/secret.yaml': secret('{{ .Release.Name }}-b', { events: 'pre-upgrade' }),
    });
    const [finding, ...more] = chartFindings(chart, RULE);
    assert.equal(more.length, 0);
    assert.match(
      finding?.message ?? '',
      /^The pre-upgrade hooks fail at --timeout: this Job reads Secret "release-name-b"/,
    );
    assert.match(finding?.help ?? '', /the pre-upgrade hooks of an upgrade fail at --timeout/);
    // A rollback runs the same hooks only when they are hooked on pre-rollback: not here.
    assert.doesNotMatch(finding?.help ?? '', /rollback/);
  });

  it('stays silent when the order depends on the release name, a weight from a lookup, or an optional volume', () => {
    const flips = charts.write({
      'templates/job.yaml': job('job-{{ .Release.Name }}', { events: 'pre-install' }, 'secret-x'),
      'templates/secret.yaml': secret('secret-x', { events: 'pre-install' }),
    });
    assert.equal(chartFindings(flips, RULE).length, 1, 'job-… sorts before secret-x under any release name');
    const releaseFirst = charts.write({
      'templates/job.yaml': job('{{ .Release.Name }}', { events: 'pre-install' }, 'n-secret'),
      'templates/secret.yaml': secret('n-secret', { events: 'pre-install' }),
    });
    // "release-name" and "zz-second" both sort after "n-secret": the Secret runs first under any name.
    assert.deepEqual(chartFindings(releaseFirst, RULE), []);
    const mixed = charts.write({
      'templates/job.yaml': job('{{ .Release.Name }}', { events: 'pre-install' }, 's-secret'),
      'templates/secret.yaml': secret('s-secret', { events: 'pre-install' }),
    });
    // "release-name" < "s-secret" but "zz-second" > "s-secret": not certain under both names.
    assert.deepEqual(chartFindings(mixed, RULE), []);
    const lookedUp = charts.write({
      'templates/job.yaml': job('{{ .Release.Name }}-a', { events: 'pre-install' }, '{{ .Release.Name }}-b').replace(
        'helm.sh/hook: pre-install',
        'helm.sh/hook: pre-install\n    helm.sh/hook-weight: {{ (lookup "v1" "ConfigMap" "x" "y").data.weight | default "0" | quote }}',
      ),
      'templates/secret.yaml': secret('{{ .Release.Name }}-b', { events: 'pre-install' }),
    });
    assert.deepEqual(chartFindings(lookedUp, RULE), []);
    const optional = charts.write({
      'templates/job.yaml': job('{{ .Release.Name }}-a', { events: 'pre-install' }, '{{ .Release.Name }}-b').replace(
        '            secretName:',
        '            optional: true\n            secretName:',
      ),
      'templates/secret.yaml': secret('{{ .Release.Name }}-b', { events: 'pre-install' }),
    });
    assert.deepEqual(chartFindings(optional, RULE), []);
  });

  it("stays silent when a release named like the chart reverses the order, through helm create's fullname helper", () => {
    const chart = join(FIXTURES, 'evaluated-first', 'release-named-like-chart');
    // Release "app": the fullname is "app", so "app-scripts" sorts before "pre-install-app" and the Secret runs first.
    assert.deepEqual(chartFindings(chart, RULE), []);
    assert.equal(
      chartFindings(chart, RULE, { releaseName: 'release-name' }).length,
      1,
      'under release-name the Job sorts first',
    );
    // Positive control: "<fullname>-install" sorts before "<fullname>-scripts" under any release name.
    const anyName = chartFindings(chart, RULE, {
      valuesFiles: [join(FIXTURES, 'evaluated-first', 'release-named-like-chart', 'values-install-suffix.yaml')],
    });
    assert.deepEqual(
      anyName.map((finding) => where(chart, finding)),
      ['templates/job.yaml:19 "{{ include \\"app.fullname\\" . }}-scripts"'],
    );
  });

  it('finds the order through annotations built with toYaml from values and names built by a fullname helper', () => {
    const chart = charts.write({
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
    });
    const findings = chartFindings(chart, RULE);
    assert.deepEqual(
      findings.map((finding) => where(chart, finding)),
      ['templates/job.yaml:17 "{{ include \\"app.fullname\\" . }}-db"'],
    );
    assert.match(findings[0]!.help, /weight 0 runs before weight 1/);
  });

  it('stays silent for a hook gated on .Release.IsUpgrade when judging install, and for objects the chart does not render', () => {
    const gated = charts.write({
      'templates/job.yaml': job(
        '{{ .Release.Name }}-a',
        { events: 'pre-install,pre-upgrade', policy: 'hook-succeeded' },
        '{{ .Release.Name }}-b',
      ),
      'templates/secret.yaml':
        '{{- if .Release.IsInstall }}\n' +
        secret('{{ .Release.Name }}-b', { events: 'pre-install,pre-upgrade', weight: '-1', policy: 'hook-succeeded' }) +
        '{{- else }}\n' +
        secret('{{ .Release.Name }}-b', { events: 'pre-upgrade', weight: '1', policy: 'hook-succeeded' }) +
        '{{- end }}\n',
    });
    // On install the Secret runs first; on upgrade (IsInstall false) it has weight 1 and runs after the Job.
    assert.deepEqual(
      chartFindings(gated, RULE).map((finding) => where(gated, finding)),
      ['templates/job.yaml:18 "{{ .Release.Name }}-b"'],
    );
    const outside = charts.write({
      'templates/job.yaml': job('{{ .Release.Name }}-a', { events: 'pre-install' }, '{{ .Values.existingSecret }}'),
      'values.yaml': 'existingSecret: made-by-hand\n',
    });
    assert.deepEqual(chartFindings(outside, RULE), []);
  });

  it('reports its documented bad example and not its good one', () => {
    assertChartDocsExamples(charts, RULE);
  });
});
