import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadChart } from '../../../server/src/engine/chart/load';
import type { LoadedChart, LoadOptions } from '../../../server/src/engine/chart/types';
import { memoryFiles } from '../../../server/src/engine/core/files';
import { FIXTURES } from '../../support/paths';

const SOURCE = join(FIXTURES, 'chart-loading');
const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-load-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function writeTree(files: Readonly<Record<string, string>>): string {
  const chart = join(mkdtempSync(join(scratch, 'tree-')), 'c');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(chart, path)), { recursive: true });
    writeFileSync(join(chart, path), text);
  }
  return chart;
}

/** A chart loaded from files held in memory, at `/memory/c`. */
function loadFromMemory(files: Readonly<Record<string, string | Uint8Array>>, options: LoadOptions = {}): LoadedChart {
  const access = memoryFiles(files, join(resolve(sep, 'memory'), 'c'));
  return loadChart(access.root, { ...options, files: access });
}

/** The parent fixture with tgzsub packaged into charts/ by the system tar. */
function fixture(): string {
  const chart = join(mkdtempSync(join(scratch, 'fixture-')), 'parent');
  cpSync(join(SOURCE, 'parent'), chart, { recursive: true });
  const tar = spawnSync('tar', ['czf', join(chart, 'charts', 'tgzsub-1.2.3.tgz'), '-C', SOURCE, 'tgzsub'], {
    encoding: 'utf8',
  });
  assert.equal(tar.status, 0, tar.stderr);
  return chart;
}

function byName(chart: LoadedChart, name: string): LoadedChart {
  const found = chart.subcharts.find((sub) => sub.metadata.name === name);
  assert.ok(found, `subchart ${name}`);
  return found;
}

const MINIMAL = { 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n' };

describe('loadChart on the fixture chart', () => {
  const chart = fixture();
  const loaded = loadChart(chart, {});

  it('reads the metadata, and reports nothing for a well-formed chart', () => {
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.metadata.name, 'parent');
    assert.equal(loaded.metadata.version, '1.0.0');
    assert.equal(loaded.metadata.appVersion, '2.0');
    assert.equal(loaded.metadata.apiVersion, 'v2');
    assert.equal(loaded.directory, chart);
  });

  it('keeps every template including _helpers.tpl, and drops dotfiles in templates/', () => {
    assert.deepEqual(loaded.templates.map((template) => template.path).sort(), [
      'templates/_helpers.tpl',
      'templates/values.yaml',
    ]);
    const helpers = loaded.templates.find((template) => template.path === 'templates/_helpers.tpl')!;
    assert.equal(helpers.absolutePath, join(chart, 'templates', '_helpers.tpl'));
    assert.match(helpers.text, /define "parent.name"/);
  });

  it('gives .Files the non-template files that .helmignore keeps, including .helmignore itself', () => {
    assert.deepEqual([...loaded.files.keys()].sort(), ['.helmignore', 'docs/config.txt']);
  });

  it('keeps enabled subcharts only: condition false, tag false and _-prefixed directories drop out', () => {
    assert.deepEqual(loaded.subcharts.map((sub) => sub.metadata.name).sort(), [
      'aliased',
      'dirsub',
      'notlisted',
      'tgzsub',
    ]);
  });

  it('loads a chart twice under its alias, with the alias as name and template prefix', () => {
    const aliased = byName(loaded, 'aliased');
    assert.equal(aliased.templatePrefix, 'parent/charts/aliased');
    assert.equal(aliased.metadata.raw['name'], 'aliased');
    assert.equal(aliased.directory, join(chart, 'charts', 'dirsub'));
    assert.equal(aliased.values['fromParent'], 'aliased');
    assert.equal(byName(loaded, 'dirsub').values['fromParent'], 'parent');
  });

  it('loads a .tgz subchart and its nested subchart, with paths inside the archive', () => {
    const tgz = byName(loaded, 'tgzsub');
    assert.equal(tgz.directory, `${join(chart, 'charts', 'tgzsub-1.2.3.tgz')}#tgzsub`);
    assert.deepEqual(
      tgz.templates.map((template) => template.absolutePath),
      [`${tgz.directory}/templates/values.yaml`],
    );
    const inner = byName(tgz, 'inner');
    assert.equal(inner.templatePrefix, 'parent/charts/tgzsub/charts/inner');
    // The parent's tgzsub.inner.enabled: true overrides tgzsub's own default (false).
    assert.equal(inner.values['enabled'], true);
    assert.equal(inner.values['fromParent'], 'deep');
  });

  it("passes the parent's globals to every subchart", () => {
    for (const sub of loaded.subcharts)
      assert.equal((sub.values['global'] as Record<string, unknown>)['region'], 'eu', sub.metadata.name);
  });

  it('merges -f files in order and deletes keys set to null', () => {
    const withFiles = loadChart(chart, {
      valuesFiles: [join(SOURCE, 'override.yaml'), join(SOURCE, 'override-2.yaml')],
    });
    assert.equal(withFiles.values['count'], 12);
    assert.equal('removeMe' in withFiles.values, false);
    assert.deepEqual(withFiles.values['keep'], { a: 1 });
    assert.equal('defaultToDelete' in byName(withFiles, 'dirsub').values, false);
  });

  it('reads open editor buffers instead of the disk, for files and values files', () => {
    const values = join(chart, 'values.yaml');
    const template = join(chart, 'templates', 'values.yaml');
    const overlay = new Map([
      [values, 'count: 99\n'],
      [template, 'edited'],
      [join(chart, 'templates', 'new.yaml'), 'unsaved'],
    ]);
    const edited = loadChart(chart, { overlay });
    assert.equal(edited.values['count'], 99);
    assert.equal(edited.templates.find((t) => t.path === 'templates/values.yaml')!.text, 'edited');
    assert.equal(edited.templates.find((t) => t.path === 'templates/new.yaml')!.text, 'unsaved');
  });
});

describe('loadChart edge cases', () => {
  it('reads dependencies from requirements.yaml for an apiVersion v1 chart, and keeps it in .Files', () => {
    const loaded = loadFromMemory({
      'Chart.yaml': 'apiVersion: v1\nname: c\nversion: 0.1.0\n',
      'requirements.yaml': 'dependencies:\n  - name: s\n    version: 0.1.0\n    condition: s.enabled\n',
      'values.yaml': 's: {enabled: false}\n',
      'charts/s/Chart.yaml': 'apiVersion: v1\nname: s\nversion: 0.1.0\n',
    });
    assert.deepEqual(loaded.subcharts, []);
    assert.ok(loaded.files.has('requirements.yaml'));
  });

  it('ignores Chart.lock and values.schema.json for .Files, as Helm does', () => {
    const loaded = loadFromMemory({ ...MINIMAL, 'Chart.lock': 'x', 'values.schema.json': '{}', 'README.md': 'r' });
    assert.deepEqual([...loaded.files.keys()], ['README.md']);
  });

  it('keeps only _ templates of a library chart, which Helm never renders otherwise', () => {
    const loaded = loadFromMemory({
      'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\ntype: library\n',
      'templates/_h.tpl': '',
      'templates/x.yaml': '',
    });
    assert.deepEqual(
      loaded.templates.map((template) => template.path),
      ['templates/_h.tpl'],
    );
  });

  it('turns non-string Chart.yaml fields into text as Helm does (name: off is "false", version: 1.0 is "1")', () => {
    const loaded = loadFromMemory({ 'Chart.yaml': 'apiVersion: v2\nname: off\nversion: 1.0\n' });
    assert.equal(loaded.metadata.name, 'false');
    assert.equal(loaded.metadata.version, '1');
  });

  it('reports malformed Chart.yaml and values.yaml, and a missing Chart.yaml, without throwing', () => {
    const broken = loadFromMemory({ 'Chart.yaml': 'name: [c\n', 'values.yaml': 'a: : b\n  - x\n' });
    assert.ok(broken.problems.some((problem) => /cannot load Chart.yaml/.test(problem.message)));
    assert.ok(broken.problems.some((problem) => /cannot load values.yaml/.test(problem.message)));
    assert.equal(broken.metadata.name, 'c', 'falls back to the directory name');
    const missing = loadFromMemory({ 'values.yaml': 'a: 1\n' });
    assert.deepEqual(
      missing.problems.map((problem) => problem.message),
      ['Chart.yaml file is missing'],
    );
    assert.deepEqual(missing.values, { a: 1 });
  });

  it('reports a dependency missing from charts/, a subchart without Chart.yaml, and a broken .tgz', () => {
    const loaded = loadFromMemory({
      'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n  - {name: absent, version: 1.0.0}\n',
      'charts/nochart/templates/a.yaml': '',
      'charts/broken-1.0.0.tgz': 'not gzip',
    });
    const messages = loaded.problems.map((problem) => problem.message);
    assert.ok(
      messages.some((message) => /missing in charts\/ directory: absent/.test(message)),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((message) => /error unpacking subchart nochart in c: Chart.yaml file is missing/.test(message)),
    );
    assert.ok(messages.some((message) => /error unpacking subchart broken-1.0.0.tgz/.test(message)));
  });

  it('reports an unreadable values file, a dangling symlink and a .helmignore that Helm rejects', () => {
    const chart = writeTree({ ...MINIMAL, '.helmignore': 'a/**/b\n' });
    symlinkSync(join(chart, 'nowhere'), join(chart, 'dangling.txt'));
    const loaded = loadChart(chart, { valuesFiles: [join(chart, 'no-such-values.yaml')] });
    const messages = loaded.problems.map((problem) => problem.message);
    assert.ok(messages.some((message) => /double-star/.test(message)));
    assert.ok(messages.some((message) => /dangling.txt: no such file/.test(message)));
    assert.ok(messages.some((message) => /no-such-values.yaml: no such file/.test(message)));
  });

  it('survives a symlink loop and a path that is not a directory', () => {
    const chart = writeTree(MINIMAL);
    symlinkSync(chart, join(chart, 'loop'));
    assert.ok(loadChart(chart, {}).problems.some((problem) => /symbolic link loop/.test(problem.message)));
    assert.ok(loadChart(join(chart, 'Chart.yaml'), {}).problems.length > 0);
    assert.ok(loadChart(join(chart, 'nothing-here'), {}).problems.length > 0);
  });

  it('reports a type mismatch when a subchart section of the values is not a mapping', () => {
    const loaded = loadFromMemory({
      ...MINIMAL,
      'values.yaml': 's: flat\n',
      'charts/s/Chart.yaml': 'apiVersion: v2\nname: s\nversion: 0.1.0\n',
    });
    assert.ok(loaded.problems.some((problem) => /type mismatch on s/.test(problem.message)));
  });
});

describe('loadChart from memory and from disk', () => {
  /** Problems and templates, with the chart's folder written as `<chart>`, whichever it was loaded from. */
  const seen = (loaded: LoadedChart, directory: string) => {
    const relative = (text: string) => text.split(directory).join('<chart>');
    return {
      problems: loaded.problems.map((problem) => ({
        path: relative(problem.path),
        message: relative(problem.message),
      })),
      templates: loaded.templates.map((template) => [template.path, template.text]),
      files: [...loaded.files],
    };
  };

  it('reports the same problems with the same messages, and reads binary files alike', () => {
    const tree = {
      'values.yaml': 'a: 1\n',
      'templates/binary.yaml': Uint8Array.from([0xef, 0xbb, 0xbf, 0x61, 0xff, 0xfe, 0x00, 0x0a]),
      'templates/sub/x.yaml': 'kind: Job\n',
      'notes.bin': Uint8Array.from([0x00, 0x01, 0xc3]),
      'values-dir/keep.yaml': '',
    };
    const disk = join(mkdtempSync(join(scratch, 'same-')), 'c');
    for (const [path, content] of Object.entries(tree)) {
      mkdirSync(dirname(join(disk, path)), { recursive: true });
      writeFileSync(join(disk, path), content);
    }
    const memory = memoryFiles(tree, join(resolve(sep, 'memory'), 'c'));
    const options = (directory: string) => ({
      valuesFiles: [join(directory, 'absent.yaml'), join(directory, 'values-dir'), join(directory, 'values.yaml', 'x')],
    });
    const fromDisk = seen(loadChart(disk, options(disk)), disk);
    const fromMemory = seen(loadChart(memory.root, { ...options(memory.root), files: memory }), memory.root);
    assert.deepEqual(fromMemory, fromDisk);
    assert.deepEqual(
      fromDisk.problems.map((problem) => problem.message),
      [
        'Chart.yaml file is missing',
        'cannot read <chart>/absent.yaml: no such file or directory',
        'cannot read <chart>/values-dir: is a directory',
        `cannot read <chart>/values.yaml/x: ENOTDIR: not a directory, open '<chart>/values.yaml/x'`,
      ],
    );
  });

  it('reports a chart path that does not exist, or is a file, the same way', () => {
    const disk = writeTree(MINIMAL);
    const memory = memoryFiles(MINIMAL, join(resolve(sep, 'memory'), 'c'));
    for (const name of ['nothing-here', 'Chart.yaml']) {
      const fromDisk = seen(loadChart(join(disk, name)), disk);
      const fromMemory = seen(loadChart(join(memory.root, name), { files: memory }), memory.root);
      assert.deepEqual(fromMemory, fromDisk, name);
      assert.ok(fromDisk.problems.length > 0, name);
    }
  });
});
