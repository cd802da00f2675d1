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

const RULE = 'unknown-hook-event';

describe(RULE, () => {
  it('reports a misspelled event at the item, suggests the nearest event and says Helm drops the resource', () => {
    const text = configMapWith(['helm.sh/hook: pre-instal,post-upgrade']);
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(pointedText(text, findings), ['pre-instal']);
    assert.equal(location(text, findings[0]!), '6:19-6:29');
    assert.equal(findings[0]!.severity, 'error');
    assert.match(
      findings[0]!.message,
      /^Helm silently drops this ConfigMap: "pre-instal" is not a hook event \(did you mean "pre-install"\?\)\.$/,
    );
    assert.match(findings[0]!.help, /^Write "pre-install"/);
    assert.match(findings[0]!.help, /level=INFO msg="skipping unknown hooks"/);
    assert.equal(applyFix(text, findings[0]!), configMapWith(['helm.sh/hook: pre-install,post-upgrade']));
    assert.equal(findings[0]!.fixes[0]!.safe, true);
  });

  it('names the Helm 3 log line when checking against Helm 3', () => {
    const findings = lint(RULE, configMapWith(['helm.sh/hook: pre-instal']), { helmVersion: 3 });
    assert.match(findings[0]!.help, /info: skipping unknown hook/);
  });

  it('accepts every event, the test-success alias, any case and spaces after commas', () => {
    for (const value of [
      'pre-install',
      'post-install',
      'pre-delete',
      'post-delete',
      'pre-upgrade',
      'post-upgrade',
      'pre-rollback',
      'post-rollback',
      'test',
      'test-success',
      'PRE-INSTALL',
      'Test-Success',
      '"pre-install, post-install"',
      '"  pre-install  "',
      '"pre-install,pre-install"',
    ]) {
      assert.deepEqual(lint(RULE, configMapWith([`helm.sh/hook: ${value}`])), [], value);
    }
  });

  it('reports a trailing comma at the comma and removes it', () => {
    const text = configMapWith(['helm.sh/hook: "pre-install,"']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), [',']);
    assert.match(findings[0]!.message, /trailing comma/);
    assert.equal(fixAll(RULE, text), configMapWith(['helm.sh/hook: "pre-install"']));
  });

  it('reports a double comma and keeps both events when fixed', () => {
    const text = configMapWith(['helm.sh/hook: pre-install,,post-install']);
    assert.equal(fixAll(RULE, text), configMapWith(['helm.sh/hook: pre-install,post-install']));
  });

  it('reports an empty and a null value at the key or value', () => {
    const empty = configMapWith(['helm.sh/hook: ""']);
    assert.deepEqual(pointedText(empty, lint(RULE, empty)), ['""']);
    const nothing = configMapWith(['helm.sh/hook:']);
    const findings = lint(RULE, nothing);
    assert.deepEqual(pointedText(nothing, findings), ['helm.sh/hook']);
    assert.match(findings[0]!.message, /empty/);
  });

  it('reports space- and semicolon-separated events and fixes them with commas', () => {
    const spaced = configMapWith(['helm.sh/hook: pre-install post-install']);
    assert.match(lint(RULE, spaced)[0]!.help, /commas only/);
    assert.equal(fixAll(RULE, spaced), configMapWith(['helm.sh/hook: pre-install,post-install']));
    const semicolon = configMapWith(['helm.sh/hook: "pre-install;post-install"']);
    assert.equal(fixAll(RULE, semicolon), configMapWith(['helm.sh/hook: "pre-install,post-install"']));
  });

  it('reports crd-install without a fix and points to crds/', () => {
    const text = configMapWith(['helm.sh/hook: crd-install']);
    const findings = lint(RULE, text);
    assert.match(findings[0]!.help, /^Move this CustomResourceDefinition to the chart's crds\/ directory/);
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('offers test for test-failure, as an unsafe fix', () => {
    const findings = lint(RULE, configMapWith(['helm.sh/hook: test-failure']));
    assert.equal(findings[0]!.fixes[0]!.safe, false);
    assert.equal(findings[0]!.fixes[0]!.edits[0]!.newText, 'test');
  });

  it('reports a YAML boolean such as on, which Helm reads as "true"', () => {
    const findings = lint(RULE, configMapWith(['helm.sh/hook: on']));
    assert.match(findings[0]!.message, /YAML reads on as a boolean, and "true" is not a hook event/);
  });

  it('reports a YAML list and joins it with commas, flow or block', () => {
    const flow = configMapWith(['helm.sh/hook: [pre-install, post-install]']);
    const findings = lint(RULE, flow);
    assert.match(findings[0]!.help, /cannot unmarshal array/);
    assert.equal(fixAll(RULE, flow), configMapWith(['helm.sh/hook: pre-install,post-install']));
    const block = configMapWith(['helm.sh/hook:', '  - pre-install', '  - post-upgrade']);
    assert.equal(fixAll(RULE, block), configMapWith(['helm.sh/hook: pre-install,post-upgrade']));
  });

  it('stays silent on templated events and checks only the literal items beside them', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: {{ .Values.hookEvents }}'])), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: "pre-{{ .Values.phase }}"'])), []);
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: {{ if .Values.x }}pre-install{{ else }}post-install{{ end }}'])),
      [],
    );
    const mixed = configMapWith(['helm.sh/hook: "pre-instal,{{ .Values.more }}"']);
    assert.deepEqual(pointedText(mixed, lint(RULE, mixed)), ['pre-instal']);
  });

  it('checks hook annotations written inside a define', () => {
    const text = ['{{- define "app.hookAnnotations" -}}', 'helm.sh/hook: post-instal', '{{- end }}', ''].join('\n');
    const findings = lint(RULE, text, {}, 'templates/_helpers.tpl');
    assert.deepEqual(pointedText(text, findings), ['post-instal']);
  });

  it('ignores annotations on a pod template and other annotation keys', () => {
    const text = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: x',
      '  annotations:',
      '    example.com/hook: pre-instal',
      'spec:',
      '  template:',
      '    metadata:',
      '      annotations:',
      '        helm.sh/hook: pre-instal',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, text), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
