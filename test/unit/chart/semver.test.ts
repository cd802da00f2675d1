import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCompatibleRange } from '../../../server/src/engine/chart/semver';
import { SemverVersion, semverCompare } from '../../../server/src/engine/eval/semver';
import { EvalError } from '../../../server/src/engine/eval/value';

/** Masterminds/semver v3 semantics, from its README and constraints.go comments. */
describe('isCompatibleRange is Helm IsCompatibleRange (Masterminds/semver v3)', () => {
  const cases: [string, string, boolean][] = [
    ['1.2.3', '1.2.3', true],
    ['1.2.3', '1.2.4', false],
    ['~1.2.0', '1.2.9', true],
    ['~1.2.0', '1.3.0', false],
    ['^1.2.0', '1.9.0', true],
    ['^1.2.0', '2.0.0', false],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['>=1.0.0 <2.0.0', '1.5.0', true],
    ['>=1.0.0, <2.0.0', '2.0.0', false],
    ['1.x', '1.7.0', true],
    ['1.2 - 1.4', '1.4.0', true],
    ['1.2 - 1.4', '1.5.0', false],
    ['<1.0.0 || >=3.0.0', '3.1.0', true],
    ['*', '4.0.0', true],
    ['>=1.0.0', '1.1.0-rc.1', false], // a prerelease matches only a constraint that has one
    ['>=1.1.0-0', '1.1.0-rc.1', true],
    ['', '1.0.0', false], // an empty version range is not a valid constraint
    ['1.0.0', 'not-a-version', false],
    ['v1.0', '1.0.0', true],
  ];
  for (const [constraint, version, expected] of cases) {
    it(`${JSON.stringify(constraint)} ${expected ? 'accepts' : 'rejects'} ${version}`, () => {
      assert.equal(isCompatibleRange(constraint, version), expected);
    });
  }
});

/** The evaluator's semverCompare is the same Masterminds/semver check, failing the render where Masterminds errors. */
describe('semverCompare in templates shares the Masterminds/semver implementation', () => {
  it('accepts a hyphen range as chart dependencies do', () => {
    assert.equal(semverCompare('1.2 - 1.4', '1.3.7'), true);
    assert.equal(semverCompare('1.2 - 1.4', '1.5.0'), false);
  });

  it('fails on a constraint or version Masterminds cannot parse, naming the constraint', () => {
    assert.throws(
      () => semverCompare('>=1.2.x.y', '1.3.0'),
      (error: Error) => error instanceof EvalError && /improper constraint: >=1\.2\.x\.y/.test(error.message),
    );
    assert.throws(
      () => semverCompare('>=1.2', 'one'),
      (error: Error) => error instanceof EvalError && /Invalid Semantic Version/.test(error.message),
    );
  });

  it('gives semver objects their metadata', () => {
    assert.equal(new SemverVersion('v1.2.3-rc.1+build.5').print(), '1.2.3-rc.1+build.5');
  });
});
