import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyFix,
  assertDocsExamples,
  configMapWith,
  fixAll,
  lint,
  location,
  pointedText,
} from '../../support/rule-tester';

const RULE = 'hook-recreate-conflict';

/** A hook of `kind` with the given annotation lines; the delete policy, when on line 7, starts at column 33. */
function hookOf(kind: string, annotations: string[]): string {
  const apiVersion = kind === 'Job' ? 'batch/v1' : 'v1';
  return [
    `apiVersion: ${apiVersion}`,
    `kind: ${kind}`,
    'metadata:',
    '  name: {{ .Release.Name }}-x',
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec: {}',
    '',
  ].join('\n');
}

describe(RULE, () => {
  it('reports a Job whose only policy is hook-succeeded, at the policy value, and adds before-hook-creation', () => {
    const text = hookOf('Job', ['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-succeeded']);
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(pointedText(text, findings), ['hook-succeeded']);
    assert.equal(location(text, findings[0]!), '7:33-7:47');
    assert.equal(findings[0]!.severity, 'warning');
    const { message, help } = findings[0]!;
    assert.match(message, /^A failed run leaves this Job behind for the next pre-install/);
    assert.match(help, /^Add before-hook-creation to the list: /);
    assert.match(help, /hook-succeeded policy deletes this Job only after it succeeds/);
    assert.match(
      help,
      /The next pre-install \(a retry, or a later release of the same name: hook objects survive helm uninstall\) then meets the old object/,
    );
    assert.match(
      help,
      /Helm 4 with server-side apply applies the new Job over the old one: unchanged, a completed Job "succeeds" at once without running again; with a changed pod template it is rejected as immutable; with client-side apply \(--server-side=false, or a release Helm 3 installed\) it fails with "jobs\.batch "…" already exists"/,
    );
    assert.equal(findings[0]!.fixes[0]!.safe, true);
    assert.equal(
      applyFix(text, findings[0]!),
      hookOf('Job', ['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-succeeded,before-hook-creation']),
    );
  });

  it('names the Helm 3 "already exists" failure and the recurring events', () => {
    const text = hookOf('Job', [
      'helm.sh/hook: pre-upgrade,post-rollback',
      'helm.sh/hook-delete-policy: hook-succeeded',
    ]);
    const [finding] = lint(RULE, text, { helmVersion: 3 });
    assert.match(finding!.message, /for the next pre-upgrade or post-rollback/);
    assert.match(
      finding!.help,
      /The next pre-upgrade or post-rollback then meets the old object: Helm 3 creates hooks with a plain create, so that run fails with "jobs\.batch "…" already exists"/,
    );
  });

  it('reports hook-failed alone: a successful run stays behind', () => {
    const text = hookOf('Pod', ['helm.sh/hook: test', 'helm.sh/hook-delete-policy: hook-failed']);
    const findings = lint(RULE, text);
    assert.match(findings[0]!.message, /^A successful run leaves this Pod behind for the next test/);
    assert.match(findings[0]!.help, /hook-failed policy deletes this Pod only when it fails/);
  });

  it('grades an error where every successful run leaves the object for an event that recurs: any kind on Helm 3, a Job or Pod on Helm 4', () => {
    const severity = (kind: string, events: string, policy: string, helmVersion: 3 | 4) =>
      lint(RULE, hookOf(kind, [`helm.sh/hook: ${events}`, `helm.sh/hook-delete-policy: ${policy}`]), {
        helmVersion,
      }).map((finding) => finding.severity);
    assert.deepEqual(
      severity('Job', 'pre-upgrade', 'hook-failed', 4),
      ['error'],
      'Helm 4: an unchanged Job does not run again, a changed one is rejected',
    );
    assert.deepEqual(severity('Pod', 'test', 'hook-failed', 4), ['error']);
    assert.deepEqual(
      severity('ConfigMap', 'pre-upgrade', 'hook-failed', 3),
      ['error'],
      'Helm 3: "already exists" on the next upgrade',
    );
    assert.deepEqual(
      severity('ConfigMap', 'pre-upgrade', 'hook-failed', 4),
      ['warning'],
      'Helm 4: server-side apply re-applies it; only client-side apply fails',
    );
    assert.deepEqual(severity('Job', 'pre-upgrade', 'hook-succeeded', 3), ['warning'], 'only a failed run leaves it');
    assert.deepEqual(
      severity('Job', 'pre-install', 'hook-failed', 4),
      ['warning'],
      'pre-install runs again only for a new release of the same name',
    );
  });

  it('says what Helm 4 does with a leftover ConfigMap: server-side apply re-applies it, client-side apply fails', () => {
    const [finding] = lint(
      RULE,
      hookOf('ConfigMap', ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-failed']),
    );
    assert.match(
      finding!.help,
      /Helm 4 with server-side apply re-applies it in place, which works unless a field is immutable or owned by another manager; with client-side apply \(--server-side=false, or a release Helm 3 installed\) it fails with "configmaps "…" already exists"/,
    );
  });

  it('reports other kinds only on events that recur', () => {
    const upgrade = configMapWith([
      'helm.sh/hook: pre-install,pre-upgrade',
      'helm.sh/hook-delete-policy: hook-succeeded',
    ]);
    const findings = lint(RULE, upgrade);
    assert.deepEqual(pointedText(upgrade, findings), ['hook-succeeded']);
    assert.match(findings[0]!.message, /^An unfinished run leaves this ConfigMap behind for the next pre-upgrade/);
    assert.match(findings[0]!.help, /This ConfigMap stays whenever its event does not finish/);
    assert.deepEqual(
      lint(
        RULE,
        configMapWith(['helm.sh/hook: pre-install,post-delete', 'helm.sh/hook-delete-policy: hook-succeeded']),
      ),
      [],
    );
  });

  it("keeps the list's separator style when adding before-hook-creation", () => {
    const spaced = hookOf('Job', [
      'helm.sh/hook: post-upgrade',
      'helm.sh/hook-delete-policy: "hook-succeeded, hook-failed, hook-success"',
    ]);
    assert.deepEqual(lint(RULE, spaced), [], 'both hook-succeeded and hook-failed are set');
    const single = hookOf('Job', [
      'helm.sh/hook: post-upgrade',
      'helm.sh/hook-delete-policy: "hook-failed , hook-sucess"',
    ]);
    assert.equal(
      fixAll(RULE, single),
      hookOf('Job', [
        'helm.sh/hook: post-upgrade',
        'helm.sh/hook-delete-policy: "hook-failed , hook-sucess , before-hook-creation"',
      ]),
    );
    const trailing = hookOf('Job', ['helm.sh/hook: post-upgrade', "helm.sh/hook-delete-policy: 'hook-succeeded,'"]);
    assert.equal(
      fixAll(RULE, trailing),
      hookOf('Job', [
        'helm.sh/hook: post-upgrade',
        "helm.sh/hook-delete-policy: 'hook-succeeded,before-hook-creation,'",
      ]),
    );
  });

  it('stays silent with no policy (the default is before-hook-creation), with it listed, or with both success and failure policies', () => {
    for (const lines of [
      ['helm.sh/hook: pre-upgrade'],
      ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: before-hook-creation'],
      ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-succeeded,Before-Hook-Creation'],
      ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-failed,hook-succeeded'],
    ]) {
      assert.deepEqual(lint(RULE, hookOf('Job', lines)), [], lines.join('; '));
    }
  });

  it('leaves a policy of unknown items only to unknown-delete-policy', () => {
    assert.deepEqual(
      lint(RULE, hookOf('Job', ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-success'])),
      [],
    );
    assert.deepEqual(lint(RULE, hookOf('Job', ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: ""'])), []);
  });

  it('stays silent when the policy, the events or the annotations are built by templates', () => {
    assert.deepEqual(
      lint(RULE, hookOf('Job', ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: {{ .Values.policy }}'])),
      [],
    );
    assert.deepEqual(
      lint(
        RULE,
        hookOf('ConfigMap', ['helm.sh/hook: {{ .Values.events }}', 'helm.sh/hook-delete-policy: hook-succeeded']),
      ),
      [],
    );
    assert.deepEqual(lint(RULE, hookOf('Job', ['{{- toYaml .Values.hookAnnotations | nindent 4 }}'])), []);
    const dict = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: x',
      '  {{- $annotations := dict "helm.sh/hook" "pre-upgrade" "helm.sh/hook-delete-policy" "hook-succeeded" }}',
      '  annotations: {{- include "common.tplvalues.render" (dict "value" $annotations "context" $) | nindent 4 }}',
      'spec: {}',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, dict), []);
  });

  it('ignores a CustomResourceDefinition, which no policy deletes, and a resource that is not a hook', () => {
    assert.deepEqual(
      lint(
        RULE,
        hookOf('CustomResourceDefinition', ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-succeeded']),
      ),
      [],
    );
    assert.deepEqual(lint(RULE, hookOf('Job', ['helm.sh/hook-delete-policy: hook-succeeded'])), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
