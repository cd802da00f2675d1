import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { lintChart } from '../../server/src/engine/lint/chart-lint';
import { EngineCaches } from '../../server/src/engine/core/caches';
import type { Finding } from '../../server/src/engine/rules/rule';
import { LineIndex } from '../../server/src/engine/core/text';
import { requireBinaries, run } from '../support/helm';
import { REPO_ROOT, SHARED } from '../support/paths';
import { CORPUS_CHARTS, corpusScenarios, requireShared } from '../support/shared';

const CORPUS = join(SHARED, 'corpus');
const OPTIONS = { helmVersion: 4 as const, rules: {} };

/** `line` is 1-based; the file relative to the corpus charts. */
function place(finding: Finding): { file: string; line: number } {
  const text = readFileSync(finding.file, 'utf8');
  return {
    file: relative(CORPUS_CHARTS, finding.file).split('\\').join('/'),
    line: new LineIndex(text).position(finding.range.start).line + 1,
  };
}

function tsvRows(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split('\t'));
}

/** What a CLI run keeps while it lints many charts, for this file's runs through the corpus. */
const caches = new EngineCaches();

describe('helm-hooks lint on every chart and scenario of the public corpus', () => {
  const found = new Map<string, Finding[]>();
  const lintAll = () => {
    if (found.size > 0) return found;
    for (const scenario of corpusScenarios())
      found.set(
        `${scenario.chart} ${scenario.name}`,
        caches.run(() =>
          lintChart(join(CORPUS_CHARTS, scenario.chart), { ...OPTIONS, valuesFiles: scenario.valuesFiles }),
        ),
      );
    return found;
  };

  it('reports exactly the reviewed errors and warnings, each with its reason, and no other', (t) => {
    if (!requireShared(t)) return;
    assert.equal(corpusScenarios().length, 40, 'the corpus README lists 40 scenarios');
    const reported: string[] = [];
    for (const [key, findings] of lintAll()) {
      const scenario = key.split(' ')[1]!;
      for (const finding of findings) {
        if (finding.severity === 'info') continue;
        const { file, line } = place(finding);
        reported.push(`${scenario}\t${file}:${line}\t${finding.rule}`);
      }
    }
    const expected = tsvRows(join(REPO_ROOT, 'test', 'corpus', 'lint-expectations.tsv')).map(
      ([scenario, where, rule, reason]) => {
        assert.ok(reason && reason.length > 20, `${where} ${rule} gives its reason`);
        return `${scenario}\t${where}\t${rule}`;
      },
    );
    assert.deepEqual(reported.sort(), expected.sort());
  });

  it('finds each of the README\'s "Known hook findings" by the rule the README names, in the scenario where it renders', (t) => {
    if (!requireShared(t)) return;
    const all = lintAll();
    // Hand-written from ../shared/corpus/README.md: item, chart, scenario, file, the README's lines, rule.
    const known: Array<[string, string, string, string, [number, number], string]> = [
      [
        '1',
        'bitnami__charts__postgresql',
        'previous',
        'templates/update-password/job.yaml',
        [206, 209],
        'hook-dependency-order',
      ],
      ['2', 'ory__k8s__hydra', 'default', 'values.yaml', [99, 105], 'stateful-hook'],
      ['2', 'ory__k8s__kratos', 'default', 'values.yaml', [106, 112], 'stateful-hook'],
      ['3', 'bitnami__charts__influxdb', 'default', 'templates/pvc.yaml', [15, 17], 'hook-left-behind'],
      [
        '4',
        'bitnami__charts__postgresql',
        'hooks',
        'templates/update-password/job.yaml',
        [15, 17],
        'hook-recreate-conflict',
      ],
      [
        '4',
        'bitnami__charts__postgresql',
        'hooks',
        'templates/update-password/new-secret.yaml',
        [18, 20],
        'hook-recreate-conflict',
      ],
      [
        '4',
        'bitnami__charts__postgresql',
        'previous',
        'templates/update-password/previous-secret.yaml',
        [18, 20],
        'hook-recreate-conflict',
      ],
      [
        '4',
        'vmware-tanzu__helm-charts__velero',
        'default',
        'templates/cleanup-crds.yaml',
        [14, 15],
        'hook-recreate-conflict',
      ],
      [
        '4',
        'vmware-tanzu__helm-charts__velero',
        'default',
        'templates/label-namespace/labelnamespace.yaml',
        [9, 10],
        'hook-recreate-conflict',
      ],
    ];
    for (const [item, chart, scenario, file, [from, to], rule] of known) {
      const findings = all.get(`${chart} ${scenario}`) ?? [];
      const hit = findings.some((finding) => {
        const where = place(finding);
        return finding.rule === rule && where.file === `${chart}/${file}` && where.line >= from && where.line <= to;
      });
      assert.ok(hit, `known finding ${item}: ${rule} in ${chart}/${file} lines ${from}-${to} (scenario ${scenario})`);
    }
  });
});

describe('the order finding follows the names and weights Helm orders by (a mutated copy of bitnami postgresql)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-mutation-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const SOURCE = join(CORPUS_CHARTS, 'bitnami__charts__postgresql');
  const PREVIOUS = join(CORPUS, 'values', 'bitnami-postgresql-previous.yaml');
  const DICT = '$defaultAnnotations := dict "helm.sh/hook" "pre-upgrade"';

  interface Mutation {
    title: string;
    /** Suffixes after the fullname: the Job's and the Secret's. */
    job: string;
    secret: string;
    jobWeight?: string;
    secretWeight?: string;
  }

  /** A copy of the chart with the Job's and the Secret's names and weights changed where the chart writes them. */
  function mutate(mutation: Mutation): string {
    const directory = join(scratch, mutation.title.replace(/\W+/g, '-'));
    cpSync(SOURCE, directory, { recursive: true });
    const edit = (file: string, from: string, to: string) => {
      const path = join(directory, file);
      const text = readFileSync(path, 'utf8');
      assert.ok(text.includes(from), `${file} holds ${from}`);
      writeFileSync(path, text.split(from).join(to));
    };
    edit('templates/_helpers.tpl', '"%s-previous-secret"', `"%s-${mutation.secret}"`);
    edit('templates/update-password/previous-secret.yaml', '"%s-previous-secret"', `"%s-${mutation.secret}"`);
    edit('templates/update-password/job.yaml', '"%s-password-update"', `"%s-${mutation.job}"`);
    if (mutation.jobWeight !== undefined)
      edit('templates/update-password/job.yaml', DICT, `${DICT} "helm.sh/hook-weight" "${mutation.jobWeight}"`);
    if (mutation.secretWeight !== undefined)
      edit(
        'templates/update-password/previous-secret.yaml',
        DICT,
        `${DICT} "helm.sh/hook-weight" "${mutation.secretWeight}"`,
      );
    return directory;
  }

  const mutations: Mutation[] = [
    { title: 'as published', job: 'password-update', secret: 'previous-secret' },
    { title: 'Secret renamed to sort first', job: 'password-update', secret: 'a-previous-secret' },
    { title: 'Job renamed to sort last', job: 'z-password-update', secret: 'previous-secret' },
    { title: 'Secret renamed, still after the Job', job: 'password-update', secret: 'q-secret' },
    { title: 'Secret given a lower weight', job: 'password-update', secret: 'previous-secret', secretWeight: '-1' },
    { title: 'Job given a higher weight', job: 'password-update', secret: 'previous-secret', jobWeight: '5' },
    { title: 'Job given a lower weight', job: 'password-update', secret: 'previous-secret', jobWeight: '-5' },
    {
      title: 'Secret first by weight, Job first by name',
      job: 'a-job',
      secret: 'previous-secret',
      jobWeight: '2',
      secretWeight: '1',
    },
  ];

  for (const mutation of mutations) {
    it(`${mutation.title}: reported exactly when Helm's key (weight, then name) puts the Job first`, (t) => {
      if (!requireShared(t) || !requireBinaries(t, ['helm4'])) return;
      const chart = mutate(mutation);
      // What Helm itself records for the two hooks of this copy: their names and weights.
      const result = run('helm4', ['install', 'rel', chart, '--dry-run=client', '-o', 'json', '-f', PREVIOUS]);
      assert.equal(result.code, 0, result.stderr);
      const hooks = (JSON.parse(result.stdout) as { hooks: Array<{ name: string; kind: string; weight?: number }> })
        .hooks;
      const job = hooks.find((hook) => hook.kind === 'Job' && hook.name === `rel-postgresql-${mutation.job}`);
      const secret = hooks.find((hook) => hook.kind === 'Secret' && hook.name === `rel-postgresql-${mutation.secret}`);
      assert.ok(job && secret, 'Helm renders both hooks under the mutated names');
      const [jobWeight, secretWeight] = [job.weight ?? 0, secret.weight ?? 0];
      const jobFirst =
        jobWeight !== secretWeight
          ? jobWeight < secretWeight
          : Buffer.compare(Buffer.from(job.name), Buffer.from(secret.name)) < 0;
      const order = lintChart(chart, { ...OPTIONS, valuesFiles: [PREVIOUS] }).filter(
        (finding) => finding.rule === 'hook-dependency-order',
      );
      assert.equal(
        order.length,
        jobFirst ? 1 : 0,
        `Job ${job.name} (${jobWeight}) vs Secret ${secret.name} (${secretWeight})`,
      );
      if (jobFirst)
        assert.ok(order[0]!.help.includes(`Secret "release-name-postgresql-${mutation.secret}"`), order[0]!.help);
    });
  }
});
