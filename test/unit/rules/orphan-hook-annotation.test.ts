import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyFix,
  assertDocsExamples,
  configMapWith,
  fixAll,
  lint,
  location,
  pointedText,
} from '../../support/rule-tester';

const RULE = 'orphan-hook-annotation';

describe(RULE, () => {
  it('reports a weight on a resource without helm.sh/hook at its key (W19) and says Helm ignores it', () => {
    const text = configMapWith(['helm.sh/hook-weight: "5"']);
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    const finding = findings[0]!;
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(pointedText(text, findings), ['helm.sh/hook-weight']);
    assert.equal(location(text, finding), '6:5-6:24');
    assert.match(finding.message, /^Helm ignores the weight here: this ConfigMap has no helm\.sh\/hook annotation/);
    assert.match(finding.help, /^Add helm\.sh\/hook with the events it should run on, or remove this annotation\./);
    assert.deepEqual(finding.fixes, []);
  });

  it('reports each hook-only key: delete policy (D10) and output log policy', () => {
    const text = configMapWith([
      'helm.sh/hook-delete-policy: hook-succeeded',
      'helm.sh/hook-output-log-policy: hook-failed',
    ]);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['helm.sh/hook-delete-policy', 'helm.sh/hook-output-log-policy']);
    assert.match(findings[0]!.message, /ignores the delete policy/);
    assert.match(findings[1]!.message, /ignores the output log policy/);
  });

  it('reads hook-delete-policy: keep as meant for helm.sh/resource-policy and offers that rename as unsafe', () => {
    const text = configMapWith(['helm.sh/hook-delete-policy: keep']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['helm.sh/hook-delete-policy']);
    assert.match(findings[0]!.message, /^helm uninstall deletes this ConfigMap like any other release resource/);
    assert.match(findings[0]!.help, /^To keep it, write "helm\.sh\/resource-policy: keep"\./);
    assert.equal(findings[0]!.fixes.length, 1);
    assert.equal(findings[0]!.fixes[0]!.safe, false);
    assert.equal(applyFix(text, findings[0]!), configMapWith(['helm.sh/resource-policy: keep']));
    assert.equal(fixAll(RULE, text), text, 'the rename changes what uninstall does, so fix-all leaves it');
  });

  it('recognises keep in any case and quoting, and keeps a quoted key quoted', () => {
    const text = configMapWith(['"helm.sh/hook-delete-policy": "Keep"']);
    const findings = lint(RULE, text);
    assert.equal(applyFix(text, findings[0]!), configMapWith(['"helm.sh/resource-policy": "Keep"']));
  });

  it('offers no rename when helm.sh/resource-policy is already there, and says to remove the line', () => {
    const findings = lint(RULE, configMapWith(['helm.sh/resource-policy: keep', 'helm.sh/hook-delete-policy: keep']));
    assert.equal(findings.length, 1);
    assert.match(
      findings[0]!.help,
      /^Remove this line: helm\.sh\/resource-policy, set here too, decides what helm uninstall does\./,
    );
    assert.doesNotMatch(findings[0]!.message, /deletes/);
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('is silent on a hook, quoted or templated', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-weight: "5"'])), []);
    assert.deepEqual(
      lint(RULE, configMapWith(['"helm.sh/hook": {{ .Values.hook | quote }}', 'helm.sh/hook-weight: "5"'])),
      [],
    );
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook-weight: "5"', 'helm.sh/hook: {{ .Values.hook }}'])), []);
  });

  it('is silent when the annotations may hold entries it cannot see (toYaml, range, include, templated key)', () => {
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook-weight: "5"', '{{- toYaml .Values.annotations | nindent 4 }}'])),
      [],
    );
    const ranged = configMapWith([
      'helm.sh/hook-weight: "5"',
      '{{- range $k, $v := .Values.annotations }}',
      '{{ $k }}: {{ $v | quote }}',
      '{{- end }}',
    ]);
    assert.deepEqual(lint(RULE, ranged), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook-weight: "5"', '{{ .Values.hookKey }}: pre-install'])), []);
    const inline = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x',
      '  annotations: {{- include "x.hook" . | nindent 4 }}',
      '    helm.sh/hook-weight: "5"',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, inline), []);
  });

  it('is silent when the metadata may hold annotations it cannot see', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x',
      '  {{- include "x.metadata" . | nindent 2 }}',
      '  annotations:',
      '    helm.sh/hook-weight: "5"',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, text), []);
  });

  it('ignores unrelated annotations, pod-template annotations and defines', () => {
    assert.deepEqual(lint(RULE, configMapWith(['example.com/hook-weight: "5"', 'checksum/config: abc'])), []);
    const podTemplate = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: x',
      'spec:',
      '  template:',
      '    metadata:',
      '      annotations:',
      '        helm.sh/hook-weight: "1"',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, podTemplate), []);
    const define = [
      '{{- define "x.weight" -}}',
      'helm.sh/hook-weight: "1"',
      '{{- end }}',
      '{{ include "x.weight" . }}',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, define, {}, 'templates/_helpers.tpl'), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
