import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { lintChart } from '../../../server/src/engine/lint/chart-lint';
import { DEFAULT_LINT_OPTIONS } from '../../../server/src/engine/lint/lint';
import { ScratchCharts } from '../../support/chart-tester';
import { requireBinaries, run, writeChart } from '../../support/helm';
import { lint, ruleTester } from '../../support/rule-tester';

const RULE = 'argocd-install-render';
const ARGOCD = { targets: ['argocd'] as const };
/** What Argo CD does, which the help must state (util/helm/cmd.go:429-470 at argo-cd 37ee0097cf). */
const RENDERS_AS_INSTALL = /helm template on every sync, without --is-upgrade and without a cluster/;

/** A Job hook on `events` (line 6, from column 19) with `lines` under spec: (from line 8). */
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

const LOOKUP_HOOK = hookJob([
  '  template:',
  '    metadata:',
  '      annotations:',
  '        old: {{ (lookup "v1" "Secret" "ns" "x").metadata | toJson | quote }}',
]);

ruleTester.run(RULE, {
  valid: [
    {
      name: 'values named like the facts, and .Release.Name',
      code: hookJob(['  backoffLimit: {{ .Values.lookup }}', '  parallelism: {{ .Release.Name | len }}']),
      options: ARGOCD,
    },
    {
      name: 'lookup in a template comment',
      code: hookJob(['  {{/* lookup would not work under Argo CD */}}', '  backoffLimit: 1']),
      options: ARGOCD,
    },
    {
      name: 'a pre-rollback hook, which Argo CD never applies',
      code: hookJob(['  backoffLimit: {{ .Release.Revision }}'], 'pre-rollback'),
      options: ARGOCD,
    },
    { name: 'without the argocd target', code: hookJob(['  backoffLimit: {{ .Release.Revision }}']) },
    {
      name: 'not a hook',
      code: [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: c',
        'data:',
        '  r: {{ .Release.Revision | quote }}',
        '',
      ].join('\n'),
      options: ARGOCD,
    },
  ],
  invalid: [
    {
      name: 'lookup in a hook: reported at its helm.sh/hook value',
      code: LOOKUP_HOOK,
      options: ARGOCD,
      errors: [
        {
          messageId: 'lookupEmpty',
          line: 6,
          column: 19,
          endLine: 6,
          endColumn: 19 + 'pre-install,pre-upgrade'.length,
          severity: 'warning',
          help: [RENDERS_AS_INSTALL, /lookup returns an empty map/],
        },
      ],
    },
    {
      name: 'a guard on .Release.IsUpgrade above the document',
      code: `{{- if .Release.IsUpgrade }}\n${hookJob(['  backoffLimit: 1'], 'pre-upgrade')}{{- end }}\n`,
      options: ARGOCD,
      errors: [{ messageId: 'isUpgradeFalse', line: 7, column: 19 }],
    },
    {
      name: 'IsInstall and Revision: one finding per hook, the second fact in the help',
      code: hookJob([
        '  backoffLimit: {{ if .Release.IsInstall }}3{{ else }}1{{ end }}',
        '  completions: {{ .Release.Revision }}',
      ]),
      options: ARGOCD,
      errors: [{ messageId: 'isInstallTrue', line: 6, column: 19, help: [/\.Release\.Revision is 1/] }],
    },
    {
      name: '.Release.Revision alone',
      code: hookJob(['  completions: {{ .Release.Revision }}']),
      options: ARGOCD,
      errors: [{ messageId: 'revisionOne', line: 6, column: 19, help: [RENDERS_AS_INSTALL] }],
    },
  ],
});

// Beyond the table: a re-proof with the real binaries, the related locations (the table has no field for them), and
// a chart lint, where the evaluated view must not overrule a finding about actions it cannot see.

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

it('points its related location at the action that reads lookup', () => {
  const [finding] = lint(RULE, LOOKUP_HOOK, ARGOCD);
  assert.equal(finding?.related.length, 1);
  const related = finding.related[0]!.range;
  assert.match(LOOKUP_HOOK.slice(related.start, related.end), /^\{\{ \(lookup "v1".*\}\}$/);
});

it('keeps its finding in a chart lint, where the rendered hook has no actions left to read', () => {
  const charts = new ScratchCharts();
  after(() => charts.remove());
  const chart = charts.write({ 'templates/job.yaml': hookJob(['  completions: {{ .Release.Revision }}']) });
  const findings = lintChart(chart, { ...DEFAULT_LINT_OPTIONS, ...ARGOCD }).filter((finding) => finding.rule === RULE);
  assert.deepEqual(
    findings.map((finding) => finding.messageId),
    ['revisionOne'],
  );
});
