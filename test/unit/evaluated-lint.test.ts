import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadChart } from '../../server/src/engine/chart/load';
import { lintChart } from '../../server/src/engine/lint/chart-lint';
import { evaluatedFindings } from '../../server/src/engine/lint/evaluated-lint';
import { lintText } from '../../server/src/engine/lint/lint';
import type { Finding } from '../../server/src/engine/rules/rule';
import { LineIndex } from '../../server/src/engine/core/text';
import { filesAt, loadTestChart, MemoryCharts } from '../support/chart-tester';
import { readTextFile } from '../../server/src/engine/core/files';
import { FIXTURES } from '../support/paths';

const CHARTS = join(FIXTURES, 'evaluated');
const OPTIONS = { helmVersion: 4 as const, rules: {} };

/** `file:line:column-endColumn rule "text"`, 1-based, the file relative to `root`: what a user sees. */
function describeFinding(finding: Finding, root: string): string {
  const text = readTextFile(filesAt(finding.file), finding.file);
  const lines = new LineIndex(text);
  const start = lines.position(finding.range.start);
  const end = lines.position(finding.range.end);
  const file = finding.file.slice(root.length + 1);
  return `${file}:${start.line + 1}:${start.character + 1}-${end.character + 1} ${finding.rule} ${JSON.stringify(text.slice(finding.range.start, finding.range.end))}`;
}

const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-evaluated-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const charts = new MemoryCharts();

function copyChart(name: string): string {
  const target = join(scratch, `${name}-${Math.random().toString(36).slice(2)}`);
  cpSync(join(CHARTS, name), target, { recursive: true });
  return target;
}

describe('annotation rules on the evaluated view', () => {
  it("reads a non-hook workload's own, pod template and claim template annotations when it holds hook-related text, though the containers are left out", () => {
    const statefulSet = [
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      'metadata:',
      '  name: {{ .Release.Name }}-db',
      '  annotations:',
      '    owner.example.com/port: {{ .Values.port }}',
      '    helm.sh/resource-policy: keep',
      'spec:',
      '  serviceName: db',
      '  template:',
      '    metadata:',
      '      annotations:',
      '        prometheus.io/port: {{ .Values.port }}',
      '    spec:',
      '      containers:',
      '        - name: db',
      '          image: {{ .Values.image }}',
      '          ports:',
      '            - containerPort: {{ .Values.port }}',
      '  volumeClaimTemplates:',
      '    - metadata:',
      '        name: data',
      '        annotations:',
      '          backup.example.com/port: {{ .Values.port }}',
      '      spec:',
      '        accessModes: [ReadWriteOnce]',
      '',
    ].join('\n');
    const chart = charts.write({
      'values.yaml': 'port: 9102\nimage: nginx:1.27\n',
      'templates/statefulset.yaml': statefulSet,
    });
    const findings = evaluatedFindings(loadTestChart(chart), OPTIONS).map((finding) => describeFinding(finding, chart));
    assert.deepEqual(findings, [
      'templates/statefulset.yaml:6:29-47 non-string-annotation "{{ .Values.port }}"',
      'templates/statefulset.yaml:13:29-47 non-string-annotation "{{ .Values.port }}"',
      'templates/statefulset.yaml:24:36-54 non-string-annotation "{{ .Values.port }}"',
    ]);
    // Without hook-related text the object is none of the annotation rules' business.
    const plain = charts.write({
      'values.yaml': 'port: 9102\nimage: nginx:1.27\n',
      'templates/statefulset.yaml': statefulSet.replace('    helm.sh/resource-policy: keep\n', ''),
    });
    assert.deepEqual(evaluatedFindings(loadChart(plain), OPTIONS), []);
  });

  it("places findings after a rendered CRD's schema, which the view leaves out, on their own lines", () => {
    const crd = [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'spec:',
      '  group: example.com',
      '  versions:',
      '    - name: v1',
      '      schema:',
      '        openAPIV3Schema:',
      '          description: {{ .Values.description | quote }}',
      'metadata:',
      '  name: widgets.example.com',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-weight: {{ .Values.weight }}',
      '',
    ].join('\n');
    const chart = charts.write({ 'values.yaml': 'weight: 5\ndescription: widgets\n', 'templates/crd.yaml': crd });
    const findings = evaluatedFindings(loadTestChart(chart), OPTIONS).map((finding) => describeFinding(finding, chart));
    assert.deepEqual(findings, [
      'templates/crd.yaml:13:19-30 crd-hook "pre-install"',
      'templates/crd.yaml:14:26-46 unquoted-hook-weight "{{ .Values.weight }}"',
    ]);
  });

  it('reports hook annotations that toYaml prints from values.yaml at the key or value in values.yaml', () => {
    const chart = join(CHARTS, 'values-annotations');
    const findings = evaluatedFindings(loadTestChart(chart), OPTIONS).map((finding) => describeFinding(finding, chart));
    // job.yaml prints jobAnnotations directly; cleanup.yaml prints cleanupAnnotations as `.` inside `with`.
    assert.deepEqual(findings, [
      'values.yaml:3:19-31 unknown-hook-event "\\"pre-instal\\""',
      'values.yaml:4:26-27 unquoted-hook-weight "5"',
      'values.yaml:7:31-44 unknown-delete-policy "hook-succeded"',
    ]);
  });

  it('sees nothing in those templates as written, where the annotations are a toYaml action', () => {
    for (const name of ['job.yaml', 'cleanup.yaml']) {
      const path = join(CHARTS, 'values-annotations', 'templates', name);
      assert.deepEqual(lintText(path, readFileSync(path, 'utf8')), []);
    }
  });

  it('offers a fix in values.yaml only where the edit lands on the very text it was made for, and never as safe', () => {
    const chart = join(CHARTS, 'values-annotations');
    const byRule = new Map(evaluatedFindings(loadChart(chart), OPTIONS).map((finding) => [finding.rule, finding]));
    const weight = byRule.get('unquoted-hook-weight')!;
    assert.deepEqual(
      weight.fixes.map((fix) => ({ safe: fix.safe, edits: fix.edits.map((edit) => edit.newText) })),
      [{ safe: false, edits: ['"5"'] }],
    );
    // The value is written quoted in values.yaml but printed plain: the replacement would not fit the quoted text.
    assert.deepEqual(byRule.get('unknown-hook-event')!.fixes, []);
  });

  it('points at the -f file that set a value, which wins over values.yaml', () => {
    const chart = join(CHARTS, 'values-annotations');
    const override = join(scratch, 'override.yaml');
    writeFileSync(override, 'jobAnnotations:\n  helm.sh/hook: post-instal\n');
    const findings = evaluatedFindings(loadChart(chart, { valuesFiles: [override] }), OPTIONS);
    const events = findings.filter((finding) => finding.rule === 'unknown-hook-event');
    assert.equal(events.length, 1);
    assert.equal(events[0]!.file, override);
    assert.equal(readFileSync(override, 'utf8').slice(events[0]!.range.start, events[0]!.range.end), 'post-instal');
    // The weight still comes from values.yaml (the -f file does not set it).
    assert.equal(findings.find((finding) => finding.rule === 'unquoted-hook-weight')!.file, join(chart, 'values.yaml'));
  });

  it('reports a bad event in a define included by two templates once, at the define, alongside the as-written findings', () => {
    const chart = join(CHARTS, 'shared-define');
    const findings = lintChart(chart, OPTIONS).map((finding) => describeFinding(finding, chart));
    assert.deepEqual(findings, [
      'templates/_helpers.tpl:3:27-38 unknown-hook-event "post-instal"',
      // The define prints the value with an action: the finding is at the action.
      'templates/_helpers.tpl:8:15-41 unknown-hook-event "{{ .Values.cleanupEvent }}"',
      'templates/literal.yaml:6:31-42 unknown-hook-event "post-upgrde"',
    ]);
  });

  it('keeps the as-written safe fix where both views report the same range', () => {
    const chart = join(CHARTS, 'shared-define');
    const define = lintChart(chart, OPTIONS).find(
      (finding) =>
        finding.file.endsWith('_helpers.tpl') && finding.range.end - finding.range.start === 'post-instal'.length,
    )!;
    assert.deepEqual(
      define.fixes.map((fix) => fix.safe),
      [true],
    );
  });

  it('is silent on a value that differs between the two release names, and reports it for the one release name asked for', () => {
    const chart = join(CHARTS, 'shared-define');
    const maybe = (findings: Finding[]) =>
      findings.map((finding) => describeFinding(finding, chart)).filter((line) => line.includes('"pre-instal"'));
    assert.deepEqual(maybe(evaluatedFindings(loadChart(chart), OPTIONS)), []);
    assert.deepEqual(maybe(evaluatedFindings(loadChart(chart), { ...OPTIONS, releaseName: 'release-name' })), [
      'templates/_helpers.tpl:13:15-25 unknown-hook-event "pre-instal"',
    ]);
    assert.deepEqual(maybe(evaluatedFindings(loadChart(chart), { ...OPTIONS, releaseName: 'other' })), []);
  });

  it('is silent where the value depends on the cluster (lookup), even though a default would be wrong', () => {
    const chart = copyChart('values-annotations');
    writeFileSync(
      join(chart, 'templates', 'job.yaml'),
      readFileSync(join(chart, 'templates', 'job.yaml'), 'utf8').replace(
        '{{- toYaml .Values.jobAnnotations | nindent 4 }}',
        'helm.sh/hook: {{ (lookup "v1" "ConfigMap" "default" "hooks").data.event | default "pre-instal" }}',
      ),
    );
    const findings = evaluatedFindings(loadChart(chart), OPTIONS);
    assert.deepEqual(
      findings.map((finding) => finding.rule),
      ['unknown-delete-policy'],
    );
  });

  it('honours a suppression comment in values.yaml and a rule turned off', () => {
    const chart = copyChart('values-annotations');
    const values = join(chart, 'values.yaml');
    writeFileSync(
      values,
      readFileSync(values, 'utf8').replace(
        '  "helm.sh/hook": ',
        '  # helm-hooks-disable-next-line unknown-hook-event\n  "helm.sh/hook": ',
      ),
    );
    const rules = (options: typeof OPTIONS) =>
      evaluatedFindings(loadChart(chart), options).map((finding) => finding.rule);
    assert.deepEqual(rules(OPTIONS), ['unquoted-hook-weight', 'unknown-delete-policy']);
    assert.deepEqual(rules({ ...OPTIONS, rules: { 'unquoted-hook-weight': 'off' } }), ['unknown-delete-policy']);
  });

  it('finds a values-built annotation of an upgrade-only hook', () => {
    const chart = copyChart('values-annotations');
    const job = join(chart, 'templates', 'job.yaml');
    writeFileSync(job, `{{- if .Release.IsUpgrade }}\n${readFileSync(job, 'utf8')}{{- end }}\n`);
    assert.ok(evaluatedFindings(loadChart(chart), OPTIONS).some((finding) => finding.rule === 'unknown-hook-event'));
  });
});
