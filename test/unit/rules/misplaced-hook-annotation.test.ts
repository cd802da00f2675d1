import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertDocsExamples, lint, location, pointedText } from '../../support/rule-tester';

const RULE = 'misplaced-hook-annotation';

function job(lines: string[]): string {
  return ['apiVersion: batch/v1', 'kind: Job', ...lines, ''].join('\n');
}

const POD_TEMPLATE_HOOK = [
  'spec:',
  '  template:',
  '    metadata:',
  '      annotations:',
  '        helm.sh/hook: pre-upgrade',
  '        helm.sh/hook-weight: "-5"',
  '    spec:',
  '      restartPolicy: Never',
];

describe(RULE, () => {
  it("reports hook annotations on a Job's pod template (§7 mistake #11) at each key", () => {
    const text = job(['metadata:', '  name: migrate', ...POD_TEMPLATE_HOOK]);
    const findings = lint(RULE, text);
    assert.equal(findings.length, 2);
    assert.deepEqual(pointedText(text, findings), ['helm.sh/hook', 'helm.sh/hook-weight']);
    assert.equal(location(text, findings[0]!), '9:9-9:21');
    const { message, help } = findings[0]!;
    assert.equal(findings[0]!.severity, 'error');
    assert.match(
      message,
      /^This Job runs as a normal resource, not as a hook: helm\.sh\/hook is under spec\.template\.metadata\.annotations\.$/,
    );
    assert.match(help, /^Move the hook annotations to metadata\.annotations\./);
    assert.match(help, /fails with "spec\.template: field is immutable"/);
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('reports hook annotations under metadata.labels', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x',
      '  labels:',
      '    helm.sh/hook: pre-install',
      'data: {}',
      '',
    ].join('\n');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['helm.sh/hook']);
    assert.match(findings[0]!.message, /^This ConfigMap runs as a normal resource.* under metadata\.labels\.$/);
    assert.doesNotMatch(findings[0]!.help, /immutable/);
  });

  it('reports a hook key directly under metadata, where an empty "annotations:" left it', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x',
      '  annotations:',
      '  helm.sh/hook: pre-install',
      'data: {}',
      '',
    ].join('\n');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['helm.sh/hook']);
    assert.match(findings[0]!.message, /directly under metadata\.$/);
  });

  it('reports a top-level annotations key outside metadata, and a hook key at the top level', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x',
      'annotations:',
      '  helm.sh/hook: pre-install',
      'helm.sh/hook-weight: "1"',
      '',
    ].join('\n');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['helm.sh/hook', 'helm.sh/hook-weight']);
    assert.match(findings[0]!.message, /in a top-level "annotations:" key\.$/);
    assert.match(findings[1]!.message, /at the top level of the document/);
  });

  it("reports labels and wrong-level keys in a CronJob's job template", () => {
    const text = [
      'apiVersion: batch/v1',
      'kind: CronJob',
      'metadata:',
      '  name: x',
      'spec:',
      '  jobTemplate:',
      '    spec:',
      '      template:',
      '        metadata:',
      '          labels:',
      '            helm.sh/hook: pre-install',
      '          helm.sh/hook-delete-policy: hook-succeeded',
      '',
    ].join('\n');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['helm.sh/hook', 'helm.sh/hook-delete-policy']);
    assert.match(findings[0]!.message, /under spec\.jobTemplate\.spec\.template\.metadata\.labels/);
    assert.match(findings[1]!.message, /directly under spec\.jobTemplate\.spec\.template\.metadata\.$/);
  });

  it("reports the keys in a list item's metadata, e.g. a StatefulSet volumeClaimTemplate", () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      'metadata:',
      '  name: x',
      'spec:',
      '  volumeClaimTemplates:',
      '    - metadata:',
      '        name: data',
      '        annotations:',
      '          helm.sh/hook: pre-install',
      '',
    ].join('\n');
    const findings = lint(RULE, text);
    assert.match(findings[0]!.message, /under spec\.volumeClaimTemplates\[0\]\.metadata\.annotations/);
  });

  it('is silent when the object itself is a hook, even with copies elsewhere', () => {
    const text = job([
      'metadata:',
      '  name: migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      ...POD_TEMPLATE_HOOK,
    ]);
    assert.deepEqual(lint(RULE, text), []);
    const quoted = job([
      'metadata:',
      '  name: migrate',
      '  annotations:',
      '    "helm.sh/hook": "{{ .Values.hook }}"',
      ...POD_TEMPLATE_HOOK,
    ]);
    assert.deepEqual(lint(RULE, quoted), []);
    const conditional = job([
      'metadata:',
      '  name: migrate',
      '  annotations:',
      '    {{- if .Values.asHook }}',
      '    helm.sh/hook: pre-upgrade',
      '    {{- end }}',
      ...POD_TEMPLATE_HOOK,
    ]);
    assert.deepEqual(lint(RULE, conditional), []);
  });

  it("is silent when the object's annotations or metadata may come from templates", () => {
    const toYaml = job([
      'metadata:',
      '  name: migrate',
      '  annotations:',
      '    {{- toYaml .Values.jobAnnotations | nindent 4 }}',
      ...POD_TEMPLATE_HOOK,
    ]);
    assert.deepEqual(lint(RULE, toYaml), []);
    const inline = job([
      'metadata:',
      '  name: migrate',
      '  annotations: {{- include "app.hookAnnotations" . | nindent 4 }}',
      ...POD_TEMPLATE_HOOK,
    ]);
    assert.deepEqual(lint(RULE, inline), []);
    const ranged = job([
      'metadata:',
      '  name: migrate',
      '  annotations:',
      '    {{- range $k, $v := .Values.jobAnnotations }}',
      '    {{ $k }}: {{ $v | quote }}',
      '    {{- end }}',
      ...POD_TEMPLATE_HOOK,
    ]);
    assert.deepEqual(lint(RULE, ranged), []);
    const metadata = job([
      'metadata:',
      '  name: migrate',
      '  {{- include "app.metadata" . | nindent 2 }}',
      ...POD_TEMPLATE_HOOK,
    ]);
    assert.deepEqual(lint(RULE, metadata), []);
  });

  it('ignores other annotations and labels, and chart values handed to another release', () => {
    const text = job([
      'metadata:',
      '  name: x',
      '  labels:',
      '    helm.sh/chart: app-1.0.0',
      'spec:',
      '  template:',
      '    metadata:',
      '      annotations:',
      '        checksum/config: abc',
      '        example.com/helm.sh/hook: x',
    ]);
    assert.deepEqual(lint(RULE, text), []);
    const helmRelease = [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata:',
      '  name: x',
      'spec:',
      '  values:',
      '    job:',
      '      metadata:',
      '        annotations:',
      '          helm.sh/hook: pre-install',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, helmRelease), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
