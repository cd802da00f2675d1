import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertDocsExamples, configMapWith, lint, location, pointedText } from '../../support/rule-tester';

const RULE = 'test-hook-not-pod';

describe(RULE, () => {
  it('reports a ConfigMap hooked on test at its helm.sh/hook value', () => {
    const text = configMapWith(['helm.sh/hook: test']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['test']);
    assert.equal(location(text, findings[0]!), '6:19-6:23');
    assert.equal(findings[0]!.severity, 'info');
    assert.match(findings[0]!.message, /^helm test --logs fails on this ConfigMap/);
    assert.match(findings[0]!.help, /unable to get pod logs for …: pods "…" not found/);
  });

  it('knows test-success as the alias of test, in any case and inside a list', () => {
    assert.equal(lint(RULE, configMapWith(['helm.sh/hook: Test-Success'])).length, 1);
    assert.equal(lint(RULE, configMapWith(['helm.sh/hook: "pre-install, test"'])).length, 1);
  });

  it('accepts a Pod test hook and ignores other events, templated events and unknown kinds', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: test']).replace('kind: ConfigMap', 'kind: Pod')), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: post-install'])), []);
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: {{ .Values.testFramework.hookType | default "test" }}'])),
      [],
    );
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: test']).replace('kind: ConfigMap', 'kind: {{ .Values.kind }}')),
      [],
    );
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
