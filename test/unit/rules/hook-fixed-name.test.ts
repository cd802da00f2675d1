import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertDocsExamples, configMapWith, lint, location, pointedText } from '../../support/rule-tester';

const RULE = 'hook-fixed-name';

describe(RULE, () => {
  it('reports a hook whose literal name holds no template action, at metadata.name', () => {
    const text = configMapWith(['helm.sh/hook: pre-install'], 'migrate-config');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['migrate-config']);
    assert.equal(location(text, findings[0]!), '4:9-4:23');
    assert.equal(findings[0]!.severity, 'info');
    assert.match(findings[0]!.message, /"migrate-config"/);
    assert.match(
      findings[0]!.help,
      /^Build the name from the release, e\.g\. \{\{ include "<chart>\.fullname" \. \}\}-migrate-config\./,
    );
    const quoted = configMapWith(['helm.sh/hook: pre-install'], '"migrate"');
    assert.deepEqual(pointedText(quoted, lint(RULE, quoted)), ['"migrate"']);
  });

  it('stays silent on a name built with any template action', () => {
    for (const name of [
      '{{ .Release.Name }}-migrate',
      '{{ include "app.fullname" . }}-migrate',
      '"{{ template "app.name" . }}"',
      'migrate-{{ .Values.suffix }}',
    ]) {
      assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-install'], name)), [], name);
    }
  });

  it('ignores resources that are not hooks, CRDs, and hooks whose events are templated', () => {
    assert.deepEqual(lint(RULE, configMapWith(['example.com/a: b'], 'fixed')), []);
    assert.deepEqual(
      lint(
        RULE,
        configMapWith(['helm.sh/hook: pre-install'], 'a.b').replace(
          'kind: ConfigMap',
          'kind: CustomResourceDefinition',
        ),
      ),
      [],
    );
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: {{ .Values.hook }}'], 'fixed')), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
