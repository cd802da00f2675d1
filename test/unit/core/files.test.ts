import assert from 'node:assert/strict';
import { join, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { describeFsError } from '../../../server/src/engine/chart/discover';
import { findConfigFile, loadConfig } from '../../../server/src/engine/core/config';
import { memoryFiles } from '../../../server/src/engine/core/files';

const ROOT = resolve(sep, 'memory');

describe('memoryFiles', () => {
  const files = memoryFiles({ 'Chart.yaml': 'name: c\n', 'templates/a.yaml': 'a: 1\n' });

  it('lists each folder and reads each file it was given', () => {
    assert.deepEqual(files.readDirectory(ROOT).sort(), ['Chart.yaml', 'templates']);
    assert.deepEqual(files.readDirectory(join(ROOT, 'templates')), ['a.yaml']);
    assert.equal(files.readFile(join(ROOT, 'templates', 'a.yaml')).toString('utf8'), 'a: 1\n');
    assert.equal(files.stat(join(ROOT, 'templates')).isDirectory(), true);
    assert.equal(files.stat(join(ROOT, 'Chart.yaml')).size, 8);
  });

  it('fails as the disk does, with the code that describeFsError turns into the message', () => {
    const failure = (read: () => unknown) => {
      try {
        read();
      } catch (error) {
        return describeFsError(error);
      }
      assert.fail('did not throw');
    };
    assert.equal(
      failure(() => files.readFile(join(ROOT, 'missing.yaml'))),
      'no such file or directory',
    );
    assert.equal(
      failure(() => files.readFile(join(ROOT, 'templates'))),
      'is a directory',
    );
    assert.match(
      failure(() => files.readDirectory(join(ROOT, 'Chart.yaml'))),
      /^ENOTDIR: not a directory/,
    );
  });
});

describe('config files through a file access', () => {
  it('finds the nearest .helm-hooks.yaml above a folder and loads it from memory', () => {
    const files = memoryFiles({
      '.helm-hooks.yaml': 'helmVersion: 3\n',
      'charts/app/Chart.yaml': 'name: app\n',
      'charts/app/templates/a.yaml': '',
    });
    const found = findConfigFile(join(ROOT, 'charts', 'app', 'templates'), files);
    assert.equal(found, join(ROOT, '.helm-hooks.yaml'));
    assert.equal(loadConfig(found, files).config.helmVersion, 3);
    assert.equal(findConfigFile(join(ROOT, 'charts'), memoryFiles({ 'x.yaml': '' })), undefined);
  });
});
