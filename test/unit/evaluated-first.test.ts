import assert from 'node:assert/strict';
import { join, relative, sep } from 'node:path';
import { after, describe, it } from 'node:test';
import { chartTemplates } from '../../server/src/engine/chart/discover';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import { lintChart } from '../../server/src/engine/lint/chart-lint';
import { mergeFindings } from '../../server/src/engine/lint/findings';
import type { Finding } from '../../server/src/engine/rules/rule';
import { ScratchCharts, where } from '../support/chart-tester';
import { FIXTURES } from '../support/paths';
import { runCli } from './cli/cli-harness';

/** Issue 15: the chart as Helm renders it decides; the as-written view speaks where the render cannot. */

function metadataOf(text: string) {
  const resource = analyzeTemplate('templates/job.yaml', text).model.documents[0]!;
  return { metadataUnknown: resource.metadataUnknown, annotationsUnknown: resource.annotations?.hasUnknownEntries };
}

const head = ['apiVersion: batch/v1', 'kind: Job', 'metadata:', '  name: {{ .Release.Name }}-migrate'];

describe("output indented deeper than a mapping's keys adds nothing to it", () => {
  it("an include under labels with nindent 4 leaves metadata fully known; one at the keys' column does not", () => {
    assert.equal(
      metadataOf(
        [
          ...head,
          '  labels:',
          '    {{- include "x.labels" . | nindent 4 }}',
          '  annotations:',
          '    helm.sh/hook: pre-install',
          '',
        ].join('\n'),
      ).metadataUnknown,
      false,
    );
    assert.equal(
      metadataOf([...head, '  labels:', '    {{- nindent 4 (include "x.labels" .) }}', ''].join('\n')).metadataUnknown,
      false,
    );
    assert.equal(
      metadataOf([...head, '  labels:', '    {{- include "x.labels" . | indent 4 }}', ''].join('\n')).metadataUnknown,
      true,
      'indent after {{- joins the line before',
    );
    assert.equal(
      metadataOf([...head, '  {{- include "x.metadata" . | nindent 2 }}', ''].join('\n')).metadataUnknown,
      true,
    );
    assert.equal(
      metadataOf([...head, '  labels:', '    {{- include "x.labels" . | nindent 4 | trim }}', ''].join('\n'))
        .metadataUnknown,
      true,
      'output not known to be indented',
    );
  });

  it("output at the annotations' own column still makes them unknown", () => {
    const text = [
      ...head,
      '  annotations:',
      '    {{- toYaml .Values.annotations | nindent 4 }}',
      '    helm.sh/hook: pre-install',
      '',
    ].join('\n');
    assert.equal(metadataOf(text).annotationsUnknown, true);
  });
});

function finding(rule: string, start: number, end: number): Finding {
  return {
    rule,
    severity: 'error',
    file: '/c/templates/job.yaml',
    range: { start, end },
    message: 'sample',
    messageId: 'sample',
    help: 'sample help',
    related: [],
    fixes: [],
  };
}

describe('mergeFindings with the rendered literal text', () => {
  const rendered = {
    read: [
      { start: 0, end: 100 },
      { start: 200, end: 300 },
    ],
    parsed: [{ start: 200, end: 300 }],
  };

  it('drops an as-written finding the render holds and the evaluated view did not confirm', () => {
    assert.deepEqual(mergeFindings([finding('misplaced-hook-annotation', 10, 20)], [], rendered), []);
  });

  it('drops invalid-yaml where the documents rendered parse: Helm renders them', () => {
    assert.deepEqual(mergeFindings([finding('invalid-yaml', 210, 220)], [], rendered), []);
  });

  it('keeps it where the evaluated view found it too, outside the rendered text, for syntax rules, and without a render', () => {
    const confirmed = mergeFindings(
      [finding('misplaced-hook-annotation', 10, 20)],
      [finding('misplaced-hook-annotation', 12, 20)],
      rendered,
    );
    assert.deepEqual(
      confirmed.map((found) => found.range.start),
      [10, 12],
    );
    assert.equal(
      mergeFindings([finding('misplaced-hook-annotation', 150, 160)], [], rendered).length,
      1,
      'in a branch not rendered',
    );
    assert.equal(
      mergeFindings([finding('misplaced-hook-annotation', 90, 210)], [], rendered).length,
      1,
      'partly outside',
    );
    assert.equal(
      mergeFindings([finding('invalid-yaml', 10, 20)], [], rendered).length,
      1,
      'rendered, but not known to parse',
    );
    assert.equal(mergeFindings([finding('unclosed-template-action', 210, 220)], [], rendered).length, 1);
    assert.equal(mergeFindings([finding('misplaced-hook-annotation', 10, 20)], [], undefined).length, 1);
  });
});

describe('lint of a chart: the render decides, the as-written view speaks in branches not rendered', () => {
  const charts = new ScratchCharts();
  after(() => charts.remove());
  const backup = (enabled: boolean) =>
    charts.write({
      'values.yaml': `backup:\n  enabled: ${enabled}\n`,
      'templates/backup.yaml': [
        '{{- if .Values.backup.enabled }}',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name }}-backup',
        '  annotations:',
        '    helm.sh/hook: pre-upgrde',
        '{{- end }}',
        '',
      ].join('\n'),
    });

  it('a misspelled event inside an if the values turn off is still reported, and once when they turn it on', () => {
    for (const enabled of [false, true]) {
      const chart = backup(enabled);
      assert.deepEqual(
        lintChart(chart).map((found) => `${where(chart, found)} ${found.rule}`),
        ['templates/backup.yaml:7 "pre-upgrde" unknown-hook-event'],
        `backup.enabled: ${enabled}`,
      );
    }
  });

  it('a finding as written where the object renders is dropped when the render shows it is no hook; one in the branch stays', () => {
    const chart = charts.write({
      'values.yaml': 'migrate:\n  asHook: false\n',
      'templates/job.yaml': [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: {{ .Release.Name }}-migrate',
        '  annotations:',
        '    {{- if .Values.migrate.asHook }}',
        '    helm.sh/hook: pre-instal',
        '    {{- end }}',
        '    example.com/team: data',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: migrate',
        '          image: busybox:1.36',
        '',
      ].join('\n'),
    });
    // The missing restartPolicy is about the rendered pod spec, of a Job that is no hook with these values; the
    // misspelled event is about the helm.sh/hook line itself, in the branch they do not render.
    assert.deepEqual(
      lintChart(chart).map((found) => `${where(chart, found)} ${found.rule}`),
      ['templates/job.yaml:7 "pre-instal" unknown-hook-event'],
    );
  });
});

describe(".helmignore, as Helm's loader reads it", () => {
  const chart = join(FIXTURES, 'evaluated-first', 'helmignored');

  it("leaves ignored templates, ignored directories and dotfiles in templates/ out of the chart's templates", () => {
    assert.deepEqual(
      chartTemplates(chart).map((path) => relative(chart, path).split(sep).join('/')),
      ['templates/kept.yaml'],
    );
  });

  it('gives a template file named on the command line no findings when its chart ignores it', () => {
    for (const name of ['scratch.yaml', 'drafts/old.yaml', '.hidden.yaml']) {
      const result = runCli(['lint', join('templates', name), '--format', 'json'], chart);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual((JSON.parse(result.stdout) as { findings: unknown[] }).findings, [], name);
    }
    // Positive control: the template the chart keeps is linted.
    assert.equal(runCli(['lint', join('templates', 'kept.yaml')], chart).status, 1);
  });
});

describe('.helmignore of a subchart directory, which Helm does not read when it loads the parent', () => {
  const chart = join(FIXTURES, 'evaluated-first', 'subchart-helmignore');

  it("keeps the subchart's templates its own .helmignore names, and drops those the parent's .helmignore names", () => {
    assert.deepEqual(
      chartTemplates(chart).map((path) => relative(chart, path).split(sep).join('/')),
      ['charts/child/templates/tests/test-pod.yaml'],
    );
  });

  it("lints a subchart template its own .helmignore names, given by name, against the parent's rules", () => {
    const result = runCli(
      ['lint', join('charts', 'child', 'templates', 'tests', 'test-pod.yaml'), '--format', 'json'],
      chart,
    );
    assert.ok(
      (JSON.parse(result.stdout) as { findings: { rule: string }[] }).findings.some(
        (found) => found.rule === 'unpinned-hook-image',
      ),
      result.stdout,
    );
    // Positive control: the parent's own test, which the parent's .helmignore names, gets nothing.
    const ignored = runCli(['lint', join('templates', 'tests', 'test-pod.yaml'), '--format', 'json'], chart);
    assert.equal(ignored.status, 0, ignored.stderr);
    assert.deepEqual((JSON.parse(ignored.stdout) as { findings: unknown[] }).findings, []);
  });
});

describe("go-yaml's leniency with multi-line quoted and flow scalars", () => {
  const parsesClean = (text: string) => analyzeTemplate('templates/x.yaml', text).model.yamlProblems.length === 0;
  const pod = (lines: string[]) =>
    [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: x',
      'spec:',
      '  containers:',
      '    - name: c',
      '      image: busybox:1',
      ...lines,
      '      restartPolicy: Never',
      '',
    ].join('\n');

  it("reads a flow sequence, a double-quoted and a single-quoted scalar closed at or left of the key's column", () => {
    assert.ok(parsesClean(pod(['      command: [ "/bin/sh",', '      "-c",', '      "true" ]'])));
    assert.ok(parsesClean(pod(['      args:', '        - "curl -ik \\', '      -X DELETE"'])));
    assert.ok(parsesClean(pod(['      env:', '        - name: A', '          value: "one', '        two"'])));
    assert.ok(parsesClean(pod(["      args: ['", '      echo one', "      ']"])));
  });

  it("keeps each scalar's offsets and leaves what stays broken broken", () => {
    const text = pod(['      command: [ "/bin/sh",', '      "-c",', '      "true" ]']);
    const file = analyzeTemplate('templates/x.yaml', text);
    assert.equal(file.model.yamlText.length, text.length);
    assert.ok(
      !parsesClean(pod(['      command: [ "/bin/sh",', '      "-c",', '      "true"'])),
      'a flow sequence never closed',
    );
    assert.ok(
      !parsesClean(pod(['      command: [ "a", # a comment', '      "b" ]'])),
      'a comment inside is not joined',
    );
  });
});
