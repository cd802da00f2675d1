import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { loadChart } from '../../server/src/engine/chart/load';
import type { LoadedChart } from '../../server/src/engine/chart/types';
import { FIXTURES } from '../support/paths';
import { requireBinaries, run } from '../support/helm';

/**
 * Helm itself is the oracle for chart loading: every template of the fixture charts renders
 * `{{ .Values | toJson }}` into a ConfigMap named after `.Chart.Name`, and the parsed JSON must equal the values our
 * loader computes for that chart, with nothing missing and nothing extra. The set of `# Source:` files must equal
 * the non-partial templates of the charts we keep enabled.
 */
const SOURCE = join(FIXTURES, 'chart-loading');
const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-chart-values-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the parent fixture with the tgzsub fixture packaged into charts/, as `helm package` would leave it. */
function fixtureChart(): string {
  const directory = mkdtempSync(join(scratch, 'chart-'));
  const chart = join(directory, 'parent');
  cpSync(join(SOURCE, 'parent'), chart, { recursive: true });
  const tar = spawnSync('tar', ['czf', join(chart, 'charts', 'tgzsub-1.2.3.tgz'), '-C', SOURCE, 'tgzsub'], {
    encoding: 'utf8',
  });
  assert.equal(tar.status, 0, tar.stderr);
  return chart;
}

interface Rendered {
  /** `.Values` of each chart, by `.Chart.Name`. */
  values: Map<string, unknown>;
  sources: string[];
}

function helmRender(chart: string, valuesFiles: readonly string[]): Rendered {
  const result = run('helm4', ['template', 'r1', chart, ...valuesFiles.flatMap((file) => ['-f', file])]);
  assert.equal(result.code, 0, result.stderr);
  const values = new Map<string, unknown>();
  for (const document of parseAllDocuments(result.stdout)) {
    const object = document.toJS() as { metadata?: { name?: string }; data?: { values?: string } } | null;
    const name = object?.metadata?.name;
    if (name?.endsWith('-values') && object?.data?.values !== undefined)
      values.set(name.slice(0, -'-values'.length), JSON.parse(object.data.values));
  }
  const sources = [...result.stdout.matchAll(/^# Source: (.*)$/gm)].map((match) => match[1]!).sort();
  return { values, sources };
}

function charts(chart: LoadedChart): LoadedChart[] {
  return [chart, ...chart.subcharts.flatMap(charts)];
}

/** What toJson gives of our values (keys sorted, as Go's encoding/json sorts map keys). */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function compare(valuesFiles: readonly string[]): { loaded: LoadedChart; rendered: Rendered } {
  const chart = fixtureChart();
  const loaded = loadChart(chart, { valuesFiles: [...valuesFiles] });
  const rendered = helmRender(chart, valuesFiles);
  assert.deepEqual(loaded.problems, []);
  const ours = new Map(charts(loaded).map((sub) => [sub.metadata.name, asJson(sub.values)]));
  assert.deepEqual([...ours.keys()].sort(), [...rendered.values.keys()].sort(), 'the same charts rendered');
  for (const [name, values] of rendered.values) assert.deepEqual(ours.get(name), values, `.Values of ${name}`);
  const templates = charts(loaded)
    .flatMap((sub) => sub.templates.map((template) => `${sub.templatePrefix}/${template.path}`))
    .filter((path) => !path.split('/').pop()!.startsWith('_'))
    .sort();
  assert.deepEqual(templates, rendered.sources);
  return { loaded, rendered };
}

describe('chart values and templates against helm template (Helm 4)', () => {
  it('gives every enabled chart the .Values Helm renders, with values.yaml defaults only', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const { rendered } = compare([]);
    // The fixture is built so that Helm keeps exactly these: condition false (disabled), tag false (tagged) and
    // the `_ignored` directory drop out; the alias and the unlisted subchart stay.
    assert.deepEqual([...rendered.values.keys()].sort(), [
      'aliased',
      'dirsub',
      'inner',
      'notlisted',
      'parent',
      'tgzsub',
    ]);
  });

  it('merges -f files in order over values.yaml, a null deleting the key, and passes globals down', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const { rendered } = compare([join(SOURCE, 'override.yaml'), join(SOURCE, 'override-2.yaml')]);
    const parent = rendered.values.get('parent') as Record<string, unknown>;
    // Hand-derived from the fixture: the null in override.yaml removed removeMe and keep.b; override-2 set count.
    assert.equal('removeMe' in parent, false);
    assert.deepEqual(parent['keep'], { a: 1 });
    assert.equal(parent['count'], 12);
    const dirsub = rendered.values.get('dirsub') as Record<string, unknown>;
    assert.equal('defaultToDelete' in dirsub, false);
    assert.equal((dirsub['global'] as Record<string, unknown>)['fromUser'], true);
  });
});

/** Writes a chart from `files` (path → text) under the scratch folder; returns its directory. */
function writeTree(files: Readonly<Record<string, string>>): string {
  const chart = join(mkdtempSync(join(scratch, 'tree-')), 'p');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(chart, path)), { recursive: true });
    writeFileSync(join(chart, path), text);
  }
  return chart;
}

const CONFIG_MAP =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-{{ base .Template.Name | trimSuffix ".yaml" | replace "." "" }}\n';

describe('which templates Helm renders, against helm template (Helm 4)', () => {
  it('leaves the alias unapplied when the dependency entry has no version, since "" is not a valid range', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const chart = writeTree({
      'Chart.yaml': 'apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n  - name: s\n    alias: renamed\n',
      'templates/a.yaml': CONFIG_MAP,
      'charts/s/Chart.yaml': 'apiVersion: v2\nname: s\nversion: 0.1.0\n',
      'charts/s/templates/a.yaml': CONFIG_MAP,
    });
    const loaded = loadChart(chart, {});
    assert.deepEqual(renderedTemplates(loaded), helmRender(chart, []).sources);
    assert.deepEqual(
      loaded.subcharts.map((sub) => sub.metadata.name),
      ['s'],
    );
  });

  it("renders a dotfile in a directory subchart's templates/, since only the parent's .helmignore rules apply", (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const chart = writeTree({
      'Chart.yaml': 'apiVersion: v2\nname: p\nversion: 1.0.0\n',
      'templates/a.yaml': CONFIG_MAP,
      'templates/.hidden.yaml': CONFIG_MAP,
      'charts/s/Chart.yaml': 'apiVersion: v2\nname: s\nversion: 0.1.0\n',
      'charts/s/.helmignore': 'b.yaml\n',
      'charts/s/templates/b.yaml': CONFIG_MAP,
      'charts/s/templates/.hidden.yaml': CONFIG_MAP,
    });
    const loaded = loadChart(chart, {});
    assert.deepEqual(renderedTemplates(loaded), helmRender(chart, []).sources);
    assert.deepEqual(helmRender(chart, []).sources, [
      'p/charts/s/templates/.hidden.yaml',
      'p/charts/s/templates/b.yaml',
      'p/templates/a.yaml',
    ]);
  });

  it('applies tags: a true tag wins over a false one, and a condition that resolves wins over tags', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const sub = (name: string) => ({
      [`charts/${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
      [`charts/${name}/templates/a.yaml`]: CONFIG_MAP,
    });
    const chart = writeTree({
      'Chart.yaml': [
        'apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:',
        '  - {name: mixed, version: 0.1.0, tags: [off1, on1]}',
        '  - {name: alloff, version: 0.1.0, tags: [off1, off2]}',
        '  - {name: forced, version: 0.1.0, tags: [off1], condition: forced.enabled}',
        '  - {name: unset, version: 0.1.0, tags: [nobody]}',
        '',
      ].join('\n'),
      'values.yaml': 'tags: {off1: false, off2: false, on1: true}\nforced: {enabled: true}\n',
      'templates/a.yaml': CONFIG_MAP,
      ...sub('mixed'),
      ...sub('alloff'),
      ...sub('forced'),
      ...sub('unset'),
    });
    const loaded = loadChart(chart, {});
    assert.deepEqual(renderedTemplates(loaded), helmRender(chart, []).sources);
    assert.deepEqual(loaded.subcharts.map((s) => s.metadata.name).sort(), ['forced', 'mixed', 'unset']);
  });

  it('imports child values into the parent with import-values (exports and child/parent forms)', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const chart = writeTree({
      'Chart.yaml':
        'apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n  - name: s\n    version: 0.1.0\n    import-values:\n      - data\n      - child: deep.part\n        parent: imported\n',
      'values.yaml': 'imported: {mine: 1}\n',
      'templates/values.yaml': VALUES_TEMPLATE,
      'charts/s/Chart.yaml': 'apiVersion: v2\nname: s\nversion: 0.1.0\n',
      'charts/s/values.yaml': 'exports: {data: {fromExports: 1}}\ndeep: {part: {mine: 2, other: 3}}\n',
      'charts/s/templates/values.yaml': VALUES_TEMPLATE,
    });
    const loaded = loadChart(chart, {});
    const rendered = helmRender(chart, []);
    assert.deepEqual(asJson(loaded.values), rendered.values.get('p'));
    assert.deepEqual(asJson(loaded.subcharts[0]!.values), rendered.values.get('s'));
    // Hand-derived: the parent's own imported.mine wins over the child's.
    assert.deepEqual((rendered.values.get('p') as Record<string, unknown>)['imported'], { mine: 1, other: 3 });
  });
});

function renderedTemplates(chart: LoadedChart): string[] {
  return charts(chart)
    .flatMap((sub) => sub.templates.map((template) => `${sub.templatePrefix}/${template.path}`))
    .filter((path) => !path.split('/').pop()!.startsWith('_'))
    .sort();
}

const VALUES_TEMPLATE =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-values\ndata:\n  values: {{ .Values | toJson | quote }}\n';
