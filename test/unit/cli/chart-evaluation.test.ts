import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ChartEvaluationPool, evaluatorScript } from '../../../server/src/cli/chart-evaluation';
import { EngineCaches } from '../../../server/src/engine/core/caches';
import type { ChartEvaluationJob } from '../../../server/src/engine/lint/chart-evaluation';
import { evaluateChart } from '../../../server/src/engine/lint/chart-evaluation';
import { FIXTURES } from '../../support/paths';

const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-pool-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const OPTIONS = { helmVersion: 4 as const, rules: {} };
const job = (name: string): ChartEvaluationJob => ({
  directory: join(FIXTURES, 'evaluated', name),
  valuesFiles: [],
  options: OPTIONS,
});

/** The compiled evaluation thread beside the compiled CLI code, as the CLI finds it. */
const SCRIPT = evaluatorScript(join(__dirname, '..', '..', '..', 'server', 'src', 'cli'));

describe('the CLI evaluation threads', () => {
  it('find the evaluation thread script beside the compiled CLI code', () => {
    assert.ok(SCRIPT?.endsWith('evaluator.js'), String(SCRIPT));
  });

  it('answer each chart with the findings an evaluation on the calling thread gives, several charts at once', async () => {
    const pool = new ChartEvaluationPool(SCRIPT, 2, new EngineCaches());
    try {
      assert.equal(pool.usesThreads, true);
      const names = ['values-annotations', 'shared-define', 'values-annotations'];
      const results = await Promise.all(names.map((name) => pool.evaluate(job(name))));
      results.forEach((result, index) => assert.deepEqual(result, evaluateChart(job(names[index]!))));
      assert.ok('findings' in results[0]! && results[0].findings.length > 0);
    } finally {
      await pool.close();
    }
  });

  it('evaluate on the calling thread without a script or with no threads', async () => {
    for (const pool of [
      new ChartEvaluationPool(undefined, 2, new EngineCaches()),
      new ChartEvaluationPool(SCRIPT, 0, new EngineCaches()),
    ]) {
      assert.equal(pool.usesThreads, false);
      assert.deepEqual(await pool.evaluate(job('shared-define')), evaluateChart(job('shared-define')));
      await pool.close();
    }
  });

  it("report a thread that dies as that chart's failure, and start a new thread for the next chart", async () => {
    const dying = join(scratch, 'dying.js');
    writeFileSync(dying, "require('node:worker_threads').parentPort.once('message', () => process.exit(3));\n");
    const pool = new ChartEvaluationPool(dying, 1, new EngineCaches());
    try {
      for (const name of ['shared-define', 'values-annotations']) {
        const result = await pool.evaluate(job(name));
        assert.ok('failure' in result, JSON.stringify(result));
        assert.match(result.failure, /exited with code 3/);
      }
    } finally {
      await pool.close();
    }
  });

  it('evaluate on one thread more charts than it holds at once, each as the calling thread would', async () => {
    const pool = new ChartEvaluationPool(SCRIPT, 1, new EngineCaches());
    try {
      const names = ['values-annotations', 'shared-define', 'values-annotations', 'shared-define'];
      // The thread holds two charts at a time; the other two wait for it.
      const results = await Promise.all(names.map((name) => pool.evaluate(job(name))));
      results.forEach((result, index) => assert.deepEqual(result, evaluateChart(job(names[index]!))));
    } finally {
      await pool.close();
    }
  });
});
