import type { ExpectedError, InvalidFileCase } from '../../support/rule-tester';
import { annotationsFromValues, configMapWith, ruleTester } from '../../support/rule-tester';

/** A pre-install hook ConfigMap whose weight line is `helm.sh/hook-weight: <value>` (line 7, value at column 26). */
function hookWithWeight(value: string): string {
  return configMapWith(['helm.sh/hook: pre-install', `helm.sh/hook-weight: ${value}`]);
}

const REJECTED = 'Kubernetes rejects this ConfigMap at install';
const NOT_A_STRING =
  /json: cannot unmarshal number into Go struct field ObjectMeta\.metadata\.annotations of type string/;

/** The finding at the weight of hookWithWeight(typed), from column 26 to its end. */
function atWeight(typed: string, expected: Omit<ExpectedError, 'line' | 'column'>): ExpectedError {
  return { line: 7, column: 26, endLine: 7, endColumn: 26 + typed.length, ...expected };
}

/** An unquoted plain number: reported as a number, with the weight Helm reads and the quoted fix. */
function numberCase(
  typed: string,
  quoted: string,
  safe: boolean,
  helmReads: string,
  help: RegExp[] = [],
): InvalidFileCase {
  const fixed = hookWithWeight(quoted);
  return {
    name: `${typed}: quoted as ${quoted} (${safe ? 'safe' : 'unsafe'}), Helm reads weight ${helmReads}`,
    code: hookWithWeight(typed),
    errors: [
      atWeight(typed, {
        messageId: 'notString',
        data: { rejection: REJECTED, weight: typed, kind: 'a number' },
        severity: 'error',
        help: [new RegExp(`Unquoted, Helm reads weight ${helmReads}\\b`), NOT_A_STRING, ...help],
      }),
    ],
    ...(safe
      ? { output: fixed }
      : { output: null, suggestions: [{ title: `Quote the weight: ${quoted}`, output: fixed }] }),
  };
}

/** A weight strconv.Atoi rejects: reported without a fix. */
function unfixableCase(typed: string, data: Record<string, string>, help: RegExp[]): InvalidFileCase {
  return {
    name: `${typed}: reported without a fix, Helm would use weight 0`,
    code: hookWithWeight(typed),
    errors: [
      atWeight(typed, {
        messageId: 'notString',
        data: { weight: typed, ...data },
        help: [/strconv\.Atoi rejects, so it would use weight 0/, ...help],
      }),
    ],
  };
}

ruleTester.run('unquoted-hook-weight', {
  valid: [
    ...['"5"', '"-5"', "'5'", '"010"', '"5.0"', '', '~', '!!str 5'].map((value) => ({
      name: `quoted, null or tagged weight ${value || '(empty)'}`,
      code: hookWithWeight(value),
    })),
    {
      name: 'a block scalar weight',
      code: configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-weight: |-', '  5']),
    },
    ...[
      '"{{ .Values.weight }}"',
      "'{{ .Values.weight }}'",
      '{{ .Values.weight | quote }}',
      '{{ .Values.weight | default 5 | squote }}',
      '{{ quote .Values.weight }}',
      '{{ (.Values.weight | quote) }}',
      '"-{{ .Values.weight }}"',
    ].map((value) => ({ name: `a template quoted by YAML or quote: ${value}`, code: hookWithWeight(value) })),
    {
      name: 'partly templated, with literal text no number contains',
      code: hookWithWeight('pre-{{ .Values.weight }}'),
    },
    { name: "an unclosed action: unclosed-template-action's", code: hookWithWeight('{{ .Values.weight') },
    {
      name: 'annotations built by toYaml',
      code: configMapWith([annotationsFromValues()]),
    },
    { name: 'another annotation', code: configMapWith(['helm.sh/hook: pre-install', 'example.com/weight: 5']) },
    {
      name: 'a weight in a pod template',
      code: [
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
      ].join('\n'),
    },
  ],
  invalid: [
    numberCase('-5', '"-5"', true, '-5', [/^Quote it: "-5"\./, /helm template, helm lint and --dry-run=client pass/]),
    numberCase('5', '"5"', true, '5'),
    numberCase('+5', '"+5"', true, '5'),
    numberCase('1_000', '"1000"', true, '1000'),
    numberCase('5.0', '"5"', true, '5'),
    numberCase('-5.0', '"-5"', true, '-5'),
    numberCase('1e3', '"1000"', true, '1000'),
    numberCase('0x10', '"16"', false, '16', [/strconv\.Atoi reads only decimal digits/]),
    numberCase('0o10', '"8"', false, '8'),
    numberCase('0b101', '"5"', false, '5'),
    numberCase('010', '"010"', true, '8, because YAML 1\\.1 reads 010 as octal', [
      /"010", which Helm reads as weight 10\./,
    ]),
    unfixableCase('5.5', { kind: 'a number' }, [/Helm reads it as "5\.5"/]),
    unfixableCase('true', { kind: 'a boolean' }, [/cannot unmarshal bool/]),
    unfixableCase('on', { kind: 'a boolean' }, []),
    unfixableCase('9223372036854775808', { kind: 'a number' }, []),
    unfixableCase('.inf', { kind: 'a number', rejection: 'helm install and kubectl fail on this ConfigMap' }, [
      /error converting YAML to JSON: json: unsupported value: \+Inf/,
      /Helm reads it as "\+Inf"/,
    ]),
    {
      name: 'a list weight, which breaks helm template, without a fix',
      code: hookWithWeight('[5]'),
      errors: [
        atWeight('[5]', {
          messageId: 'notStringCollection',
          data: { kind: 'a list' },
          help: [/cannot unmarshal array into Go struct field \.metadata\.annotations of type string/],
        }),
      ],
    },
    {
      name: 'an unquoted weight without helm.sh/hook: Kubernetes rejects any numeric annotation',
      code: configMapWith(['helm.sh/hook-weight: 5']),
      errors: [{ messageId: 'notString', data: { weight: '5' }, line: 6, column: 26, endColumn: 27 }],
      output: configMapWith(['helm.sh/hook-weight: "5"']),
    },
    {
      name: 'a plain template without quote: a warning, and | quote appended inside the action',
      code: hookWithWeight('{{ .Values.weight }}'),
      errors: [
        atWeight('{{ .Values.weight }}', {
          messageId: 'templatedOutput',
          data: { subject: 'this ConfigMap', weight: '{{ .Values.weight }}' },
          severity: 'warning',
          help: [/\{\{ \.Values\.weight \| quote \}\}/],
        }),
      ],
      output: hookWithWeight('{{ .Values.weight | quote }}'),
    },
    {
      name: '| quote goes after the last command',
      code: hookWithWeight('{{ .Values.weight | default 5 }}'),
      errors: [{ messageId: 'templatedOutput', line: 7, column: 26 }],
      output: hookWithWeight('{{ .Values.weight | default 5 | quote }}'),
    },
    {
      name: '| quote goes before a right trim marker',
      code: hookWithWeight('{{ .Values.weight -}}'),
      errors: [{ messageId: 'templatedOutput', line: 7, column: 26 }],
      output: hookWithWeight('{{ .Values.weight | quote -}}'),
    },
    {
      name: '| quote is unsafe after a function that may already print quotes',
      code: hookWithWeight('{{ include "app.weight" . }}'),
      errors: [{ messageId: 'templatedOutput', line: 7, column: 26 }],
      output: null,
      suggestions: [{ title: 'Append | quote', output: hookWithWeight('{{ include "app.weight" . | quote }}') }],
    },
    {
      name: 'a plain value partly literal and partly templated: a warning without a fix',
      code: hookWithWeight('-{{ .Values.weight }}'),
      errors: [
        atWeight('-{{ .Values.weight }}', {
          messageId: 'partlyTemplated',
          data: { weight: '-{{ .Values.weight }}' },
          severity: 'warning',
        }),
      ],
    },
    {
      name: 'a weight written inside a define: each object that includes it',
      filename: 'templates/_helpers.tpl',
      code: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook: pre-install',
        'helm.sh/hook-weight: 5',
        '{{- end }}',
        '',
      ].join('\n'),
      errors: [
        {
          messageId: 'notString',
          data: { rejection: 'Kubernetes rejects each object that includes this at install', weight: '5' },
          line: 3,
          column: 22,
          endColumn: 23,
        },
      ],
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
