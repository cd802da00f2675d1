import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { loadChart } from '../../server/src/engine/chart/load';
import { EngineCaches } from '../../server/src/engine/core/caches';
import { evaluatedFindings } from '../../server/src/engine/lint/evaluated-lint';
import { LIFECYCLE_RULES } from '../../server/src/engine/rules';
import { CORPUS_CHARTS, requireShared } from '../support/shared';

/** The lifecycle rules have their own reviewed expectations (lifecycle-findings.test.ts). */
const ANNOTATION_RULES_ONLY = Object.fromEntries(LIFECYCLE_RULES.map((rule) => [rule.id, 'off' as const]));

/** What a CLI run keeps while it lints many charts, for this file's runs through the corpus. */
const caches = new EngineCaches();

describe('annotation rules on the evaluated view of the public corpus', () => {
  it('evaluate every corpus chart with its default values and raise no annotation finding on these maintained charts', (t) => {
    if (!requireShared(t)) return;
    const charts = readdirSync(CORPUS_CHARTS, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    assert.equal(charts.length, 23, 'the corpus README lists 23 charts');
    const findings: string[] = [];
    for (const entry of charts) {
      const directory = join(CORPUS_CHARTS, entry.name);
      const evaluated = caches.run(() =>
        evaluatedFindings(loadChart(directory), { helmVersion: 4, rules: ANNOTATION_RULES_ONLY }),
      );
      for (const finding of evaluated) {
        findings.push(
          `${relative(CORPUS_CHARTS, finding.file)}@${finding.range.start} ${finding.rule}: ${finding.message}`,
        );
      }
    }
    assert.deepEqual(findings, []);
  });
});
