import { configMapWith, ruleTester } from '../../support/rule-tester';

/** How Helm fails on each: it prints Go's text/template error after "parse error at (file:line): ". */
const PARSE_ERROR = (goError: string) => new RegExp(`fail with "parse error at \\(…\\): ${goError}"`);
/** When Go reads later lines into the unclosed action, its error names them: the help quotes none. */
const SOME_PARSE_ERROR = /fail with a parse error,/;

ruleTester.run('unclosed-template-action', {
  valid: [
    {
      name: 'well-formed actions: trim markers, comments, strings holding "}}", raw strings, nested blocks',
      code: [
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
      ].join('\n'),
    },
  ],
  invalid: [
    {
      name: '"{{" without "}}": from the "{{" to the end of its line; later lines make Go fail otherwise',
      code: configMapWith(['helm.sh/hook: pre-install'], '{{ .Release.Name -migrate'),
      errors: [
        {
          messageId: 'unclosedAction',
          line: 4,
          column: 9,
          endLine: 4,
          endColumn: 34,
          severity: 'error',
          help: [/^Close the action with "}}"\./, SOME_PARSE_ERROR],
        },
      ],
    },
    {
      // Go's lexer reads line breaks inside an action as spaces: only when blanks alone follow does it end there.
      name: '"{{" on the last line: Go\'s "unclosed action"',
      code: 'a: b\nname: {{ .Release.Name\n\n',
      errors: [{ messageId: 'unclosedAction', line: 2, column: 7, help: [PARSE_ERROR('unclosed action')] }],
    },
    {
      name: 'a later "{{" cuts the unclosed action short: no Go message named',
      code: 'a: {{ .Values.a\nb: {{ .Values.b }}\n',
      errors: [
        { messageId: 'unclosedAction', line: 1, column: 4, endLine: 1, endColumn: 16, help: [SOME_PARSE_ERROR] },
      ],
    },
    {
      name: 'a string left open inside an action',
      code: 'a: {{ .Values.a | default "x }}\nb: c\n',
      errors: [
        { messageId: 'unterminatedString', line: 1, column: 4, help: [PARSE_ERROR('unterminated quoted string')] },
      ],
    },
    {
      name: 'a raw string left open inside an action',
      code: 'a: {{ .Values.a | default `x }}\nb: c\n',
      errors: [
        {
          messageId: 'unterminatedRawString',
          line: 1,
          column: 4,
          help: [PARSE_ERROR('unterminated raw quoted string')],
        },
      ],
    },
    {
      name: 'a character constant left open inside an action',
      code: 'a: {{ printf "%c" \'x }}\nb: c\n',
      errors: [
        {
          messageId: 'unterminatedCharacter',
          line: 1,
          column: 4,
          help: [PARSE_ERROR('unterminated character constant')],
        },
      ],
    },
    {
      name: 'a comment without "*/}}"',
      code: '{{/* note\na: b\n',
      errors: [
        {
          messageId: 'unclosedComment',
          line: 1,
          column: 1,
          help: [/^End the comment with "\*\/}}"\./, PARSE_ERROR('unclosed comment')],
        },
      ],
    },
    {
      name: 'a comment not ended by "*/}}"',
      code: '{{/* note */ }}\na: b\n',
      errors: [
        {
          messageId: 'commentNotEnded',
          line: 1,
          column: 1,
          help: [PARSE_ERROR('comment ends before closing delimiter')],
        },
      ],
    },
    {
      name: 'an "{{ end }}" too many: at that action',
      code: 'a: b\n{{- end }}\n',
      errors: [
        {
          messageId: 'endWithoutBlock',
          data: { action: '"{{ end }}"' },
          line: 2,
          column: 1,
          endLine: 2,
          endColumn: 11,
          help: [PARSE_ERROR('unexpected \\{\\{end\\}\\}')],
        },
      ],
    },
    {
      name: 'a block without its "{{ end }}": at its opening',
      code: '{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\n',
      errors: [
        {
          messageId: 'blockWithoutEnd',
          data: { action: '"{{ if }}"', end: '"{{ end }}"' },
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 26,
          help: [PARSE_ERROR('unexpected EOF')],
        },
      ],
    },
    {
      name: 'in a _helpers.tpl too, since Helm parses every template of the chart',
      filename: 'templates/_helpers.tpl',
      code: '{{- define "app.name" -}}\n{{ .Chart.Name\n{{- end }}\n',
      errors: [{ messageId: 'unclosedAction', line: 2, column: 1 }],
    },
  ],
});
