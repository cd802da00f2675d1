import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { HelmMajor } from '../support/helm';
import { CHART_NAME, helmTemplate, requireBinaries, writeChart } from '../support/helm';
import { configMapWith } from '../support/rule-tester';

/**
 * Argo CD renders a chart with `helm template` (argoproj/argo-cd at 37ee0097cf, util/helm/cmd.go:429-470; it bundles
 * Helm 4.2.4, hack/tool-versions.sh), never `helm install`. These tests re-prove with the real binaries the two claims
 * about rendering that decide whether a rule runs for `--target argocd` alone.
 */

const HELM_MAJORS: readonly HelmMajor[] = [4, 3];

/** The `metadata.name` of every document `helm template` printed. */
function renderedNames(stdout: string): string[] {
  return parseAllDocuments(stdout)
    .map((document) => (document.toJS() as { metadata?: { name?: string } } | null)?.metadata?.name)
    .filter((name): name is string => name !== undefined);
}

describe('unknown-hook-event runs for argocd: helm template itself drops the document', () => {
  const chart = writeChart({
    'hooks.yaml': [
      configMapWith(['helm.sh/hook: pre-instal'], 'typo'),
      configMapWith(['helm.sh/hook: pre-install'], 'known'),
      configMapWith([], 'plain'),
    ].join('---\n'),
  });

  for (const major of HELM_MAJORS) {
    it(`Helm ${major}: the document with an unknown event is missing from the output; a known hook and a resource are there`, (t) => {
      if (!requireBinaries(t, [major === 4 ? 'helm4' : 'helm3'])) return;
      const result = helmTemplate(chart, major);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(renderedNames(result.stdout).sort(), ['known', 'plain']);
    });
  }
});

describe('missing-chart-dependency is Helm-only: helm template fails with the message Argo CD answers with helm dependency build', () => {
  // util/helm/helm.go:66-70 IsMissingDependencyErr; reposerver/repository/repository.go:1403-1409 then runs
  // `helm dependency build` and renders again.
  const ARGOCD_MATCHES = 'found in Chart.yaml, but missing in charts/ directory';

  function chartWithDependency(present: boolean): string {
    const chart = writeChart({ 'plain.yaml': configMapWith([], 'plain') });
    writeFileSync(
      join(chart, 'Chart.yaml'),
      `apiVersion: v2\nname: ${CHART_NAME}\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n    repository: file://../sub\n`,
    );
    if (present) {
      mkdirSync(join(chart, 'charts', 'sub'), { recursive: true });
      writeFileSync(join(chart, 'charts', 'sub', 'Chart.yaml'), 'apiVersion: v2\nname: sub\nversion: 0.1.0\n');
    }
    return chart;
  }

  for (const major of HELM_MAJORS) {
    it(`Helm ${major}: the dependency missing from charts/ fails with Argo CD's string; present, it renders`, (t) => {
      if (!requireBinaries(t, [major === 4 ? 'helm4' : 'helm3'])) return;
      const missing = helmTemplate(chartWithDependency(false), major);
      assert.notEqual(missing.code, 0);
      assert.ok(missing.stderr.includes(`${ARGOCD_MATCHES}: sub`), missing.stderr);
      const present = helmTemplate(chartWithDependency(true), major);
      assert.equal(present.code, 0, present.stderr);
      assert.deepEqual(renderedNames(present.stdout), ['plain']);
    });
  }
});
