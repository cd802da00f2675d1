import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCompatibleRange } from '../../../server/src/engine/chart/semver';

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
