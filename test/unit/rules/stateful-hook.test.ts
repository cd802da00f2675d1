import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertDocsExamples, lint, location, pointedText } from '../../support/rule-tester';

const RULE = 'stateful-hook';

function pvc(annotations: string[]): string {
  return ['apiVersion: v1', 'kind: PersistentVolumeClaim', 'metadata:', '  name: {{ .Release.Name }}-data', '  annotations:', ...annotations.map((line) => `    ${line}`), 'spec:', '  accessModes: [ReadWriteOnce]', ''].join('\n');
}

function secret(annotations: string[], data: string[], before: string[] = []): string {
  return [...before, 'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: {{ .Release.Name }}-db', '  annotations:', ...annotations.map((line) => `    ${line}`), 'stringData:', ...data.map((line) => `  ${line}`), ''].join('\n');
}

describe(RULE, () => {
  it('reports a PVC hooked on upgrade with the default policy, at its helm.sh/hook value', () => {
    const text = pvc(['helm.sh/hook: "pre-install, pre-upgrade"']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['"pre-install, pre-upgrade"']);
    assert.equal(location(text, findings[0]!), '6:19-6:45');
    assert.equal(findings[0]!.severity, 'error');
    assert.match(findings[0]!.message, /^Every upgrade gives this PersistentVolumeClaim a new, empty volume/);
    assert.match(findings[0]!.help, /The default delete policy, before-hook-creation, deletes it just before each pre-upgrade creates it again/);
  });

  it('reports a Secret hook filled by randAlphaNum or genCA on rollback, and says keep does not help', () => {
    const text = secret(['helm.sh/hook: pre-install,post-rollback', 'helm.sh/hook-delete-policy: before-hook-creation', 'helm.sh/resource-policy: keep'], ['password: {{ randAlphaNum 32 | quote }}']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['pre-install,post-rollback']);
    assert.match(findings[0]!.message, /^Every rollback generates new values for this Secret: as a hook whose data comes from randAlphaNum/);
    assert.match(findings[0]!.help, /Its before-hook-creation policy deletes it just before each post-rollback creates it again with newly generated values/);
    assert.match(findings[0]!.help, /helm\.sh\/resource-policy: keep does not apply to hooks/);
    const ca = secret(['helm.sh/hook: pre-upgrade'], ['tls.crt: {{ $ca.Cert | b64enc }}'], ['{{- $ca := genCA "my-ca" 365 }}']);
    assert.match(lint(RULE, ca)[0]!.message, /comes from genCA/);
  });

  it('counts hook-succeeded as deleting too', () => {
    const findings = lint(RULE, pvc(['helm.sh/hook: post-upgrade', 'helm.sh/hook-delete-policy: hook-succeeded']));
    assert.match(findings[0]!.help, /Its hook-succeeded policy deletes it after each post-upgrade, and the next run creates it again/);
  });

  it('stays silent for a hook that runs once, or whose policy never deletes it', () => {
    assert.deepEqual(lint(RULE, pvc(['helm.sh/hook: pre-install'])), []);
    assert.deepEqual(lint(RULE, pvc(['helm.sh/hook: pre-install,post-delete,test'])), []);
    assert.deepEqual(lint(RULE, pvc(['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-failed'])), []);
  });

  it('stays silent for a Secret guarded by lookup, or with data that is not generated', () => {
    const guarded = secret(['helm.sh/hook: pre-install,pre-upgrade'], ['password: {{ $password | quote }}'], [
      '{{- $existing := lookup "v1" "Secret" .Release.Namespace "db" }}',
      '{{- $password := randAlphaNum 32 }}',
      '{{- if $existing }}{{- $password = index $existing.data "password" | b64dec }}{{- end }}',
    ]);
    assert.deepEqual(lint(RULE, guarded), []);
    assert.deepEqual(lint(RULE, secret(['helm.sh/hook: pre-upgrade'], ['password: {{ .Values.password | quote }}'])), []);
    assert.deepEqual(lint(RULE, secret(['helm.sh/hook: pre-upgrade'], ['{{/* not randAlphaNum: a comment */}}', 'password: fixed'])), []);
  });

  it('stays silent when events or policies are templated or come from toYaml, as in ory\'s values-built annotations', () => {
    assert.deepEqual(lint(RULE, pvc(['helm.sh/hook: {{ .Values.hook }}'])), []);
    assert.deepEqual(lint(RULE, pvc(['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: {{ .Values.policy }}'])), []);
    assert.deepEqual(lint(RULE, pvc(['helm.sh/hook: pre-upgrade', '{{- toYaml .Values.annotations | nindent 4 }}'])), []);
    const ory = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: x', '  annotations:', '    {{- toYaml .Values.secret.secretAnnotations | nindent 4 }}', 'data:', '  secretsSystem: {{ randAlphaNum 32 | b64enc | quote }}', ''].join('\n');
    assert.deepEqual(lint(RULE, ory), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
