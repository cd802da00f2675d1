import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goMatch, parseHelmignore } from '../../../server/src/engine/chart/helmignore';

describe('goMatch is Go filepath.Match', () => {
  const cases: [string, string, boolean | undefined][] = [
    ['*.md', 'README.md', true],
    ['*.md', 'docs/README.md', false], // * never crosses a separator
    ['?.txt', 'a.txt', true],
    ['?.txt', 'ab.txt', false],
    ['[a-c]x', 'bx', true],
    ['[^a-c]x', 'bx', false],
    ['[^a-c]x', 'dx', true],
    ['\\*', '*', true],
    ['a-b', 'a-b', true],
    ['[', 'x', undefined], // ErrBadPattern
    ['[]', 'x', undefined],
    ['a\\', 'a', undefined],
  ];
  for (const [pattern, name, expected] of cases) {
    it(`${JSON.stringify(pattern)} on ${JSON.stringify(name)} is ${expected === undefined ? 'a bad pattern' : expected}`, () => {
      assert.equal(goMatch(pattern, name), expected);
    });
  }
});

describe('.helmignore rules follow Helm pkg/ignore', () => {
  it('matches a pattern without a slash against the base name at any depth', () => {
    const { rules } = parseHelmignore('*.md\n');
    assert.equal(rules.ignores('docs/README.md', false), true);
    assert.equal(rules.ignores('README.md', false), true);
    assert.equal(rules.ignores('notes.txt', false), false);
  });

  it('matches a pattern with a slash against the whole path, and a leading slash anchors at the root', () => {
    const { rules } = parseHelmignore('docs/*.txt\n/top.txt\n');
    assert.equal(rules.ignores('docs/a.txt', false), true);
    assert.equal(rules.ignores('x/docs/a.txt', false), false);
    assert.equal(rules.ignores('top.txt', false), true);
  });

  it('applies a trailing-slash pattern to directories only', () => {
    const { rules } = parseHelmignore('build/\n');
    assert.equal(rules.ignores('build', true), true);
    assert.equal(rules.ignores('build', false), false);
  });

  it('skips comments and blank lines and always ignores dotfiles in templates/', () => {
    const { rules, error } = parseHelmignore('# comment\n\n   \n');
    assert.equal(error, undefined);
    assert.equal(rules.ignores('templates/.swp', false), true);
    assert.equal(rules.ignores('templates/a.yaml', false), false);
    assert.equal(rules.ignores('.env', false), false);
  });

  it('reads a negated pattern as Helm does: a path it does not match is ignored, and it re-includes nothing', () => {
    const { rules } = parseHelmignore('*.txt\n!keep.txt\n');
    assert.equal(rules.ignores('keep.txt', false), true, 'the first rule already ignored it');
    assert.equal(rules.ignores('values.yaml', false), true, 'not matched by !keep.txt, so ignored');
  });

  it('reports ** and malformed patterns, which make Helm refuse the chart', () => {
    assert.match(parseHelmignore('docs/**\n').error ?? '', /double-star/);
    assert.match(parseHelmignore('[\n').error ?? '', /syntax error/);
  });
});
