import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertChartDocsExamples, chartFindings, MemoryCharts, where } from '../../support/chart-tester';

const RULE = 'duplicate-hook-name';
const charts = new MemoryCharts();

function configMap(name: string, annotations: string[], data = 'a: "1"'): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'data:',
    `  ${data}`,
    '',
  ].join('\n');
}

function job(annotations: string[], args: string): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: {{ .Release.Name }}-setup',
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    '        - name: setup',
    '          image: busybox:1.36',
    `          args: [${args}]`,
    '',
  ].join('\n');
}

function twoDocuments(first: string, second: string): string {
  return charts.write({ 'templates/hooks.yaml': `${first}---\n${second}` });
}

describe(RULE, () => {
  it('reports the second ConfigMap of one event whose explicit policy lacks before-hook-creation, at its metadata.name: Helm 3 fails, Helm 4 overwrites', () => {
    const chart = twoDocuments(
      configMap('setup', ['helm.sh/hook: pre-install']),
      configMap('setup', ['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-succeeded']),
    );
    const helm3 = chartFindings(chart, RULE, { helmVersion: 3 });
    assert.deepEqual(
      helm3.map((finding) => where(chart, finding)),
      ['templates/hooks.yaml:13 "setup"'],
    );
    assert.equal(helm3[0]!.severity, 'error');
    assert.equal(
      helm3[0]!.message,
      'Creating this second ConfigMap "setup" in pre-install fails with "already exists": the first is still there.',
    );
    assert.deepEqual(
      helm3[0]!.related.map((related) => where(chart, related)),
      ['templates/hooks.yaml:4 "setup"'],
    );
    const [helm4] = chartFindings(chart, RULE, { helmVersion: 4 });
    assert.equal(helm4!.severity, 'warning');
    assert.equal(
      helm4!.message,
      'This second ConfigMap "setup" silently overwrites the first in pre-install; with client-side apply it fails instead.',
    );
  });

  it('grades Jobs on Helm 4 by their pod templates: a changed one is an error, an identical one never runs', () => {
    const changed = twoDocuments(
      job(['helm.sh/hook: pre-install'], 'schema'),
      job(['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-succeeded'], 'seed'),
    );
    const [immutable] = chartFindings(changed, RULE);
    assert.equal(immutable?.severity, 'error');
    assert.match(
      immutable!.message,
      /^Applying this second Job "release-name-setup" in pre-install fails: the first is still there, and its pod template cannot change/,
    );
    const same = twoDocuments(
      job(['helm.sh/hook: pre-install'], 'schema'),
      job(['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-succeeded'], 'schema'),
    );
    const [skipped] = chartFindings(same, RULE);
    assert.equal(skipped?.severity, 'warning');
    assert.match(
      skipped!.message,
      /^This second Job "release-name-setup" never runs in pre-install: Helm 4 applies it over the first, which has already completed/,
    );
  });

  it("reports the later of the two by Helm's order (weight, then name), not by file position", () => {
    const chart = twoDocuments(
      configMap('setup', [
        'helm.sh/hook: pre-install',
        'helm.sh/hook-weight: "5"',
        'helm.sh/hook-delete-policy: hook-succeeded',
      ]),
      configMap('setup', ['helm.sh/hook: pre-install', 'helm.sh/hook-weight: "-5"']),
    );
    assert.deepEqual(
      chartFindings(chart, RULE, { helmVersion: 3 }).map((finding) => where(chart, finding)),
      ['templates/hooks.yaml:4 "setup"'],
    );
  });

  it("warns where the second's before-hook-creation (explicit or by default) silently replaces the first in the same event", () => {
    const chart = twoDocuments(
      configMap('setup', ['helm.sh/hook: pre-install']),
      configMap('setup', ['helm.sh/hook: pre-install']),
    );
    const [finding] = chartFindings(chart, RULE, { helmVersion: 3 });
    assert.equal(finding?.severity, 'warning');
    assert.equal(
      finding!.message,
      'Helm deletes the first ConfigMap "setup" in pre-install to create this second one: only one of them is left.',
    );
  });

  it("reports a later event meeting an earlier event's object that nothing deleted, when the later one lacks before-hook-creation", () => {
    const chart = twoDocuments(
      configMap('setup', ['helm.sh/hook: pre-install']),
      configMap('setup', ['helm.sh/hook: post-install', 'helm.sh/hook-delete-policy: hook-failed']),
    );
    const [finding] = chartFindings(chart, RULE, { helmVersion: 3 });
    assert.equal(
      finding?.message,
      'Creating this second ConfigMap "setup" in post-install fails with "already exists": the pre-install one is still there.',
    );
    assert.match(finding!.help, /was created in pre-install and nothing deleted it since/);
  });

  it('reports an upgrade hook meeting the object an install hook of the same name left, when it lacks before-hook-creation', () => {
    const chart = twoDocuments(
      configMap('setup', ['helm.sh/hook: pre-install']),
      configMap('setup', ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-succeeded']),
    );
    const [finding] = chartFindings(chart, RULE, { helmVersion: 3 });
    assert.equal(
      finding?.message,
      'Creating this second ConfigMap "setup" in pre-upgrade fails with "already exists": the pre-install one is still there.',
    );
  });

  it('compares Pods without their images, the one field of a Pod spec an update may change', () => {
    const pod = (annotations: string[], image: string, args: string) =>
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: check',
        '  annotations:',
        ...annotations.map((line) => `    ${line}`),
        'spec:',
        '  restartPolicy: Never',
        '  containers:',
        '    - name: check',
        `      image: ${image}`,
        `      args: [${args}]`,
        '',
      ].join('\n');
    const later = ['helm.sh/hook: test', 'helm.sh/hook-weight: "1"', 'helm.sh/hook-delete-policy: hook-failed'];
    const imageOnly = twoDocuments(
      pod(['helm.sh/hook: test'], 'busybox:1.36', 'ping'),
      pod(later, 'busybox:1.37', 'ping'),
    );
    assert.deepEqual(
      chartFindings(imageOnly, RULE).map((finding) => finding.severity),
      ['warning'],
    );
    const otherArgs = twoDocuments(
      pod(['helm.sh/hook: test'], 'busybox:1.36', 'ping'),
      pod(later, 'busybox:1.36', 'curl'),
    );
    assert.deepEqual(
      chartFindings(otherArgs, RULE).map((finding) => finding.severity),
      ['error'],
    );
  });

  it('stays silent across events when the later one has before-hook-creation or the earlier one is deleted after its event', () => {
    const replaced = twoDocuments(
      configMap('setup', ['helm.sh/hook: pre-install']),
      configMap('setup', ['helm.sh/hook: pre-upgrade']),
    );
    assert.deepEqual(chartFindings(replaced, RULE, { helmVersion: 3 }), []);
    const deleted = twoDocuments(
      configMap('setup', ['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-succeeded']),
      configMap('setup', ['helm.sh/hook: post-install', 'helm.sh/hook-delete-policy: hook-failed']),
    );
    assert.deepEqual(chartFindings(deleted, RULE, { helmVersion: 3 }), []);
  });

  it('stays silent for other kinds, namespaces or names, names that are not certain, and subcharts', () => {
    const policy = ['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-succeeded'];
    const otherKind = twoDocuments(
      configMap('setup', ['helm.sh/hook: pre-install']),
      configMap('setup', policy).replace('kind: ConfigMap', 'kind: Secret'),
    );
    assert.deepEqual(chartFindings(otherKind, RULE, { helmVersion: 3 }), []);
    const otherNamespace = twoDocuments(
      configMap('setup', ['helm.sh/hook: pre-install']),
      configMap('setup', policy).replace('  name: setup', '  name: setup\n  namespace: other'),
    );
    assert.deepEqual(chartFindings(otherNamespace, RULE, { helmVersion: 3 }), []);
    const random = twoDocuments(
      configMap('setup', ['helm.sh/hook: pre-install']),
      configMap('setup{{ randAlphaNum 3 | lower }}', policy),
    );
    assert.deepEqual(chartFindings(random, RULE, { helmVersion: 3 }), []);
    const sub = charts.write({
      'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
      'charts/db/templates/hooks.yaml': `${configMap('setup', ['helm.sh/hook: pre-install'])}---\n${configMap('setup', policy)}`,
    });
    assert.deepEqual(chartFindings(sub, RULE, { helmVersion: 3 }), []);
  });

  it('reports its documented bad example and not its good one', () => {
    assertChartDocsExamples(charts, RULE);
  });
});
