import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineCaches } from '../../../server/src/engine/core/caches';
import type { Arg } from '../../../server/src/engine/eval/parse';
import {
  TemplateParseError,
  parseNumber,
  parseTemplate,
  parseTemplateShared,
  unquoteGo,
} from '../../../server/src/engine/eval/parse';

function firstArgs(text: string): Arg[] {
  const node = parseTemplate(text).root.nodes.find((candidate) => candidate.type === 'action');
  assert.ok(node && node.type === 'action');
  return node.pipe.cmds[0]!.args;
}

describe('template parser', () => {
  it('keeps text and actions in order with the offsets of each action in the source', () => {
    const text = 'a: {{ .Values.x }}\nb';
    const { root } = parseTemplate(text);
    assert.deepEqual(
      root.nodes.map((node) => node.type),
      ['text', 'action', 'text'],
    );
    const action = root.nodes[1]!;
    assert.equal(text.slice(action.start, action.end), '{{ .Values.x }}');
  });

  it('trims all spaces, tabs and newlines before {{- and after -}}, as text/template does', () => {
    const { root } = parseTemplate('a  \n\t{{- 1 -}}\n  b');
    assert.deepEqual(
      root.nodes.filter((node) => node.type === 'text').map((node) => (node.type === 'text' ? node.text : '')),
      ['a', 'b'],
    );
  });

  it('needs a space after the dash for a trim marker: {{-3}} is the number -3', () => {
    const args = firstArgs('{{-3}}');
    assert.equal(args[0]!.type, 'number');
    assert.equal(args[0]!.type === 'number' && args[0]!.value, -3n);
  });

  it('drops comments and applies their trim markers', () => {
    const { root } = parseTemplate('a \n{{- /* note */ -}}\n b');
    assert.deepEqual(
      root.nodes.map((node) => (node.type === 'text' ? node.text : node.type)),
      ['a', 'b'],
    );
  });

  it('reads fields, variables with fields, chains on parenthesized pipelines, and pipes', () => {
    const { root } = parseTemplate('{{ $x := .Values.a.b }}{{ $x.c | quote }}{{ (index . "k").d }}');
    const [decl, piped, chained] = root.nodes;
    assert.ok(decl?.type === 'action' && piped?.type === 'action' && chained?.type === 'action');
    assert.deepEqual(decl.pipe.decl, ['$x']);
    assert.deepEqual(decl.pipe.cmds[0]!.args[0], { type: 'field', start: 9, end: 20, idents: ['Values', 'a', 'b'] });
    assert.equal(piped.pipe.cmds.length, 2);
    assert.deepEqual(piped.pipe.cmds[0]!.args[0]!.type === 'variable' && piped.pipe.cmds[0]!.args[0]!.idents, ['c']);
    assert.equal(chained.pipe.cmds[0]!.args[0]!.type, 'chain');
  });

  it('reads string, raw string, character, bool and nil literals', () => {
    const args = firstArgs('{{ print "a\\tb" `c\\d` \'x\' true nil }}');
    assert.deepEqual(
      args
        .slice(1)
        .map((arg) => (arg.type === 'string' || arg.type === 'bool' || arg.type === 'number' ? arg.value : arg.type)),
      ['a\tb', 'c\\d', 120n, true, 'nil'],
    );
  });

  it('parses numbers as Go does: ints with base prefixes and underscores, floats with a point or exponent', () => {
    assert.equal(parseNumber('42'), 42n);
    assert.equal(parseNumber('0x1F'), 31n);
    assert.equal(parseNumber('0o17'), 15n);
    assert.equal(parseNumber('017'), 15n);
    assert.equal(parseNumber('0b101'), 5n);
    assert.equal(parseNumber('1_000'), 1000n);
    assert.equal(parseNumber('1.5'), 1.5);
    assert.equal(parseNumber('1e3'), 1000);
    assert.equal(parseNumber('-7'), -7n);
    assert.throws(() => parseNumber('1_'));
  });

  it('unquotes Go escapes: \\n, \\x41, \\u00e9, octal \\101', () => {
    assert.equal(unquoteGo('\\n\\x41\\u00e9\\101'), '\nAé' + 'A');
  });

  it('nests else if into the else list of the first if, closed by one end', () => {
    const { root } = parseTemplate('{{ if .a }}1{{ else if .b }}2{{ else }}3{{ end }}');
    assert.equal(root.nodes.length, 1);
    const node = root.nodes[0]!;
    assert.ok(node.type === 'if');
    const nested = node.elseList!.nodes[0]!;
    assert.ok(nested.type === 'if');
    assert.deepEqual(
      nested.elseList!.nodes.map((child) => child.type === 'text' && child.text),
      ['3'],
    );
  });

  it('declares both range variables from `$i, $v :=`', () => {
    const { root } = parseTemplate('{{ range $i, $v := .list }}{{ $i }}{{ end }}');
    const node = root.nodes[0]!;
    assert.ok(node.type === 'range');
    assert.deepEqual(node.pipe.decl, ['$i', '$v']);
    assert.equal(node.pipe.isAssign, false);
  });

  it('collects defines, and turns block into a define plus a template call', () => {
    const parsed = parseTemplate('{{ define "a" }}A{{ end }}{{ block "b" . }}B{{ end }}');
    assert.deepEqual(
      parsed.defines.map((define) => define.name),
      ['a', 'b'],
    );
    assert.deepEqual(
      parsed.root.nodes.map((node) => node.type),
      ['template'],
    );
  });

  it('rejects what Go rejects: undefined variables, unclosed actions, an end without a block, define below top level', () => {
    for (const text of [
      '{{ $nope }}',
      '{{ .a ',
      '{{ end }}',
      '{{ if .a }}{{ define "x" }}{{ end }}{{ end }}',
      '{{ if .a }}',
      '{{ .a | }}',
    ]) {
      assert.throws(() => parseTemplate(text), TemplateParseError, text);
    }
  });

  it('finds the closing braces after strings and raw strings that hold }}', () => {
    const args = firstArgs('{{ print "}}" `}}` }}');
    assert.deepEqual(
      args.slice(1).map((arg) => arg.type === 'string' && arg.value),
      ['}}', '}}'],
    );
  });

  it('reads letters and digits beyond ASCII in names, as unicode.IsLetter and IsDigit do, and stops at other marks', () => {
    const { root } = parseTemplate('{{ $größe := .Values.naïve.δ٣ }}{{ $größe }}');
    const [decl] = root.nodes;
    assert.ok(decl?.type === 'action');
    assert.deepEqual(decl.pipe.decl, ['$größe']);
    const field = decl.pipe.cmds[0]!.args[0]!;
    assert.deepEqual(field.type === 'field' && field.idents, ['Values', 'naïve', 'δ٣']);
    assert.throws(() => parseTemplate('{{ .Values.a€b }}'), /unrecognized character in action: "€"/);
  });

  it('gives a text parsed before in the same run the same tree again, and throws its parse error again each time', () => {
    const text = '{{ define "x" }}{{ .a | quote }}{{ end }}{{ include "x" . }}';
    new EngineCaches().run(() => {
      assert.deepEqual(parseTemplateShared(text), parseTemplate(text));
      assert.equal(parseTemplateShared(text), parseTemplateShared(text));
      for (let attempt = 0; attempt < 2; attempt++)
        assert.throws(
          () => parseTemplateShared('{{ $undefined }}'),
          (error: unknown) =>
            error instanceof TemplateParseError && /undefined variable "\$undefined"/.test(error.message),
        );
    });
  });
});
