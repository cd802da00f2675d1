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

const RULE = 'invalid-hook-weight';

/** A pre-install hook ConfigMap whose weight is `helm.sh/hook-weight: <value>` (line 7, value at column 26). */
function hookWithWeight(...weightLines: string[]): string {
  return configMapWith([
    'helm.sh/hook: pre-install',
    `helm.sh/hook-weight: ${weightLines[0]}`,
    ...weightLines.slice(1),
  ]);
}

describe(RULE, () => {
  it('reports " 5" at the value, says Helm silently uses weight 0, and trims it safely', () => {
    const text = hookWithWeight('" 5"');
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(pointedText(text, findings), ['" 5"']);
    assert.equal(location(text, findings[0]!), '7:26-7:30');
    assert.equal(findings[0]!.severity, 'error');
    assert.match(
      findings[0]!.message,
      /weight 0: strconv\.Atoi rejects the weight " 5" \(it has spaces around the number\)/,
    );
    assert.match(findings[0]!.help, /^Write "5"\./);
    assert.equal(findings[0]!.fixes[0]!.safe, true);
    assert.equal(applyFix(text, findings[0]!), hookWithWeight('"5"'));
  });

  it('fixes whitespace and integral decimals safely, keeping the quote style', () => {
    const cases: [string, string][] = [
      ['"5 "', '"5"'],
      ['"5.0"', '"5"'],
      ['"-5.00"', '"-5"'],
      ["'5.0'", "'5'"],
      ["' 7 '", "'7'"],
      ['"\\t5"', '"5"'],
    ];
    for (const [written, fixed] of cases) {
      const findings = lint(RULE, hookWithWeight(written));
      assert.equal(findings.length, 1, written);
      assert.equal(findings[0]!.fixes[0]!.safe, true, written);
      assert.equal(fixAll(RULE, hookWithWeight(written)), hookWithWeight(fixed), written);
    }
  });

  it('reports a | block scalar, whose value ends in a line break, and replaces it with the quoted integer', () => {
    const text = hookWithWeight('|', '  5');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['|\n      5']);
    assert.match(findings[0]!.message, /"5\\n"/);
    assert.match(findings[0]!.message, /ends in a line break/);
    assert.equal(findings[0]!.fixes[0]!.safe, true);
    assert.equal(applyFix(text, findings[0]!), hookWithWeight('"5"'));
    assert.equal(fixAll(RULE, hookWithWeight('>', '  5')), hookWithWeight('"5"'));
  });

  it('offers hexadecimal, digit-separated and exponent forms in decimal as unsafe fixes', () => {
    const cases: [string, string][] = [
      ['"0x10"', '"16"'],
      ['"1_000"', '"1000"'],
      ['"1e3"', '"1000"'],
    ];
    for (const [written, fixed] of cases) {
      const text = hookWithWeight(written);
      const findings = lint(RULE, text);
      assert.equal(findings.length, 1, written);
      assert.equal(findings[0]!.fixes[0]!.safe, false, written);
      assert.match(findings[0]!.help, new RegExp(`^If you meant ${fixed.slice(1, -1)}, write ${fixed}\\.`), written);
      assert.equal(applyFix(text, findings[0]!), hookWithWeight(fixed), written);
      assert.equal(fixAll(RULE, text), text, `${written}: not applied by fix-all`);
    }
  });

  it('reports words, the empty string, overflow and non-integral decimals without a fix', () => {
    const cases: [string, RegExp][] = [
      ['"high"', /not a whole number/],
      ['high', /not a whole number/],
      ['""', /it is empty/],
      ['"99999999999999999999"', /does not fit in 64 bits/],
      ['"9223372036854775808"', /does not fit in 64 bits/],
      ['"5.5"', /decimal point/],
    ];
    for (const [written, reason] of cases) {
      const findings = lint(RULE, hookWithWeight(written));
      assert.equal(findings.length, 1, written);
      assert.match(findings[0]!.message, reason, written);
      assert.deepEqual(findings[0]!.fixes, [], written);
    }
  });

  it('accepts every weight strconv.Atoi reads', () => {
    for (const written of [
      '"5"',
      '"-5"',
      '"+5"',
      '"007"',
      '"-0"',
      '"9223372036854775807"',
      '"-9223372036854775808"',
      "'10'",
    ]) {
      assert.deepEqual(lint(RULE, hookWithWeight(written)), [], written);
    }
    assert.deepEqual(lint(RULE, hookWithWeight('|-', '  5')), []);
  });

  it('leaves unquoted numbers and null to other rules', () => {
    for (const written of ['5', '5.0', '0x10', 'true', '', '~']) {
      assert.deepEqual(lint(RULE, hookWithWeight(written)), [], written);
    }
  });

  it('stays silent on templated weights', () => {
    for (const written of [
      '"{{ .Values.weight }}"',
      '{{ .Values.weight | quote }}',
      "'{{ .Values.weight }}'",
      '{{ .Values.weight }}',
    ]) {
      assert.deepEqual(lint(RULE, hookWithWeight(written)), [], written);
    }
  });

  it('ignores a weight on an object that is not a hook, unless template output may add helm.sh/hook', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook-weight: " 5"'])), []);
    const built = configMapWith(['{{- toYaml .Values.hookAnnotations | nindent 4 }}', 'helm.sh/hook-weight: " 5"']);
    assert.deepEqual(pointedText(built, lint(RULE, built)), ['" 5"']);
  });

  it('ignores annotations built by toYaml and other annotations', () => {
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
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-install', 'example.com/weight: " 5"'])), []);
  });

  it('checks a weight written inside a define', () => {
    const text = [
      '{{- define "app.hookAnnotations" -}}',
      'helm.sh/hook: pre-install',
      'helm.sh/hook-weight: "5.0"',
      '{{- end }}',
      '',
    ].join('\n');
    const findings = lint(RULE, text, {}, 'templates/_helpers.tpl');
    assert.deepEqual(pointedText(text, findings), ['"5.0"']);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
