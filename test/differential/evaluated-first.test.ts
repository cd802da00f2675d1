import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lintChart } from '../../server/src/engine/lint/chart-lint';
import type { Finding } from '../../server/src/engine/rules/rule';
import { LineIndex } from '../../server/src/engine/core/text';
import { helmInstallDryRunJson, kubectlDecodeAll, requireBinaries, run } from '../support/helm';
import { FIXTURES } from '../support/paths';

/**
 * The charts of issue 15, in the shape `helm create` scaffolds (`labels:` filled by an `include … | nindent 4`): what
 * Helm makes of each, from `helm install --dry-run=client -o json` (its hooks and its normal manifest) and
 * `helm template`, and what `helm-hooks lint` reports on them by default.
 */

const CHARTS = join(FIXTURES, 'evaluated-first');
const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-evaluated-first-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** `file:line rule` of each finding, the file relative to the chart. */
function reported(chart: string, findings: readonly Finding[]): string[] {
  return findings.map((finding) => {
    const line = new LineIndex(readFileSync(finding.file, 'utf8')).position(finding.range.start).line + 1;
    return `${finding.file.slice(chart.length + 1)}:${line} ${finding.rule}`;
  });
}

/** A copy of a fixture with one template's text replaced: the positive control. */
function variant(name: string, template: string, edit: (text: string) => string): string {
  const copy = join(scratch, `${name}-${Math.random().toString(36).slice(2)}`);
  cpSync(join(CHARTS, name), copy, { recursive: true });
  const path = join(copy, 'templates', template);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  return copy;
}

describe('hooks Helm does not see, in charts shaped by helm create', () => {
  it('a Job whose only helm.sh/hook is under spec.template.metadata.annotations is a normal resource, and lint says so', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const chart = join(CHARTS, 'hook-on-pod-template');
    const release = helmInstallDryRunJson(chart);
    assert.deepEqual(release.hooks, []);
    assert.match(release.manifest, /^kind: Job$/m);
    assert.deepEqual(reported(chart, lintChart(chart)), ['templates/job.yaml:11 misplaced-hook-annotation']);
    // Positive control: the same annotation in the Job's own metadata makes it a hook, and nothing is reported.
    const fixed = variant('hook-on-pod-template', 'job.yaml', (text) =>
      text
        .replace(
          '    {{- include "x.labels" . | nindent 4 }}\n',
          '    {{- include "x.labels" . | nindent 4 }}\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n',
        )
        .replace(/ {4}metadata:\n {6}annotations:\n {8}helm\.sh\/hook: pre-install\n/, ''),
    );
    assert.deepEqual(
      helmInstallDryRunJson(fixed).hooks.map((hook) => [hook.kind, hook.events]),
      [['Job', ['pre-install']]],
    );
    assert.deepEqual(
      reported(fixed, lintChart(fixed)).filter((line) => line.includes('misplaced')),
      [],
    );
  });

  it('a Job with helm.sh/hook under metadata.labels is a normal resource, and lint says so', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const chart = join(CHARTS, 'hook-in-labels');
    const release = helmInstallDryRunJson(chart);
    assert.deepEqual(release.hooks, []);
    assert.match(release.manifest, /^ {4}helm\.sh\/hook: pre-install$/m);
    assert.deepEqual(reported(chart, lintChart(chart)), ['templates/job.yaml:7 misplaced-hook-annotation']);
  });

  it('a PVC whose annotations, inside an if, hold hook-delete-policy: keep is a normal resource that keep does not keep', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const chart = join(CHARTS, 'keep-on-pvc');
    const release = helmInstallDryRunJson(chart);
    assert.deepEqual(release.hooks, []);
    assert.match(release.manifest, /^ {4}helm\.sh\/hook-delete-policy: keep$/m);
    assert.doesNotMatch(release.manifest, /resource-policy/);
    assert.deepEqual(reported(chart, lintChart(chart)), ['templates/pvc.yaml:10 orphan-hook-annotation']);
  });

  it('annotations from values leave the as-written view unsure; the render shows the Job is no hook', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const chart = join(CHARTS, 'annotations-from-values');
    const release = helmInstallDryRunJson(chart);
    assert.deepEqual(release.hooks, []);
    assert.match(release.manifest, /^ {4}example\.com\/team: data$/m);
    assert.deepEqual(reported(chart, lintChart(chart)), ['templates/job.yaml:11 misplaced-hook-annotation']);
    // Positive control: with helm.sh/hook among the values' annotations the Job is a hook, and the finding goes.
    const values = join(scratch, 'hook-values.yaml');
    writeFileSync(
      values,
      'jobAnnotations:\n  helm.sh/hook: pre-install\n  helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n',
    );
    const hooked = run('helm4', ['install', 'r1', chart, '--dry-run=client', '-o', 'json', '-f', values]);
    assert.equal(hooked.code, 0, hooked.stderr);
    assert.equal((JSON.parse(hooked.stdout) as { hooks?: unknown[] }).hooks?.length, 1);
    assert.deepEqual(
      reported(chart, lintChart(chart, { helmVersion: 4, rules: {}, valuesFiles: [values] })).filter((line) =>
        line.includes('misplaced'),
      ),
      [],
    );
  });
});

describe('files Helm never loads', () => {
  it('templates .helmignore leaves out, and dotfiles in templates/, are not rendered and get no findings', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const chart = join(CHARTS, 'helmignored');
    const helm = run('helm4', ['template', 'r1', chart]);
    assert.equal(helm.code, 0, helm.stderr);
    // Helm drops the kept template's misspelled hook, and logs it; the ignored ones it never read.
    assert.equal([...helm.stderr.matchAll(/skipping unknown hooks/g)].length, 1);
    assert.deepEqual(reported(chart, lintChart(chart)), ['templates/kept.yaml:6 unknown-hook-event']);
  });
});

describe('.helmignore of a subchart directory', () => {
  it("Helm renders a subchart template that only the subchart's own .helmignore names, and lint reports on it", (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const chart = join(CHARTS, 'subchart-helmignore');
    const helm = run('helm4', ['template', 'r1', chart]);
    assert.equal(helm.code, 0, helm.stderr);
    // Helm loads the subchart's test, not the parent's own, which the parent's (root-relative) .helmignore names.
    assert.deepEqual(
      [...helm.stdout.matchAll(/^# Source: (.*)$/gm)].map((match) => match[1]),
      ['parent/charts/child/templates/tests/test-pod.yaml'],
    );
    assert.deepEqual(reported(chart, lintChart(chart)), [
      'charts/child/templates/tests/test-pod.yaml:6 hook-left-behind',
      'charts/child/templates/tests/test-pod.yaml:11 unpinned-hook-image',
    ]);
  });
});

describe('if/else branches and trim markers that go-yaml reads without complaint', () => {
  const chart = join(CHARTS, 'go-yaml-branches');
  const branches = [
    '',
    'workload=statefulset,useStatefulSet=true,updateType=OnDelete,sentry.dsn=x,fileCA.certPath=/c,ejbcaCA.serverURL=u,emptyDir.medium=Memory',
    'workload=daemonset,updateType=Recreate',
  ];

  it('every branch renders and decodes; lint warns only about the volumes branch that Helm cannot parse', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    for (const values of branches) {
      const helm = run('helm4', ['template', 'r1', chart, ...(values ? ['--set', values] : [])]);
      assert.equal(helm.code, 0, `${values}: ${helm.stderr}`);
      const documents = helm.stdout.split(/^---\n/m).filter((document) => document.includes('\nkind: '));
      assert.equal(documents.length, 3, values);
      assert.deepEqual(
        kubectlDecodeAll(documents).map((outcome) => outcome.error),
        ['', '', ''],
        values,
      );
    }
    // The positive control: the else branch of `persistence` breaks the volumes list, and Helm says so.
    const broken = run('helm4', ['template', 'r1', chart, '--set', 'persistence=false']);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /YAML parse error on go-yaml-branches\/templates\/database\.yaml/);
    assert.deepEqual(
      reported(chart, lintChart(chart)).filter((line) => line.includes('invalid-yaml')),
      ['templates/database.yaml:39 invalid-yaml'],
    );
  });
});

describe('if/else alternatives and nindent output inside a block scalar, which go-yaml reads without complaint', () => {
  const chart = join(CHARTS, 'go-yaml-alternatives');
  const MOUNTS = 'extraMounts[0].name=cache,extraMounts[0].path=/cache';
  type Container = { args?: string[]; volumeMounts?: Array<{ name: string; mountPath: string }> };
  /** The first container of each Job Helm renders, by template, after kubectl decoded it. */
  const containers = (values: string[]): Record<string, Container> => {
    const helm = run('helm4', ['template', 'r1', chart, ...values]);
    assert.equal(helm.code, 0, helm.stderr);
    const documents = helm.stdout.split(/^---\n/m).filter((document) => document.includes('\nkind: '));
    const decoded = kubectlDecodeAll(documents);
    assert.deepEqual(
      decoded.map((outcome) => outcome.error),
      ['', ''],
    );
    return Object.fromEntries(
      documents.map((document, index) => [
        /^# Source: go-yaml-alternatives\/templates\/(.*)$/m.exec(document)?.[1],
        (decoded[index]!.object as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec
          .containers[0]!,
      ]),
    );
  };

  it('both branches render and decode, the nindent line stays in the block, and lint reports no invalid-yaml', (t) => {
    if (!requireBinaries(t, ['helm4', 'kubectl'])) return;
    const byDefault = containers([]);
    assert.deepEqual(byDefault['mounts-job.yaml']!.volumeMounts, []);
    assert.equal(byDefault['probe-job.yaml']!.args![1], 'echo start\ntouch /data/probe && \\\necho done\n');
    const switched = containers(['--set', `${MOUNTS},dataDir=`]);
    assert.deepEqual(switched['mounts-job.yaml']!.volumeMounts, [{ name: 'cache', mountPath: '/cache' }]);
    assert.equal(switched['probe-job.yaml']!.args![1], 'echo start\necho done\n');
    assert.deepEqual(
      reported(chart, lintChart(chart)).filter((line) => line.includes('invalid-yaml')),
      [],
    );
  });

  it('a misaligned mount entry and an nindent left of the block are invalid YAML to both (the positive controls)', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const misaligned = variant('go-yaml-alternatives', 'mounts-job.yaml', (text) =>
      text.replace('              mountPath:', '               mountPath:'),
    );
    const mountsHelm = run('helm4', ['template', 'r1', misaligned, '--set', MOUNTS]);
    assert.equal(mountsHelm.code, 1);
    assert.match(mountsHelm.stderr, /YAML parse error on go-yaml-alternatives\/templates\/mounts-job\.yaml/);
    assert.deepEqual(
      reported(misaligned, lintChart(misaligned)).filter((line) => line.includes('invalid-yaml')),
      ['templates/mounts-job.yaml:25 invalid-yaml'],
    );
    const outdented = variant('go-yaml-alternatives', 'probe-job.yaml', (text) =>
      text.replace('nindent 14', 'nindent 12'),
    );
    const probeHelm = run('helm4', ['template', 'r1', outdented]);
    assert.equal(probeHelm.code, 1);
    assert.match(probeHelm.stderr, /YAML parse error on go-yaml-alternatives\/templates\/probe-job\.yaml/);
    assert.deepEqual(
      reported(outdented, lintChart(outdented)).filter((line) => line.includes('invalid-yaml')),
      ['templates/probe-job.yaml:22 invalid-yaml'],
    );
  });
});

describe('a release named like the chart', () => {
  it('Helm names the hooks so that the Secret sorts first for release "app" and the Job for "release-name"', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const chart = join(CHARTS, 'release-named-like-chart');
    const names = (release: string) => {
      const helm = run('helm4', ['template', release, chart]);
      assert.equal(helm.code, 0, helm.stderr);
      return [...helm.stdout.matchAll(/^kind: (\w+)\nmetadata:\n  name: (\S+)$/gm)]
        .map((match) => `${match[1]} ${match[2]}`)
        .sort();
    };
    // Both hooks are pre-install with weight 0, so Helm runs them in the order of their names.
    assert.deepEqual(names('app'), ['Job pre-install-app', 'Secret app-scripts']);
    assert.deepEqual(names('release-name'), ['Job pre-install-release-name-app', 'Secret release-name-app-scripts']);
    assert.deepEqual(
      reported(chart, lintChart(chart)).filter((line) => line.includes('hook-dependency-order')),
      [],
    );
  });
});

describe('dependencies missing from charts/', () => {
  const writeChart = (files: Record<string, string>) => {
    const chart = join(scratch, `deps-${Math.random().toString(36).slice(2)}`);
    for (const [path, text] of Object.entries({
      'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
      ...files,
    })) {
      mkdirSync(join(chart, path, '..'), { recursive: true });
      writeFileSync(join(chart, path), text);
    }
    return chart;
  };
  const dependency =
    'dependencies:\n  - name: redis\n    version: 17.x.x\n    repository: https://charts.example.com\n    condition: redis.enabled\n';
  const MISSING = /found in (Chart|requirements)\.yaml, but missing in charts\/ directory: redis/;

  it('Helm refuses to render, even with the dependency turned off by its condition, and lint reports the entry', (t) => {
    if (!requireBinaries(t, ['helm4', 'helm3'])) return;
    const chart = writeChart({
      'Chart.yaml': `apiVersion: v2\nname: app\nversion: 1.0.0\n${dependency}`,
      'values.yaml': 'redis:\n  enabled: false\n',
    });
    for (const helm of ['helm4', 'helm3'] as const) {
      const result = run(helm, ['template', 'r1', chart]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, MISSING);
      assert.match(result.stderr, /helm dependency build/);
    }
    assert.deepEqual(reported(chart, lintChart(chart)), ['Chart.yaml:5 missing-chart-dependency']);
    // Positive control: with the chart under charts/ (in a directory named otherwise), Helm renders, lint is silent.
    mkdirSync(join(chart, 'charts', 'redis-17.0.0'), { recursive: true });
    writeFileSync(
      join(chart, 'charts', 'redis-17.0.0', 'Chart.yaml'),
      'apiVersion: v2\nname: redis\nversion: 17.0.0\n',
    );
    assert.equal(run('helm4', ['template', 'r1', chart]).code, 0);
    assert.deepEqual(reported(chart, lintChart(chart)), []);
  });

  it('an apiVersion v1 chart listing it in requirements.yaml is refused too, and lint reports the entry there', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const chart = writeChart({
      'Chart.yaml': 'apiVersion: v1\nname: app\nversion: 1.0.0\n',
      'requirements.yaml': dependency,
    });
    const result = run('helm4', ['template', 'r1', chart]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, MISSING);
    assert.deepEqual(reported(chart, lintChart(chart)), ['requirements.yaml:2 missing-chart-dependency']);
  });
});

describe('YAML that go-yaml reads and the spec does not', () => {
  it("multi-line quoted and flow scalars at the key's column, trim markers joining lines and branches, keys after an inline if, if/else metadata: Helm renders, kubectl decodes, lint is silent", (t) => {
    if (!requireBinaries(t, ['helm4', 'kubectl'])) return;
    const chart = join(CHARTS, 'go-yaml-leniency');
    const helm = run('helm4', ['template', 'r1', chart]);
    assert.equal(helm.code, 0, helm.stderr);
    const documents = helm.stdout.split(/^---\n/m).filter((document) => document.includes('\nkind: '));
    assert.deepEqual(
      documents.map((document) => /^# Source: (.*)$/m.exec(document)?.[1]).sort(),
      ['either.yaml', 'hpa.yaml', 'migrate-job.yaml', 'notify-job.yaml', 'secret.yaml', 'settings.yaml'].map(
        (name) => `go-yaml-leniency/templates/${name}`,
      ),
    );
    const decoded = kubectlDecodeAll(documents);
    assert.deepEqual(
      decoded.map((outcome) => outcome.error),
      ['', '', '', '', '', ''],
    );
    const jobs = decoded
      .map(
        (outcome) =>
          outcome.object as {
            kind?: string;
            spec?: {
              template?: {
                spec?: { restartPolicy?: string; containers?: Array<{ args?: string[]; command?: string[] }> };
              };
            };
          },
      )
      .filter((object) => object.kind === 'Job');
    assert.deepEqual(
      jobs.map((job) => job.spec?.template?.spec?.restartPolicy),
      ['Never', 'Never'],
    );
    assert.deepEqual(
      helmInstallDryRunJson(chart)
        .hooks.map((hook) => hook.path)
        .sort(),
      ['either.yaml', 'migrate-job.yaml', 'notify-job.yaml', 'secret.yaml'].map(
        (name) => `go-yaml-leniency/templates/${name}`,
      ),
    );
    const rules = lintChart(chart).map((finding) => finding.rule);
    for (const rule of ['invalid-yaml', 'job-restart-policy', 'non-string-annotation'])
      assert.ok(!rules.includes(rule), `${rule} in ${rules.join(', ')}`);
  });

  it('a quoted scalar that never closes is still invalid YAML to both (the positive control)', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const broken = variant('go-yaml-leniency', 'notify-job.yaml', (text) =>
      text.replace('          "]\n', '          ]\n'),
    );
    const helm = run('helm4', ['template', 'r1', broken]);
    assert.equal(helm.code, 1);
    assert.match(helm.stderr, /YAML parse error on go-yaml-leniency\/templates\/notify-job\.yaml/);
    assert.deepEqual(
      reported(broken, lintChart(broken))
        .filter((line) => line.includes('invalid-yaml'))
        .map((line) => line.replace(/:\d+ /, ' ')),
      ['templates/notify-job.yaml invalid-yaml'],
    );
  });
});
