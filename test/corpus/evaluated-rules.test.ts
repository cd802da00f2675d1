import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { loadChart } from '../../server/src/engine/chart/load';
import { evaluatedFindings } from '../../server/src/engine/evaluated-lint';
import { CORPUS_CHARTS, requireShared } from '../support/shared';

describe('annotation rules on the evaluated view of the public corpus', () => {
  it('evaluate every corpus chart with its default values and raise no annotation finding on these maintained charts', (t) => {
    if (!requireShared(t)) return;
    const charts = readdirSync(CORPUS_CHARTS, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    assert.equal(charts.length, 23, 'the corpus README lists 23 charts');
    const findings: string[] = [];
    for (const entry of charts) {
      const directory = join(CORPUS_CHARTS, entry.name);
      for (const finding of evaluatedFindings(loadChart(directory))) {
        findings.push(`${relative(CORPUS_CHARTS, finding.file)}@${finding.range.start} ${finding.rule}: ${finding.message}`);
      }
    }
    assert.deepEqual(findings, []);
  });
});
