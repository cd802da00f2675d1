import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChartRenderer } from '../../../server/src/engine/eval/render';
import { UNKNOWN, chartOf, output, render } from './helpers';

describe('template execution (Go text/template semantics, Helm settings)', () => {
  it('prints values with fmt %v: float64 values from values.yaml in shortest form, 1e+06 from a million', () => {
    assert.equal(
      render('{{ .Values.a }} {{ .Values.b }} {{ .Values.c }} {{ .Values.d }}', {
        a: 3,
        b: 1.5,
        c: 1000000,
        d: 0.00001,
      }),
      '3 1.5 1e+06 1e-05',
    );
  });

  it('prints a missing map key as nothing (Helm: missingkey=zero, then "<no value>" removed)', () => {
    assert.equal(render('[{{ .Values.missing }}]'), '[]');
  });

  it('fails on a field of a missing key (nil pointer evaluating interface {}.b), like Helm', () => {
    assert.match(render('{{ .Values.a.b }}'), /^ERROR: nil pointer evaluating interface \{\}\.b/);
  });

  it('gives nil for a field of a nil pipeline result: the (.Values.a).b idiom', () => {
    assert.equal(render('[{{ (.Values.a).b }}]'), '[]');
    assert.equal(render('{{ $a := .Values.a }}[{{ $a.b }}]'), '[]');
  });

  it('prints maps as map[k:v] with sorted keys and lists as [a b]', () => {
    assert.equal(
      render('{{ .Values.m }} {{ .Values.l }}', { m: { b: 1, a: 'x' }, l: ['p', 'q'] }),
      'map[a:x b:1] [p q]',
    );
  });

  it('passes the previous command as the last argument through a pipeline', () => {
    assert.equal(render('{{ "abc" | printf "%s-%s" "x" }}'), 'x-abc');
  });

  it('runs if / else if / else on Go truthiness: empty string, 0, empty map and nil are false', () => {
    const tpl = '{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}';
    assert.equal(render(tpl, { a: 'x' }), 'A');
    assert.equal(render(tpl, { a: '', b: 1 }), 'B');
    assert.equal(render(tpl, { a: 0, b: {} }), 'C');
  });

  it('rebinds dot in with, and runs its else branch on an empty value', () => {
    assert.equal(render('{{ with .Values.a }}{{ .b }}{{ else }}none{{ end }}', { a: { b: 'in' } }), 'in');
    assert.equal(render('{{ with .Values.a }}{{ .b }}{{ else }}none{{ end }}', { a: {} }), 'none');
  });

  it('ranges over lists with index and element, over maps in sorted key order, and runs else on empty', () => {
    assert.equal(render('{{ range $i, $v := .Values.l }}{{ $i }}={{ $v }};{{ end }}', { l: ['a', 'b'] }), '0=a;1=b;');
    assert.equal(
      render('{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}', { m: { z: 1, a: 2 } }),
      'a=2;z=1;',
    );
    assert.equal(render('{{ range .Values.l }}x{{ else }}empty{{ end }}', { l: [] }), 'empty');
  });

  it('stops a range at break and skips the rest of an iteration at continue', () => {
    assert.equal(
      render(
        '{{ range .Values.l }}{{ if eq . "2" }}{{ continue }}{{ end }}{{ if eq . "4" }}{{ break }}{{ end }}{{ . }}{{ end }}',
        { l: ['1', '2', '3', '4', '5'] },
      ),
      '13',
    );
  });

  it("errors comparing a float64 from values with an int literal, as Go's eq does", () => {
    assert.equal(render('{{ eq .Values.n 2 }}', { n: 2 }), 'ERROR: incompatible types for comparison');
    assert.equal(render('{{ eq .Values.n 2.0 }}', { n: 2 }), 'true');
  });

  it('scopes := to its block while = changes the outer variable', () => {
    assert.equal(render('{{ $x := "a" }}{{ if true }}{{ $x := "b" }}{{ end }}{{ $x }}'), 'a');
    assert.equal(render('{{ $x := "a" }}{{ if true }}{{ $x = "b" }}{{ end }}{{ $x }}'), 'b');
  });

  it('keeps $ as the root data inside range and with', () => {
    assert.equal(
      render('{{ range .Values.l }}{{ $.Release.Name }}{{ end }}', { l: [1] }, { releaseName: 'rel' }),
      'rel',
    );
  });

  it('short-circuits and/or (Go 1.18+), returning the deciding argument itself', () => {
    assert.equal(render('{{ and .Values.a .Values.a.b }}', {}), '');
    assert.equal(render('{{ or .Values.a "fallback" }}'), 'fallback');
    assert.equal(render('{{ and 1 "x" }}'), 'x');
  });

  it('renders define through template and include, and include output through nindent', () => {
    const defines = { '_helpers.tpl': '{{- define "demo.labels" -}}\na: {{ .x }}\nb: 2\n{{- end -}}' };
    assert.equal(render('{{ template "demo.labels" (dict "x" 1) }}', {}, {}, defines), 'a: 1\nb: 2');
    assert.equal(
      render('labels:{{ include "demo.labels" (dict "x" 1) | nindent 2 }}', {}, {}, defines),
      'labels:\n  a: 1\n  b: 2',
    );
  });

  it("lets a block be overridden by a define parsed later: _a.tpl after t.yaml in Helm's reverse order (checked with helm 4)", () => {
    assert.equal(
      render('{{ block "x" . }}default{{ end }}', {}, {}, { '_a.tpl': '{{ define "x" }}override{{ end }}' }),
      'override',
    );
  });

  it('errors on include of an undefined template', () => {
    assert.match(render('{{ include "nope" . }}'), /^ERROR: .*no template "nope"/);
  });

  it('exposes .Release, .Chart, .Template and default .Capabilities as helm template does', () => {
    assert.equal(
      render(
        '{{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.IsInstall }} {{ .Release.Revision }} {{ .Release.Service }}',
        {},
        { releaseName: 'r', namespace: 'ns' },
      ),
      'r ns true 1 Helm',
    );
    assert.equal(render('{{ .Release.IsUpgrade }}', {}, { isUpgrade: true }), 'true');
    assert.equal(
      render('{{ .Chart.Name }} {{ .Chart.Version }} {{ .Chart.AppVersion }} {{ .Chart.Description }}'),
      'demo 1.2.3 4.5.6 A demo chart',
    );
    assert.equal(render('{{ .Template.Name }} {{ .Template.BasePath }}'), 'demo/templates/t.yaml demo/templates');
    assert.equal(
      render(
        '{{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.APIVersions.Has "batch/v1" }} {{ .Capabilities.APIVersions.Has "batch/v1/Job" }}',
      ),
      'v1.35.0 35 true false',
    );
  });

  it('reads chart files through .Files.Get, .Files.Glob and AsConfig', () => {
    assert.equal(render('{{ .Files.Get "config/other.txt" }}|{{ .Files.Get "nope" }}|'), 'other||');
    assert.equal(render('{{ range $path, $_ := .Files.Glob "config/*.conf" }}{{ $path }}{{ end }}'), 'config/app.conf');
    assert.equal(render('{{ (.Files.Glob "config/other.txt").AsConfig }}'), 'other.txt: other');
  });

  it('prints an Unknown run for lookup and random values, and keeps the text around it', () => {
    assert.equal(
      render('a: {{ randAlphaNum 8 }}\nb: {{ (lookup "v1" "Secret" "ns" "x").data }}\nc: 1'),
      `a: ${UNKNOWN}\nb: ${UNKNOWN}\nc: 1`,
    );
  });

  it('turns an if on an Unknown condition into one Unknown run, and what it assigns into Unknown', () => {
    assert.equal(
      render('{{ $x := "a" }}{{ if lookup "v1" "Secret" "" "s" }}{{ $x = "b" }}yes{{ end }}[{{ $x }}]'),
      `${UNKNOWN}[${UNKNOWN}]`,
    );
  });

  it('lets a decided and/or ignore an Unknown argument that does not decide', () => {
    assert.equal(render('{{ if and false (lookup "v1" "Secret" "" "s") }}yes{{ else }}no{{ end }}'), 'no');
    assert.equal(render('{{ if or true (lookup "v1" "Secret" "" "s") }}yes{{ end }}'), 'yes');
  });

  it('knows an and/or is decided by a later argument after an Unknown one: an if takes the certain branch, the value stays Unknown', () => {
    // Go returns the first argument that decides: the Unknown one if it does, else the later one; both are false here.
    assert.equal(render('{{ if and (lookup "v1" "Secret" "" "s") false }}yes{{ else }}no{{ end }}'), 'no');
    assert.equal(render('{{ if or (lookup "v1" "Secret" "" "s") "x" }}yes{{ else }}no{{ end }}'), 'yes');
    assert.equal(render('[{{ and (lookup "v1" "Secret" "" "s") false }}]'), `[${UNKNOWN}]`);
    // not of it is a new value: its truth is known too only by evaluating not, which here reads an Unknown.
    assert.equal(render('{{ if not (and (lookup "v1" "Secret" "" "s") false) }}yes{{ end }}'), UNKNOWN);
  });

  it('makes every later output Unknown when undecidable code changes an existing map in place', () => {
    const text = '{{ if lookup "v1" "Secret" "" "s" }}{{ $_ := set .Values "x" "changed" }}{{ end }}[{{ .Values.x }}]';
    assert.equal(render(text, { x: 'orig' }), `${UNKNOWN}${UNKNOWN}`);
    // A map made inside the undecidable code is its own business.
    assert.equal(
      render('{{ if lookup "v1" "Secret" "" "s" }}{{ $d := dict }}{{ $_ := set $d "x" 1 }}{{ end }}[{{ .Values.x }}]', {
        x: 'orig',
      }),
      `${UNKNOWN}[orig]`,
    );
  });

  it('gives each subchart its own .Values and .Chart and shares defines across the chart tree', () => {
    const sub = chartOf(
      { 's.yaml': '{{ .Chart.Name }}:{{ .Values.v }}:{{ include "parent.helper" . }}' },
      { v: 'sub-value' },
      [],
      'sub',
      'demo/charts/sub',
    );
    const chart = chartOf(
      { '_helpers.tpl': '{{ define "parent.helper" }}from-parent{{ end }}', 'p.yaml': '{{ .Values.v }}' },
      { v: 'parent-value' },
      [sub],
    );
    const result = new ChartRenderer(chart).render();
    const texts = Object.fromEntries(result.templates.map((template) => [template.file.name, output(template.chunks)]));
    assert.deepEqual(texts, {
      'demo/charts/sub/templates/s.yaml': 'sub:sub-value:from-parent',
      'demo/templates/p.yaml': 'parent-value',
    });
  });

  it('lets a define of the parent chart win over a subchart define of the same name (parsed later by Helm)', () => {
    const sub = chartOf(
      { '_h.tpl': '{{ define "x" }}sub{{ end }}', 's.yaml': '{{ include "x" . }}' },
      {},
      [],
      'sub',
      'demo/charts/sub',
    );
    const chart = chartOf({ '_h.tpl': '{{ define "x" }}parent{{ end }}' }, {}, [sub]);
    const result = new ChartRenderer(chart).render();
    assert.equal(output(result.templates[0]!.chunks), 'parent');
  });

  it('maps literal text to itself and an include to the define, with the call site in via', () => {
    const chart = chartOf({ '_h.tpl': '{{ define "x" }}inner{{ end }}', 't.yaml': 'a {{ include "x" . }}' });
    const rendered = new ChartRenderer(chart).render().templates[0]!;
    const [literal, included] = rendered.chunks;
    assert.deepEqual(literal!.source, { template: 'demo/templates/t.yaml', start: 0, end: 2 });
    assert.equal(included!.text, 'inner');
    assert.equal(included!.source!.template, 'demo/templates/_h.tpl');
    // The call site is the include command itself: `include "x" .`.
    assert.deepEqual(included!.via, [{ template: 'demo/templates/t.yaml', start: 5, end: 18 }]);
  });

  it('stops a runaway recursion as Unknown instead of hanging', () => {
    assert.match(
      render('{{ include "loop" . }}', {}, {}, { '_l.tpl': '{{ define "loop" }}{{ include "loop" . }}{{ end }}' }),
      /^ERROR: templates nest deeper than 100/,
    );
  });

  it('stops a huge range as Unknown instead of hanging', () => {
    assert.match(
      render('{{ range until 90000 }}{{ range until 90000 }}x{{ end }}{{ end }}'),
      /^ERROR: more than \d+ evaluation steps/,
    );
  });
});
