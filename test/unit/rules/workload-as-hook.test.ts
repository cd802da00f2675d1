import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertChartDocsExamples, chartFindings, MemoryCharts, where } from '../../support/chart-tester';

const RULE = 'workload-as-hook';
const charts = new MemoryCharts();

function workload(kind: string, annotations: string[]): string {
  return [
    kind === 'ReplicaSet' || kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet'
      ? 'apiVersion: apps/v1'
      : 'apiVersion: batch/v1',
    `kind: ${kind}`,
    'metadata:',
    '  name: {{ .Release.Name }}-db',
    ...(annotations.length > 0 ? ['  annotations:', ...annotations.map((line) => `    ${line}`)] : []),
    'spec:',
    '  selector:',
    '    matchLabels: {app: db}',
    '  template:',
    '    metadata:',
    '      labels: {app: db}',
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    '        - name: db',
    '          image: postgres:16.4',
    '',
  ].join('\n');
}

function messageOf(kind: string, annotations: string[]): string | undefined {
  const findings = chartFindings(charts.write({ 'templates/db.yaml': workload(kind, annotations) }), RULE);
  assert.ok(findings.length <= 1);
  return findings[0]?.message;
}

describe(RULE, () => {
  it('reports a pre-install StatefulSet at its helm.sh/hook value: never upgraded, never uninstalled', () => {
    const chart = charts.write({ 'templates/db.yaml': workload('StatefulSet', ['helm.sh/hook: pre-install']) });
    const findings = chartFindings(chart, RULE);
    assert.deepEqual(
      findings.map((finding) => where(chart, finding)),
      ['templates/db.yaml:6 "pre-install"'],
    );
    assert.equal(findings[0]!.severity, 'warning');
    assert.equal(
      findings[0]!.message,
      'helm upgrade never updates this StatefulSet, and helm uninstall leaves it running: as a pre-install hook, it is not part of the release.',
    );
    assert.match(findings[0]!.help, /^Make it a normal release resource/);
    assert.match(
      findings[0]!.help,
      /Helm does not wait for a StatefulSet hook to become ready \(only Jobs and Pods are waited for\)/,
    );
  });

  it('follows its events and delete policy: re-created by each upgrade, deleted after its event, or only left behind', () => {
    assert.equal(
      messageOf('Deployment', ['helm.sh/hook: pre-install,pre-upgrade']),
      'Every upgrade deletes and re-creates this Deployment, and helm uninstall leaves it running: as a hook, it is not part of the release.',
    );
    assert.equal(
      messageOf('DaemonSet', ['helm.sh/hook: post-install', 'helm.sh/hook-delete-policy: hook-succeeded']),
      'Helm deletes this DaemonSet as soon as its post-install hooks have succeeded: as a hook, it does not run past its event.',
    );
    assert.equal(
      messageOf('ReplicaSet', ['helm.sh/hook: post-install,post-upgrade', 'helm.sh/hook-delete-policy: hook-failed']),
      'helm uninstall leaves this ReplicaSet running: as a hook, it is not part of the release.',
    );
  });

  it("stays silent for a Job hook, a release Deployment, a templated hook annotation and a subchart's workload", () => {
    assert.equal(messageOf('Job', ['helm.sh/hook: pre-install']), undefined);
    assert.equal(messageOf('Deployment', []), undefined);
    assert.deepEqual(
      chartFindings(
        charts.write({
          'templates/db.yaml': workload('Deployment', ['helm.sh/hook: {{ .Values.events }}']),
          'values.yaml': 'events: null\n',
        }),
        RULE,
      ),
      [],
    );
    const sub = charts.write({
      'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
      'charts/db/templates/db.yaml': workload('StatefulSet', ['helm.sh/hook: pre-install']),
    });
    assert.deepEqual(chartFindings(sub, RULE), []);
  });

  it('reports its documented bad example and not its good one', () => {
    assertChartDocsExamples(charts, RULE);
  });
});
