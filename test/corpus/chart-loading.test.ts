import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadChart } from '../../server/src/engine/chart/load';
import type { LoadedChart } from '../../server/src/engine/chart/types';
import { CORPUS_CHARTS, corpusScenarios, requireShared } from '../support/shared';

function all(chart: LoadedChart): LoadedChart[] {
  return [chart, ...chart.subcharts.flatMap(all)];
}

describe('chart loading on the public corpus', () => {
  it('loads every corpus chart under every scenario without an exception or a problem', (t) => {
    if (!requireShared(t)) return;
    const list = corpusScenarios().map((scenario) => ({ ...scenario, chart: join(CORPUS_CHARTS, scenario.chart) }));
    assert.equal(
      new Set(list.map((scenario) => scenario.chart)).size,
      readdirSync(CORPUS_CHARTS).length,
      'every corpus chart has a scenario',
    );
    for (const scenario of list) {
      const loaded = loadChart(scenario.chart, { valuesFiles: scenario.valuesFiles });
      const label = `${scenario.chart} (${scenario.name})`;
      // These are released charts that helm template renders: Helm found nothing to refuse, so neither may we.
      assert.deepEqual(
        all(loaded).flatMap((chart) => chart.problems),
        [],
        label,
      );
      assert.ok(
        all(loaded).some((chart) => chart.templates.length > 0),
        label,
      );
      for (const chart of all(loaded)) assert.ok(chart.templatePrefix.startsWith(loaded.metadata.name), label);
    }
  });
});
