import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertChartDocsExamples, chartFindings, MemoryCharts, where } from '../../support/chart-tester';
import { configMapWith } from '../../support/rule-tester';

const RULE = 'hook-left-behind';
const charts = new MemoryCharts();

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

/** The rule's findings on a chart of one template (and, optionally, more files). */
function lint(
  text: string,
  files: Record<string, string> = {},
): { chart: string; findings: ReturnType<typeof chartFindings> } {
  const chart = charts.write({ 'templates/x.yaml': text, ...files });
  return { chart, findings: chartFindings(chart, RULE) };
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

describe(RULE, () => {
  it('reports a hook without a delete policy at its helm.sh/hook value: the default deletes it only before the next run', () => {
    const { chart, findings } = lint(configMapWith(['helm.sh/hook: pre-install']));
    assert.deepEqual(
      findings.map((finding) => where(chart, finding)),
      ['templates/x.yaml:6 "pre-install"'],
    );
    assert.equal(findings[0]!.severity, 'info');
    const { message, help } = findings[0]!;
    assert.match(message, /^This ConfigMap stays in the cluster after it succeeds/);
    assert.match(help, /^Add hook-succeeded to helm\.sh\/hook-delete-policy/);
    assert.match(
      help,
      /With no delete policy, Helm deletes it only just before the hook runs again \(the default before-hook-creation\)/,
    );
    assert.doesNotMatch(help, /ttlSecondsAfterFinished/);
  });

  it('points at the delete-policy value when there is one, and offers ttlSecondsAfterFinished for a Job', () => {
    const { chart, findings } = lint(
      job(['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: before-hook-creation,hook-failed']),
    );
    assert.deepEqual(
      findings.map((finding) => where(chart, finding)),
      ['templates/x.yaml:7 "before-hook-creation,hook-failed"'],
    );
    assert.match(findings[0]!.help, /before-hook-creation policy deletes it only just before the hook runs again/);
    assert.match(findings[0]!.help, /or set ttlSecondsAfterFinished on the Job/);
    assert.match(
      lint(job(['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-failed'])).findings[0]!.help,
      /hook-failed policy deletes it only when it fails/,
    );
  });

  it('stays silent when hook-succeeded deletes the object', () => {
    for (const policy of ['hook-succeeded', 'before-hook-creation,hook-succeeded', '"HOOK-SUCCEEDED, hook-failed"']) {
      assert.deepEqual(
        lint(configMapWith(['helm.sh/hook: post-install', `helm.sh/hook-delete-policy: ${policy}`])).findings,
        [],
        policy,
      );
    }
  });

  it('stays silent for a Job that sets ttlSecondsAfterFinished, from the template or from a define', () => {
    assert.deepEqual(
      lint(job(['helm.sh/hook: pre-upgrade'], ['spec:', '  ttlSecondsAfterFinished: 100'])).findings,
      [],
    );
    assert.deepEqual(
      lint(job(['helm.sh/hook: pre-upgrade'], ['spec:', '  ttlSecondsAfterFinished: {{ .Values.ttl }}']), {
        'values.yaml': 'ttl: 100\n',
      }).findings,
      [],
    );
    const helpers = {
      'templates/_helpers.tpl':
        '{{- define "job.spec" }}ttlSecondsAfterFinished: 100{{ end }}\n{{- define "labels" }}app: x{{ end }}\n',
    };
    assert.deepEqual(
      lint(job(['helm.sh/hook: pre-upgrade'], ['spec:', '  {{- include "job.spec" . | nindent 2 }}']), helpers)
        .findings,
      [],
    );
    // Output nested in the pod template cannot add a Job-level field.
    const nested = job(
      ['helm.sh/hook: pre-upgrade'],
      ['spec:', '  template:', '    metadata:', '      labels:', '        {{- include "labels" . | nindent 8 }}'],
    );
    assert.equal(lint(nested, helpers).findings.length, 1);
  });

  it('reads the policy and the events as Helm renders them from values', () => {
    assert.deepEqual(
      lint(configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: {{ .Values.policy }}']), {
        'values.yaml': 'policy: hook-succeeded\n',
      }).findings,
      [],
    );
    assert.equal(
      lint(configMapWith(['helm.sh/hook: {{ .Values.hook }}']), { 'values.yaml': 'hook: post-install\n' }).findings
        .length,
      1,
    );
    assert.equal(
      lint(configMapWith(['{{- toYaml .Values.annotations | nindent 4 }}']), {
        'values.yaml': 'annotations:\n  helm.sh/hook: pre-install\n',
      }).findings.length,
      1,
    );
  });

  it('stays silent when a hook of another event reads the object: hook-succeeded would delete it before that hook runs', () => {
    const secret = [
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
    assert.deepEqual(lint(secret, { 'templates/upgrade.yaml': reader('pre-upgrade', 'seed') }).findings, []);
    // Read only in its own event: nothing needs it afterwards.
    assert.equal(lint(secret, { 'templates/install.yaml': reader('pre-install', 'seed') }).findings.length, 1);
    // Another name is another object.
    assert.equal(lint(secret, { 'templates/upgrade.yaml': reader('pre-upgrade', 'other') }).findings.length, 1);
  });

  it('leaves CustomResourceDefinitions to crd-hook and unknown-only policies to unknown-delete-policy', () => {
    const crd = [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: a.b',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '',
    ].join('\n');
    assert.deepEqual(lint(crd).findings, []);
    assert.deepEqual(
      lint(configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-success'])).findings,
      [],
    );
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertChartDocsExamples(charts, RULE);
  });
});
