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

const RULE = 'unknown-output-log-policy';

/** A pre-install hook of `kind` whose output log policy is `value`, on line 7 from column 37. */
function hookWithLogPolicy(value: string, kind = 'Job'): string {
  return [
    kind === 'Pod' ? 'apiVersion: v1' : 'apiVersion: batch/v1',
    `kind: ${kind}`,
    'metadata:',
    '  name: migrate',
    '  annotations:',
    '    helm.sh/hook: pre-install',
    `    helm.sh/hook-output-log-policy: ${value}`,
    'spec: {}',
    '',
  ].join('\n');
}

describe(RULE, () => {
  it('reports a misspelled policy on a Job hook, says no logs are printed for it, and fixes the typo', () => {
    const text = hookWithLogPolicy('hook-faild');
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(pointedText(text, findings), ['hook-faild']);
    assert.equal(location(text, findings[0]!), '7:37-7:47');
    assert.equal(findings[0]!.severity, 'error');
    assert.match(
      findings[0]!.message,
      /^Helm prints no hook logs for this item: "hook-faild" is not an output log policy \(did you mean "hook-failed"\?\)\.$/,
    );
    assert.match(findings[0]!.help, /^Write "hook-failed"/);
    assert.match(findings[0]!.help, /Output log policies are hook-succeeded, hook-failed\./);
    assert.equal(findings[0]!.fixes[0]!.safe, true);
    assert.equal(applyFix(text, findings[0]!), hookWithLogPolicy('hook-failed'));
  });

  it('reports a policy with no near name without a fix', () => {
    const findings = lint(RULE, hookWithLogPolicy('on-failure', 'Pod'));
    assert.match(findings[0]!.message, /"on-failure" is not an output log policy\.$/);
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('accepts both policies in any case on Job and Pod hooks', () => {
    for (const [value, kind] of [
      ['hook-failed', 'Job'],
      ['hook-succeeded', 'Pod'],
      ['"hook-succeeded, HOOK-FAILED"', 'Job'],
      ['Hook-Failed', 'Pod'],
    ] as const) {
      assert.deepEqual(lint(RULE, hookWithLogPolicy(value, kind)), [], `${kind} ${value}`);
    }
  });

  it('reports the policy once, as info, on a kind whose logs Helm never reads', () => {
    const text = hookWithLogPolicy('hook-faild,bogus', 'ConfigMap');
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(pointedText(text, findings), ['hook-faild,bogus']);
    assert.equal(findings[0]!.severity, 'info');
    assert.match(
      findings[0]!.message,
      /does nothing here: Helm prints hook logs only from Job and Pod hooks, not from a ConfigMap/,
    );
    const valid = configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-output-log-policy: hook-failed']);
    assert.equal(lint(RULE, valid)[0]!.severity, 'info');
  });

  it('checks the items when the kind is templated', () => {
    const text = hookWithLogPolicy('hook-faild', '{{ .Values.kind }}');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['hook-faild']);
    assert.equal(findings[0]!.severity, 'error');
  });

  it('reports a stray comma as info and removes it', () => {
    const text = hookWithLogPolicy('"hook-failed,"');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), [',']);
    assert.equal(findings[0]!.severity, 'info');
    assert.match(findings[0]!.message, /a trailing comma leaves an empty output log policy/);
    assert.equal(fixAll(RULE, text), hookWithLogPolicy('"hook-failed"'));
  });

  it('reports an empty value as info: Helm prints no logs, as without the annotation', () => {
    const text = hookWithLogPolicy('""');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['""']);
    assert.equal(findings[0]!.severity, 'info');
    assert.match(findings[0]!.message, /^Helm prints no logs of this hook: helm\.sh\/hook-output-log-policy is empty/);
  });

  it('separates policies written with ";" with commas', () => {
    assert.equal(
      fixAll(RULE, hookWithLogPolicy('"hook-succeeded;hook-failed"')),
      hookWithLogPolicy('"hook-succeeded,hook-failed"'),
    );
  });

  it('reports a YAML boolean, which Kubernetes rejects', () => {
    const findings = lint(RULE, hookWithLogPolicy('yes'));
    assert.equal(findings[0]!.severity, 'error');
    assert.match(
      explained(findings[0]!),
      /YAML reads yes as a boolean.*cannot unmarshal bool.*output log policy "true"/,
    );
  });

  it('reports a YAML list and joins it with commas', () => {
    const text = hookWithLogPolicy('[hook-succeeded, hook-failed]');
    assert.match(lint(RULE, text)[0]!.help, /cannot unmarshal array/);
    assert.equal(fixAll(RULE, text), hookWithLogPolicy('hook-succeeded,hook-failed'));
  });

  it('stays silent without helm.sh/hook, on templated values, toYaml-built annotations and other keys', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook-output-log-policy: hook-faild'])), []);
    assert.deepEqual(lint(RULE, hookWithLogPolicy('{{ .Values.logPolicy }}')), []);
    assert.deepEqual(lint(RULE, hookWithLogPolicy('{{ .Values.logPolicy | quote }}')), []);
    assert.deepEqual(lint(RULE, hookWithLogPolicy('"hook-failed,{{ .Values.more }}"')), []);
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: pre-install', '{{- toYaml .Values.annotations | nindent 4 }}'])),
      [],
    );
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: pre-install', 'example.com/log-policy: hook-faild'])),
      [],
    );
  });

  it('checks a policy written inside a define, whatever kind includes it', () => {
    const text = [
      '{{- define "app.hookAnnotations" -}}',
      'helm.sh/hook-output-log-policy: hook-faild',
      '{{- end }}',
      '',
    ].join('\n');
    assert.deepEqual(pointedText(text, lint(RULE, text, {}, 'templates/_helpers.tpl')), ['hook-faild']);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
