import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertDocsExamples, configMapWith, lint, location, pointedText } from '../../support/rule-tester';

const RULE = 'unclosed-template-action';

describe(RULE, () => {
  it('reports "{{" without "}}" from the "{{" to the end of its line', () => {
    const text = configMapWith(['helm.sh/hook: pre-install'], '{{ .Release.Name -migrate');
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.severity, 'error');
    assert.deepEqual(pointedText(text, findings), ['{{ .Release.Name -migrate']);
    assert.equal(location(text, findings[0]!), '4:9-4:34');
    assert.match(findings[0]!.message, /this "\{\{" has no closing "\}\}"/);
    assert.match(findings[0]!.help, /^Close the action with "}}"\./);
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('quotes Go\'s "unclosed action" only when the text ends on the action\'s line, since Go reads later lines into the action', () => {
    const lastLine = 'a: b\nname: {{ .Release.Name\n\n';
    assert.match(lint(RULE, lastLine)[0]!.help, /fail with "parse error at \(…\): unclosed action"/);
    const followed = configMapWith(['helm.sh/hook: pre-install'], '{{ .Release.Name -migrate');
    const help = lint(RULE, followed)[0]!.help;
    assert.doesNotMatch(help, /unclosed action"/);
    assert.match(help, /fail with a parse error,/);
  });

  it('names no Go message when a later "{{" cuts the unclosed action short', () => {
    const text = 'a: {{ .Values.a\nb: {{ .Values.b }}\n';
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['{{ .Values.a']);
    assert.match(findings[0]!.help, /fail with a parse error,/);
  });

  it('reports a string, raw string or character constant left open inside an action', () => {
    const string = 'a: {{ .Values.a | default "x }}\nb: c\n';
    assert.match(lint(RULE, string)[0]!.help, /parse error at \(…\): unterminated quoted string/);
    const raw = 'a: {{ .Values.a | default `x }}\nb: c\n';
    assert.match(lint(RULE, raw)[0]!.help, /unterminated raw quoted string/);
    const char = 'a: {{ printf "%c" \'x }}\nb: c\n';
    assert.match(lint(RULE, char)[0]!.help, /unterminated character constant/);
  });

  it('reports an unclosed comment and a comment not ended by "*/}}"', () => {
    assert.match(lint(RULE, '{{/* note\na: b\n')[0]!.help, /^End the comment with "\*\/}}"\..*unclosed comment/);
    assert.match(lint(RULE, '{{/* note */ }}\na: b\n')[0]!.help, /comment ends before closing delimiter/);
  });

  it('reports an "{{ end }}" too many at that action, and a block without its "{{ end }}" at its opening', () => {
    const extra = 'a: b\n{{- end }}\n';
    const findings = lint(RULE, extra);
    assert.deepEqual(pointedText(extra, findings), ['{{- end }}']);
    assert.match(findings[0]!.help, /unexpected \{\{end\}\}/);
    const missing = '{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\n';
    const open = lint(RULE, missing);
    assert.deepEqual(pointedText(missing, open), ['{{- if .Values.enabled }}']);
    assert.match(open[0]!.message, /this "\{\{ if \}\}" has no "\{\{ end \}\}"/);
    assert.match(open[0]!.help, /unexpected EOF/);
  });

  it('reports in a _helpers.tpl too, since Helm parses every template of the chart', () => {
    const text = '{{- define "app.name" -}}\n{{ .Chart.Name\n{{- end }}\n';
    assert.ok(lint(RULE, text, {}, 'templates/_helpers.tpl').length > 0);
  });

  it('accepts well-formed actions: trim markers, comments, strings holding "}}", raw strings, nested blocks', () => {
    const text = [
      '{{- /* a comment with }} inside */ -}}',
      '{{- define "app.labels" -}}',
      'app: {{ .Chart.Name | quote }}',
      '{{- end }}',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ printf "%s-}}" .Release.Name | trunc 63 }}',
      '  annotations:',
      '    {{- with.Values.annotations }}',
      '    {{- range $k, $v := . }}',
      '    {{ $k }}: {{ $v | quote }}',
      '    {{- end }}',
      '    {{- end }}',
      'data:',
      '  script: {{ `echo "}}"',
      '    done` | quote }}',
      '  char: {{ printf "%c" \'}\' }}',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, text), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
