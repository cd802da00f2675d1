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

const RULE = 'unknown-helm-annotation';

describe(RULE, () => {
  it('reports helm.sh/hooks at the key, says the resource is then a normal resource, and renames it safely', () => {
    const text = configMapWith(['helm.sh/hooks: pre-install']);
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    const finding = findings[0]!;
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(pointedText(text, findings), ['helm.sh/hooks']);
    assert.equal(location(text, finding), '6:5-6:18');
    assert.match(
      finding.message,
      /^This ConfigMap runs as a normal resource, not as a hook: Helm ignores "helm\.sh\/hooks" \(did you mean "helm\.sh\/hook"\?\)\.$/,
    );
    assert.match(finding.help, /^Change the key to "helm\.sh\/hook"\./);
    assert.equal(finding.fixes[0]!.safe, true);
    assert.equal(applyFix(text, finding), configMapWith(['helm.sh/hook: pre-install']));
  });

  it('compares the helm.sh/ prefix case-insensitively: Helm.sh/hook is ignored by Helm (E19) and fixed safely', () => {
    const text = configMapWith(['Helm.sh/hook: pre-install']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['Helm.sh/hook']);
    assert.match(findings[0]!.message, /Helm ignores "Helm\.sh\/hook" \(annotation keys are case-sensitive\)/);
    assert.match(findings[0]!.help, /^Change the key to "helm\.sh\/hook"\./);
    assert.equal(fixAll(RULE, text), configMapWith(['helm.sh/hook: pre-install']));
  });

  it('says a misspelled weight leaves the hook at weight 0', () => {
    const text = configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-weights: "5"']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['helm.sh/hook-weights']);
    assert.match(findings[0]!.message, /^The hook runs with weight 0: /);
    assert.equal(findings[0]!.fixes[0]!.safe, true);
    assert.equal(fixAll(RULE, text), configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-weight: "5"']));
  });

  it('suggests hook-delete-policy for helm.sh/delete-policy, as an unsafe fix, and names the default policy', () => {
    const text = configMapWith(['helm.sh/hook: pre-install', 'helm.sh/delete-policy: hook-succeeded']);
    const findings = lint(RULE, text);
    assert.match(findings[0]!.message, /did you mean "helm\.sh\/hook-delete-policy"\?/);
    assert.match(findings[0]!.message, /^The hook gets the default delete policy, before-hook-creation: /);
    assert.equal(findings[0]!.fixes[0]!.safe, false);
    assert.equal(
      applyFix(text, findings[0]!),
      configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-succeeded']),
    );
    assert.equal(fixAll(RULE, text), text, 'an unsafe fix is not applied by fix-all');
  });

  it('suggests hook-weight for helm.sh/weight as an unsafe fix', () => {
    const findings = lint(RULE, configMapWith(['helm.sh/hook: pre-install', 'helm.sh/weight: "1"']));
    assert.equal(findings[0]!.fixes[0]!.edits[0]!.newText, 'helm.sh/hook-weight');
    assert.equal(findings[0]!.fixes[0]!.safe, false);
  });

  it('says what a misspelled resource-policy means for uninstall', () => {
    const findings = lint(RULE, configMapWith(['helm.sh/resource-polcy: keep']));
    assert.match(findings[0]!.message, /^helm uninstall deletes this ConfigMap: /);
    assert.equal(findings[0]!.fixes[0]!.edits[0]!.newText, 'helm.sh/resource-policy');
  });

  it('keeps the quotes of a quoted key when renaming it', () => {
    const text = configMapWith(['"helm.sh/hooks": pre-install']);
    assert.deepEqual(pointedText(text, lint(RULE, text)), ['"helm.sh/hooks"']);
    assert.equal(fixAll(RULE, text), configMapWith(['"helm.sh/hook": pre-install']));
  });

  it('offers no rename when the key it would become is already there, points at it, and says to remove the typo', () => {
    const text = configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hooks: pre-install']);
    const findings = lint(RULE, text);
    assert.match(findings[0]!.message, /"helm\.sh\/hook" is already set here/);
    assert.match(findings[0]!.help, /^Remove this key\./);
    assert.deepEqual(
      findings[0]!.related.map((related) => text.slice(related.range.start, related.range.end)),
      ['helm.sh/hook'],
    );
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('lists the keys Helm reads when nothing is close, without a fix', () => {
    const findings = lint(RULE, configMapWith(['helm.sh/release-name: x']));
    assert.match(
      findings[0]!.help,
      /use a key Helm reads: helm\.sh\/hook, helm\.sh\/hook-weight, helm\.sh\/hook-delete-policy, helm\.sh\/hook-output-log-policy, helm\.sh\/resource-policy\./,
    );
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('accepts every key Helm reads, the helm.sh/chart convention and unrelated keys', () => {
    const text = configMapWith([
      'helm.sh/hook: pre-install',
      'helm.sh/hook-weight: "-5"',
      'helm.sh/hook-delete-policy: before-hook-creation',
      'helm.sh/hook-output-log-policy: hook-failed',
      'helm.sh/resource-policy: keep',
      'helm.sh/chart: app-1.0.0',
      'meta.helm.sh/release-name: rel',
      'example.com/helm.sh/hooks: x',
      'checksum/config: {{ include (print $.Template.BasePath "/cm.yaml") . | sha256sum }}',
    ]);
    assert.deepEqual(lint(RULE, text), []);
  });

  it('stays silent on keys it cannot read: toYaml-built annotations and templated keys', () => {
    assert.deepEqual(lint(RULE, configMapWith(['{{- toYaml .Values.annotations | nindent 4 }}'])), []);
    assert.deepEqual(lint(RULE, configMapWith(['{{ .Values.prefix }}helm.sh/hooks: x'])), []);
    const ranged = configMapWith([
      '{{- range $k, $v := .Values.annotations }}',
      '{{ $k }}: {{ $v | quote }}',
      '{{- end }}',
    ]);
    assert.deepEqual(lint(RULE, ranged), []);
  });

  it('checks a quoted or templated value the same way: only the key matters', () => {
    const text = configMapWith(['helm.sh/hooks: {{ .Values.hookEvents | quote }}']);
    assert.deepEqual(pointedText(text, lint(RULE, text)), ['helm.sh/hooks']);
  });

  it("reports an unknown key in a pod template's annotations, where Helm reads nothing", () => {
    const text = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: x',
      'spec:',
      '  template:',
      '    metadata:',
      '      annotations:',
      '        helm.sh/hook-weights: "1"',
      '    spec: {}',
      '',
    ].join('\n');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['helm.sh/hook-weights']);
    assert.match(
      findings[0]!.help,
      /^Write "helm\.sh\/hook-weight" in the object's own metadata\.annotations: Helm would not read it here either/,
    );
    assert.deepEqual(findings[0]!.fixes, [], 'renaming would leave the key where Helm does not read it');
  });

  it('checks a define that the same file includes, and ignores one nobody includes', () => {
    const define = ['{{- define "app.hookAnnotations" -}}', 'helm.sh/hooks: pre-install', '{{- end -}}'];
    const included = [
      ...define,
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x',
      '  annotations:',
      '    {{- include "app.hookAnnotations" . | nindent 4 }}',
      '',
    ].join('\n');
    const findings = lint(RULE, included);
    assert.deepEqual(pointedText(included, findings), ['helm.sh/hooks']);
    assert.match(findings[0]!.message, /^Objects that include this run as normal resources, not as hooks/);
    const viaTemplate = [...define, '{{ template "app.hookAnnotations" . }}', ''].join('\n');
    assert.equal(lint(RULE, viaTemplate, {}, 'templates/_helpers.tpl').length, 1);
    const unused = [...define, ''].join('\n');
    assert.deepEqual(lint(RULE, unused, {}, 'templates/_helpers.tpl'), []);
    const otherName = [...define, '{{ include "app.hookAnnotationsV2" . }}', ''].join('\n');
    assert.deepEqual(lint(RULE, otherName, {}, 'templates/_helpers.tpl'), []);
  });

  it('finds a wrongly cased key in an included define', () => {
    const text = [
      '{{- define "app.hook" -}}',
      'Helm.sh/hook: pre-install',
      '{{- end -}}',
      '{{ include "app.hook" . }}',
      '',
    ].join('\n');
    const findings = lint(RULE, text, {}, 'templates/_helpers.tpl');
    assert.deepEqual(pointedText(text, findings), ['Helm.sh/hook']);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
