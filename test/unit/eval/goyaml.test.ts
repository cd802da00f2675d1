import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareYamlKeys, toYaml } from '../../../server/src/engine/eval/goyaml';
import type { Value } from '../../../server/src/engine/eval/value';
import { fromData, unknown } from '../../../server/src/engine/eval/value';

/** Helm's toYaml is sigs.k8s.io/yaml.Marshal (encoding/json, then go-yaml v2) without the final newline. */
describe('toYaml as Helm writes it', () => {
  const yaml = (data: unknown) => toYaml(fromData(data));

  it('writes block maps with sorted keys and lists inside maps without indentation', () => {
    assert.equal(yaml({ b: 1, a: { z: ['p', 'q'], x: true } }), 'a:\n  x: true\n  z:\n  - p\n  - q\nb: 1');
  });

  it('quotes y and n, which go-yaml v2 reads as booleans (checked with helm 4: "y": and - "n")', () => {
    assert.equal(yaml({ y: ['p', 'n'] }), '"y":\n- p\n- "n"');
  });

  it('writes lists of maps with the first key on the dash line', () => {
    assert.equal(yaml([{ name: 'a', value: 1 }, 'x', ['m']]), '- name: a\n  value: 1\n- x\n- - m');
  });

  it('writes integral floats as integers (they pass through JSON) and others in shortest form', () => {
    assert.equal(yaml({ a: 3, b: 1.5, c: 1000000, d: 0.000001 }), 'a: 3\nb: 1.5\nc: 1000000\nd: 1e-06');
  });

  it('quotes strings that would read back as another type: numbers, booleans, null, YAML 1.1 yes/on, dates', () => {
    assert.equal(
      yaml({
        a: '5',
        b: 'true',
        c: 'yes',
        d: 'null',
        e: '',
        f: '2024-01-01',
        g: '1e3',
        h: 'on',
        i: '0x10',
        j: '12:30',
      }),
      'a: "5"\nb: "true"\nc: "yes"\nd: "null"\ne: ""\nf: "2024-01-01"\ng: "1e3"\nh: "on"\ni: "0x10"\nj: "12:30"',
    );
  });

  it('single-quotes strings with indicators or leading spaces and keeps plain ones plain', () => {
    assert.equal(
      yaml({ a: '*star', b: 'a: b', c: ' lead', d: 'pre-install,post-install', e: "it's", f: '- x', g: 'a #b' }),
      "a: '*star'\nb: 'a: b'\nc: ' lead'\nd: pre-install,post-install\ne: it's\nf: '- x'\ng: 'a #b'",
    );
  });

  it('writes multi-line strings as literal blocks with chomping indicators (|+ checked with helm 4)', () => {
    assert.equal(
      yaml({ a: 'x\ny', b: 'x\ny\n', c: 'x\n\n', d: 1 }),
      'a: |-\n  x\n  y\nb: |\n  x\n  y\nc: |+\n  x\n\nd: 1',
    );
  });

  it('double-quotes strings with tabs or other control characters, with Go escapes', () => {
    assert.equal(yaml({ a: 'x\ty' }), 'a: "x\\ty"');
  });

  it('writes empty collections inline and nil as null', () => {
    assert.equal(yaml({ a: {}, b: [], c: null }), 'a: {}\nb: []\nc: null');
  });

  it('folds a long plain string at a space once past column 80', () => {
    const words = Array.from({ length: 20 }, (_, index) => `word${index}`).join(' ');
    const text = yaml({ key: words }) as string;
    const [first, second] = text.split('\n');
    assert.ok(first!.length > 80 && first!.length < 90, first);
    assert.ok(second!.startsWith('  word'), second);
    assert.equal(`${first!.slice('key: '.length)} ${second!.trim()}`, words);
  });

  it('is Unknown when any value inside is Unknown', () => {
    const value = fromData({ a: 1 }) as Record<string, Value>;
    value.b = unknown('random');
    assert.ok(typeof toYaml(value) !== 'string');
  });

  it('orders keys as go-yaml v2 does: digits by number value, letters after other characters', () => {
    assert.deepEqual(['a10', 'a9', 'b', 'a_', 'aB'].sort(compareYamlKeys), ['a_', 'a9', 'a10', 'aB', 'b']);
  });
});
