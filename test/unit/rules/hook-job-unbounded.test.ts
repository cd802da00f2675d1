import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertDocsExamples, explained, lint, location, pointedText } from '../../support/rule-tester';

const RULE = 'hook-job-unbounded';

function job(spec: string[], annotations = ['helm.sh/hook: pre-upgrade']): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: {{ .Release.Name }}-x',
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec:',
    ...spec.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

const TEMPLATE = ['template:', '  spec:', '    restartPolicy: Never'];

describe(RULE, () => {
  it("reports a hook Job with neither backoffLimit nor activeDeadlineSeconds at the Job's spec key", () => {
    const text = job(TEMPLATE);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['spec']);
    assert.equal(location(text, findings[0]!), '7:1-7:5');
    assert.equal(findings[0]!.severity, 'info');
    assert.match(findings[0]!.message, /neither backoffLimit nor activeDeadlineSeconds/);
    assert.match(explained(findings[0]!), /--timeout \(5m by default\)/);
  });

  it('is satisfied by either field, even templated', () => {
    assert.deepEqual(lint(RULE, job(['backoffLimit: 0', ...TEMPLATE])), []);
    assert.deepEqual(lint(RULE, job(['activeDeadlineSeconds: 300', ...TEMPLATE])), []);
    assert.deepEqual(lint(RULE, job(['backoffLimit: {{ .Values.backoffLimit }}', ...TEMPLATE])), []);
  });

  it('stays silent when template output may add Job fields, but not for output inside the pod template', () => {
    assert.deepEqual(
      lint(RULE, job(['{{- with .Values.jobSpec }}', '{{- toYaml . | nindent 2 }}', '{{- end }}', ...TEMPLATE])),
      [],
    );
    assert.deepEqual(
      lint(RULE, job(['{{ toYaml .Values.jobSpec | indent 2 }}', ...TEMPLATE]).replace('  {{ toYaml', '{{ toYaml')),
      [],
    );
    assert.equal(lint(RULE, job([...TEMPLATE, '    {{- toYaml .Values.podSpec | nindent 4 }}'])).length, 1);
  });

  it('ignores normal Jobs, Jobs whose events are templated, and other kinds', () => {
    assert.deepEqual(lint(RULE, job(TEMPLATE, ['example.com/x: "y"'])), []);
    assert.deepEqual(lint(RULE, job(TEMPLATE, ['helm.sh/hook: {{ .Values.hook }}'])), []);
    assert.deepEqual(lint(RULE, job(TEMPLATE).replace('kind: Job', 'kind: Pod')), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
