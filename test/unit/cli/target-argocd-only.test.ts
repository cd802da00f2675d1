import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ALL_RULES } from '../../../server/src/engine/rules';
import { CHARTS, lintJson } from './cli-harness';

/** A chart with one finding per kind of claim: three about Helm's run of the hooks, one about rendering. */
const CHART = join(CHARTS, 'argocd-only');

const HELM_ONLY_IDS = new Set(ALL_RULES.filter((rule) => rule.target === 'helm').map((rule) => rule.id));

/** `file:line rule`, sorted. */
function located(args: string[]): string[] {
  const { result, output } = lintJson([...args, '.'], CHART);
  // The chart has an error (an unknown event) for every target: exit 1, with the findings on stdout.
  assert.equal(result.status, 1, result.stderr);
  return output.findings.map((finding) => `${finding.file}:${finding.line} ${finding.rule}`).sort();
}

const HELM_FINDINGS = [
  'Chart.yaml:5 missing-chart-dependency',
  'templates/migrate.yaml:8 hook-recreate-conflict',
  'templates/settings.yaml:7 orphan-hook-annotation',
  'templates/smoke-test.yaml:7 test-hook-not-pod',
];
const RENDER_FINDINGS = ['templates/typo.yaml:7 unknown-hook-event'];
const ARGOCD_FINDINGS = [
  'templates/migrate.yaml:7 argocd-every-sync-hook',
  // The same kept Job as hook-recreate-conflict's, which Argo CD's next sync applies over instead of running.
  'templates/migrate.yaml:8 argocd-hook-not-rerun',
  'templates/smoke-test.yaml:7 argocd-ignored-hook',
];

describe('helm-hooks lint --target argocd alone: no finding about what Helm does when it runs the hooks', () => {
  it('--target argocd: the render finding and the Argo CD ones, and no Helm-only rule', () => {
    const findings = located(['--target', 'argocd']);
    assert.deepEqual(findings, [...RENDER_FINDINGS, ...ARGOCD_FINDINGS].sort());
    assert.deepEqual(
      findings.filter((finding) => HELM_ONLY_IDS.has(finding.split(' ')[1]!)),
      [],
    );
  });

  it('--target helm: the Helm findings and the render finding, no Argo CD one', () => {
    assert.deepEqual(located(['--target', 'helm']), [...HELM_FINDINGS, ...RENDER_FINDINGS].sort());
  });

  it('--target helm --target argocd: every finding of both', () => {
    assert.deepEqual(
      located(['--target', 'helm', '--target', 'argocd']),
      [...HELM_FINDINGS, ...RENDER_FINDINGS, ...ARGOCD_FINDINGS].sort(),
    );
  });
});
