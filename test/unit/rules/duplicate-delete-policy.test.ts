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

const RULE = 'duplicate-delete-policy';

/** A hook ConfigMap whose delete policy is `value`, on line 7 from column 33. */
function hookWithPolicy(value: string): string {
  return configMapWith(['helm.sh/hook: pre-install', `helm.sh/hook-delete-policy: ${value}`]);
}

describe(RULE, () => {
  it('reports the second occurrence of a policy as info, points at the first, and removes it with its comma', () => {
    const text = hookWithPolicy('before-hook-creation,hook-succeeded,before-hook-creation');
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(pointedText(text, findings), ['before-hook-creation']);
    // "before-hook-creation,hook-succeeded," is 36 columns after column 33.
    assert.equal(location(text, findings[0]!), '7:69-7:89');
    assert.equal(findings[0]!.severity, 'info');
    const first = text.indexOf('before-hook-creation');
    assert.deepEqual(
      findings[0]!.related.map((related) => related.range),
      [{ start: first, end: first + 'before-hook-creation'.length }],
    );
    assert.equal(findings[0]!.fixes[0]!.safe, true);
    assert.equal(applyFix(text, findings[0]!), hookWithPolicy('before-hook-creation,hook-succeeded'));
  });

  it('compares policies after trimming and lower-casing them, as Helm does', () => {
    const text = hookWithPolicy('"hook-succeeded, Hook-Succeeded, hook-failed"');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['Hook-Succeeded']);
    assert.equal(fixAll(RULE, text), hookWithPolicy('"hook-succeeded, hook-failed"'));
  });

  it('leaves repeated unknown items to unknown-delete-policy', () => {
    assert.deepEqual(lint(RULE, hookWithPolicy('hook-success,hook-success')), []);
    assert.deepEqual(lint(RULE, hookWithPolicy('hook-succeeded,,')), []);
  });

  it('accepts distinct policies', () => {
    for (const value of [
      'before-hook-creation,hook-succeeded,hook-failed',
      'hook-succeeded',
      '"hook-succeeded, hook-failed"',
    ]) {
      assert.deepEqual(lint(RULE, hookWithPolicy(value)), [], value);
    }
  });

  it('compares only items whose text is known', () => {
    assert.deepEqual(lint(RULE, hookWithPolicy('{{ .Values.deletePolicy }}')), []);
    assert.deepEqual(lint(RULE, hookWithPolicy('"hook-succeeded,{{ .Values.deletePolicy }}"')), []);
    assert.deepEqual(lint(RULE, hookWithPolicy('{{ .Values.deletePolicy | quote }}')), []);
    const around = hookWithPolicy('"hook-failed, {{ .Values.more }}, hook-failed"');
    assert.deepEqual(pointedText(around, lint(RULE, around)), ['hook-failed']);
  });

  it('stays silent where Helm ignores the annotation, and on toYaml-built annotations and other keys', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook-delete-policy: hook-failed,hook-failed'])), []);
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: pre-install', '{{- toYaml .Values.annotations | nindent 4 }}'])),
      [],
    );
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: pre-install', 'example.com/policy: hook-failed,hook-failed'])),
      [],
    );
  });

  it('checks a delete policy written inside a define', () => {
    const text = [
      '{{- define "app.hookAnnotations" -}}',
      'helm.sh/hook-delete-policy: hook-failed,hook-failed',
      '{{- end }}',
      '',
    ].join('\n');
    const findings = lint(RULE, text, {}, 'templates/_helpers.tpl');
    assert.equal(findings.length, 1);
    assert.equal(location(text, findings[0]!), '2:41-2:52');
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
