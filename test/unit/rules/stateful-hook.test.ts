import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartFindings, MemoryCharts, where } from '../../support/chart-tester';
import { assertDocsExamples, lint, pointedText } from '../../support/rule-tester';

const RULE = 'stateful-hook';

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

/** A workload of `kind` (a hook when `events` is given) whose pod mounts the claim `{{ .Release.Name }}-data`. */
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

describe(RULE, () => {
  const charts = new MemoryCharts();

  it('reports a PVC hooked on upgrade with the default policy that a release Deployment mounts, at its helm.sh/hook value', () => {
    const chart = charts.write({
      'templates/pvc.yaml': pvc(['helm.sh/hook: "pre-install, pre-upgrade"']),
      'templates/app.yaml': mounting('Deployment', 'app'),
    });
    const findings = chartFindings(chart, RULE);
    assert.deepEqual(
      findings.map((finding) => where(chart, finding)),
      ['templates/pvc.yaml:6 "\\"pre-install, pre-upgrade\\""'],
    );
    assert.equal(findings[0]!.severity, 'error');
    assert.match(
      findings[0]!.message,
      /^Every upgrade gives this PersistentVolumeClaim a new, empty volume, though Deployment "app" mounts its data/,
    );
    assert.match(
      findings[0]!.help,
      /The default delete policy, before-hook-creation, deletes it just before each pre-upgrade creates it again/,
    );
    assert.deepEqual(
      findings[0]!.related.map((related) => where(chart, related)),
      ['templates/app.yaml:19 "{{ .Release.Name }}-data"'],
    );
  });

  it('reports a claim that a hook of another event mounts: its data must outlive the run', () => {
    const chart = charts.write({
      'templates/pvc.yaml': pvc(['helm.sh/hook: pre-upgrade']),
      'templates/restore.yaml': mounting('Job', 'restore', 'post-rollback'),
    });
    assert.match(
      chartFindings(chart, RULE)[0]?.help ?? '',
      /Job "restore" \(a post-rollback hook, volume "data"\) still needs/,
    );
  });

  it('stays silent for a scratch claim that only hooks of its own events mount, and for a claim nothing in the chart mounts', () => {
    const scratch = charts.write({
      'templates/pvc.yaml': pvc(['helm.sh/hook: pre-upgrade', 'helm.sh/hook-weight: "-1"']),
      'templates/job.yaml': mounting('Job', 'migrate', 'pre-upgrade'),
    });
    assert.deepEqual(chartFindings(scratch, RULE), []);
    const unread = charts.write({ 'templates/pvc.yaml': pvc(['helm.sh/hook: pre-upgrade']) });
    assert.deepEqual(chartFindings(unread, RULE), []);
  });

  it('reports a Secret hook filled by randAlphaNum or genCA on rollback, and says keep does not help', () => {
    const text = secret(
      [
        'helm.sh/hook: pre-install,post-rollback',
        'helm.sh/hook-delete-policy: before-hook-creation',
        'helm.sh/resource-policy: keep',
      ],
      ['password: {{ randAlphaNum 32 | quote }}'],
    );
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['pre-install,post-rollback']);
    assert.match(
      findings[0]!.message,
      /^Every rollback generates new values for this Secret: as a hook whose data comes from randAlphaNum/,
    );
    assert.match(
      findings[0]!.help,
      /Its before-hook-creation policy deletes it just before each post-rollback creates it again with newly generated values/,
    );
    assert.match(findings[0]!.help, /helm\.sh\/resource-policy: keep does not apply to hooks/);
    const ca = secret(
      ['helm.sh/hook: pre-upgrade'],
      ['tls.crt: {{ $ca.Cert | b64enc }}'],
      ['{{- $ca := genCA "my-ca" 365 }}'],
    );
    assert.match(lint(RULE, ca)[0]!.message, /comes from genCA/);
  });

  it('counts hook-succeeded as deleting too', () => {
    const chart = charts.write({
      'templates/pvc.yaml': pvc(['helm.sh/hook: post-upgrade', 'helm.sh/hook-delete-policy: hook-succeeded']),
      'templates/app.yaml': mounting('Deployment', 'app'),
    });
    assert.match(
      chartFindings(chart, RULE)[0]?.help ?? '',
      /Its hook-succeeded policy deletes it after each post-upgrade, and the next run creates it again/,
    );
  });

  it('stays silent for a mounted claim that runs once, or whose policy never deletes it', () => {
    for (const lines of [
      ['helm.sh/hook: pre-install'],
      ['helm.sh/hook: pre-install,post-delete,test'],
      ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-failed'],
    ]) {
      const chart = charts.write({
        'templates/pvc.yaml': pvc(lines),
        'templates/app.yaml': mounting('Deployment', 'app'),
      });
      assert.deepEqual(chartFindings(chart, RULE), [], lines.join('; '));
    }
  });

  it('leaves claims to the chart view: the as-written lint of a claim alone says nothing', () => {
    assert.deepEqual(lint(RULE, pvc(['helm.sh/hook: pre-install,pre-upgrade'])), []);
  });

  it('stays silent for a Secret guarded by lookup, or with data that is not generated', () => {
    const guarded = secret(
      ['helm.sh/hook: pre-install,pre-upgrade'],
      ['password: {{ $password | quote }}'],
      [
        '{{- $existing := lookup "v1" "Secret" .Release.Namespace "db" }}',
        '{{- $password := randAlphaNum 32 }}',
        '{{- if $existing }}{{- $password = index $existing.data "password" | b64dec }}{{- end }}',
      ],
    );
    assert.deepEqual(lint(RULE, guarded), []);
    assert.deepEqual(
      lint(RULE, secret(['helm.sh/hook: pre-upgrade'], ['password: {{ .Values.password | quote }}'])),
      [],
    );
    assert.deepEqual(
      lint(RULE, secret(['helm.sh/hook: pre-upgrade'], ['{{/* not randAlphaNum: a comment */}}', 'password: fixed'])),
      [],
    );
  });

  it("stays silent when events or policies are templated or come from toYaml, as in ory's values-built annotations", () => {
    const secretWith = (lines: string[]) => secret(lines, ['password: {{ randAlphaNum 32 | quote }}']);
    assert.deepEqual(lint(RULE, secretWith(['helm.sh/hook: {{ .Values.hook }}'])), []);
    assert.deepEqual(
      lint(RULE, secretWith(['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: {{ .Values.policy }}'])),
      [],
    );
    assert.deepEqual(
      lint(RULE, secretWith(['helm.sh/hook: pre-upgrade', '{{- toYaml .Values.annotations | nindent 4 }}'])),
      [],
    );
    const ory = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: x',
      '  annotations:',
      '    {{- toYaml .Values.secret.secretAnnotations | nindent 4 }}',
      'data:',
      '  secretsSystem: {{ randAlphaNum 32 | b64enc | quote }}',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, ory), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
