import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTemplate } from '../../../server/src/engine/analysis/file';
import { assertDocsExamples, fixAll, lint, location, pointedText } from '../../support/rule-tester';

const RULE = 'job-restart-policy';

function job(podSpec: string[], hook = 'pre-install', kind = 'Job'): string {
  return [
    'apiVersion: batch/v1',
    `kind: ${kind}`,
    'metadata:',
    '  name: migrate',
    '  annotations:',
    `    helm.sh/hook: ${hook}`,
    'spec:',
    '  backoffLimit: 1',
    '  template:',
    '    spec:',
    ...podSpec.map((line) => `      ${line}`),
    '',
  ].join('\n');
}

const CONTAINERS = ['containers:', '  - name: migrate', '    image: example.com/migrate:1.0.0'];

describe(RULE, () => {
  it("reports a hook Job whose pod template has no restartPolicy at the pod template's spec key, and adds restartPolicy: Never", () => {
    const text = job(CONTAINERS);
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(pointedText(text, findings), ['spec']);
    assert.equal(location(text, findings[0]!), '10:5-10:9');
    assert.equal(findings[0]!.severity, 'error');
    assert.match(findings[0]!.message, /no restartPolicy, which defaults to Always/);
    assert.match(findings[0]!.help, /^Add restartPolicy: Never or OnFailure/);
    assert.match(
      findings[0]!.help,
      /The Job "migrate" is invalid: spec\.template\.spec\.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"/,
    );
    assert.equal(findings[0]!.fixes[0]!.safe, true);
    const fixed = fixAll(RULE, text);
    assert.equal(fixed, job(['restartPolicy: Never', ...CONTAINERS]));
    assert.deepEqual(lint(RULE, fixed), []);
  });

  it('inserts the key right after spec:, outside an if block that opens the pod spec, and keeps CRLF line ends', () => {
    const guarded = job([
      '{{- if .Values.pullSecrets }}',
      'imagePullSecrets: {{ toYaml .Values.pullSecrets | nindent 8 }}',
      '{{- end }}',
      ...CONTAINERS,
    ]);
    assert.equal(
      fixAll(RULE, guarded),
      job([
        'restartPolicy: Never',
        '{{- if .Values.pullSecrets }}',
        'imagePullSecrets: {{ toYaml .Values.pullSecrets | nindent 8 }}',
        '{{- end }}',
        ...CONTAINERS,
      ]),
    );
    const crlf = job(CONTAINERS).replace(/\n/g, '\r\n');
    const fixed = fixAll(RULE, crlf);
    assert.equal(fixed, job(['restartPolicy: Never', ...CONTAINERS]).replace(/\n/g, '\r\n'));
    assert.ok(analyzeTemplate('t.yaml', fixed).model.yamlProblems.length === 0);
  });

  it('reports restartPolicy: Always and replaces it with Never', () => {
    const text = job(['restartPolicy: "Always"', ...CONTAINERS]);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['spec']);
    assert.match(findings[0]!.message, /cannot use restartPolicy: Always/);
    assert.equal(fixAll(RULE, text), job(['restartPolicy: Never', ...CONTAINERS]));
  });

  it('reports a flow-mapping pod spec without offering a fix, since it cannot place a new line there', () => {
    const flow = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: m',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      'spec:',
      '  template:',
      '    spec: {containers: []}',
      '',
    ].join('\n');
    const findings = lint(RULE, flow);
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('accepts OnFailure and Never, and stays silent on a templated value', () => {
    assert.deepEqual(lint(RULE, job(['restartPolicy: OnFailure', ...CONTAINERS])), []);
    assert.deepEqual(lint(RULE, job(['restartPolicy: Never', ...CONTAINERS])), []);
    assert.deepEqual(lint(RULE, job(['restartPolicy: {{ .Values.restartPolicy }}', ...CONTAINERS])), []);
  });

  it('stays silent when template output we cannot see may set restartPolicy, but not for output nested in a container', () => {
    assert.deepEqual(lint(RULE, job(['{{- include "pod.spec" . | nindent 6 }}'])), []);
    assert.deepEqual(
      lint(RULE, job([...CONTAINERS, '{{- with .Values.podSpecExtra }}', '{{- toYaml . | nindent 6 }}', '{{- end }}'])),
      [],
    );
    const nested = job([...CONTAINERS, '    resources:', '      {{- toYaml .Values.resources | nindent 12 }}']);
    assert.equal(lint(RULE, nested).length, 1);
  });

  it('ignores Jobs that are not hooks and other kinds', () => {
    const plain = job(CONTAINERS).replace('  annotations:\n    helm.sh/hook: pre-install\n', '');
    assert.deepEqual(lint(RULE, plain), []);
    assert.deepEqual(lint(RULE, job(CONTAINERS, 'pre-install', 'Deployment')), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
