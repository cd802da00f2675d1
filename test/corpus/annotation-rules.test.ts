import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, it } from 'node:test';
import { discover } from '../../server/src/engine/chart/discover';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import { lintFile } from '../../server/src/engine/lint/lint';
import { ALL_RULES, LIFECYCLE_RULES } from '../../server/src/engine/rules';
import { CORPUS_CHARTS, requireShared } from '../support/shared';

/** The annotation rules; the lifecycle rules' findings on the corpus are reviewed in lifecycle-expectations.tsv. */
const ANNOTATION_RULES = ALL_RULES.filter((rule) => !LIFECYCLE_RULES.includes(rule));

describe('annotation rules on the public corpus', () => {
  it('analyse every template of every corpus chart without throwing, and raise no annotation finding on these maintained charts', (t) => {
    if (!requireShared(t)) return;
    const targets = discover(CORPUS_CHARTS);
    let files = 0;
    let hooks = 0;
    const findings: string[] = [];
    for (const target of targets) {
      assert.equal(target.kind, 'chart');
      if (target.kind !== 'chart') continue;
      for (const path of target.chart.templates) {
        const file = analyzeTemplate(path, readFileSync(path, 'utf8'));
        files++;
        hooks += file.model.annotationSets.filter(
          (set) => set.origin === 'object' && set.mapping.entries.some((entry) => entry.key === 'helm.sh/hook'),
        ).length;
        for (const finding of lintFile(file, undefined, ANNOTATION_RULES)) {
          findings.push(
            `${relative(CORPUS_CHARTS, path)}:${file.lines.position(finding.range.start).line + 1} ${finding.rule}: ${finding.message}`,
          );
        }
      }
    }
    assert.equal(targets.length, 23, 'the corpus README lists 23 charts');
    assert.ok(files > 1000, `read ${files} templates`);
    assert.ok(hooks > 100, `saw ${hooks} hook annotation blocks written literally`);
    assert.deepEqual(findings, []);
  });
});
