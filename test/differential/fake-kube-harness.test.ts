import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HelmMajor } from '../support/helm';
import { assertSucceeded, requireHelm, runHelmOperations } from '../support/fake-kube/harness';
import { FakeKubePool } from '../support/fake-kube/pool';
import type { FakeKubeServer } from '../support/fake-kube/server';
import { FIXTURES } from '../support/paths';

/** The fake API server and harness themselves: the real Helm runs against them, and the log says what it did. */

const CHARTS = join(FIXTURES, 'lifecycle-runtime');
const MAJORS: HelmMajor[] = [4, 3];

let pool: FakeKubePool;
before(async () => {
  pool = await FakeKubePool.start(MAJORS.length);
});
after(() => pool.close());

/** One claim, checked with each Helm major in a subtest of its own, side by side. */
function withEachHelm(title: string, check: (major: HelmMajor, server: FakeKubeServer) => Promise<void>): void {
  it(title, { concurrency: true }, async (t) => {
    await Promise.all(
      MAJORS.map((major) =>
        t.test(`Helm ${major}`, async (subtest) => {
          if (!requireHelm(subtest, [major])) return;
          await pool.use((server) => check(major, server));
        }),
      ),
    );
  });
}

describe('fake Kubernetes API server with the real Helm', { timeout: 120_000 }, () => {
  withEachHelm(
    'installing a chart with one ConfigMap traces one creation, and the object is stored',
    async (major, server) => {
      const run = await runHelmOperations(major, [{ operation: 'install', chartDir: join(CHARTS, 'one-configmap') }], {
        server,
      });
      assertSucceeded(run.steps[0]);
      assert.match(run.steps[0].stdout, /STATUS: deployed/);
      assert.deepEqual(run.traces, [
        { operation: 'install', actions: [{ verb: 'create', kind: 'ConfigMap', name: 'only' }], hookRuns: [] },
      ]);
      assert.deepEqual(
        server
          .objects('default')
          .filter((object) => object.kind === 'ConfigMap')
          .map((object) => object.metadata?.name),
        ['only'],
      );
      // Helm 4 creates with server-side apply, Helm 3 with POST [reference §4.3].
      const write = run.requests.find(
        (request) =>
          request.kind === 'ConfigMap' && request.name === 'only' && request.status < 300 && request.verb !== 'get',
      );
      assert.equal(write?.method, major === 4 ? 'PATCH' : 'POST');
      assert.equal(write?.verb, major === 4 ? 'apply' : 'create');
      // Helm's own release record is stored too (sent as protobuf), and kept out of the trace.
      const record = server.objects('default').find((object) => object.metadata?.name === 'sh.helm.release.v1.r.v1');
      assert.equal(record?.type, 'helm.sh/release.v1');
      assert.equal(record?.metadata?.labels?.status, 'deployed');
    },
  );

  withEachHelm('a failing pre-install Job fails the install with Helm’s own error text', async (major, server) => {
    const chart = join(CHARTS, 'failing-hook');
    // Positive control: the same chart installs when the Job completes.
    const passing = await runHelmOperations(major, [{ operation: 'install', chartDir: chart }], { server });
    assertSucceeded(passing.steps[0]);
    assert.deepEqual(
      passing.traces[0].actions.map((action) => `${action.verb} ${action.kind}/${action.name}`),
      ['create Job/migrate', 'create ConfigMap/settings'],
    );

    const failing = await runHelmOperations(major, [{ operation: 'install', chartDir: chart }], {
      server,
      scenario: { migrate: { outcome: 'fail' } },
    });
    const result = failing.steps[0];
    assert.equal(result.code, 1);
    // Reference §4.2.
    const expected =
      major === 4
        ? 'Error: INSTALLATION FAILED: failed pre-install: resource Job/default/migrate not ready. status: Failed, message: Job Failed. failed: 1/1'
        : 'Error: INSTALLATION FAILED: failed pre-install: 1 error occurred:\n\t* job migrate failed: BackoffLimitExceeded';
    assert.ok(result.stderr.includes(expected), result.stderr);
    assert.deepEqual(
      failing.traces[0].actions.map((action) => `${action.verb} ${action.kind}/${action.name}`),
      ['create Job/migrate'],
    );
    assert.deepEqual(failing.traces[0].hookRuns, [{ event: 'pre-install', kind: 'Job', name: 'migrate', present: [] }]);
  });

  withEachHelm(
    'a Job that never completes fails at Helm’s --timeout, and the harness does not hang',
    async (major, server) => {
      const started = Date.now();
      const run = await runHelmOperations(major, [{ operation: 'install', chartDir: join(CHARTS, 'failing-hook') }], {
        server,
        timeout: '2s',
        scenario: { migrate: { outcome: 'hang' } },
      });
      const result = run.steps[0];
      assert.equal(result.code, 1);
      assert.equal(result.killed, false);
      // Reference §4.2 and R13.
      assert.match(
        result.stderr,
        major === 4
          ? /resource Job\/default\/migrate not ready\. status: InProgress, message: Job in progress/
          : /timed out waiting for the condition/,
      );
      assert.ok(Date.now() - started < 30_000, 'helm stopped at its own timeout');
    },
  );

  it('the harness kills a helm process that outlives killAfterMs', async (t) => {
    if (!requireHelm(t, [4])) return;
    const run = await runHelmOperations(4, [{ operation: 'install', chartDir: join(CHARTS, 'failing-hook') }], {
      timeout: '60s',
      killAfterMs: 1_500,
      scenario: { migrate: { outcome: 'hang' } },
    });
    assert.equal(run.steps[0].killed, true);
    assert.notEqual(run.steps[0].code, 0);
  });
});
