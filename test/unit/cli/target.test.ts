import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  assertUsageFailure,
  CHART_YAML,
  CHARTS,
  copyFixture,
  hookConfigMap,
  lintJson,
  removeTempDirs,
  runCli,
  tempDir,
  writeFiles,
} from './cli-harness';

const ARGOCD_CHART = join(CHARTS, 'argocd');

/** `file:line rule` of the Argo CD findings, sorted. */
function argoFindings(output: ReturnType<typeof lintJson>['output']): string[] {
  return output.findings
    .filter((finding) => finding.rule.startsWith('argocd-'))
    .map((finding) => `${finding.file}:${finding.line} ${finding.rule} ${finding.severity}`)
    .sort();
}

describe('helm-hooks lint --target', () => {
  after(removeTempDirs);

  it('checks what Argo CD does with the fixture chart, each rule at its reported case and silent at the others', () => {
    const { result, output } = lintJson(['--target', 'argocd', '.'], ARGOCD_CHART);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(argoFindings(output), [
      'templates/every-sync.yaml:22 argocd-every-sync-hook warning',
      'templates/every-sync.yaml:7 argocd-every-sync-hook warning',
      'templates/ignored.yaml:21 argocd-ignored-hook info',
      'templates/ignored.yaml:7 argocd-ignored-hook warning',
      'templates/install-render.yaml:7 argocd-install-render warning',
      'templates/mixed.yaml:7 argocd-mixed-hook-annotations warning',
    ]);
  });

  it('checks only Helm by default, and with --target helm', () => {
    assert.deepEqual(argoFindings(lintJson(['.'], ARGOCD_CHART).output), []);
    assert.deepEqual(argoFindings(lintJson(['--target', 'helm', '.'], ARGOCD_CHART).output), []);
    assert.equal(
      argoFindings(lintJson(['--target', 'helm', '--target', 'argocd', '.'], ARGOCD_CHART).output).length,
      6,
    );
  });

  it("reads .helm-hooks.yaml's targets, and --target wins over them", () => {
    const chart = copyFixture('argocd');
    writeFiles(chart, { '.helm-hooks.yaml': 'targets: [helm, argocd]\n' });
    assert.equal(argoFindings(lintJson(['.'], chart).output).length, 6);
    assert.deepEqual(argoFindings(lintJson(['--target', 'helm', '.'], chart).output), []);
  });

  it('rejects an unknown --target with one line and exit 2', () => {
    assertUsageFailure(
      runCli(['lint', '--target', 'flux', '.'], ARGOCD_CHART),
      /--target must be helm or argocd, not "flux"/,
    );
  });

  describe('problems in targets: exit 2 with one line naming file:line:col', () => {
    const cases: { name: string; config: string; expected: RegExp }[] = [
      {
        name: 'an unknown target',
        config: 'targets:\n  - helm\n  - fluxcd\n',
        expected: /^helm-hooks: \.helm-hooks\.yaml:3:5: unknown target "fluxcd" \(known: helm, argocd\)$/,
      },
      {
        name: 'targets that is not a list',
        config: 'targets: argocd\n',
        expected: /^helm-hooks: \.helm-hooks\.yaml:1:10: targets must be a list of helm, argocd$/,
      },
      {
        name: 'an empty list',
        config: 'targets: []\n',
        expected: /^helm-hooks: \.helm-hooks\.yaml:1:10: targets must name at least one of helm, argocd$/,
      },
    ];
    for (const { name, config, expected } of cases) {
      it(`reports ${name}`, () => {
        const chart = writeFiles(tempDir(), {
          'Chart.yaml': CHART_YAML,
          '.helm-hooks.yaml': config,
          'templates/hook.yaml': hookConfigMap('a', 'pre-install'),
        });
        assertUsageFailure(runCli(['lint'], chart), expected);
      });
    }

    it('accepts targets: [argocd] alone (a positive control)', () => {
      const chart = writeFiles(tempDir(), {
        'Chart.yaml': CHART_YAML,
        '.helm-hooks.yaml': 'targets:\n  - argocd\n',
        'templates/hook.yaml': hookConfigMap('a', 'pre-install'),
      });
      const { result, output } = lintJson([], chart);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(argoFindings(output), ['templates/hook.yaml:6 argocd-every-sync-hook warning']);
    });
  });
});
