import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTemplate } from '../../../server/src/engine/analysis/file';
import { lintFile } from '../../../server/src/engine/lint/lint';
import { ALL_RULES } from '../../../server/src/engine/rules';
import type { HelmVersion } from '../../../server/src/engine/rules/rule';
import { DEPLOY_TARGETS } from '../../../server/src/engine/deployers/targets';
import { chartFindings, MemoryCharts } from '../../support/chart-tester';
import { assertShortMessage } from '../../support/messages';
import { TEST_FILE } from '../../support/rule-tester';

const HELM_VERSIONS: HelmVersion[] = [3, 4];
/** Every deployer, so that the rules of each speak. */
const ALL_TARGETS = [...DEPLOY_TARGETS];

/**
 * A documented bad example with the user's text stretched where messages quote it: a long custom kind, a long
 * object name, every recurring event, a long misspelled key and event.
 */
function stretched(bad: string): string[] {
  const kind = 'AVeryLongCustomResourceKindNameForTests';
  const name = 'a-really-long-hook-object-name-that-keeps-going-and-going-x';
  return [
    bad.replace(/^kind: \w+/m, `kind: ${kind}`),
    bad.replace(/^ {2}name: .*$/m, `  name: ${name}`),
    bad
      .replace(
        /helm\.sh\/hook: [\w,-]+/,
        'helm.sh/hook: pre-upgrade,post-upgrade,pre-rollback,post-rollback,test\n    helm.sh/hook-delete-policy: hook-succeeded',
      )
      .replace(/^kind: \w+/m, `kind: ${kind}`),
    bad.replace(/helm\.sh\/hook:/, 'helm.sh/hooks:').replace(/^kind: \w+/m, `kind: ${kind}`),
    bad.replace(/helm\.sh\/hook:/, `helm.sh/hook${'k'.repeat(60)}:`),
    bad.replace(/helm\.sh\/hook: [\w,-]+/, `helm.sh/hook: pre-insta${'a'.repeat(60)}l`),
    bad.replace(
      /helm\.sh\/hook: [\w,-]+/,
      'helm.sh/hook: pre-install\n    helm.sh/hook-delete-policy: "hook-succeeded;before-hook-creation;hook-failed"',
    ),
  ];
}

describe('short messages, details in the help', () => {
  const charts = new MemoryCharts();

  for (const rule of ALL_RULES) {
    it(`${rule.id}: its documented bad example gives one-sentence messages of at most 160 characters, each with help`, () => {
      for (const helmVersion of HELM_VERSIONS) {
        const targets = rule.target ? [rule.target] : undefined;
        const asWritten = rule.check
          ? lintFile(
              analyzeTemplate(TEST_FILE, rule.docs.bad),
              { helmVersion, rules: {}, ...(targets ? { targets } : {}) },
              [rule],
            )
          : [];
        asWritten.forEach(assertShortMessage);
        // A rule on the chart as Helm loads it documents a Chart.yaml; the others a template.
        const chart = charts.write(
          rule.checkLoadedChart
            ? { 'Chart.yaml': rule.docs.bad }
            : { 'templates/example.yaml': rule.docs.bad, 'values.yaml': 'password: secret\n' },
        );
        // chartFindings checks the contract of what the chart as Helm renders it gives.
        const evaluated = chartFindings(chart, rule.id, { helmVersion, ...(targets ? { targets } : {}) });
        assert.ok(
          asWritten.length + evaluated.length > 0,
          `${rule.id} reports its bad example under Helm ${helmVersion}`,
        );
      }
    });
  }

  it("every rule keeps its messages short when the user's kinds, names, keys and event lists are long", () => {
    for (const rule of ALL_RULES.filter((candidate) => candidate.check)) {
      for (const text of stretched(rule.docs.bad)) {
        for (const helmVersion of HELM_VERSIONS)
          lintFile(analyzeTemplate(TEST_FILE, text), { helmVersion, rules: {}, targets: ALL_TARGETS }).forEach(
            assertShortMessage,
          );
      }
    }
  });
});
