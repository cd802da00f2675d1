import type { ExpectedError, InvalidFileCase } from '../../support/rule-tester';
import { annotationsFromValues, configMapWith, ruleTester } from '../../support/rule-tester';

/** A pre-install hook ConfigMap whose weight is `helm.sh/hook-weight: <value>` (line 7, value at column 26). */
function hookWithWeight(...weightLines: string[]): string {
  return configMapWith([
    'helm.sh/hook: pre-install',
    `helm.sh/hook-weight: ${weightLines[0]}`,
    ...weightLines.slice(1),
  ]);
}

/** What Helm does with the text: strconv.Atoi rejects it and Helm falls back to weight 0, silently. */
const ATOI_FALLS_BACK_TO_0 =
  /Go's strconv\.Atoi, which accepts only an optional sign and decimal digits, and on any error uses weight 0 without a warning/;

/** The finding at a one-line weight of hookWithWeight(written), from column 26 to its end. */
function atWeight(written: string, expected: Omit<ExpectedError, 'line' | 'column'>): ExpectedError {
  return { line: 7, column: 26, endLine: 7, endColumn: 26 + written.length, ...expected };
}

/** A weight the safe fix rewrites as the integer meant, in the same quotes. */
function safeFixCase(written: string, helmReads: string, problem: string, fixed: string): InvalidFileCase {
  return {
    name: `${written}: ${problem}, written as ${fixed}`,
    code: hookWithWeight(written),
    errors: [
      atWeight(written, {
        messageId: 'rejectedWeight',
        data: { weight: JSON.stringify(helmReads), problem },
        severity: 'error',
        help: [new RegExp(`^Write ${fixed}\\.`), ATOI_FALLS_BACK_TO_0],
      }),
    ],
    output: hookWithWeight(fixed),
  };
}

/** A weight YAML would read as a number in another base or notation: offered in decimal, but not applied by --fix. */
function unsafeFixCase(written: string, problem: string, fixed: string): InvalidFileCase {
  return {
    name: `${written}: ${problem}, offered as ${fixed} but not applied`,
    code: hookWithWeight(written),
    errors: [
      atWeight(written, {
        messageId: 'rejectedWeight',
        data: { weight: written, problem },
        help: [new RegExp(`^If you meant ${fixed.slice(1, -1)}, write ${fixed}\\.`), ATOI_FALLS_BACK_TO_0],
      }),
    ],
    output: null,
    suggestions: [{ title: `Change the weight to ${fixed}`, output: hookWithWeight(fixed) }],
  };
}

/** A weight that means no integer: reported without a fix. */
function unfixableCase(written: string, helmReads: string, problem: string): InvalidFileCase {
  return {
    name: `${written}: ${problem}, without a fix`,
    code: hookWithWeight(written),
    errors: [
      atWeight(written, {
        messageId: 'rejectedWeight',
        data: { weight: JSON.stringify(helmReads), problem },
        help: [/^Write a whole number in quotes/, ATOI_FALLS_BACK_TO_0],
      }),
    ],
    output: null,
  };
}

ruleTester.run('invalid-hook-weight', {
  valid: [
    ...['"5"', '"-5"', '"+5"', '"007"', '"-0"', '"9223372036854775807"', '"-9223372036854775808"', "'10'"].map(
      (written) => ({ name: `a weight strconv.Atoi reads: ${written}`, code: hookWithWeight(written) }),
    ),
    { name: 'a |- block scalar, which keeps no line break', code: hookWithWeight('|-', '  5') },
    ...['5', '5.0', '0x10', 'true', '', '~'].map((written) => ({
      name: `unquoted or null, which is unquoted-hook-weight's: ${written || '(empty)'}`,
      code: hookWithWeight(written),
    })),
    ...['"{{ .Values.weight }}"', '{{ .Values.weight | quote }}', "'{{ .Values.weight }}'", '{{ .Values.weight }}'].map(
      (written) => ({ name: `a templated weight: ${written}`, code: hookWithWeight(written) }),
    ),
    { name: 'a weight on an object that is not a hook', code: configMapWith(['helm.sh/hook-weight: " 5"']) },
    {
      name: 'annotations built by toYaml',
      code: configMapWith([annotationsFromValues()]),
    },
    { name: 'another annotation', code: configMapWith(['helm.sh/hook: pre-install', 'example.com/weight: " 5"']) },
  ],
  invalid: [
    safeFixCase('" 5"', ' 5', 'it has spaces around the number', '"5"'),
    safeFixCase('"5 "', '5 ', 'it has spaces around the number', '"5"'),
    safeFixCase('"\\t5"', '\t5', 'it has spaces around the number', '"5"'),
    safeFixCase("' 7 '", ' 7 ', 'it has spaces around the number', "'7'"),
    safeFixCase('"5.0"', '5.0', 'it has a decimal point', '"5"'),
    safeFixCase('"-5.00"', '-5.00', 'it has a decimal point', '"-5"'),
    safeFixCase("'5.0'", '5.0', 'it has a decimal point', "'5'"),
    {
      name: 'a | block scalar, whose value ends in a line break: replaced with the quoted integer',
      code: hookWithWeight('|', '  5'),
      // From the | on line 7 to the 5 on line 8 (six spaces of indentation), not through the line break.
      errors: [
        {
          messageId: 'rejectedWeight',
          data: { weight: JSON.stringify('5\n'), problem: 'it ends in a line break' },
          line: 7,
          column: 26,
          endLine: 8,
          endColumn: 8,
        },
      ],
      output: hookWithWeight('"5"'),
    },
    {
      name: 'a > block scalar, which ends in a line break too',
      code: hookWithWeight('>', '  5'),
      errors: [{ messageId: 'rejectedWeight', data: { problem: 'it ends in a line break' }, line: 7, column: 26 }],
      output: hookWithWeight('"5"'),
    },
    unsafeFixCase('"0x10"', 'it reads only decimal digits', '"16"'),
    unsafeFixCase('"1_000"', 'it does not allow digit separators', '"1000"'),
    unsafeFixCase('"1e3"', 'it is not a whole number', '"1000"'),
    unfixableCase('"high"', 'high', 'it is not a whole number'),
    unfixableCase('high', 'high', 'it is not a whole number'),
    unfixableCase('""', '', 'it is empty'),
    unfixableCase('"99999999999999999999"', '99999999999999999999', 'it does not fit in 64 bits'),
    unfixableCase('"9223372036854775808"', '9223372036854775808', 'it does not fit in 64 bits'),
    unfixableCase('"5.5"', '5.5', 'it has a decimal point'),
    {
      name: 'a weight on an object whose annotations template output may give helm.sh/hook',
      code: configMapWith([annotationsFromValues('.Values.hookAnnotations'), 'helm.sh/hook-weight: " 5"']),
      errors: [atWeight('" 5"', { messageId: 'rejectedWeight', data: { weight: '" 5"' } })],
      output: configMapWith([annotationsFromValues('.Values.hookAnnotations'), 'helm.sh/hook-weight: "5"']),
    },
    {
      name: 'a weight written inside a define',
      filename: 'templates/_helpers.tpl',
      code: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook: pre-install',
        'helm.sh/hook-weight: "5.0"',
        '{{- end }}',
        '',
      ].join('\n'),
      // "helm.sh/hook-weight: " is 21 columns.
      errors: [{ messageId: 'rejectedWeight', data: { weight: '"5.0"' }, line: 3, column: 22, endColumn: 27 }],
      output: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook: pre-install',
        'helm.sh/hook-weight: "5"',
        '{{- end }}',
        '',
      ].join('\n'),
    },
  ],
});
