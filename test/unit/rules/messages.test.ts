import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { analyzeTemplate } from '../../../server/src/engine/analysis/file';
import { lintFile } from '../../../server/src/engine/lint/lint';
import { ALL_RULES } from '../../../server/src/engine/rules';
import { HelmVersion } from '../../../server/src/engine/rules/rule';
import { chartFindings, ScratchCharts } from '../../support/chart-tester';
import { assertShortMessage } from '../../support/messages';
import { TEST_FILE } from '../../support/rule-tester';

const HELM_VERSIONS: HelmVersion[] = [3, 4];

describe('short messages, details in the help', () => {
  const charts = new ScratchCharts();
  after(() => charts.remove());

  for (const rule of ALL_RULES) {
    it(`${rule.id}: its documented bad example gives one-sentence messages of at most 160 characters, each with help`, () => {
      for (const helmVersion of HELM_VERSIONS) {
        const asWritten = rule.check ? lintFile(analyzeTemplate(TEST_FILE, rule.docs.bad), { helmVersion, rules: {} }, [rule]) : [];
        asWritten.forEach(assertShortMessage);
        const chart = charts.write({ 'templates/example.yaml': rule.docs.bad, 'values.yaml': 'password: secret\n' });
        // chartFindings checks the contract of what the chart as Helm renders it gives.
        const evaluated = chartFindings(chart, rule.id, { helmVersion });
        assert.ok(asWritten.length + evaluated.length > 0, `${rule.id} reports its bad example under Helm ${helmVersion}`);
      }
    });
  }
});
