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

const RULE = 'duplicate-hook-event';

describe(RULE, () => {
  it('reports the second occurrence of an event, says the hook runs twice in that phase, points at the first, and removes it', () => {
    const text = configMapWith(['helm.sh/hook: pre-install, post-install,pre-install']);
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(pointedText(text, findings), ['pre-install']);
    // "    helm.sh/hook: " is 18 columns and "pre-install, post-install," 26 more: the repeat starts at column 45.
    assert.equal(location(text, findings[0]!), '6:45-6:56');
    assert.equal(findings[0]!.severity, 'warning');
    assert.match(findings[0]!.message, /twice at pre-install/);
    assert.deepEqual(
      findings[0]!.related.map((related) => related.range.start),
      [text.indexOf('pre-install')],
    );
    assert.equal(findings[0]!.fixes[0]!.safe, true);
    assert.equal(applyFix(text, findings[0]!), configMapWith(['helm.sh/hook: pre-install, post-install']));
  });

  it('treats test-success as the alias of test', () => {
    const text = configMapWith(['helm.sh/hook: test,test-success']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['test-success']);
    assert.match(explained(findings[0]!), /test-success is an alias of test/);
    assert.match(findings[0]!.message, /helm test runs this hook twice/);
    assert.equal(fixAll(RULE, text), configMapWith(['helm.sh/hook: test']));
  });

  it('compares events after trimming and lower-casing them, as Helm does', () => {
    const text = configMapWith(['helm.sh/hook: "pre-install, PRE-INSTALL "']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['PRE-INSTALL']);
    assert.equal(fixAll(RULE, text), configMapWith(['helm.sh/hook: "pre-install"']));
  });

  it('keeps the separators of the items around a removed duplicate', () => {
    const text = configMapWith(['helm.sh/hook: pre-install,pre-install, post-install']);
    assert.equal(fixAll(RULE, text), configMapWith(['helm.sh/hook: pre-install, post-install']));
  });

  it('reports every repeat of a thrice-listed event and fixes them together', () => {
    const text = configMapWith(['helm.sh/hook: pre-upgrade,pre-upgrade,pre-upgrade']);
    const findings = lint(RULE, text);
    assert.deepEqual(
      findings.map((finding) => location(text, finding)),
      ['6:31-6:42', '6:43-6:54'],
    );
    assert.equal(fixAll(RULE, text), configMapWith(['helm.sh/hook: pre-upgrade']));
  });

  it('still reports duplicates of known events beside an unknown one', () => {
    const text = configMapWith(['helm.sh/hook: pre-install,pre-instal,pre-install']);
    assert.deepEqual(
      lint(RULE, text).map((finding) => location(text, finding)),
      ['6:42-6:53'],
    );
  });

  it('points at the whole value, without a fix, when escapes keep the items from being located', () => {
    const text = configMapWith(['helm.sh/hook: "pre-install,\\tpre-install"']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['"pre-install,\\tpre-install"']);
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('accepts distinct events, each event on its own and a single test-success', () => {
    for (const value of [
      'pre-install,post-install',
      '"pre-install, pre-upgrade, post-install, post-upgrade"',
      'test-success',
      'pre-install,,post-install',
    ]) {
      assert.deepEqual(lint(RULE, configMapWith([`helm.sh/hook: ${value}`])), [], value);
    }
  });

  it('compares only items whose text is known and that always render together', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: {{ .Values.hookEvents }}'])), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: "pre-install,{{ .Values.event }}"'])), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: {{ .Values.events | quote }}'])), []);
    const branches = configMapWith([
      'helm.sh/hook: "{{ if .Values.a }}post-install, pre-install, post-upgrade{{ else }}post-delete, pre-install, post-rollback{{ end }}"',
    ]);
    assert.deepEqual(lint(RULE, branches), []);
    const around = configMapWith(['helm.sh/hook: "pre-install, {{ .Values.extra }}, pre-install"']);
    assert.deepEqual(pointedText(around, lint(RULE, around)), ['pre-install']);
    assert.equal(fixAll(RULE, around), configMapWith(['helm.sh/hook: "pre-install, {{ .Values.extra }}"']));
  });

  it('ignores annotations built by toYaml, other keys and pod template annotations', () => {
    assert.deepEqual(lint(RULE, configMapWith(['{{- toYaml .Values.annotations | nindent 4 }}'])), []);
    assert.deepEqual(
      lint(RULE, configMapWith(['example.com/hook: pre-install,pre-install', 'helm.sh/hook-weight: "5"'])),
      [],
    );
    const podTemplate = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: x',
      'spec:',
      '  template:',
      '    metadata:',
      '      annotations:',
      '        helm.sh/hook: pre-install,pre-install',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, podTemplate), []);
  });

  it('checks hook annotations written inside a define', () => {
    const text = [
      '{{- define "app.hookAnnotations" -}}',
      'helm.sh/hook: post-install,post-install',
      '{{- end }}',
      '',
    ].join('\n');
    const findings = lint(RULE, text, {}, 'templates/_helpers.tpl');
    assert.equal(findings.length, 1);
    assert.equal(location(text, findings[0]!), '2:28-2:40');
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
