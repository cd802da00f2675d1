import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TemplateAction } from '../../../server/src/engine/template/scanner';
import { MASK_CHAR, scanTemplate } from '../../../server/src/engine/template/scanner';

function actionTexts(text: string): string[] {
  return scanTemplate(text).actions.map((action) => text.slice(action.range.start, action.range.end));
}

function innerText(text: string, action: TemplateAction): string {
  return text.slice(action.inner.start, action.inner.end);
}

function lineBreakOffsets(text: string): number[] {
  const offsets: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n' || text[i] === '\r') offsets.push(i);
  return offsets;
}

/** Masking must keep every offset and line of the user's text. */
function assertSameShape(text: string, masked: string): void {
  assert.equal(masked.length, text.length);
  assert.deepEqual(lineBreakOffsets(masked), lineBreakOffsets(text));
}

describe('scanTemplate', () => {
  describe('trim markers (Go: "{{- " and " -}}", the space is required)', () => {
    it('reads "{{- " and " -}}" as trim markers and keeps them out of the inner range', () => {
      const text = 'a {{- .Values.x -}} b';
      const [action] = scanTemplate(text).actions;
      assert.ok(action);
      assert.deepEqual(action.range, { start: 2, end: 19 });
      assert.equal(action.trimLeft, true);
      assert.equal(action.trimRight, true);
      assert.equal(innerText(text, action).trim(), '.Values.x');
      assert.equal(action.kind, 'output');
    });

    it('reads "{{-3}}" as an action holding the number -3, not as a trim marker', () => {
      const text = '{{-3}}';
      const [action] = scanTemplate(text).actions;
      assert.ok(action);
      assert.equal(action.trimLeft, false);
      assert.equal(action.trimRight, false);
      assert.equal(innerText(text, action), '-3');
    });

    it('accepts a tab or a line break as the space of a trim marker', () => {
      const [tab] = scanTemplate('{{-\t.x\t-}}').actions;
      assert.equal(tab!.trimLeft, true);
      assert.equal(tab!.trimRight, true);
      const [newline] = scanTemplate('{{-\n.x\n-}}').actions;
      assert.equal(newline!.trimLeft, true);
      assert.equal(newline!.trimRight, true);
    });

    it('does not read "-}}" without a space before it as a trim marker', () => {
      const [action] = scanTemplate('{{ 3-}}').actions;
      assert.equal(action!.trimRight, false);
    });
  });

  describe('comments', () => {
    it('reads {{/* … */}} as a comment', () => {
      const text = 'a: b {{/* note */}}';
      const [action] = scanTemplate(text).actions;
      assert.equal(action!.kind, 'comment');
      assert.equal(text.slice(action!.range.start, action!.range.end), '{{/* note */}}');
      assert.equal(action!.closed, true);
    });

    it('reads {{- /* … */ -}} as a comment that trims on both sides', () => {
      const text = 'x\n{{- /* note */ -}}\ny';
      const [action] = scanTemplate(text).actions;
      assert.equal(action!.kind, 'comment');
      assert.equal(action!.trimLeft, true);
      assert.equal(action!.trimRight, true);
      assert.equal(text.slice(action!.range.start, action!.range.end), '{{- /* note */ -}}');
    });

    it('reads a comment spanning lines as one action, and "}}" inside a comment does not end it', () => {
      const text = '{{/*\n  a }} b\n*/}}\nkey: value\n';
      const result = scanTemplate(text);
      assert.deepEqual(actionTexts(text), ['{{/*\n  a }} b\n*/}}']);
      assert.deepEqual(result.problems, []);
      assert.equal(result.masked, '    \n        \n    \nkey: value\n');
    });

    it('reports a comment whose "*/" is not followed by "}}"', () => {
      const result = scanTemplate('{{/* a */ }}\n');
      assert.equal(result.problems.length, 1);
      assert.match(result.problems[0]!.message, /must end with "\*\/\}\}"/);
    });

    it('reports an unclosed comment', () => {
      const result = scanTemplate('{{/* a\nb: c\n');
      assert.equal(result.problems.length, 1);
      assert.match(result.problems[0]!.message, /Unclosed template comment/);
      assert.equal(result.actions[0]!.closed, false);
    });
  });

  describe('strings, raw strings and character constants inside actions', () => {
    it('does not end an action at "}}" inside a quoted string, escaped quotes included', () => {
      assert.deepEqual(actionTexts('a: {{ "}}" }} b'), ['{{ "}}" }}']);
      assert.deepEqual(actionTexts('a: {{ "x\\"}}" }} b'), ['{{ "x\\"}}" }}']);
    });

    it('does not end an action at "}}" inside a raw string, which may span lines', () => {
      const text = 'a: {{ `one\n}} two` }}\nb: c\n';
      const result = scanTemplate(text);
      assert.deepEqual(actionTexts(text), ['{{ `one\n}} two` }}']);
      assert.deepEqual(result.problems, []);
    });

    it('reads a character constant holding a quote without starting a string', () => {
      assert.deepEqual(actionTexts(`{{ list '"' "}}" }} x`), [`{{ list '"' "}}" }}`]);
      assert.deepEqual(actionTexts('{{ printf "%c" \'}\' }}'), ['{{ printf "%c" \'}\' }}']);
    });

    it('keeps nested parentheses inside one action', () => {
      const text = '{{ include "x" (dict "a" (list 1 2) "b" (printf "%s)" .y)) | nindent 4 }}';
      const [action] = scanTemplate(text).actions;
      assert.deepEqual(action!.range, { start: 0, end: text.length });
      assert.equal(action!.kind, 'output');
    });

    it('reports a string left open at the end of the line', () => {
      const result = scanTemplate('a: {{ "open }}\nb: c\n');
      assert.equal(result.problems.length, 1);
      assert.match(result.problems[0]!.message, /Unterminated string/);
    });
  });

  describe('unclosed actions', () => {
    it('reports "{{" without "}}" from the "{{" to the end of its line, and marks the action unclosed', () => {
      const text = 'a: b\nname: {{ .Release.Name\nc: d\n';
      const result = scanTemplate(text);
      assert.equal(result.problems.length, 1);
      const problem = result.problems[0]!;
      assert.equal(text.slice(problem.range.start, problem.range.end), '{{ .Release.Name');
      assert.match(problem.message, /Unclosed template action/);
      assert.equal(result.actions[0]!.closed, false);
      assertSameShape(text, result.masked);
    });

    it('starts again at the next "{{" after an unclosed action', () => {
      const text = 'a: {{ .x\nb: {{ .y }}\n';
      const result = scanTemplate(text);
      assert.equal(result.actions.length, 2);
      assert.equal(result.actions[0]!.closed, false);
      assert.equal(result.actions[1]!.closed, true);
      assert.equal(text.slice(result.actions[1]!.range.start, result.actions[1]!.range.end), '{{ .y }}');
    });

    it('reports an "{{ end }}" without an opening action, and a block without its "{{ end }}"', () => {
      assert.match(scanTemplate('a: b\n{{ end }}\n').problems[0]!.message, /without a matching/);
      const missing = scanTemplate('{{ if .x }}\na: b\n');
      assert.match(missing.problems[0]!.message, /"\{\{ if \}\}" has no matching "\{\{ end \}\}"/);
    });

    it('names each problem by its kind, and a block left open by its keyword', () => {
      const kindsOf = (text: string) =>
        scanTemplate(text).problems.map((problem) =>
          problem.kind === 'blockWithoutEnd' ? `${problem.kind}:${problem.keyword}` : problem.kind,
        );
      assert.deepEqual(kindsOf('a: {{ .x\n'), ['unclosedAction']);
      assert.deepEqual(kindsOf('a: {{ "x }}\n'), ['unterminatedString']);
      assert.deepEqual(kindsOf("a: {{ 'x }}\n"), ['unterminatedCharacter']);
      assert.deepEqual(kindsOf('a: {{ `x }}\n'), ['unterminatedRawString']);
      assert.deepEqual(kindsOf('{{/* note\n'), ['unclosedComment']);
      assert.deepEqual(kindsOf('{{/* note */ x }}\n'), ['commentNotEnded']);
      assert.deepEqual(kindsOf('{{ end }}\n'), ['endWithoutBlock']);
      assert.deepEqual(kindsOf('{{ range .xs }}\n{{ with .y }}{{ end }}\n'), ['blockWithoutEnd:range']);
    });
  });

  describe('action kinds', () => {
    it('classifies control keywords, assignments and output', () => {
      const text =
        '{{ if .x }}{{ else if .y }}{{ end }}{{ range $i, $v := .l }}{{ end }}{{ $a := 1 }}{{ $a = 2 }}{{ .Values.end }}{{ template "t" . }}{{ ender }}';
      const kinds = scanTemplate(text).actions.map(
        (action) => `${action.kind}${action.keyword ? `:${action.keyword}` : ''}`,
      );
      assert.deepEqual(kinds, [
        'control:if',
        'control:else',
        'control:end',
        'control:range',
        'control:end',
        'assign',
        'assign',
        'output',
        'output',
        'output',
      ]);
    });

    it('reads a keyword followed directly by a field, as Go\'s lexer ends an identifier at "."', () => {
      const result = scanTemplate('{{- with.Values.podLabels }}\n{{- end }}\n');
      assert.deepEqual(
        result.actions.map((action) => action.keyword),
        ['with', 'end'],
      );
      assert.deepEqual(result.problems, []);
      assert.equal(scanTemplate('{{ if1 }}').actions[0]!.kind, 'output');
    });
  });

  describe('defines', () => {
    it('finds a define with its name, header and body, up to its own "{{ end }}"', () => {
      const text = 'a: b\n{{- define "app.labels" -}}\n{{- if .x }}\nx: y\n{{- end }}\n{{- end -}}\n';
      const result = scanTemplate(text);
      assert.equal(result.defines.length, 1);
      const define = result.defines[0]!;
      assert.equal(define.name, 'app.labels');
      assert.equal(text.slice(define.header.start, define.header.end), '{{- define "app.labels" -}}');
      assert.equal(text.slice(define.body.start, define.body.end), '\n{{- if .x }}\nx: y\n{{- end }}\n');
    });

    it('blanks define bodies in masked but keeps them in maskedKeepingDefines', () => {
      const text = '{{ define "t" }}\nhelm.sh/hook: pre-install\n{{ end }}\nkind: ConfigMap\n';
      const result = scanTemplate(text);
      assert.equal(result.masked, '                \n                         \n         \nkind: ConfigMap\n');
      assert.equal(
        result.maskedKeepingDefines,
        '                \nhelm.sh/hook: pre-install\n         \nkind: ConfigMap\n',
      );
    });
  });

  describe('masked text', () => {
    it('keeps the length and every line break of the text, CRLF included', () => {
      const text = [
        '{{- /* header',
        '   spans lines */ -}}',
        'metadata:',
        '  name: {{ include "x" (dict',
        '    "a" 1) }}-suffix',
        '  labels:',
        '    {{- include "labels" . | nindent 4 }}',
        '  value: {{ `raw',
        'text` }}',
        '{{- range .Values.items }}\r',
        '  - {{ . | quote }}\r',
        '{{- end }}',
      ].join('\n');
      const result = scanTemplate(text);
      assertSameShape(text, result.masked);
      assertSameShape(text, result.maskedKeepingDefines);
    });

    it('masks control lines to spaces', () => {
      const text = 'a:\n  {{- if .Values.x }}\n  b: c\n  {{- end }}\n';
      const ifLine = '  {{- if .Values.x }}';
      const endLine = '  {{- end }}';
      assert.equal(
        scanTemplate(text).masked,
        `a:\n${' '.repeat(ifLine.length)}\n  b: c\n${' '.repeat(endLine.length)}\n`,
      );
    });

    it('masks an output action inside other text to a run of "_" of the same length', () => {
      const text = 'name: {{ .Release.Name }}-db\n';
      assert.equal(scanTemplate(text).masked, `name: ${MASK_CHAR.repeat(19)}-db\n`);
      assert.equal(scanTemplate('x: "{{ .a }}"\n').masked, `x: "${MASK_CHAR.repeat(8)}"\n`);
    });

    it('masks a multi-line output action to "_" on its first line and spaces after', () => {
      const text = 'name: {{ printf "%s"\n  .x }}\n';
      assert.equal(scanTemplate(text).masked, `name: ${MASK_CHAR.repeat(14)}\n       \n`);
    });

    it('masks an output action alone on its line to spaces, since it stands for lines we cannot see', () => {
      const line = '  {{- include "labels" . | nindent 2 }}';
      const text = `labels:\n${line}\n  app: x\n`;
      const result = scanTemplate(text);
      assert.equal(result.masked, `labels:\n${' '.repeat(line.length)}\n  app: x\n`);
      assert.equal(result.actions[0]!.standsAlone, true);
    });

    it('masks an output action alone on its line to spaces also when a YAML comment follows it', () => {
      const action = '{{ include "labels" . }}';
      const text = `labels:\n  ${action} # shared\n  app: x\n`;
      assert.equal(scanTemplate(text).masked, `labels:\n  ${' '.repeat(action.length)} # shared\n  app: x\n`);
    });

    it('masks a key\'s "| nindent" output at the end of its line to spaces, since that output starts on a new line', () => {
      const action = '{{- include "labels" . | nindent 4 }}';
      const text = `labels: ${action}\n    app: x\n`;
      const result = scanTemplate(text);
      assert.equal(result.masked, `labels: ${' '.repeat(action.length)}\n    app: x\n`);
      assert.equal(result.actions[0]!.standsAlone, true);
      // Called as a function, and followed on its line by the "{{ end }}" of a block.
      const called = '{{ nindent 4 (toYaml .x) }}{{ end }}';
      assert.equal(
        scanTemplate(`{{ if .x }}\na: ${called}\n`).masked,
        `${' '.repeat(11)}\na: ${' '.repeat(called.length)}\n`,
      );
    });

    it('keeps "_" for output that does not start on a new line or is not at the end of its line', () => {
      for (const [action, after] of [
        ['{{ toYaml .x | indent 4 }}', ''],
        ['{{ .x | nindent 4 | trim }}', ''],
        ['{{ .x | nindent 4 }}', '-b'],
        ['{{ printf "|nindent 2" .x }}', ''],
      ] as const) {
        assert.equal(
          scanTemplate(`a: ${action}${after}\n`).masked,
          `a: ${MASK_CHAR.repeat(action.length)}${after}\n`,
          action,
        );
      }
    });
  });
});
