import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sprintf } from '../../../server/src/engine/eval/fmt';
import { semverCompare } from '../../../server/src/engine/eval/semver';
import { UNKNOWN, render } from './helpers';

/** Expectations from the Sprig docs (masterminds.github.io/sprig), Helm's docs and Go's fmt/text/template docs. */
describe('Sprig and Helm functions', () => {
  const cases: Array<[string, string, Record<string, unknown>?]> = [
    // defaults and flow
    ['{{ default "foo" .Values.missing }}', 'foo'],
    [
      '{{ default "foo" "" }}|{{ default "foo" 0 }}|{{ default "foo" false }}|{{ default "foo" "bar" }}',
      'foo|foo|foo|bar',
    ],
    ['{{ empty "" }} {{ empty (list) }} {{ empty 0 }} {{ empty "x" }}', 'true true true false'],
    ['{{ coalesce 0 "" "first" "second" }}', 'first'],
    ['{{ ternary "yes" "no" true }} {{ ternary "yes" "no" false }}', 'yes no'],
    ['{{ required "need x" .Values.x }}', 'given', { x: 'given' }],
    // strings
    ['{{ quote "a\\"b" }} {{ squote "x" }} {{ quote 5 }}', '"a\\"b" \'x\' "5"'],
    ['[{{ quote nil }}]', '[]'],
    ['{{ trunc 5 "hello world" }}|{{ trunc -5 "hello world" }}|{{ trunc 63 "short" }}', 'hello|world|short'],
    [
      '{{ trimSuffix "-" "hello-" }} {{ trimPrefix "-" "-hello" }} {{ trim "  hello  " }} {{ trimAll "$" "$5.00$" }}',
      'hello hello hello 5.00',
    ],
    ['{{ replace " " "-" "I Am Henry" }}', 'I-Am-Henry'],
    ['{{ lower "HELLO" }} {{ upper "hello" }} {{ title "hello world" }}', 'hello HELLO Hello World'],
    ['{{ contains "cat" "catch" }} {{ hasPrefix "cat" "catch" }} {{ hasSuffix "ch" "catch" }}', 'true true true'],
    ['{{ indent 2 "a\\nb" }}', '  a\n  b'],
    ['x:{{ nindent 2 "a\\nb" }}', 'x:\n  a\n  b'],
    ['{{ printf "%s-%d-%v-%q" "a" 5 true "q" }}', 'a-5-true-"q"'],
    ['{{ printf "%d" .Values.port }}', '%!d(float64=8080)', { port: 8080 }],
    ['{{ printf "%s" 5 }}', '%!s(int=5)'],
    ['{{ printf "%05.1f|%x|%5s|%-5s|" 3.14159 255 "ab" "ab" }}', '003.1|ff|   ab|ab   |'],
    ['{{ print "a" 1 2 "b" }}', 'a1 2b'],
    ['{{ toString 5 }} {{ toString .Values.f }} {{ toString true }}', '5 1.5 true', { f: 1.5 }],
    ['{{ splitList "," "a,b,c" | join "+" }}', 'a+b+c'],
    ['{{ (split "$" "foo$bar$baz")._1 }}', 'bar'],
    ['{{ list "b" "a" "c" | sortAlpha }}', '[a b c]'],
    ['{{ b64enc "hello" }} {{ b64dec "aGVsbG8=" }}', 'aGVsbG8= hello'],
    ['{{ sha256sum "hello" }}', '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
    [
      '{{ regexMatch "^[a-z]+\\\\d$" "abc1" }} {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexFind "[0-9]+" "ab12cd" }}',
      'true -W-xxW- 12',
    ],
    [
      '{{ repeat 3 "ab" }} {{ substr 0 5 "hello world" }} {{ nospace "a b c" }} {{ cat "a" nil "b" }}',
      'ababab hello abc a b',
    ],
    // lists
    [
      '{{ list 1 2 3 | first }} {{ list 1 2 3 | last }} {{ list 1 2 3 | rest }} {{ list 1 2 3 | initial }}',
      '1 3 [2 3] [1 2]',
    ],
    [
      '{{ append (list 1 2) 3 }} {{ prepend (list 1 2) 0 }} {{ concat (list 1) (list 2 3) }}',
      '[1 2 3] [0 1 2] [1 2 3]',
    ],
    [
      '{{ has 4 (list 1 2 4) }} {{ has "x" (list "a") }} {{ uniq (list 1 1 2) }} {{ without (list 1 2 3) 2 }} {{ compact (list 1 "" 0 2) }}',
      'true false [1 2] [1 3] [1 2]',
    ],
    ['{{ until 3 }} {{ len (list 1 2) }} {{ len "héllo" }} {{ index (list "a" "b") 1 }}', '[0 1 2] 2 6 b'],
    // dictionaries
    [
      '{{ $d := dict "a" 1 "b" 2 }}{{ get $d "a" }}|{{ get $d "z" }}|{{ hasKey $d "b" }}|{{ keys $d }}',
      '1||true|[a b]',
    ],
    ['{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $_ := unset $d "a" }}{{ $d }}', 'map[b:2]'],
    ['{{ pick (dict "a" 1 "b" 2 "c" 3) "a" "c" }} {{ omit (dict "a" 1 "b" 2) "a" }}', 'map[a:1 c:3] map[b:2]'],
    [
      '{{ dig "a" "b" "dflt" (dict "a" (dict "b" "found")) }} {{ dig "a" "x" "dflt" (dict "a" (dict "b" "found")) }}',
      'found dflt',
    ],
    [
      '{{ merge (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "x" 2 "y" 2)) }}',
      'map[a:1 b:3 n:map[x:1 y:2]]',
    ],
    [
      '{{ mergeOverwrite (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "y" 2)) }}',
      'map[a:2 b:3 n:map[x:1 y:2]]',
    ],
    ['{{ $src := dict "a" (dict "b" 1) }}{{ $copy := deepCopy $src }}{{ $_ := set $copy.a "b" 2 }}{{ $src.a.b }}', '1'],
    // types and numbers
    [
      '{{ kindOf "x" }} {{ kindIs "map" (dict) }} {{ typeOf 1 }} {{ typeOf .Values.f }} {{ kindOf (list) }}',
      'string true int float64 slice',
      { f: 1 },
    ],
    ['{{ int "12" }} {{ int 3.9 }} {{ int64 "0x10" }} {{ float64 "1.5" }} {{ atoi "42" }}', '12 3 16 1.5 42'],
    [
      '{{ add 1 2 3 }} {{ add1 1 }} {{ sub 5 3 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 2 }} {{ max 1 5 3 }} {{ min 4 2 8 }}',
      '6 2 2 24 3 1 5 2',
    ],
    ['{{ add .Values.a 1 }}', '3', { a: 2 }],
    [
      '{{ eq "a" "a" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1 2 }} {{ not true }} {{ eq 1 2 1 }}',
      'true true true true true false false true',
    ],
    [
      '{{ semverCompare ">=1.21-0" .Capabilities.KubeVersion.GitVersion }} {{ semverCompare "<1.19" "1.35.0" }}',
      'true false',
    ],
    [
      '{{ $v := semver "1.2.3-beta.1+b5" }}{{ $v.Major }}.{{ $v.Minor }}.{{ $v.Patch }} {{ $v.Prerelease }}',
      '1.2.3 beta.1',
    ],
    // serialization
    ['{{ toJson (dict "b" 1 "a" (list "x" nil) "h" "<&>") }}', '{"a":["x",null],"b":1,"h":"\\u003c\\u0026\\u003e"}'],
    // YAML 1.1 booleans, numbers as float64 (checked with helm 4: fromYaml "b: [x, y]" gives [x true]).
    [
      '{{ (fromYaml "a: 1\\nb: [x, y]\\nc: yes").b }} {{ (fromYaml "a: 1").a | typeOf }} {{ (fromYaml "c: yes").c }}',
      '[x true] float64 true',
    ],
    ['{{ (fromJson "{\\"a\\": 2}").a }}', '2'],
    // Each fromYaml of the same text gives its own map: changing one leaves the next untouched.
    ['{{ $a := fromYaml "x: 1" }}{{ $_ := set $a "x" 2 }}{{ $a.x }} {{ (fromYaml "x: 1").x }}', '2 1'],
    ['{{ tpl "{{ .Values.name }}-x" . }}', 'n-x', { name: 'n' }],
  ];
  for (const [template, expected, values] of cases) {
    it(`renders ${template} as ${JSON.stringify(expected)}`, () => {
      assert.equal(render(template, values ?? {}), expected);
    });
  }

  it('fails the render on required with a missing value, on fail, and on a string function given nil', () => {
    assert.equal(render('{{ required "x is required" .Values.x }}'), 'ERROR: execution error: x is required');
    assert.equal(render('{{ fail "stop here" }}'), 'ERROR: execution error: stop here');
    assert.match(render('{{ lower .Values.missing }}'), /^ERROR: lower: invalid value; expected string/);
    assert.match(
      render('{{ trunc .Values.n "abc" }}', { n: 3 }),
      /^ERROR: trunc: wrong type for value; expected int; got float64/,
    );
  });

  it('keeps required and default safe with Unknown: the Unknown flows on instead of failing', () => {
    assert.equal(render('{{ required "x" (lookup "v1" "Secret" "" "s") }}'), UNKNOWN);
    assert.equal(render('{{ default "d" (randAlphaNum 5) }}'), UNKNOWN);
    assert.equal(render('{{ randAlphaNum 5 | upper | quote }}'), UNKNOWN);
  });

  it('treats chance, clock and cluster as Unknown: uuidv4, now, genCA, randAlphaNum, lookup', () => {
    for (const call of [
      'uuidv4',
      'now',
      '(genCA "ca" 365).Cert',
      'randAlphaNum 3',
      '(lookup "v1" "ConfigMap" "ns" "n").data',
    ]) {
      assert.equal(render(`{{ ${call} }}`), UNKNOWN, call);
    }
  });

  it('formats like fmt.Sprintf: missing and extra operands, %%, %v of nil', () => {
    assert.equal(sprintf('%s %s', ['a']), 'a %!s(MISSING)');
    assert.equal(sprintf('%s', ['a', 'b']), 'a%!(EXTRA string=b)');
    assert.equal(sprintf('100%%', []), '100%');
    assert.equal(sprintf('%v', [null]), '<nil>');
  });

  it('checks semver constraints as Masterminds/semver v3: ranges, tilde, caret, wildcards, pre-releases', () => {
    assert.equal(semverCompare('>=1.2.0 <2.0.0', '1.5.0'), true);
    assert.equal(semverCompare('>=1.2.0, <1.4.0', '1.5.0'), false);
    assert.equal(semverCompare('~1.2.3', '1.2.9'), true);
    assert.equal(semverCompare('~1.2.3', '1.3.0'), false);
    assert.equal(semverCompare('^1.2.3', '1.9.0'), true);
    assert.equal(semverCompare('^0.2.3', '0.3.0'), false);
    assert.equal(semverCompare('1.2.x', '1.2.7'), true);
    assert.equal(semverCompare('<1.0 || >=3.0', '3.1.0'), true);
    assert.equal(semverCompare('>=1.20', '1.21.0-beta.1'), false);
    assert.equal(semverCompare('>=1.20-0', '1.21.0-beta.1'), true);
  });
});
