import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertDocsExamples, configMapWith, explained, lint, pointedText } from '../../support/rule-tester';

const RULE = 'argocd-mixed-hook-annotations';
const ARGOCD = { targets: ['argocd'] as const };

// Facts: gitops-engine/pkg/sync/hook/hook.go:38-53 (Argo CD's type wins, per object), hook/delete_policy.go:11-25
// (both policies joined, #15613), controller/hook.go:34-60 (PreDelete/PostDelete from either annotation).
describe(RULE, () => {
  it("reports Helm's delete policy joined to Argo CD's (#15613) at the helm.sh/hook value", () => {
    const text = configMapWith([
      'helm.sh/hook: post-install,post-upgrade',
      'helm.sh/hook-delete-policy: hook-succeeded',
      'argocd.argoproj.io/hook: PreSync',
      'argocd.argoproj.io/hook-delete-policy: BeforeHookCreation',
    ]);
    const findings = lint(RULE, text, ARGOCD);
    assert.deepEqual(pointedText(text, findings), ['post-install,post-upgrade']);
    assert.match(
      findings[0]!.message,
      /also applies helm.sh\/hook-delete-policy here: this hook is replaced at the next sync, deleted when the whole sync succeeds/,
    );
    assert.match(explained(findings[0]!), /not at PostSync as helm.sh\/hook says/);
  });

  it("reports Helm's delete policy replacing Argo CD's default", () => {
    const findings = lint(
      RULE,
      configMapWith([
        'helm.sh/hook: pre-install',
        'helm.sh/hook-delete-policy: hook-succeeded',
        'argocd.argoproj.io/hook: PreSync',
      ]),
      ARGOCD,
    );
    assert.match(explained(findings[0]!), /to its default BeforeHookCreation/);
  });

  it('reports a pre-delete in helm.sh/hook that still makes a PreDelete hook', () => {
    const findings = lint(
      RULE,
      configMapWith(['helm.sh/hook: pre-delete', 'argocd.argoproj.io/hook: PostSync']),
      ARGOCD,
    );
    assert.match(
      findings[0]!.message,
      /also runs this object when the Application is deleted, from helm.sh\/hook's pre-delete/,
    );
  });

  it('reports events that put the object in another phase', () => {
    const findings = lint(
      RULE,
      configMapWith(['helm.sh/hook: post-install', 'argocd.argoproj.io/hook: PreSync']),
      ARGOCD,
    );
    assert.match(findings[0]!.message, /runs this hook at PreSync, not at PostSync/);
  });

  it('stays silent when both say the same, on Skip, on a deliberate test-as-PostSync, on an unknown Argo CD value, and on templated values', () => {
    assert.deepEqual(
      lint(
        RULE,
        configMapWith([
          'helm.sh/hook: pre-install,pre-upgrade',
          'helm.sh/hook-delete-policy: before-hook-creation',
          'argocd.argoproj.io/hook: PreSync',
        ]),
        ARGOCD,
      ),
      [],
    );
    assert.deepEqual(
      lint(
        RULE,
        configMapWith([
          'helm.sh/hook: post-install',
          'helm.sh/hook-delete-policy: hook-succeeded',
          'argocd.argoproj.io/hook: PostSync',
          'argocd.argoproj.io/hook-delete-policy: HookSucceeded',
        ]),
        ARGOCD,
      ),
      [],
    );
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: pre-delete', 'argocd.argoproj.io/hook: PreDelete,PreSync']), ARGOCD),
      [],
    );
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: pre-install', 'argocd.argoproj.io/hook: Skip']), ARGOCD),
      [],
    );
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: test', 'argocd.argoproj.io/hook: PostSync']), ARGOCD),
      [],
    );
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: post-install', 'argocd.argoproj.io/hook: presync']), ARGOCD),
      [],
    );
    assert.deepEqual(
      lint(RULE, configMapWith(['helm.sh/hook: post-install', 'argocd.argoproj.io/hook: {{ .Values.phase }}']), ARGOCD),
      [],
    );
  });

  it('never fires without the argocd target', () => {
    assert.deepEqual(lint(RULE, configMapWith(['helm.sh/hook: post-install', 'argocd.argoproj.io/hook: PreSync'])), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE, ARGOCD);
  });
});
