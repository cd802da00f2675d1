import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartFindings, MemoryCharts, where } from '../../support/chart-tester';
import { assertDocsExamples, configMapWith, explained, lint, pointedText } from '../../support/rule-tester';

const RULE = 'argocd-every-sync-hook';
const ARGOCD = { targets: ['argocd'] as const };

// Facts: gitops-engine/pkg/sync/hook/helm/type.go:27-32 (argoproj/argo-cd 37ee0097cf) maps pre-install and
// pre-upgrade to PreSync, post-install and post-upgrade to PostSync; hook/hook.go:38-53 reads Helm's events only
// without a valid argocd.argoproj.io/hook.
describe(RULE, () => {
  it('reports an install-only pre hook at its helm.sh/hook value: it runs before every sync', () => {
    const text = configMapWith(['helm.sh/hook: pre-install']);
    const findings = lint(RULE, text, ARGOCD);
    assert.deepEqual(pointedText(text, findings), ['pre-install']);
    assert.equal(findings[0]!.severity, 'warning');
    assert.match(findings[0]!.message, /before every sync \(PreSync\)/);
  });

  it('reports an upgrade-only hook: it runs at the first sync too', () => {
    const findings = lint(RULE, configMapWith(['helm.sh/hook: pre-upgrade']), ARGOCD);
    assert.match(findings[0]!.message, /pre-upgrade hook at the first sync too/);
    assert.match(
      lint(RULE, configMapWith(['helm.sh/hook: post-upgrade']), ARGOCD)[0]!.message,
      /post-upgrade hook after the first sync too/,
    );
    assert.match(
      lint(RULE, configMapWith(['helm.sh/hook: post-install']), ARGOCD)[0]!.message,
      /post-install hook after every sync/,
    );
  });

  it('names each unpaired event in the help (a post-install,pre-upgrade migration)', () => {
    const findings = lint(RULE, configMapWith(['helm.sh/hook: post-install,pre-upgrade']), ARGOCD);
    assert.equal(findings.length, 1);
    assert.match(explained(findings[0]!), /pre-upgrade without pre-install; post-install without post-upgrade/);
  });

  it('stays silent on paired events, on a valid Argo CD hook, on templated values and on other events', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-install,pre-upgrade']), ARGOCD), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: post-upgrade, post-install']), ARGOCD), []);
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: pre-install', 'argocd.argoproj.io/hook: PreSync']), ARGOCD),
      [],
    );
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: {{ .Values.hook }}']), ARGOCD), []);
    assert.deepEqual(
      lint(
        RULE,
        configMapWith(['helm.sh/hook: pre-install', 'argocd.argoproj.io/sync-wave: {{ .Values.wave | quote }}']),
        ARGOCD,
      ),
      [],
    );
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-delete']), ARGOCD), []);
  });

  it('reads helm.sh/hook as Argo CD does when its own value is one it does not know (presync)', () => {
    assert.equal(
      lint(RULE, configMapWith(['helm.sh/hook: pre-install', 'argocd.argoproj.io/hook: presync']), ARGOCD).length,
      1,
    );
  });

  it('never fires without the argocd target', () => {
    const text = configMapWith(['helm.sh/hook: pre-install']);
    assert.deepEqual(lint(RULE, text), []);
    assert.deepEqual(lint(RULE, text, { targets: ['helm'] }), []);
    assert.equal(lint(RULE, text, { targets: ['helm', 'argocd'] }).length, 1);
  });

  it('reads the chart as Helm renders it: events and Argo CD annotations from values', () => {
    const charts = new MemoryCharts();
    const template = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x',
      '  annotations:',
      '    helm.sh/hook: {{ .Values.hook }}',
      '    {{- with .Values.extra }}{{ toYaml . | nindent 4 }}{{ end }}',
      'data: {}',
      '',
    ].join('\n');
    const reported = charts.write({ 'templates/cm.yaml': template, 'values.yaml': 'hook: post-install\nextra: {}\n' });
    assert.deepEqual(
      chartFindings(reported, RULE, ARGOCD).map((finding) => where(reported, finding)),
      ['templates/cm.yaml:6 "{{ .Values.hook }}"'],
    );
    const argoHook = charts.write({
      'templates/cm.yaml': template,
      'values.yaml': 'hook: post-install\nextra:\n  argocd.argoproj.io/hook: PostSync\n',
    });
    assert.deepEqual(chartFindings(argoHook, RULE, ARGOCD), []);
    assert.deepEqual(chartFindings(reported, RULE), [], 'not without the target');
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE, ARGOCD);
  });
});
