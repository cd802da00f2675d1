import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HelmMajor } from '../support/helm';
import type { HelmRun, OperationTrace } from '../support/fake-kube/harness';
import { assertSucceeded, requireHelm, runHelmOperations } from '../support/fake-kube/harness';
import { FakeKubePool } from '../support/fake-kube/pool';
import type { FakeKubeServer, RequestRecord } from '../support/fake-kube/server';
import { FIXTURES } from '../support/paths';

/**
 * The runtime vectors of ../shared/reference/helm-hooks.md §9.2, re-proved with the real Helm 4 and Helm 3 against
 * the recording fake API server: each test reads Helm's requests, not our engine.
 */

const CHARTS = join(FIXTURES, 'lifecycle-runtime');
const MAJORS: HelmMajor[] = [4, 3];

/** Two vectors at a time, each with Helm 4 and Helm 3 side by side, each run on a server of its own. */
const PARALLEL_VECTORS = 2;
let pool: FakeKubePool;
before(async () => {
  pool = await FakeKubePool.start(PARALLEL_VECTORS * MAJORS.length);
});
after(() => pool.close());

/** One vector, proved with each Helm major in a subtest of its own. */
function vector(title: string, prove: (major: HelmMajor, server: FakeKubeServer) => Promise<void>): void {
  it(title, { concurrency: true }, async (t) => {
    await Promise.all(
      MAJORS.map((major) =>
        t.test(`Helm ${major}`, async (subtest) => {
          if (!requireHelm(subtest, [major])) return;
          await pool.use((server) => prove(major, server));
        }),
      ),
    );
  });
}

function actions(trace: OperationTrace): string[] {
  return trace.actions.map((action) => `${action.verb} ${action.kind}/${action.name}`);
}

function hookRuns(trace: OperationTrace): string[] {
  return trace.hookRuns.map((run) => `${run.event} ${run.kind}/${run.name}`);
}

function indexOf(requests: readonly RequestRecord[], method: string, kind: string, name: string, from = 0): number {
  return requests.findIndex(
    (request, index) =>
      index >= from &&
      request.method === method &&
      request.kind === kind &&
      request.name === name &&
      !request.subresource,
  );
}

/** The label Helm's release record carries for the release's state (deployed, failed, ...). */
function releaseStatus(server: FakeKubeServer, revision: number): string | undefined {
  return server.objects('default').find((object) => object.metadata?.name === `sh.helm.release.v1.r.v${revision}`)
    ?.metadata?.labels?.status;
}

function chartObjectsLeft(server: FakeKubeServer): string[] {
  return server
    .objects('default')
    .filter((object) => object.type !== 'helm.sh/release.v1' && !object.metadata?.ownerReferences)
    .map((object) => `${object.kind}/${object.metadata?.name}`)
    .sort();
}

const R1_CREATIONS = [
  'create Secret/c-secret',
  'create Job/a-job',
  'create ConfigMap/b-cm',
  'create ServiceAccount/z-sa',
  'create ConfigMap/d-cm',
  'create ServiceAccount/same',
  'create Job/same',
];

/** How each major creates objects: Helm 4 with server-side apply, Helm 3 with POST [reference §4.3]. */
function createMethod(major: HelmMajor): string {
  return major === 4 ? 'PATCH' : 'POST';
}

describe(
  'runtime vectors of the Helm hooks reference, with the real Helm',
  { timeout: 120_000, concurrency: PARALLEL_VECTORS },
  () => {
    vector(
      'R1: pre-install hooks run by (weight, name), each waited for, each deleted first by the default policy',
      async (major, server) => {
        const run = await runHelmOperations(major, [{ operation: 'install', chartDir: join(CHARTS, 'hook-order') }], {
          server,
          scenario: { 'a-job': { delayMs: 300 } },
        });
        assertSucceeded(run.steps[0]);
        const trace = run.traces[0];
        // The Job a-job runs before the ServiceAccount z-sa of the same weight: name, not kind, orders them.
        assert.deepEqual(actions(trace), [...R1_CREATIONS, 'create ConfigMap/normal']);
        assert.deepEqual(trace.hookRuns.at(-1), {
          event: 'pre-install',
          kind: 'Job',
          name: 'same',
          present: [
            'ConfigMap/b-cm',
            'ConfigMap/d-cm',
            'Job/a-job',
            'Secret/c-secret',
            'ServiceAccount/same',
            'ServiceAccount/z-sa',
          ],
        });
        const requests = run.steps[0].requests;
        // Helm waited for the Job to complete (300 ms in this scenario) before creating the next hook.
        const job = requests[indexOf(requests, createMethod(major), 'Job', 'a-job')];
        const next = requests[indexOf(requests, createMethod(major), 'ConfigMap', 'b-cm')];
        assert.ok(next.timeMs - job.timeMs >= 300, `b-cm created ${next.timeMs - job.timeMs} ms after a-job`);
        // No delete policy means before-hook-creation: a DELETE (404 here) before each hook's creation.
        for (const [kind, name] of [
          ['Secret', 'c-secret'],
          ['Job', 'a-job'],
          ['ServiceAccount', 'z-sa'],
          ['Job', 'same'],
        ]) {
          const deletion = indexOf(requests, 'DELETE', kind, name);
          assert.ok(
            deletion >= 0 && deletion < indexOf(requests, createMethod(major), kind, name),
            `DELETE ${kind}/${name} before its creation`,
          );
          assert.equal(requests[deletion].status, 404);
        }
      },
    );

    vector(
      'R2: hook-succeeded hooks are deleted after the whole event succeeded, in reverse order',
      async (major, server) => {
        const run = await runHelmOperations(
          major,
          [{ operation: 'install', chartDir: join(CHARTS, 'succeeded-cleanup') }],
          { server },
        );
        assertSucceeded(run.steps[0]);
        assert.deepEqual(actions(run.traces[0]), [
          ...R1_CREATIONS,
          'delete ConfigMap/d-cm',
          'delete ServiceAccount/z-sa',
          'delete ConfigMap/b-cm',
          'delete Job/a-job',
          'create ConfigMap/normal',
        ]);
        // Hooks with only hook-succeeded get no DELETE before their creation.
        const requests = run.steps[0].requests;
        assert.ok(indexOf(requests, 'DELETE', 'Job', 'a-job') > indexOf(requests, createMethod(major), 'Job', 'same'));
      },
    );

    vector(
      'R3: a failed hook stops the event; its log is printed and hook-failed deletes it',
      async (major, server) => {
        const run = await runHelmOperations(
          major,
          [{ operation: 'install', chartDir: join(CHARTS, 'failure-cleanup') }],
          {
            server,
            scenario: { h2: { outcome: 'fail', log: 'h2 broke' } },
          },
        );
        const result = run.steps[0];
        assert.equal(result.code, 1);
        const error =
          major === 4
            ? 'failed pre-install: resource Job/default/h2 not ready. status: Failed, message: Job Failed. failed: 1/1'
            : 'failed pre-install: 1 error occurred:\n\t* job h2 failed: BackoffLimitExceeded';
        assert.ok(result.stderr.includes(error), result.stderr);
        assert.ok(`${result.stdout}${result.stderr}`.includes(major === 4 ? 'level=INFO msg="h2 broke"' : 'h2 broke'));
        // Helm 4 (and 3.19+) also deletes the earlier hook that succeeded with hook-succeeded; 3.18 leaves it.
        assert.deepEqual(actions(run.traces[0]), [
          'create Job/h1',
          'create Job/h2',
          'delete Job/h2',
          ...(major === 4 ? ['delete Job/h1'] : []),
        ]);
        assert.equal(releaseStatus(server, 1), 'failed');
      },
    );

    vector(
      'R4: a misspelled or empty delete policy means no deletion before the hook runs again',
      async (major, server) => {
        const chartDir = join(CHARTS, 'no-delete-policy');
        const steps = [
          { operation: 'install' as const, chartDir },
          { operation: 'upgrade' as const, chartDir },
          ...(major === 4 ? [{ operation: 'upgrade' as const, chartDir, args: ['--server-side=false'] }] : []),
        ];
        const run: HelmRun = await runHelmOperations(major, steps, { server });
        assertSucceeded(run.steps[0]);
        const alreadyExists =
          'Error: UPGRADE FAILED: pre-upgrade hooks failed: warning: Hook pre-upgrade no-delete-policy/templates/hooks.yaml failed: ';
        const upgrade = run.steps[1];
        assert.equal(
          upgrade.requests.filter((request) => request.method === 'DELETE' && request.kind !== 'Secret').length,
          0,
        );
        if (major === 4) {
          // Server-side apply patches the objects left from the install.
          assertSucceeded(upgrade);
          assert.deepEqual(actions(run.traces[1]), ['update ConfigMap/empty-policy', 'update Job/success-typo']);
          // With client-side apply the classic conflict returns.
          assert.equal(run.steps[2].code, 1);
          assert.ok(
            run.steps[2].stderr.includes(`${alreadyExists}configmaps "empty-policy" already exists`),
            run.steps[2].stderr,
          );
        } else {
          assert.equal(upgrade.code, 1);
          assert.ok(
            upgrade.stderr.includes(`${alreadyExists}1 error occurred:\n\t* configmaps "empty-policy" already exists`),
            upgrade.stderr,
          );
          assert.deepEqual(actions(run.traces[1]), []);
        }
      },
    );

    vector('R5: an event listed twice runs the hook twice, deleting the first run first', async (major, server) => {
      const run = await runHelmOperations(
        major,
        [{ operation: 'install', chartDir: join(CHARTS, 'duplicate-event') }],
        { server },
      );
      assertSucceeded(run.steps[0]);
      assert.deepEqual(actions(run.traces[0]), ['create Job/twice', 'delete Job/twice', 'create Job/twice']);
      assert.deepEqual(hookRuns(run.traces[0]), ['pre-install Job/twice', 'pre-install Job/twice']);
      // The first run had completed when it was deleted.
      const deletion = run.steps[0].requests.find(
        (request) => request.method === 'DELETE' && request.name === 'twice' && request.status === 200,
      );
      const conditions = (deletion?.object?.status?.conditions ?? []) as { type: string; status: string }[];
      assert.ok(conditions.some((condition) => condition.type === 'Complete' && condition.status === 'True'));
    });

    vector(
      'R8: uninstall runs pre-delete, deletes the release but what keep keeps, then runs post-delete',
      async (major, server) => {
        const chartDir = join(CHARTS, 'uninstall');
        const run = await runHelmOperations(
          major,
          [
            { operation: 'install', chartDir },
            { operation: 'uninstall', chartDir },
          ],
          { server },
        );
        assertSucceeded(run.steps[0]);
        assertSucceeded(run.steps[1]);
        assert.match(
          run.steps[1].stdout,
          /These resources were kept due to the resource policy:\n\[ConfigMap\] kept\n/,
        );
        assert.deepEqual(run.traces[1], {
          operation: 'uninstall',
          actions: [
            { verb: 'create', kind: 'Job', name: 'pre-delete-job' },
            { verb: 'delete', kind: 'ConfigMap', name: 'normal' },
            { verb: 'create', kind: 'ConfigMap', name: 'post-delete-cm' },
            { verb: 'delete', kind: 'ConfigMap', name: 'post-delete-cm' },
          ],
          hookRuns: [
            {
              event: 'pre-delete',
              kind: 'Job',
              name: 'pre-delete-job',
              present: ['ConfigMap/kept', 'ConfigMap/normal', 'ConfigMap/pre-install-cm'],
            },
            {
              event: 'post-delete',
              kind: 'ConfigMap',
              name: 'post-delete-cm',
              present: ['ConfigMap/kept', 'ConfigMap/pre-install-cm', 'Job/pre-delete-job'],
            },
          ],
        });
        // Hooks are not release resources: uninstall leaves them.
        assert.deepEqual(chartObjectsLeft(server), [
          'ConfigMap/kept',
          'ConfigMap/pre-install-cm',
          'Job/pre-delete-job',
        ]);
      },
    );

    vector('R15: a rollback runs the rollback hooks of the revision it returns to', async (major, server) => {
      const run = await runHelmOperations(
        major,
        [
          { operation: 'install', chartDir: join(CHARTS, 'rollback-v1') },
          { operation: 'upgrade', chartDir: join(CHARTS, 'rollback-v2') },
          { operation: 'rollback', chartDir: join(CHARTS, 'rollback-v1') },
        ],
        { server },
      );
      for (const step of run.steps) assertSucceeded(step);
      assert.deepEqual(hookRuns(run.traces[2]), [
        'pre-rollback ConfigMap/rb-from-v1',
        'post-rollback ConfigMap/rb-from-v1',
      ]);
      assert.ok(!run.steps[2].requests.some((request) => request.name === 'rb-from-v2'));
      // Neither install nor upgrade runs a rollback hook.
      assert.deepEqual([...run.traces[0].hookRuns, ...run.traces[1].hookRuns], []);
    });

    vector(
      'R18: a misspelled event drops a deployed ConfigMap from the release, and the upgrade deletes it',
      async (major, server) => {
        const run = await runHelmOperations(
          major,
          [
            { operation: 'install', chartDir: join(CHARTS, 'typo-v1') },
            { operation: 'upgrade', chartDir: join(CHARTS, 'typo-v2') },
          ],
          { server },
        );
        assertSucceeded(run.steps[0]);
        assertSucceeded(run.steps[1]);
        assert.match(run.steps[1].stdout, /STATUS: deployed/);
        assert.ok(
          run.steps[1].stderr.includes(
            major === 4
              ? 'level=INFO msg="skipping unknown hooks" hookTypes=pre-upgrde'
              : 'info: skipping unknown hook: "pre-upgrde"',
          ),
          run.steps[1].stderr,
        );
        assert.deepEqual(actions(run.traces[0]), ['create ConfigMap/typo-cm']);
        assert.deepEqual(actions(run.traces[1]), ['delete ConfigMap/typo-cm']);
        assert.deepEqual(chartObjectsLeft(server), []);
      },
    );
  },
);
