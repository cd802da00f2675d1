import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CoalescingChart } from '../../../server/src/engine/chart/values';
import {
  coalesceValues,
  mergeMaps,
  parseValues,
  parseValuesExactly,
  parseValuesQuickly,
  pathValue,
  table,
} from '../../../server/src/engine/chart/values';
import { CORPUS_CHARTS, requireShared } from '../../support/shared';

function chart(name: string, values: Record<string, unknown>, dependencies: CoalescingChart[] = []): CoalescingChart {
  return { name, values, dependencies };
}

describe('parseValues reads YAML as Helm does (go-yaml v2 through JSON)', () => {
  it('resolves plain scalars with YAML 1.1 rules and makes every number a float64', () => {
    const { values, error } = parseValues(
      'a: yes\nb: off\nc: 010\nd: 0x10\ne: 1_000\nf: 5.0\ng: ~\nh: "yes"\ni: 2024-01-01\nj: 12:30\n',
    );
    assert.equal(error, undefined);
    assert.deepEqual(values, {
      a: true,
      b: false,
      c: 8,
      d: 16,
      e: 1000,
      f: 5,
      g: null,
      h: 'yes',
      i: '2024-01-01',
      j: '12:30',
    });
  });

  it('turns non-string keys into text the way sigs.k8s.io/yaml does (on → "true", 1 → "1")', () => {
    assert.deepEqual(parseValues('on: 1\n1: one\nnull: x\n').values, { true: 1, '1': 'one', null: 'x' });
  });

  it('merges the documents of a multi-document file in order, nested maps merged', () => {
    assert.deepEqual(parseValues('a: {x: 1, z: 1}\nb: 1\n---\na: {z: 2}\n---\n').values, { a: { x: 1, z: 2 }, b: 1 });
  });

  it('expands anchors, aliases and << merge keys, later keys winning', () => {
    assert.deepEqual(parseValues('base: &b {x: 1, z: 1}\nuse:\n  <<: *b\n  z: 2\n').values, {
      base: { x: 1, z: 1 },
      use: { x: 1, z: 2 },
    });
  });

  it('keeps a key `__proto__` as data instead of changing the prototype', () => {
    const { values } = parseValues('__proto__: {polluted: true}\n');
    assert.equal(Object.getPrototypeOf(values), Object.prototype);
    assert.deepEqual(Object.keys(values), ['__proto__']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('reports malformed YAML and a document that is not a mapping, with empty values', () => {
    const broken = parseValues('a: [1, 2\n');
    assert.match(broken.error ?? '', /error reading yaml document/);
    assert.deepEqual(broken.values, {});
    assert.match(parseValues('- 1\n- 2\n').error ?? '', /not a mapping/);
  });

  it('stops a document whose aliases expand without bound ("billion laughs")', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const started = Date.now();
    assert.match(parseValues(lines.join('\n')).error ?? '', /too many values/);
    assert.ok(Date.now() - started < 5000);
  });

  it('treats an empty file and a comment-only file as no values', () => {
    assert.deepEqual(parseValues(''), { values: {} });
    assert.deepEqual(parseValues('# nothing\n'), { values: {} });
  });
});

describe('parseValues reads with js-yaml only what js-yaml decodes as the exact parse does', () => {
  const valuesFiles = (directory: string): string[] =>
    readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return valuesFiles(path);
      return /^values.*\.ya?ml$/.test(entry.name) ? [path] : [];
    });

  it("gives the exact parse's values for every values file of the corpus, most of them without the exact parse", (t) => {
    if (!requireShared(t)) return;
    const files = valuesFiles(CORPUS_CHARTS);
    let quick = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const quickly = parseValuesQuickly(text);
      if (quickly === undefined) continue;
      quick++;
      assert.deepEqual(quickly, parseValuesExactly(text), file);
    }
    assert.ok(files.length >= 40, `${files.length} values files`);
    assert.ok(quick >= files.length * 0.9, `${quick} of ${files.length} files took the quick path`);
  });

  it('decodes plain, quoted and block scalars, flow collections and multi-document files as the exact parse does', () => {
    const text =
      'a: yes\nb: 010\nc: 0x10\nd: 1_000\ne: ~\nf: "yes"\ng: |\n  x\n  y\nh: [1, "2", a b]\ni: {x: .5}\nj: 1e3\nk: -.inf\non: 1\n1: one\n__proto__: {p: 1}\nl:\n---\nm: folded\n  plain\n';
    const quickly = parseValuesQuickly(text);
    assert.ok(quickly, 'the quick path reads this text');
    assert.deepEqual(quickly, parseValuesExactly(text));
    assert.equal(quickly.values['b'], 8);
    assert.equal(quickly.values['m'], 'folded plain');
  });

  for (const [title, text] of [
    ['an alias of a map', 'base: &b {x: 1}\nuse: *b\n'],
    ['a << merge key', 'base: &b {x: 1}\nuse:\n  <<: *b\n  z: 2\n'],
    ['an explicit !!int tag', 'a: !!int "5"\n'],
    ['a duplicate key (the last wins in Go)', 'a: 1\na: 2\n'],
    ['an explicit list key', '? [a, b]\n: v\n'],
    ['a flow list key', '[a, b]: v\n'],
    ['a number key Go prints as 1e+20', '1e20: v\n'],
    ['a document that is a list', '- 1\n'],
    ['malformed YAML', 'a: [1, 2\n'],
  ] as const) {
    it(`leaves ${title} to the exact parse`, () => {
      assert.equal(parseValuesQuickly(text), undefined);
      assert.deepEqual(parseValues(text), parseValuesExactly(text));
    });
  }
});

describe('coalesceValues follows Helm util.CoalesceValues', () => {
  it('puts user values over chart defaults, merging nested maps and replacing lists and scalars', () => {
    const defaults = chart('c', { a: { x: 1, z: 1 }, list: [1, 2], s: 'd' });
    assert.deepEqual(coalesceValues(defaults, { a: { z: 2 }, list: [3], s: 'u' }), {
      a: { x: 1, z: 2 },
      list: [3],
      s: 'u',
    });
  });

  it('deletes a default when the user value is null, at the top and nested', () => {
    const defaults = chart('c', { gone: 1, keep: { a: 1, b: 2 } });
    assert.deepEqual(coalesceValues(defaults, { gone: null, keep: { b: null } }), { keep: { a: 1 } });
  });

  it('keeps a user null for a key the chart does not define', () => {
    assert.deepEqual(coalesceValues(chart('c', {}), { extra: null }), { extra: null });
  });

  it("gives a subchart its section of the parent's values over its own defaults", () => {
    const sub = chart('sub', { own: 1, over: 'sub' });
    const values = coalesceValues(chart('parent', { sub: { over: 'parent' } }, [sub]), {});
    assert.deepEqual(table(values, 'sub'), { own: 1, over: 'parent', global: {} });
  });

  it("copies the parent's globals into each subchart, the parent's winning over the subchart's own", () => {
    const sub = chart('sub', { global: { region: 'sub', subOnly: true } });
    const values = coalesceValues(chart('parent', { global: { region: 'eu' } }, [sub]), { global: { user: 1 } });
    assert.deepEqual(values['global'], { region: 'eu', user: 1 });
    assert.deepEqual(table(values, 'sub.global'), { region: 'eu', user: 1, subOnly: true });
  });

  it('does not change the chart defaults or the user values it is given', () => {
    const defaults = { a: { x: 1 } };
    const user = { a: { z: null } };
    coalesceValues(chart('c', defaults), user);
    assert.deepEqual(defaults, { a: { x: 1 } });
    assert.deepEqual(user, { a: { z: null } });
  });

  it('keeps the table when a user gives a scalar for a map default (Helm warns and keeps the user scalar)', () => {
    assert.deepEqual(coalesceValues(chart('c', { a: { x: 1 } }), { a: 'flat' }), { a: 'flat' });
    assert.deepEqual(coalesceValues(chart('c', { a: 'flat' }), { a: { x: 1 } }), { a: { x: 1 } });
  });

  it('reports, as Helm does, a subchart section that is not a mapping', () => {
    const messages: string[] = [];
    coalesceValues(
      chart('parent', {}, [chart('sub', {})]),
      { sub: 'oops' },
      (message, fatal) => fatal && messages.push(message),
    );
    assert.match(messages[0] ?? '', /type mismatch on sub/);
  });
});

describe('value paths', () => {
  it('mergeMaps keeps nulls, so that coalescing can delete keys later', () => {
    assert.deepEqual(mergeMaps({ a: { x: 1 }, b: 1 }, { a: { z: null }, b: null }), { a: { x: 1, z: null }, b: null });
  });

  it('pathValue finds only non-table values, as Values.PathValue', () => {
    const values = { a: { enabled: false, t: {} }, top: true };
    assert.deepEqual(pathValue(values, 'a.enabled'), { found: true, value: false });
    assert.deepEqual(pathValue(values, 'top'), { found: true, value: true });
    assert.equal(pathValue(values, 'a.t').found, false);
    assert.equal(pathValue(values, 'a.missing').found, false);
    assert.equal(pathValue(values, '').found, false);
  });
});
