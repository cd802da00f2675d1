import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartFindings, MemoryCharts, where } from '../../support/chart-tester';

/**
 * hook-dependency-unavailable and hook-dependency-order asked of Argo CD's syncs and Application deletion (target
 * `argocd`). Each expectation follows Argo CD's source at the commit deployers/argocd.ts names (argoproj/argo-cd
 * 37ee0097cf), cited per test; Helm's own answers for the same charts are what these rules said before.
 */

const UNAVAILABLE = 'hook-dependency-unavailable';
const ORDER = 'hook-dependency-order';
const ARGOCD = { targets: ['helm', 'argocd'] as const };
const charts = new MemoryCharts();

function object(kind: string, name: string, annotations: string[] = []): string {
  const lines = ['apiVersion: v1', `kind: ${kind}`, 'metadata:', `  name: ${name}`];
  if (annotations.length > 0) lines.push('  annotations:', ...annotations.map((line) => `    ${line}`));
  return [...lines, ''].join('\n');
}

/** A Job hook named `migrate` whose container takes its password from the Secret `db`. */
function job(annotations: string[], serviceAccount?: string, name = 'migrate'): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    ...(serviceAccount ? [`      serviceAccountName: ${serviceAccount}`] : []),
    '      containers:',
    '        - name: migrate',
    '          image: migrate:1.0',
    '          env:',
    '            - name: PASSWORD',
    '              valueFrom:',
    '                secretKeyRef:',
    '                  name: db',
    '                  key: password',
    '',
  ].join('\n');
}

function argoFindings(directory: string, rule: string, targets: readonly ('helm' | 'argocd')[] = ARGOCD.targets) {
  return chartFindings(directory, rule, { targets });
}

describe('hook dependency rules with the argocd target', () => {
  it('reports a pre-upgrade Job reading a release resource: Argo CD runs it at PreSync of the first sync, before the Sync phase', () => {
    // hook/helm/type.go:27-32 maps pre-upgrade to PreSync; sync_tasks.go:16-21 puts PreSync before Sync; every sync
    // renders as an install (util/helm/cmd.go:429-470), so the first sync runs it before the Secret exists.
    const chart = charts.write({
      'templates/secret.yaml': object('Secret', 'db'),
      'templates/job.yaml': job(['helm.sh/hook: pre-upgrade']),
    });
    const findings = argoFindings(chart, UNAVAILABLE);
    assert.deepEqual(
      findings.map((finding) => where(chart, finding)),
      ['templates/job.yaml:18 "db"'],
    );
    assert.equal(
      findings[0]!.message,
      'Argo CD\'s first sync stalls at PreSync wave 0: this Job reads Secret "db", which does not exist then.',
    );
    assert.match(
      findings[0]!.help,
      /at PreSync wave 0 of Argo CD's first sync is a resource Argo CD applies only in the Sync phase, after every PreSync hook has succeeded/,
    );
    // A later sync finds the first sync's Secret in the cluster: it is not named as another place it is missing.
    assert.doesNotMatch(findings[0]!.help, /later sync/);
    assert.deepEqual(
      findings[0]!.related.map((related) => where(chart, related)),
      ['templates/secret.yaml:4 "db"'],
    );
  });

  it('says nothing of that chart without the argocd target, as before', () => {
    // Helm runs pre-upgrade hooks only on upgrade, after the install created the Secret.
    const chart = charts.write({
      'templates/secret.yaml': object('Secret', 'db'),
      'templates/job.yaml': job(['helm.sh/hook: pre-upgrade']),
    });
    assert.deepEqual(chartFindings(chart, UNAVAILABLE), []);
    assert.deepEqual(argoFindings(chart, UNAVAILABLE, ['helm']), []);
    assert.equal(argoFindings(chart, UNAVAILABLE, ['argocd']).length, 1);
  });

  it('reports, as an order problem, a PreSync Job reading a Secret whose sync-wave is later, whatever its Helm weight', () => {
    // syncwaves/waves.go: argocd.argoproj.io/sync-wave wins over helm.sh/hook-weight; sync_context.go:678-685 runs a
    // wave only after the one before it has completed. Helm's weight -5 puts the Secret first for Helm: no Helm finding.
    const chart = charts.write({
      'templates/secret.yaml': object('Secret', 'db', [
        'helm.sh/hook: pre-install',
        'helm.sh/hook-weight: "-5"',
        'argocd.argoproj.io/sync-wave: "1"',
      ]),
      'templates/job.yaml': job(['helm.sh/hook: pre-install']),
    });
    const findings = argoFindings(chart, ORDER);
    assert.deepEqual(
      findings.map((finding) => where(chart, finding)),
      ['templates/job.yaml:18 "db"'],
    );
    assert.equal(
      findings[0]!.message,
      'Argo CD\'s first sync stalls at PreSync wave 0: this Job reads Secret "db", applied in a later wave.',
    );
    assert.match(findings[0]!.help, /^Give the Secret a lower sync wave/);
    assert.match(
      findings[0]!.help,
      /applied by Argo CD in PreSync wave 1, which starts only after every hook of wave 0 has finished/,
    );
    // On a later sync the first sync's Secret is still there at wave 0 (BeforeHookCreation deletes it only when its
    // own task runs, sync_context.go:1700-1702).
    assert.doesNotMatch(findings[0]!.help, /later sync/);
    assert.deepEqual(argoFindings(chart, UNAVAILABLE), [], "a later wave is the order rule's");
    assert.deepEqual(chartFindings(chart, ORDER), [], 'Helm runs weight -5 first');
  });

  it('is silent where the wave of the object read depends on the cluster (lookup), though a literal later wave is reported', () => {
    // An Argo CD PreSync hook (a plain resource to Helm, whose order rule says nothing of it) whose sync-wave, when
    // known, wins over its hook-weight of 5 (syncwaves/waves.go:12-21): a lookup may give any wave, even an earlier one.
    const wave = (text: string) =>
      charts.write({
        'templates/secret.yaml': object('Secret', 'db', [
          'argocd.argoproj.io/hook: PreSync',
          'helm.sh/hook-weight: "5"',
          `argocd.argoproj.io/sync-wave: ${text}`,
        ]),
        'templates/job.yaml': job(['helm.sh/hook: pre-install']),
      });
    assert.deepEqual(
      argoFindings(wave('{{ (lookup "v1" "ConfigMap" "ns" "waves").data.db | default "1" | quote }}'), ORDER),
      [],
    );
    assert.deepEqual(
      argoFindings(wave('"1"'), ORDER).map((finding) => finding.message),
      ['Argo CD\'s first sync stalls at PreSync wave 0: this Job reads Secret "db", applied in a later wave.'],
    );
  });

  it('is silent for an object of an earlier wave, and for one of the same wave, which Argo CD applies together', () => {
    const earlier = charts.write({
      'templates/secret.yaml': object('Secret', 'db', [
        'helm.sh/hook: pre-install',
        'argocd.argoproj.io/sync-wave: "-1"',
      ]),
      'templates/job.yaml': job(['helm.sh/hook: pre-install']),
    });
    assert.deepEqual([...argoFindings(earlier, ORDER), ...argoFindings(earlier, UNAVAILABLE)], []);
    // Same weight: Helm runs "a-migrate" before "b-sa" by name and reports it; Argo CD's wave 0 holds both.
    const sameWave = charts.write({
      'templates/sa.yaml': object('ServiceAccount', 'b-sa', ['helm.sh/hook: pre-install']),
      'templates/secret.yaml': object('Secret', 'db', ['helm.sh/hook: pre-install', 'helm.sh/hook-weight: "-1"']),
      'templates/job.yaml': job(['helm.sh/hook: pre-install'], 'b-sa', 'a-migrate'),
    });
    const found = argoFindings(sameWave, ORDER);
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /^The pre-install hooks fail at --timeout/);
  });

  it('reports a PostDelete Job reading a resource whose resource-policy is not keep, and is silent with Delete=false or keep', () => {
    // appcontroller.go:1255-1264 shouldBeDeleted keeps only Delete=false and helm.sh/resource-policy: keep; Helm's
    // uninstall keeps a resource with any resource-policy value, so Helm says nothing of "retain".
    const hook = job(['helm.sh/hook: post-delete']);
    const retain = charts.write({
      'templates/secret.yaml': object('Secret', 'db', ['helm.sh/resource-policy: retain']),
      'templates/job.yaml': hook,
    });
    const findings = argoFindings(retain, UNAVAILABLE);
    assert.deepEqual(
      findings.map((finding) => finding.message),
      ['Argo CD\'s Application deletion stalls at PostDelete: this Job reads Secret "db", which does not exist then.'],
    );
    assert.match(findings[0]!.help, /deleted with the Application before its PostDelete hooks run/);
    assert.deepEqual(chartFindings(retain, UNAVAILABLE), []);
    // Delete=false means nothing to Helm, whose uninstall deletes the Secret: only Helm's answer is left.
    for (const kept of ['argocd.argoproj.io/sync-options: Delete=false', 'helm.sh/resource-policy: keep']) {
      const chart = charts.write({
        'templates/secret.yaml': object('Secret', 'db', [kept]),
        'templates/job.yaml': hook,
      });
      assert.deepEqual(
        argoFindings(chart, UNAVAILABLE).filter((finding) => /Argo CD/.test(finding.message)),
        [],
        kept,
      );
    }
  });
});
