import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lintChart } from '../../server/src/engine/lint/chart-lint';
import type { HelmVersion } from '../../server/src/engine/rules/rule';
import { LineIndex } from '../../server/src/engine/core/text';
import type { DryRunRelease } from '../support/helm';
import { helmInstallDryRunJson, requireBinaries, run } from '../support/helm';
import { FIXTURES } from '../support/paths';

/**
 * The chart rules of issue 18 against what the real Helm records of each fixture chart, offline: `helm install
 * --dry-run=client -o json` (Helm 4) says which documents are hooks, with which events and delete policies, and which
 * are release resources; `helm template` (Helm 3) renders them. Each rule's claim rests on those facts, and the rule
 * speaks on the fixture that has them and is silent on its fixed twin.
 */

const CHARTS = join(FIXTURES, 'lifecycle-rules');

/** `file:line rule severity` of one rule's findings on a fixture, the file relative to the chart. */
function findings(chart: string, rule: string, helmVersion: HelmVersion = 4): string[] {
  const directory = join(CHARTS, chart);
  return lintChart(directory, { helmVersion, rules: {} })
    .filter((finding) => finding.rule === rule)
    .map((finding) => {
      const line = new LineIndex(readFileSync(finding.file, 'utf8')).position(finding.range.start).line + 1;
      return `${finding.file.slice(directory.length + 1)}:${line} ${finding.severity}`;
    });
}

function hooksOf(release: DryRunRelease): string[] {
  return release.hooks.map(
    (hook) => `${hook.kind}/${hook.name} [${hook.events.join(',')}] {${hook.delete_policies.join(',')}}`,
  );
}

/** The kinds and names of the release's own manifest (what upgrade applies and uninstall deletes). */
function manifestObjects(release: DryRunRelease): string[] {
  return [...release.manifest.matchAll(/^kind: (\w+)\nmetadata:\n {2}name: (\S+)/gm)].map(
    (match) => `${match[1]}/${match[2]}`,
  );
}

describe('stale-install-hook: Helm records the object as a hook of one path while a release resource reads it', () => {
  it('a pre-install-only ConfigMap: a hook with no upgrade event, read by the release Deployment; reported at its helm.sh/hook', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const release = helmInstallDryRunJson(join(CHARTS, 'stale-install-only'));
    assert.deepEqual(hooksOf(release), ['ConfigMap/r1-config [pre-install] {}']);
    assert.deepEqual(manifestObjects(release), ['Deployment/r1-app']);
    assert.match(release.manifest, /configMapRef:\n\s+name: r1-config/);
    assert.deepEqual(findings('stale-install-only', 'stale-install-hook'), ['templates/config.yaml:6 warning']);
  });

  it('a pre-upgrade-only Secret: a hook with no install event, read by the release Deployment; reported', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const release = helmInstallDryRunJson(join(CHARTS, 'stale-upgrade-only'));
    assert.deepEqual(hooksOf(release), ['Secret/r1-creds [pre-upgrade] {}']);
    assert.deepEqual(manifestObjects(release), ['Deployment/r1-app']);
    assert.deepEqual(findings('stale-upgrade-only', 'stale-install-hook'), ['templates/secret.yaml:6 warning']);
  });

  it('hooked on both paths: Helm records pre-install and pre-upgrade, and the rule is silent (positive control)', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    assert.deepEqual(hooksOf(helmInstallDryRunJson(join(CHARTS, 'stale-both-paths'))), [
      'ConfigMap/r1-config [pre-install,pre-upgrade] {}',
    ]);
    assert.deepEqual(findings('stale-both-paths', 'stale-install-hook'), []);
  });
});

describe('workload-as-hook: Helm keeps a hooked StatefulSet out of the release manifest', () => {
  it('the pre-install StatefulSet is a hook and not in the manifest; reported', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const release = helmInstallDryRunJson(join(CHARTS, 'workload-pre-install'));
    assert.deepEqual(hooksOf(release), ['StatefulSet/r1-db [pre-install] {}']);
    assert.deepEqual(manifestObjects(release), []);
    assert.deepEqual(findings('workload-pre-install', 'workload-as-hook'), ['templates/db.yaml:6 warning']);
  });

  it('without the annotation it is a release resource, and the rule is silent (positive control)', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const release = helmInstallDryRunJson(join(CHARTS, 'workload-release'));
    assert.deepEqual(release.hooks, []);
    assert.deepEqual(manifestObjects(release), ['StatefulSet/r1-db']);
    assert.deepEqual(findings('workload-release', 'workload-as-hook'), []);
  });
});

describe('duplicate-hook-name: Helm records both documents as hooks of the same name, and neither version rejects them', () => {
  it("two pre-install Jobs named alike, the later with hook-succeeded only: reported as an error on the later one's name", (t) => {
    if (!requireBinaries(t, ['helm4', 'helm3'])) return;
    const release = helmInstallDryRunJson(join(CHARTS, 'duplicate-jobs'));
    assert.deepEqual(hooksOf(release).sort(), [
      'Job/r1-setup [pre-install] {hook-succeeded}',
      'Job/r1-setup [pre-install] {}',
    ]);
    const weights = release.hooks.map((hook) => hook.weight).sort();
    assert.deepEqual(weights, [-5, 0], 'the Job without a delete policy runs first (weight -5)');
    const helm3 = run('helm3', ['template', 'r1', join(CHARTS, 'duplicate-jobs')]);
    assert.equal(helm3.code, 0, helm3.stderr);
    assert.equal([...helm3.stdout.matchAll(/^ {2}name: r1-setup$/gm)].length, 2, 'Helm 3 renders both documents');
    assert.deepEqual(findings('duplicate-jobs', 'duplicate-hook-name', 4), ['templates/setup.yaml:20 error']);
    assert.deepEqual(findings('duplicate-jobs', 'duplicate-hook-name', 3), ['templates/setup.yaml:20 error']);
  });

  it('with names of their own: two hooks, and the rule is silent (positive control)', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    assert.deepEqual(hooksOf(helmInstallDryRunJson(join(CHARTS, 'duplicate-renamed'))).sort(), [
      'Job/r1-setup-schema [pre-install] {}',
      'Job/r1-setup-seed [pre-install] {hook-succeeded}',
    ]);
    assert.deepEqual(findings('duplicate-renamed', 'duplicate-hook-name'), []);
  });
});

describe('stateful-hook: a hooked claim is reported only where its data must outlive a run', () => {
  it('mounted by the release Deployment: the claim is an upgrade hook with the default policy; reported', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const release = helmInstallDryRunJson(join(CHARTS, 'claim-mounted'));
    assert.deepEqual(hooksOf(release), ['PersistentVolumeClaim/r1-data [pre-install,pre-upgrade] {}']);
    assert.deepEqual(manifestObjects(release), ['Deployment/r1-app']);
    assert.deepEqual(findings('claim-mounted', 'stateful-hook'), ['templates/pvc.yaml:6 error']);
  });

  it('mounted only by a Job of the same events: both are hooks of pre-install and pre-upgrade; silent', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const release = helmInstallDryRunJson(join(CHARTS, 'claim-scratch'));
    assert.deepEqual(hooksOf(release), [
      'PersistentVolumeClaim/r1-data [pre-install,pre-upgrade] {}',
      'Job/r1-unpack [pre-install,pre-upgrade] {}',
    ]);
    assert.deepEqual(findings('claim-scratch', 'stateful-hook'), []);
  });
});

describe('hook-recreate-conflict: graded by kind and Helm version on what Helm records', () => {
  it('pre-upgrade hooks with hook-failed alone: an error for the Job on both versions, for the ConfigMap only on Helm 3', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    assert.deepEqual(hooksOf(helmInstallDryRunJson(join(CHARTS, 'recreate-graded'))), [
      'ConfigMap/r1-migrate-config [pre-upgrade] {hook-failed}',
      'Job/r1-migrate [pre-upgrade] {hook-failed}',
    ]);
    assert.deepEqual(findings('recreate-graded', 'hook-recreate-conflict', 4), [
      'templates/hooks.yaml:7 error',
      'templates/hooks.yaml:23 warning',
    ]);
    assert.deepEqual(findings('recreate-graded', 'hook-recreate-conflict', 3), [
      'templates/hooks.yaml:7 error',
      'templates/hooks.yaml:23 error',
    ]);
  });
});
