import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertDocsExamples, explained, lint, location, pointedText } from '../../support/rule-tester';

const RULE = 'crd-hook';

function crd(annotations: string[]): string {
  return [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  name: widgets.example.com',
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec:',
    '  group: example.com',
    '',
  ].join('\n');
}

describe(RULE, () => {
  it('reports a CRD hook at its helm.sh/hook value, whatever its delete policy', () => {
    for (const policy of [[], ['helm.sh/hook-delete-policy: hook-succeeded']]) {
      const text = crd(['"helm.sh/hook": pre-install,pre-upgrade', ...policy]);
      const findings = lint(RULE, text);
      assert.deepEqual(pointedText(text, findings), ['pre-install,pre-upgrade']);
      assert.equal(location(text, findings[0]!), '6:21-6:44');
      assert.equal(findings[0]!.severity, 'warning');
      assert.match(
        explained(findings[0]!),
        /never deletes a CustomResourceDefinition hook, whatever its delete policy/,
      );
      assert.match(findings[0]!.help, /^Move the CRD to the chart's crds\/ directory/);
    }
  });

  it('stays silent on a CRD that is not a hook, a templated event list, and a value Helm drops (unknown-hook-event reports it)', () => {
    assert.deepEqual(lint(RULE, crd(['example.com/owner: team'])), []);
    assert.deepEqual(lint(RULE, crd(['helm.sh/hook: {{ .Values.crdHook }}'])), []);
    assert.deepEqual(lint(RULE, crd(['helm.sh/hook: crd-install'])), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
