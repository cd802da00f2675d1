import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyFix,
  assertDocsExamples,
  configMapWith,
  fixAll,
  lint,
  location,
  pointedText,
} from '../../support/rule-tester';

const RULE = 'unquoted-hook-weight';

/** A pre-install hook ConfigMap whose weight line is `helm.sh/hook-weight: <value>` (line 7, value at column 26). */
function hookWithWeight(value: string): string {
  return configMapWith(['helm.sh/hook: pre-install', `helm.sh/hook-weight: ${value}`]);
}

describe(RULE, () => {
  it('reports an unquoted -5 at the value, says Kubernetes rejects it and what Helm reads, and quotes it safely', () => {
    const text = hookWithWeight('-5');
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(pointedText(text, findings), ['-5']);
    assert.equal(location(text, findings[0]!), '7:26-7:28');
    assert.equal(findings[0]!.severity, 'error');
    const { message, help } = findings[0]!;
    assert.equal(message, 'Kubernetes rejects this ConfigMap at install: the weight -5 is a number, not a string.');
    assert.match(help, /^Quote it: "-5"\./);
    assert.match(
      help,
      /json: cannot unmarshal number into Go struct field ObjectMeta\.metadata\.annotations of type string/,
    );
    assert.match(help, /helm template, helm lint and --dry-run=client pass/);
    assert.match(help, /Unquoted, Helm reads weight -5\./);
    assert.equal(findings[0]!.fixes.length, 1);
    assert.equal(findings[0]!.fixes[0]!.safe, true);
    assert.equal(applyFix(text, findings[0]!), hookWithWeight('"-5"'));
  });

  it('quotes every plain number Atoi can read as typed, or as the integer Helm read, and never a text Atoi rejects', () => {
    // [typed, quoted fix, safe, weight Helm reads from the unquoted scalar (reference §2 table)]
    const cases: [string, string, boolean, string][] = [
      ['5', '"5"', true, '5'],
      ['+5', '"+5"', true, '5'],
      ['1_000', '"1000"', true, '1000'],
      ['5.0', '"5"', true, '5'],
      ['-5.0', '"-5"', true, '-5'],
      ['1e3', '"1000"', true, '1000'],
      ['0x10', '"16"', false, '16'],
      ['0o10', '"8"', false, '8'],
      ['0b101', '"5"', false, '5'],
    ];
    for (const [typed, quoted, safe, weight] of cases) {
      const text = hookWithWeight(typed);
      const findings = lint(RULE, text);
      assert.equal(findings.length, 1, typed);
      assert.deepEqual(pointedText(text, findings), [typed]);
      assert.match(findings[0]!.help, new RegExp(`Unquoted, Helm reads weight ${weight}\\b`), typed);
      const fix = findings[0]!.fixes[0]!;
      assert.equal(fix.safe, safe, typed);
      assert.match(fix.edits[0]!.newText, /^"[+-]?[0-9]+"$/, `${typed}: the fix is a text strconv.Atoi accepts`);
      assert.equal(applyFix(text, findings[0]!), hookWithWeight(quoted), typed);
    }
  });

  it('quotes an unquoted 010 as typed and says Helm sorted it as octal 8 while "010" is weight 10', () => {
    const text = hookWithWeight('010');
    const [finding] = lint(RULE, text);
    assert.match(finding!.help, /^Quote it: "010", which Helm reads as weight 10\./);
    assert.match(finding!.help, /Unquoted, Helm reads weight 8, because YAML 1\.1 reads 010 as octal/);
    assert.equal(finding!.fixes[0]!.safe, true);
    assert.equal(applyFix(text, finding!), hookWithWeight('"010"'));
  });

  it('explains that a hexadecimal weight must be written in decimal for strconv.Atoi', () => {
    const [finding] = lint(RULE, hookWithWeight('0x10'));
    assert.match(finding!.help, /^Write it in decimal: "16", since Helm's strconv\.Atoi reads only decimal digits\./);
  });

  it('offers no fix for a weight that is not an integer, a boolean, or a number beyond 64 bits', () => {
    for (const typed of ['5.5', 'true', 'on', '9223372036854775808', '.inf']) {
      const findings = lint(RULE, hookWithWeight(typed));
      assert.equal(findings.length, 1, typed);
      assert.deepEqual(findings[0]!.fixes, [], typed);
      assert.match(findings[0]!.help, /strconv\.Atoi rejects, so it would use weight 0/, typed);
    }
    const [bool] = lint(RULE, hookWithWeight('true'));
    assert.match(bool!.message, /the weight true is a boolean/);
    assert.match(bool!.help, /cannot unmarshal bool/);
    const [infinite] = lint(RULE, hookWithWeight('.inf'));
    assert.match(infinite!.help, /error converting YAML to JSON: json: unsupported value: \+Inf/);
    assert.match(infinite!.help, /Helm reads it as "\+Inf"/);
    const [decimal] = lint(RULE, hookWithWeight('5.5'));
    assert.match(decimal!.help, /Helm reads it as "5\.5"/);
  });

  it('reports a list weight, which breaks helm template, without a fix', () => {
    const text = hookWithWeight('[5]');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['[5]']);
    assert.match(
      findings[0]!.help,
      /cannot unmarshal array into Go struct field \.metadata\.annotations of type string/,
    );
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('stays silent on quoted weights, block scalars and null', () => {
    for (const value of ['"5"', '"-5"', "'5'", '"010"', '"5.0"', '', '~', '!!str 5']) {
      assert.deepEqual(lint(RULE, hookWithWeight(value)), [], value);
    }
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-weight: |-', '  5'])), []);
  });

  it('reports an unquoted weight even without helm.sh/hook, since Kubernetes rejects any numeric annotation', () => {
    const text = configMapWith(['helm.sh/hook-weight: 5']);
    assert.deepEqual(pointedText(text, lint(RULE, text)), ['5']);
  });

  it('warns on a plain template without quote and appends | quote inside the action', () => {
    const text = hookWithWeight('{{ .Values.weight }}');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['{{ .Values.weight }}']);
    assert.equal(findings[0]!.severity, 'warning');
    assert.match(findings[0]!.message, /if the weight \{\{ \.Values\.weight \}\} renders a number/);
    assert.match(findings[0]!.help, /^Pipe it through quote: \{\{ \.Values\.weight \| quote \}\}\./);
    assert.equal(findings[0]!.fixes[0]!.safe, true);
    assert.equal(applyFix(text, findings[0]!), hookWithWeight('{{ .Values.weight | quote }}'));
    assert.equal(fixAll(RULE, text), hookWithWeight('{{ .Values.weight | quote }}'));
  });

  it('appends | quote after the last command and before a right trim marker', () => {
    const withDefault = hookWithWeight('{{ .Values.weight | default 5 }}');
    assert.equal(fixAll(RULE, withDefault), hookWithWeight('{{ .Values.weight | default 5 | quote }}'));
    const trimmed = hookWithWeight('{{ .Values.weight -}}');
    assert.equal(fixAll(RULE, trimmed), hookWithWeight('{{ .Values.weight | quote -}}'));
  });

  it('marks | quote unsafe after a function that may already print quotes', () => {
    const text = hookWithWeight('{{ include "app.weight" . }}');
    const findings = lint(RULE, text);
    assert.equal(findings[0]!.fixes[0]!.safe, false);
    assert.equal(applyFix(text, findings[0]!), hookWithWeight('{{ include "app.weight" . | quote }}'));
  });

  it('stays silent on templates that are quoted by YAML or end in quote or squote', () => {
    for (const value of [
      '"{{ .Values.weight }}"',
      "'{{ .Values.weight }}'",
      '{{ .Values.weight | quote }}',
      '{{ .Values.weight | default 5 | squote }}',
      '{{ quote .Values.weight }}',
      '{{ (.Values.weight | quote) }}',
      '"-{{ .Values.weight }}"',
    ]) {
      assert.deepEqual(lint(RULE, hookWithWeight(value)), [], value);
    }
  });

  it('warns without a fix on a plain value that is partly literal and partly templated', () => {
    const text = hookWithWeight('-{{ .Values.weight }}');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['-{{ .Values.weight }}']);
    assert.equal(findings[0]!.severity, 'warning');
    assert.match(findings[0]!.message, /partly templated and not quoted/);
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('stays silent on a partly templated value whose literal text no YAML number or boolean contains', () => {
    assert.deepEqual(lint(RULE, hookWithWeight('pre-{{ .Values.weight }}')), []);
  });

  it('leaves an unclosed action to unclosed-template-action', () => {
    assert.deepEqual(lint(RULE, hookWithWeight('{{ .Values.weight')), []);
  });

  it('ignores annotations built by toYaml, other annotations and a pod template weight', () => {
    const built = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x',
      '  annotations:',
      '    {{- toYaml .Values.annotations | nindent 4 }}',
      'data: {}',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, built), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-install', 'example.com/weight: 5'])), []);
    const nested = [
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
      '        helm.sh/hook-weight: 5',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, nested), []);
  });

  it('checks a weight written inside a define', () => {
    const text = [
      '{{- define "app.hookAnnotations" -}}',
      'helm.sh/hook: pre-install',
      'helm.sh/hook-weight: 5',
      '{{- end }}',
      '',
    ].join('\n');
    const findings = lint(RULE, text, {}, 'templates/_helpers.tpl');
    assert.deepEqual(pointedText(text, findings), ['5']);
    assert.match(findings[0]!.message, /^Kubernetes rejects each object that includes this at install/);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
