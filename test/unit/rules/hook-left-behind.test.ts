import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertDocsExamples, configMapWith, lint, location, pointedText } from '../../support/rule-tester';

const RULE = 'hook-left-behind';

function job(annotations: string[], spec: string[] = ['spec:', '  backoffLimit: 1']): string {
  return ['apiVersion: batch/v1', 'kind: Job', 'metadata:', '  name: {{ .Release.Name }}-x', '  annotations:', ...annotations.map((line) => `    ${line}`), ...spec, ''].join('\n');
}

describe(RULE, () => {
  it('reports a hook without a delete policy at its helm.sh/hook value: the default deletes it only before the next run', () => {
    const text = configMapWith(['helm.sh/hook: pre-install']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['pre-install']);
    assert.equal(location(text, findings[0]!), '6:19-6:30');
    assert.equal(findings[0]!.severity, 'info');
    const { message, help } = findings[0]!;
    assert.match(message, /^This ConfigMap stays in the cluster after it succeeds/);
    assert.match(help, /^Add hook-succeeded to helm\.sh\/hook-delete-policy/);
    assert.match(help, /With no delete policy, Helm deletes it only just before the hook runs again \(the default before-hook-creation\)/);
    assert.doesNotMatch(help, /ttlSecondsAfterFinished/);
  });

  it('points at the delete-policy value when there is one, and offers ttlSecondsAfterFinished for a Job', () => {
    const text = job(['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: before-hook-creation,hook-failed']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['before-hook-creation,hook-failed']);
    assert.match(findings[0]!.help, /before-hook-creation policy deletes it only just before the hook runs again/);
    assert.match(findings[0]!.help, /or set ttlSecondsAfterFinished on the Job/);
    assert.match(lint(RULE, job(['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-failed']))[0]!.help, /hook-failed policy deletes it only when it fails/);
  });

  it('stays silent when hook-succeeded deletes the object', () => {
    for (const policy of ['hook-succeeded', 'before-hook-creation,hook-succeeded', '"HOOK-SUCCEEDED, hook-failed"']) {
      assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: post-install', `helm.sh/hook-delete-policy: ${policy}`])), [], policy);
    }
  });

  it('stays silent for a Job that sets ttlSecondsAfterFinished, or whose spec may set it through template output', () => {
    assert.deepEqual(lint(RULE, job(['helm.sh/hook: pre-upgrade'], ['spec:', '  ttlSecondsAfterFinished: 100'])), []);
    assert.deepEqual(lint(RULE, job(['helm.sh/hook: pre-upgrade'], ['spec:', '  ttlSecondsAfterFinished: {{ .Values.ttl }}'])), []);
    assert.deepEqual(lint(RULE, job(['helm.sh/hook: pre-upgrade'], ['spec:', '  {{- include "job.spec" . | nindent 2 }}'])), []);
    // Output nested in the pod template cannot add a Job-level field.
    const nested = job(['helm.sh/hook: pre-upgrade'], ['spec:', '  template:', '    metadata:', '      labels:', '        {{- include "labels" . | nindent 8 }}']);
    assert.equal(lint(RULE, nested).length, 1);
  });

  it('stays silent when the policy or the events are templated or annotations come from toYaml', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: {{ .Values.policy }}'])), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: {{ .Values.hook }}'])), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-install', '{{- toYaml .Values.annotations | nindent 4 }}'])), []);
  });

  it('leaves CustomResourceDefinitions to crd-hook and unknown-only policies to unknown-delete-policy', () => {
    const crd = ['apiVersion: apiextensions.k8s.io/v1', 'kind: CustomResourceDefinition', 'metadata:', '  name: a.b', '  annotations:', '    helm.sh/hook: pre-install', ''].join('\n');
    assert.deepEqual(lint(RULE, crd), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-success'])), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
