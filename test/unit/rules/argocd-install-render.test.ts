import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireBinaries, run, writeChart } from '../../support/helm';
import { assertDocsExamples, explained, lint, pointedText } from '../../support/rule-tester';

const RULE = 'argocd-install-render';
const ARGOCD = { targets: ['argocd'] as const };

function hookJob(lines: string[], events = 'pre-install,pre-upgrade'): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: {{ .Release.Name }}-migrate',
    '  annotations:',
    `    helm.sh/hook: ${events}`,
    'spec:',
    ...lines,
    '',
  ].join('\n');
}

describe(RULE, () => {
  it('renders as Argo CD renders (helm template, util/helm/cmd.go:429-470): an install at revision 1, lookup empty, with Helm 3 and 4', (t) => {
    if (!requireBinaries(t, ['helm3', 'helm4'])) return;
    const chart = writeChart({
      'cm.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: probe',
        'data:',
        '  isInstall: {{ .Release.IsInstall | quote }}',
        '  isUpgrade: {{ .Release.IsUpgrade | quote }}',
        '  revision: {{ .Release.Revision | quote }}',
        '  lookup: {{ lookup "v1" "Secret" "default" "x" | toJson | quote }}',
        '',
      ].join('\n'),
    });
    for (const helm of ['helm3', 'helm4'] as const) {
      const result = run(helm, ['template', chart, '--name-template', 'rel', '--namespace', 'ns', '--include-crds']);
      assert.equal(result.code, 0, result.stderr);
      for (const line of ['isInstall: "true"', 'isUpgrade: "false"', 'revision: "1"', 'lookup: "{}"'])
        assert.ok(result.stdout.includes(line), `${helm}: ${line}\n${result.stdout}`);
      // The positive control: --is-upgrade, which Argo CD never passes, flips them.
      const upgrade = run(helm, ['template', chart, '--name-template', 'rel', '--is-upgrade']);
      assert.ok(upgrade.stdout.includes('isUpgrade: "true"'), `${helm} --is-upgrade`);
    }
  });

  it('reports lookup in a hook at its helm.sh/hook value, with the action as related location', () => {
    const text = hookJob([
      '  template:',
      '    metadata:',
      '      annotations:',
      '        old: {{ (lookup "v1" "Secret" "ns" "x").metadata | toJson | quote }}',
    ]);
    const findings = lint(RULE, text, ARGOCD);
    assert.deepEqual(pointedText(text, findings), ['pre-install,pre-upgrade']);
    assert.match(findings[0]!.message, /lookup returns an empty map here on every sync/);
    assert.equal(findings[0]!.related.length, 1);
    assert.match(
      text.slice(findings[0]!.related[0]!.range.start, findings[0]!.related[0]!.range.end),
      /^\{\{ \(lookup/,
    );
  });

  it('reports a guard on .Release.IsUpgrade above the document, and IsInstall and Revision in it', () => {
    const guarded = `{{- if .Release.IsUpgrade }}\n${hookJob(['  backoffLimit: 1'], 'pre-upgrade')}{{- end }}\n`;
    assert.match(lint(RULE, guarded, ARGOCD)[0]!.message, /\.Release\.IsUpgrade is false/);
    const both = hookJob([
      '  backoffLimit: {{ if .Release.IsInstall }}3{{ else }}1{{ end }}',
      '  completions: {{ .Release.Revision }}',
    ]);
    const findings = lint(RULE, both, ARGOCD);
    assert.equal(findings.length, 1, 'one finding per hook');
    assert.match(findings[0]!.message, /\.Release\.IsInstall is true/);
    assert.match(explained(findings[0]!), /\.Release\.Revision is 1/);
  });

  it('stays silent on other values, comments, hooks Argo CD never applies, and without the target', () => {
    assert.deepEqual(
      lint(RULE, hookJob(['  backoffLimit: {{ .Values.lookup }}', '  parallelism: {{ .Release.Name | len }}']), ARGOCD),
      [],
    );
    assert.deepEqual(
      lint(RULE, hookJob(['  {{/* lookup would not work under Argo CD */}}', '  backoffLimit: 1']), ARGOCD),
      [],
    );
    assert.deepEqual(lint(RULE, hookJob(['  backoffLimit: {{ .Release.Revision }}'], 'pre-rollback'), ARGOCD), []);
    assert.deepEqual(lint(RULE, hookJob(['  backoffLimit: {{ .Release.Revision }}'])), []);
    assert.deepEqual(
      lint(
        RULE,
        [
          'apiVersion: v1',
          'kind: ConfigMap',
          'metadata:',
          '  name: c',
          'data:',
          '  r: {{ .Release.Revision | quote }}',
          '',
        ].join('\n'),
        ARGOCD,
      ),
      [],
      'not a hook',
    );
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE, ARGOCD);
  });
});
