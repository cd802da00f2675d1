import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { discover } from '../../server/src/engine/chart/discover';
import { analyzeTemplate } from '../../server/src/engine/file';
import { lintFile } from '../../server/src/engine/lint';
import { LIFECYCLE_RULES } from '../../server/src/engine/rules';
import { REPO_ROOT } from '../support/paths';
import { CORPUS_CHARTS, requireShared } from '../support/shared';

const EXPECTATIONS = join(REPO_ROOT, 'test', 'corpus', 'lifecycle-expectations.tsv');

/** `file:line rule` of each reviewed row; every row must give its reason. */
function expected(): string[] {
  const rows: string[] = [];
  for (const line of readFileSync(EXPECTATIONS, 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [where, rule, reason] = line.split('\t');
    assert.ok(where && rule && reason && reason.trim().length > 20, `row "${line}" gives file:line, rule and a reason`);
    rows.push(`${where} ${rule}`);
  }
  return rows.sort();
}

describe('hook lifecycle rules on the public corpus', () => {
  it('report exactly the reviewed errors and warnings, and no error at all', (t) => {
    if (!requireShared(t)) return;
    const found: string[] = [];
    const bySeverity = { error: 0, warning: 0, info: 0 };
    for (const target of discover(CORPUS_CHARTS)) {
      if (target.kind !== 'chart') continue;
      for (const path of target.chart.templates) {
        const file = analyzeTemplate(path, readFileSync(path, 'utf8'));
        for (const finding of lintFile(file, undefined, LIFECYCLE_RULES)) {
          bySeverity[finding.severity]++;
          if (finding.severity === 'info') continue;
          found.push(`${relative(CORPUS_CHARTS, path).split('\\').join('/')}:${file.lines.position(finding.range.start).line + 1} ${finding.rule}`);
        }
      }
    }
    assert.deepEqual(found.sort(), expected());
    // No corpus chart has a hook Kubernetes would reject or that loses data, as written.
    assert.equal(bySeverity.error, 0);
  });
});
