import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { after, before, describe, it } from 'node:test';
import { traceOperations } from '../../server/src/engine/lifecycle/trace';
import type { HelmMajor } from '../support/helm';
import type { ClusterAction, HelmStep, OperationTrace, TraceStep } from '../support/fake-kube/harness';
import { requireHelm, runHelmOperations } from '../support/fake-kube/harness';
import type { WorkloadScenario } from '../support/fake-kube/server';
import { FakeKubePool } from '../support/fake-kube/pool';
import { FIXTURES } from '../support/paths';

/**
 * The lifecycle simulation against the real Helm: for every simulation fixture, the engine's predicted trace of
 * install → upgrade → rollback → (test) → uninstall equals what Helm 4 and Helm 3 sent to the recording fake API
 * server — the same creations, updates and deletions, and the same objects present at each hook's creation.
 */

const SIMULATION_FIXTURES = join(FIXTURES, 'lifecycle');
const RUNTIME_FIXTURES = join(FIXTURES, 'lifecycle-runtime');
/** Charts written for the runtime vectors whose whole lifecycle the simulation should also predict. */
const RUNTIME_CHARTS = [
  'one-configmap',
  'hook-order',
  'succeeded-cleanup',
  'duplicate-event',
  'uninstall',
  'no-delete-policy',
  'release-kinds',
  'test-hooks',
  'every-event',
  'weights',
  'policy-quirk',
  'subchart-hooks',
  'other-namespace',
  'crds',
  'cluster-scoped-hook',
  'install-and-test',
];
const RELEASE = 'r';
const NAMESPACE = 'default';
const MAJORS: HelmMajor[] = [4, 3];

function chartDirs(): string[] {
  const simulation = existsSync(SIMULATION_FIXTURES)
    ? readdirSync(SIMULATION_FIXTURES, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(SIMULATION_FIXTURES, entry.name, 'Chart.yaml')))
        .map((entry) => join(SIMULATION_FIXTURES, entry.name))
    : [];
  return [...simulation, ...RUNTIME_CHARTS.map((name) => join(RUNTIME_FIXTURES, name))];
}

function templateTexts(chartDir: string, folder = join(chartDir, 'templates')): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? templateTexts(chartDir, join(folder, entry.name))
      : [readFileSync(join(folder, entry.name), 'utf8')],
  );
}

/** Whether a template names the `test` event (or its alias) in a hook annotation: then the sequence runs `helm test`. */
function hasTestHooks(chartDir: string): boolean {
  return templateTexts(chartDir).some((text) => /helm\.sh\/hook:.*\btest(-success)?\b/.test(text));
}

function stepsFor(chartDir: string): HelmStep[] {
  return [
    { operation: 'install', chartDir },
    { operation: 'upgrade', chartDir },
    { operation: 'rollback', chartDir },
    ...(hasTestHooks(chartDir) ? [{ operation: 'test' as const, chartDir }] : []),
    { operation: 'uninstall', chartDir },
  ];
}

/**
 * Helm creates and deletes the release resources of one kind concurrently (pkg/kube/client.go batchPerform), so
 * their order within a kind is not Helm's to promise: runs of consecutive actions with the same verb and kind on
 * objects that are not hooks are sorted by name, on both sides. Hooks keep their exact order.
 */
function canonicalActions(actions: readonly ClusterAction[], hooks: ReadonlySet<string>): string[] {
  const lines = actions.map((action) => ({ action, line: `${action.verb} ${action.kind}/${action.name}` }));
  const result: string[] = [];
  let batch: typeof lines = [];
  const flush = () => {
    result.push(...batch.map((entry) => entry.line).sort());
    batch = [];
  };
  for (const entry of lines) {
    const isHook = hooks.has(`${entry.action.kind}/${entry.action.name}`);
    const previous = batch[0]?.action;
    if (isHook || !previous || previous.verb !== entry.action.verb || previous.kind !== entry.action.kind) flush();
    if (isHook) result.push(entry.line);
    else batch.push(entry);
  }
  flush();
  return result;
}

interface ComparableTrace {
  operation: string;
  failed: boolean;
  actions: string[];
  hookRuns: string[];
}

function comparable(
  traces: readonly OperationTrace[],
  failed: (index: number) => boolean,
  hooks: ReadonlySet<string>,
): ComparableTrace[] {
  return traces.map((trace, index) => ({
    operation: trace.operation,
    failed: failed(index),
    actions: canonicalActions(trace.actions, hooks),
    hookRuns: trace.hookRuns.map((run) => `${run.event} ${run.kind}/${run.name} with [${run.present.join(', ')}]`),
  }));
}

/** A step whose hook the scenario fails: Helm fails the operation there, and the next steps still run. */
type SequenceStep = HelmStep & { failHook?: { event: string; kind: string; name: string } };

interface Sequence {
  name: string;
  steps: SequenceStep[];
  /** What the fake API server's toy controller does with each Job and Pod, by name (default: complete). */
  scenario?: Record<string, WorkloadScenario>;
  /** Where Helm refuses an operation: the error text, from Helm's source, that both Helm and the simulation report. */
  refusal?: Record<HelmMajor, string>;
}

function repeat(chartDir: string, operations: TraceStep['operation'][]): HelmStep[] {
  return operations.map((operation) => ({ operation, chartDir }));
}

function revisions(steps: [TraceStep['operation'], string][]): HelmStep[] {
  return steps.map(([operation, chart]) => ({ operation, chartDir: join(RUNTIME_FIXTURES, chart) }));
}

function sequences(): Sequence[] {
  const perChart = chartDirs().map((chartDir) => {
    const name = chartDir.slice(FIXTURES.length + 1);
    return { name, steps: stepsFor(chartDir) };
  });
  return [
    ...perChart,
    {
      name: 'lifecycle rollback-v1 → rollback-v2 → rollback',
      steps: [
        { operation: 'install', chartDir: join(SIMULATION_FIXTURES, 'rollback-v1') },
        { operation: 'upgrade', chartDir: join(SIMULATION_FIXTURES, 'rollback-v2') },
        { operation: 'rollback', chartDir: join(SIMULATION_FIXTURES, 'rollback-v1') },
        { operation: 'uninstall', chartDir: join(SIMULATION_FIXTURES, 'rollback-v1') },
      ],
    },
    {
      name: 'lifecycle test-hooks tested twice',
      steps: repeat(join(SIMULATION_FIXTURES, 'test-hooks'), ['install', 'test', 'test', 'uninstall']),
    },
    {
      name: 'lifecycle uninstall-keep installed again',
      steps: repeat(join(SIMULATION_FIXTURES, 'uninstall-keep'), ['install', 'uninstall', 'install', 'uninstall']),
    },
    {
      name: 'changes v1 → v2 → rollback → v2',
      steps: revisions([
        ['install', 'changes-v1'],
        ['upgrade', 'changes-v2'],
        ['rollback', 'changes-v1'],
        ['upgrade', 'changes-v2'],
        ['uninstall', 'changes-v2'],
      ]),
    },
    {
      name: 'misspelled event v1 → v2 → rollback',
      steps: revisions([
        ['install', 'typo-v1'],
        ['upgrade', 'typo-v2'],
        ['rollback', 'typo-v1'],
        ['uninstall', 'typo-v1'],
      ]),
    },
    {
      name: 'values file turns on a resource and moves a hook',
      steps: [
        { operation: 'install', chartDir: join(RUNTIME_FIXTURES, 'values-toggle') },
        {
          operation: 'upgrade',
          chartDir: join(RUNTIME_FIXTURES, 'values-toggle'),
          valuesFiles: [join(RUNTIME_FIXTURES, 'values-toggle', 'extra-values.yaml')],
        },
        { operation: 'rollback', chartDir: join(RUNTIME_FIXTURES, 'values-toggle') },
        { operation: 'uninstall', chartDir: join(RUNTIME_FIXTURES, 'values-toggle') },
      ],
    },
    {
      name: 'comment-only change v1 → v2 → rollback',
      steps: revisions([
        ['install', 'comment-v1'],
        ['upgrade', 'comment-v2'],
        ['rollback', 'comment-v1'],
        ['uninstall', 'comment-v1'],
      ]),
    },
    {
      name: 'kept resource dropped, then rolled back to: the rollback fails',
      steps: revisions([
        ['install', 'kept-dropped-v1'],
        ['upgrade', 'kept-dropped-v2'],
        ['rollback', 'kept-dropped-v1'],
        ['uninstall', 'kept-dropped-v1'],
      ]),
      // pkg/kube/client.go update(): the target exists but is not among the originals (rollback.go adopts nothing).
      refusal: {
        4: 'original object ConfigMap with the name "kept-config" not found',
        3: 'no ConfigMap with the name "kept-config" found',
      },
    },
    {
      // upgrade.go performUpgrade adopts it (existingResourceConflict, then current.Append): no refusal.
      name: 'kept resource dropped, then upgraded back to: adopted',
      steps: revisions([
        ['install', 'kept-dropped-v1'],
        ['upgrade', 'kept-dropped-v2'],
        ['upgrade', 'kept-dropped-v1'],
        ['uninstall', 'kept-dropped-v1'],
      ]),
    },
    {
      // The second install skips the crds/ CRD (Helm 3: AlreadyExists) or applies it again (Helm 4).
      name: 'crds installed again after uninstall',
      steps: repeat(join(RUNTIME_FIXTURES, 'crds'), ['install', 'uninstall', 'install', 'uninstall']),
    },
    {
      // Helm 3's adoption sends no patch, so the ConfigMap keeps key b; upgrading back to revision 1's text then
      // changes nothing in it (three-way: b is on the live object already), while the Widget is patched (two-way).
      name: 'kept objects adopted, changed, by a second release, then upgraded',
      steps: revisions([
        ['install', 'adopt-v1'],
        ['uninstall', 'adopt-v1'],
        ['install', 'adopt-v2'],
        ['upgrade', 'adopt-v1'],
        ['uninstall', 'adopt-v1'],
      ]),
    },
    {
      name: 'failed upgrade, then upgraded again: from the last deployed revision',
      steps: [
        { operation: 'install', chartDir: join(RUNTIME_FIXTURES, 'failed-upgrade-v1') },
        {
          operation: 'upgrade',
          chartDir: join(RUNTIME_FIXTURES, 'failed-upgrade-v2'),
          failHook: { event: 'post-upgrade', kind: 'Job', name: 'check' },
        },
        { operation: 'upgrade', chartDir: join(RUNTIME_FIXTURES, 'failed-upgrade-v1') },
        { operation: 'uninstall', chartDir: join(RUNTIME_FIXTURES, 'failed-upgrade-v1') },
      ],
      scenario: { check: { outcome: 'fail' } },
    },
  ];
}

/**
 * Three sequences run side by side, each with Helm 4 and Helm 3 at once, each run on a server of its own: most of a
 * helm command's time is its process start and its waits, not CPU.
 */
const PARALLEL_SEQUENCES = 3;
let pool: FakeKubePool;
before(async () => {
  pool = await FakeKubePool.start(PARALLEL_SEQUENCES * MAJORS.length);
});
after(() => pool.close());

/**
 * The simulation's trace, or why it refuses the chart: trace.ts traces only charts whose every hook and resource is
 * known (it throws "CHART: file:line: reason" otherwise, e.g. for a `lookup`-guarded object). Any other error is a bug.
 */
async function engineTraces(
  steps: SequenceStep[],
  major: HelmMajor,
): Promise<Awaited<ReturnType<typeof traceOperations>> | { refused: string }> {
  try {
    return await traceOperations(steps, { helmVersion: major, releaseName: RELEASE, namespace: NAMESPACE });
  } catch (error) {
    const message = (error as Error).message;
    if (steps.some((step) => message.startsWith(`${step.chartDir}: `))) return { refused: message };
    throw error;
  }
}

async function compare(sequence: Sequence, major: HelmMajor, t: TestContext): Promise<void> {
  const { steps } = sequence;
  const engine = await engineTraces(steps, major);
  if (!Array.isArray(engine)) {
    t.skip(`the simulation does not trace this chart: ${engine.refused}`);
    return;
  }
  const helm = await pool.use((server) =>
    runHelmOperations(major, steps, {
      server,
      release: RELEASE,
      namespace: NAMESPACE,
      ...(sequence.scenario ? { scenario: sequence.scenario } : {}),
    }),
  );
  // The simulation stops at the first operation Helm refuses; so does the comparison. A failing hook fails its
  // operation, and the next ones still run.
  const firstFailure = helm.steps.findIndex((step, index) => step.code !== 0 && !steps[index]!.failHook);
  const helmTraces = firstFailure >= 0 ? helm.traces.slice(0, firstFailure + 1) : helm.traces;
  const hooks = new Set(
    [...helm.traces, ...engine].flatMap((trace) => trace.hookRuns.map((run) => `${run.kind}/${run.name}`)),
  );
  const expected = comparable(helmTraces, (index) => helm.steps[index].code !== 0, hooks);
  const actual = comparable(engine, (index) => engine[index].error !== undefined, hooks);
  const failures = helm.steps
    .filter((step) => step.code !== 0)
    .map((step) => `helm ${step.argv.join(' ')}: ${step.stderr.trim()}`);
  assert.deepEqual(actual, expected, failures.join('\n'));
  if (sequence.refusal) {
    const text = sequence.refusal[major];
    assert.ok(
      firstFailure >= 0 && helm.steps[firstFailure].stderr.includes(text),
      `Helm ${major} reports "${text}":\n${failures.join('\n')}`,
    );
    assert.ok(
      engine[firstFailure]?.error?.includes(text),
      `the simulation reports "${text}", not "${engine[firstFailure]?.error}"`,
    );
  }
}

describe('the lifecycle simulation predicts what the real Helm does', { concurrency: PARALLEL_SEQUENCES }, () => {
  for (const sequence of sequences()) {
    const operations = sequence.steps.map((step) => step.operation).join(', ');
    it(`${sequence.name}: ${operations}`, { concurrency: true, timeout: 120_000 }, async (t) => {
      await Promise.all(
        MAJORS.map((major) =>
          t.test(`Helm ${major} sends what the simulation predicts`, async (subtest) => {
            if (!requireHelm(subtest, [major])) return;
            await compare(sequence, major, subtest);
          }),
        ),
      );
    });
  }
});
