import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadChart } from '../../server/src/engine/chart/load';
import { LoadedChart } from '../../server/src/engine/chart/types';
import { SHARED } from '../support/paths';
import { CORPUS_CHARTS, requireShared } from '../support/shared';

const CORPUS = join(SHARED, 'corpus');

/** Every scenario of manifest.tsv: its chart and its values files (`chart:` paths are inside the chart). */
function scenarios(): { chart: string; name: string; valuesFiles: string[] }[] {
  const [header, ...rows] = readFileSync(join(CORPUS, 'manifest.tsv'), 'utf8').trim().split('\n').map((line) => line.split('\t'));
  const dirColumn = header!.indexOf('dir');
  const scenarioColumn = header!.indexOf('scenarios');
  return rows.flatMap((row) => {
    const chart = join(CORPUS_CHARTS, row[dirColumn]!);
    return row[scenarioColumn]!.split(';').map((entry) => {
      const [name, spec] = entry.trim().split('=') as [string, string];
      const valuesFiles = spec === '-' ? [] : spec.split('+').map((file) => (file.startsWith('chart:') ? join(chart, file.slice('chart:'.length)) : join(CORPUS, file)));
      return { chart, name, valuesFiles };
    });
  });
}

function all(chart: LoadedChart): LoadedChart[] {
  return [chart, ...chart.subcharts.flatMap(all)];
}

describe('chart loading on the public corpus', () => {
  it('loads every corpus chart under every scenario without an exception or a problem', (t) => {
    if (!requireShared(t)) return;
    const list = scenarios();
    assert.equal(new Set(list.map((scenario) => scenario.chart)).size, readdirSync(CORPUS_CHARTS).length, 'every corpus chart has a scenario');
    for (const scenario of list) {
      const loaded = loadChart(scenario.chart, { valuesFiles: scenario.valuesFiles });
      const label = `${scenario.chart} (${scenario.name})`;
      // These are released charts that helm template renders: Helm found nothing to refuse, so neither may we.
      assert.deepEqual(all(loaded).flatMap((chart) => chart.problems), [], label);
      assert.ok(all(loaded).some((chart) => chart.templates.length > 0), label);
      for (const chart of all(loaded)) assert.ok(chart.templatePrefix.startsWith(loaded.metadata.name), label);
    }
  });
});
