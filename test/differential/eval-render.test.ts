import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadChart } from '../../server/src/engine/chart/load';
import { evaluateChart } from '../../server/src/engine/eval/hooks';
import { requireBinaries, run } from '../support/helm';
import { FIXTURES } from '../support/paths';

/**
 * The evaluator's output text against `helm template` (Helm v4) on fixture charts written to exercise the evaluator:
 * every document the evaluator knows completely must be, byte for byte, a document Helm prints for that template.
 */

const CHARTS = join(FIXTURES, 'eval');

/** Helm's output as documents per `# Source:` template. */
function helmDocuments(output: string): Map<string, string[]> {
  const byTemplate = new Map<string, string[]>();
  for (const part of output.split(/^---\n(?=# Source: )/m)) {
    const match = /^# Source: (.*)\n([\s\S]*?)\n?$/.exec(part);
    if (!match) continue;
    byTemplate.set(match[1]!, [...(byTemplate.get(match[1]!) ?? []), match[2]!]);
  }
  return byTemplate;
}

describe('evaluator output against helm template', () => {
  for (const [chartName, releaseName, namespace] of [
    ['constructs', 'release-name', 'default'],
    ['constructs', 'zz-second', 'other'],
  ] as const) {
    it(`renders every certain document of ${chartName} exactly as helm template ${releaseName} -n ${namespace} does`, (t) => {
      if (!requireBinaries(t, ['helm4'])) return;
      const chartDir = join(CHARTS, chartName);
      const helm = run('helm4', ['template', releaseName, chartDir, '--namespace', namespace]);
      assert.equal(helm.code, 0, helm.stderr);
      const expected = helmDocuments(helm.stdout);
      const evaluation = evaluateChart(loadChart(chartDir), { releaseName, namespace });
      let compared = 0;
      let uncertain = 0;
      for (const file of evaluation.files) {
        const helmDocs = [...(expected.get(file.template) ?? [])];
        for (const doc of file.documents) {
          if (!doc.exact) {
            uncertain++;
            continue;
          }
          const index = helmDocs.indexOf(doc.text);
          assert.ok(
            index >= 0,
            `${file.template} document ${doc.index} is one Helm renders:\n${doc.text}\n--- helm has:\n${helmDocs.join('\n---\n')}`,
          );
          helmDocs.splice(index, 1);
          compared++;
        }
        // With no unknown control flow, the documents not yet matched are exactly the evaluator's inexact ones.
        if (file.complete)
          assert.equal(
            helmDocs.length,
            file.documents.filter((doc) => !doc.exact).length,
            `${file.template}: Helm renders no document the evaluator lacks`,
          );
      }
      t.diagnostic(`documents equal to Helm's: ${compared}; not certain: ${uncertain}`);
      // Eight documents: the lookup Secret and the randAlphaNum ConfigMap are not certain, the other six are.
      assert.equal(compared, 6);
      assert.equal(uncertain, 2);
    });
  }
});
