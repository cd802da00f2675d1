import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertDocsExamples, configMapWith, explained, lint, pointedText } from '../../support/rule-tester';

const RULE = 'argocd-ignored-hook';
const ARGOCD = { targets: ['argocd'] as const };

// Facts: gitops-engine/pkg/sync/hook/helm/type.go:19-25 (exact comparison, four events), ignore/ignore.go:10-12 and
// reconcile.go:13-27 (a hook with no type is dropped); controller/hook.go:34-43 (pre-delete, post-delete).
describe(RULE, () => {
  it('reports a rollback-only hook at its helm.sh/hook value: never applied', () => {
    const text = configMapWith(['helm.sh/hook: pre-rollback,post-rollback']);
    const findings = lint(RULE, text, ARGOCD);
    assert.deepEqual(pointedText(text, findings), ['pre-rollback,post-rollback']);
    assert.equal(findings[0]!.severity, 'warning');
    assert.match(
      findings[0]!.message,
      /never applies this object: it runs none of its hook events \(pre-rollback and post-rollback\)/,
    );
  });

  it('reports a capitalised event Helm accepts and Argo CD does not know', () => {
    const findings = lint(RULE, configMapWith(['helm.sh/hook: Pre-Install']), ARGOCD);
    assert.match(findings[0]!.message, /case-sensitively and knows no "Pre-Install"/);
    assert.match(explained(findings[0]!), /Write the events in lower case \(pre-install\)/);
  });

  it('reports a test hook as info', () => {
    for (const event of ['test', 'test-success', 'test,test-success']) {
      const findings = lint(RULE, configMapWith([`helm.sh/hook: ${event}`]), ARGOCD);
      assert.equal(findings.length, 1, event);
      assert.equal(findings[0]!.severity, 'info');
      assert.match(findings[0]!.message, /never runs this test hook/);
    }
  });

  it('stays silent when one event maps, on deletion events, on an Argo CD hook and on templated values', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: post-upgrade,post-rollback']), ARGOCD), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-delete']), ARGOCD), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: post-delete,post-rollback']), ARGOCD), []);
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: test', 'argocd.argoproj.io/hook: PostSync']), ARGOCD),
      [],
    );
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: test', 'argocd.argoproj.io/hook: Skip']), ARGOCD), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: {{ .Values.hook }}']), ARGOCD), []);
    // Helm drops a document with an event it does not know: helm template never hands it to Argo CD.
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-rolback']), ARGOCD), []);
  });

  it('never fires without the argocd target', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: pre-rollback'])), []);
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: test'])), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE, ARGOCD);
  });
});
