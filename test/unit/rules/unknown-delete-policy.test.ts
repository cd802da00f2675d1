import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyFix,
  assertDocsExamples,
  configMapWith,
  explained,
  fixAll,
  lint,
  location,
  pointedText,
} from '../../support/rule-tester';

const RULE = 'unknown-delete-policy';

/** A hook ConfigMap whose delete policy is `value`, on line 7 from column 33. */
function hookWithPolicy(value: string): string {
  return configMapWith(['helm.sh/hook: pre-install', `helm.sh/hook-delete-policy: ${value}`]);
}

describe(RULE, () => {
  it('reports a misspelled policy at the item, says it turns off the default, and fixes the typo', () => {
    const text = hookWithPolicy('hook-succeded');
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(pointedText(text, findings), ['hook-succeded']);
    assert.equal(location(text, findings[0]!), '7:33-7:46');
    assert.equal(findings[0]!.severity, 'error');
    const { message, help } = findings[0]!;
    assert.match(
      message,
      /^This ConfigMap is never deleted, and its next run meets the old one: "hook-succeded" is not a delete policy \(did you mean "hook-succeeded"\?\)\.$/,
    );
    assert.match(help, /^Write "hook-succeeded"/);
    assert.match(help, /the default before-hook-creation no longer applies/);
    assert.match(
      help,
      /Helm 4 applies the new one over it in place, so a Job that already completed does not run again/,
    );
    assert.match(help, /Delete policies are before-hook-creation, hook-succeeded, hook-failed\./);
    assert.equal(findings[0]!.fixes[0]!.safe, true);
    assert.equal(applyFix(text, findings[0]!), hookWithPolicy('hook-succeeded'));
  });

  it('names the "already exists" failure when checking against Helm 3', () => {
    const findings = lint(RULE, hookWithPolicy('hook-succeded'), { helmVersion: 3 });
    assert.match(findings[0]!.help, /Helm 3 fails with "… already exists"/);
  });

  it('offers a far-off suggestion such as hook-success → hook-succeeded only as an unsafe fix', () => {
    const text = hookWithPolicy('hook-success');
    const findings = lint(RULE, text);
    assert.match(findings[0]!.message, /did you mean "hook-succeeded"/);
    assert.equal(findings[0]!.fixes[0]!.safe, false);
    assert.equal(applyFix(text, findings[0]!), hookWithPolicy('hook-succeeded'));
    assert.equal(fixAll(RULE, text), text);
  });

  it('leaves out the default note when a known policy already turned the default off', () => {
    const text = hookWithPolicy('before-hook-creation,hook-faild');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['hook-faild']);
    assert.doesNotMatch(explained(findings[0]!), /no longer applies|never deleted/);
    assert.equal(fixAll(RULE, text), hookWithPolicy('before-hook-creation,hook-failed'));
  });

  it('accepts the three policies in any case, with spaces after commas', () => {
    for (const value of [
      'before-hook-creation',
      'hook-succeeded',
      'hook-failed',
      'Hook-Succeeded',
      '"hook-succeeded, hook-failed"',
      '"before-hook-creation, HOOK-FAILED"',
    ]) {
      assert.deepEqual(lint(RULE, hookWithPolicy(value)), [], value);
    }
  });

  it('reports a trailing or double comma as info, since the empty item changes nothing, and removes it', () => {
    const trailing = hookWithPolicy('"hook-succeeded,"');
    const findings = lint(RULE, trailing);
    assert.deepEqual(pointedText(trailing, findings), [',']);
    assert.equal(findings[0]!.severity, 'info');
    assert.match(findings[0]!.message, /a trailing comma leaves an empty delete policy/);
    assert.match(findings[0]!.help, /removing the comma changes nothing/);
    assert.equal(fixAll(RULE, trailing), hookWithPolicy('"hook-succeeded"'));
    assert.equal(
      fixAll(RULE, hookWithPolicy('hook-succeeded,,hook-failed')),
      hookWithPolicy('hook-succeeded,hook-failed'),
    );
  });

  it('reports a value of commas only as an error: it still turns off the default', () => {
    const text = hookWithPolicy('","');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), [',']);
    assert.equal(findings[0]!.severity, 'error');
    assert.match(findings[0]!.help, /no longer applies/);
  });

  it('reports an empty or null value at the value or the key, without a fix', () => {
    const empty = hookWithPolicy('""');
    const findings = lint(RULE, empty);
    assert.deepEqual(pointedText(empty, findings), ['""']);
    assert.match(findings[0]!.message, /helm\.sh\/hook-delete-policy is empty/);
    assert.match(findings[0]!.help, /^Remove the annotation to get the default/);
    assert.match(
      findings[0]!.help,
      /default before-hook-creation no longer applies: this hook object is never deleted/,
    );
    assert.deepEqual(findings[0]!.fixes, []);
    const nothing = configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy:']);
    assert.deepEqual(pointedText(nothing, lint(RULE, nothing)), ['helm.sh/hook-delete-policy']);
  });

  it('separates policies written with ";" or spaces with commas', () => {
    const semicolon = hookWithPolicy('"hook-succeeded;hook-failed"');
    const findings = lint(RULE, semicolon);
    assert.deepEqual(pointedText(semicolon, findings), ['hook-succeeded;hook-failed']);
    assert.match(findings[0]!.message, /Helm reads "hook-succeeded;hook-failed" as one unknown delete policy/);
    assert.match(
      findings[0]!.help,
      /^Separate them with commas: hook-succeeded,hook-failed\. Helm separates delete policies with commas only, not ";"/,
    );
    assert.equal(fixAll(RULE, semicolon), hookWithPolicy('"hook-succeeded,hook-failed"'));
    assert.equal(
      fixAll(RULE, hookWithPolicy('before-hook-creation hook-succeeded')),
      hookWithPolicy('before-hook-creation,hook-succeeded'),
    );
  });

  it('reports a YAML boolean or number, which Kubernetes rejects and Helm reads as an unknown policy', () => {
    const findings = lint(RULE, hookWithPolicy('true'));
    assert.match(findings[0]!.message, /YAML reads true as a boolean/);
    assert.match(
      findings[0]!.help,
      /cannot unmarshal bool into Go struct field ObjectMeta\.metadata\.annotations of type string/,
    );
    assert.match(findings[0]!.help, /the delete policy "true", which it does not know/);
    assert.match(lint(RULE, hookWithPolicy('on'))[0]!.help, /delete policy "true"/);
    assert.match(explained(lint(RULE, hookWithPolicy('1'))[0]!), /as a number.*cannot unmarshal number/);
  });

  it('reports a YAML list and joins it with commas, safely only when every item is a policy', () => {
    const flow = hookWithPolicy('[before-hook-creation, hook-succeeded]');
    const findings = lint(RULE, flow);
    assert.deepEqual(pointedText(flow, findings), ['[before-hook-creation, hook-succeeded]']);
    assert.match(findings[0]!.help, /cannot unmarshal array/);
    assert.equal(fixAll(RULE, flow), hookWithPolicy('before-hook-creation,hook-succeeded'));
    const block = configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy:', '  - hook-success']);
    const blockFindings = lint(RULE, block);
    assert.equal(blockFindings[0]!.fixes[0]!.safe, false);
    assert.equal(applyFix(block, blockFindings[0]!), hookWithPolicy('hook-success'));
  });

  it('stays silent on a resource without helm.sh/hook, where Helm ignores the annotation', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook-delete-policy: hook-success'])), []);
  });

  it('checks the policy when annotations built by toYaml may hold helm.sh/hook', () => {
    const text = configMapWith([
      '{{- toYaml .Values.hookAnnotations | nindent 4 }}',
      'helm.sh/hook-delete-policy: hook-success',
    ]);
    assert.deepEqual(pointedText(text, lint(RULE, text)), ['hook-success']);
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: pre-install', '{{- toYaml .Values.annotations | nindent 4 }}'])),
      [],
    );
  });

  it('checks only the items whose text is known, and claims nothing about the default beside a templated item', () => {
    assert.deepEqual(lint(RULE, hookWithPolicy('{{ .Values.deletePolicy }}')), []);
    assert.deepEqual(lint(RULE, hookWithPolicy('{{ .Values.deletePolicy | quote }}')), []);
    assert.deepEqual(lint(RULE, hookWithPolicy('"hook-succeeded,{{ .Values.more }}"')), []);
    const mixed = hookWithPolicy('"hook-faild,{{ .Values.more }}"');
    const findings = lint(RULE, mixed);
    assert.deepEqual(pointedText(mixed, findings), ['hook-faild']);
    assert.doesNotMatch(explained(findings[0]!), /no longer applies|never deleted/);
  });

  it('ignores other annotation keys and the pod template', () => {
    assert.deepEqual(
      lint(
        RULE,
        configMapWith([
          'helm.sh/hook: pre-install',
          'example.com/delete-policy: hook-success',
          'helm.sh/hook-weight: "5"',
        ]),
      ),
      [],
    );
    const podTemplate = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: x',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      'spec:',
      '  template:',
      '    metadata:',
      '      annotations:',
      '        helm.sh/hook-delete-policy: hook-success',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, podTemplate), []);
  });

  it('checks a delete policy written inside a define, where the resource is not known', () => {
    const text = [
      '{{- define "app.hookAnnotations" -}}',
      'helm.sh/hook-delete-policy: hook-succeded',
      '{{- end }}',
      '',
    ].join('\n');
    const findings = lint(RULE, text, {}, 'templates/_helpers.tpl');
    assert.deepEqual(pointedText(text, findings), ['hook-succeded']);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
