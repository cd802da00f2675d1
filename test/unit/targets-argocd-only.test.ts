import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import type { DeployTarget } from '../../server/src/engine/deployers/targets';
import { lintFile } from '../../server/src/engine/lint/lint';
import { ALL_RULES, ruleById } from '../../server/src/engine/rules';
import type { Finding, Rule } from '../../server/src/engine/rules/rule';
import { chartFindings, ScratchCharts } from '../support/chart-tester';
import { REPO_ROOT } from '../support/paths';
import { TEST_FILE } from '../support/rule-tester';

/**
 * The rules whose claim is about what Helm does when it runs the hooks itself (install, upgrade, rollback, test,
 * uninstall), which Argo CD, rendering with `helm template` and syncing on its own, does not do: with `argocd` alone
 * they must be silent. The README's "Deployed by Argo CD" section gives the fact and source for each.
 */
const HELM_ONLY = [
  'duplicate-hook-event',
  'unknown-delete-policy',
  'unknown-output-log-policy',
  'orphan-hook-annotation',
  'hook-recreate-conflict',
  'stateful-hook',
  'hook-left-behind',
  'hook-job-unbounded',
  'test-hook-not-pod',
  'crd-hook',
  'stale-install-hook',
  'workload-as-hook',
  'duplicate-hook-name',
  'missing-chart-dependency',
];

/** Rules that run for every target but say what each deployer does: Helm's answer only when Helm is a target. */
const PER_DEPLOYER = ['hook-dependency-unavailable', 'hook-dependency-order'];

const HELM: DeployTarget[] = ['helm'];
const ARGOCD: DeployTarget[] = ['argocd'];
const BOTH: DeployTarget[] = ['helm', 'argocd'];

const charts = new ScratchCharts();

/** What one rule reports on a chart of these files, as written and as Helm renders it, for these targets. */
function findingsOf(rule: Rule, files: Record<string, string>, targets: DeployTarget[]): Finding[] {
  const template = files['templates/example.yaml'];
  const asWritten =
    rule.check && template !== undefined
      ? lintFile(analyzeTemplate(TEST_FILE, template), { helmVersion: 4, rules: {}, targets }, [rule])
      : [];
  return [...asWritten, ...chartFindings(charts.write(files), rule.id, { targets })];
}

/** A rule's documented bad example as a chart: a Chart.yaml for the rules on the loaded chart, else a template. */
function badExample(rule: Rule): Record<string, string> {
  return rule.checkLoadedChart
    ? { 'Chart.yaml': rule.docs.bad }
    : { 'templates/example.yaml': rule.docs.bad, 'values.yaml': 'password: secret\n' };
}

describe('targets: [argocd] alone silences the rules about Helm running the hooks', () => {
  after(() => charts.remove());

  it('the rules with target helm are exactly the Helm-only ones', () => {
    assert.deepEqual(
      ALL_RULES.filter((rule) => rule.target === 'helm')
        .map((rule) => rule.id)
        .sort(),
      [...HELM_ONLY].sort(),
    );
  });

  for (const id of HELM_ONLY) {
    it(`${id}: its bad example is reported for helm and for [helm, argocd], and not for argocd alone`, () => {
      const rule = ruleById(id)!;
      const files = badExample(rule);
      assert.ok(findingsOf(rule, files, HELM).length > 0, 'reported for helm');
      assert.ok(findingsOf(rule, files, BOTH).length > 0, 'reported for [helm, argocd]');
      assert.deepEqual(findingsOf(rule, files, ARGOCD), []);
    });
  }

  const everyTarget = ALL_RULES.filter((rule) => rule.target === undefined && !PER_DEPLOYER.includes(rule.id));
  for (const rule of everyTarget) {
    it(`${rule.id}: its claim holds whoever deploys the chart, so argocd alone still reports its bad example`, () => {
      const files = badExample(rule);
      assert.ok(findingsOf(rule, files, ARGOCD).length > 0, 'reported for argocd');
      assert.ok(findingsOf(rule, files, HELM).length > 0, 'reported for helm');
    });
  }

  for (const rule of ALL_RULES.filter((candidate) => candidate.target === 'argocd')) {
    it(`${rule.id}: runs for argocd, alone or with helm, and not for helm alone`, () => {
      const files = badExample(rule);
      assert.ok(findingsOf(rule, files, ARGOCD).length > 0, 'reported for argocd');
      assert.ok(findingsOf(rule, files, BOTH).length > 0, 'reported for [helm, argocd]');
      assert.deepEqual(findingsOf(rule, files, HELM), []);
    });
  }
});

/** A pre-install Job whose pod reads Secret `db`, with the Secret's own annotation lines (none: a release resource). */
function jobReadingSecret(secretAnnotations: string[]): string {
  return [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: db',
    ...(secretAnnotations.length > 0 ? ['  annotations:', ...secretAnnotations.map((line) => `    ${line}`)] : []),
    'stringData:',
    '  password: x',
    '---',
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: migrate',
    '  annotations:',
    '    helm.sh/hook: pre-install,pre-upgrade',
    'spec:',
    '  backoffLimit: 1',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    '        - name: migrate',
    '          image: migrate:1.0',
    '          env:',
    '            - name: PASSWORD',
    '              valueFrom:',
    '                secretKeyRef:',
    '                  name: db',
    '                  key: password',
  ].join('\n');
}

describe("the dependency rules speak of Helm's run only when Helm is a target", () => {
  after(() => charts.remove());

  const messages = (id: string, template: string, targets: DeployTarget[]) =>
    findingsOf(ruleById(id)!, { 'templates/example.yaml': template }, targets).map((finding) => finding.message);

  it("hook-dependency-unavailable: a pre-install Job reading a release Secret; Helm's install, Argo CD's first sync", () => {
    const template = jobReadingSecret([]);
    const helm = messages('hook-dependency-unavailable', template, HELM);
    assert.ok(
      helm.length > 0 && helm.every((message) => message.startsWith('The install fails at --timeout')),
      helm.join('\n'),
    );
    const argo = messages('hook-dependency-unavailable', template, ARGOCD);
    assert.ok(argo.length > 0, 'reported for argocd alone');
    assert.ok(
      argo.every(
        (message) => message.startsWith("Argo CD's first sync stalls at PreSync") && !message.includes('--timeout'),
      ),
      argo.join('\n'),
    );
    // Both: Helm's answer names the read, so Argo CD's is not repeated.
    assert.deepEqual(messages('hook-dependency-unavailable', template, BOTH), helm);
  });

  it('hook-dependency-order: the Secret a later hook of the same event; a later weight for Helm, a later wave for Argo CD', () => {
    const template = jobReadingSecret(['helm.sh/hook: pre-install,pre-upgrade', 'helm.sh/hook-weight: "5"']);
    const helm = messages('hook-dependency-order', template, HELM);
    assert.ok(helm.length > 0 && helm.every((message) => message.includes('hooks fail at --timeout')), helm.join('\n'));
    const argo = messages('hook-dependency-order', template, ARGOCD);
    assert.ok(argo.length > 0, 'reported for argocd alone');
    assert.ok(
      argo.every((message) => message.startsWith("Argo CD's") && message.endsWith('applied in a later wave.')),
      argo.join('\n'),
    );
  });

  it('hook-dependency-order: silent for both when the Secret comes first (a positive control of the case above)', () => {
    const template = jobReadingSecret(['helm.sh/hook: pre-install,pre-upgrade', 'helm.sh/hook-weight: "-5"']);
    assert.deepEqual(messages('hook-dependency-order', template, BOTH), []);
    assert.deepEqual(messages('hook-dependency-unavailable', template, BOTH), []);
  });
});

describe('the README says which rules run for which target', () => {
  /** The rows of the "Which rules run for which target" table: rule id and its targets cell. */
  function decisionRows(): Map<string, string> {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('#### Which rules run for which target');
    assert.ok(start >= 0, 'the README has the section');
    const end = readme.indexOf('\n#', start + 1);
    const rows = new Map<string, string>();
    for (const match of readme.slice(start, end).matchAll(/^\| `([a-z-]+)` \| ([a-z, ]+) \|/gm))
      rows.set(match[1]!, match[2]!.trim());
    return rows;
  }

  it('every rule once, with the targets it runs for', () => {
    const rows = decisionRows();
    assert.deepEqual([...rows.keys()].sort(), ALL_RULES.map((rule) => rule.id).sort());
    for (const rule of ALL_RULES) assert.equal(rows.get(rule.id), rule.target ?? 'helm, argocd', rule.id);
  });
});

/** A pre-install Job with these lines in its own annotations and in its pod template's. */
function job(ownAnnotations: string[], podAnnotations: string[] = []): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: migrate',
    ...(ownAnnotations.length > 0 ? ['  annotations:', ...ownAnnotations.map((line) => `    ${line}`)] : []),
    'spec:',
    '  template:',
    ...(podAnnotations.length > 0
      ? ['    metadata:', '      annotations:', ...podAnnotations.map((line) => `        ${line}`)]
      : []),
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    '        - name: migrate',
    '          image: migrate:1.0',
  ].join('\n');
}

describe('rules of every target that Argo CD alone reads differently', () => {
  after(() => charts.remove());

  const count = (id: string, template: string, targets: DeployTarget[]) =>
    findingsOf(ruleById(id)!, { 'templates/example.yaml': template }, targets).length;

  it('invalid-hook-weight: with argocd alone, silent where a numeric sync wave decides; reported for helm', () => {
    const template = job([
      'helm.sh/hook: pre-install',
      'helm.sh/hook-weight: "5.0"',
      'argocd.argoproj.io/sync-wave: "5"',
    ]);
    assert.equal(count('invalid-hook-weight', template, ARGOCD), 0);
    assert.ok(count('invalid-hook-weight', template, HELM) > 0, 'reported for helm');
    assert.ok(count('invalid-hook-weight', template, BOTH) > 0, 'reported for [helm, argocd]');
  });

  it('invalid-hook-weight: with argocd alone, reported where Argo CD reads the weight (no wave, or one Atoi rejects)', () => {
    const noWave = job(['helm.sh/hook: pre-install', 'helm.sh/hook-weight: "5.0"']);
    const badWave = job([
      'helm.sh/hook: pre-install',
      'helm.sh/hook-weight: "5.0"',
      'argocd.argoproj.io/sync-wave: "five"',
    ]);
    assert.ok(count('invalid-hook-weight', noWave, ARGOCD) > 0, 'no sync wave');
    assert.ok(count('invalid-hook-weight', badWave, ARGOCD) > 0, 'a sync wave strconv.Atoi rejects');
  });

  it("misplaced-hook-annotation: with argocd alone, silent on an object that Argo CD's own annotation makes a hook", () => {
    const template = job(['argocd.argoproj.io/hook: PreSync'], ['helm.sh/hook: pre-install']);
    assert.equal(count('misplaced-hook-annotation', template, ARGOCD), 0);
    assert.ok(count('misplaced-hook-annotation', template, HELM) > 0, 'reported for helm');
    assert.ok(count('misplaced-hook-annotation', template, BOTH) > 0, 'reported for [helm, argocd]');
  });

  it('misplaced-hook-annotation: with argocd alone, reported on an object that no annotation makes a hook', () => {
    const template = job([], ['helm.sh/hook: pre-install']);
    assert.ok(count('misplaced-hook-annotation', template, ARGOCD) > 0);
  });
});
