import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { EvaluationLog, EvaluationRequest } from '../../server/src/features/evaluation';
import { ChartEvaluator } from '../../server/src/features/evaluation';
import { FIXTURES, REPO_ROOT } from '../support/paths';

/** The language server's evaluation thread, driven directly: out/server/src/evaluator.js is the compiled worker. */
const SCRIPT = join(REPO_ROOT, 'out', 'server', 'src', 'evaluator.js');
const CHART = join(FIXTURES, 'lsp', 'evaluated');

function request(overlay: [string, string][] = []): EvaluationRequest {
  return { chart: CHART, overlay, valuesFiles: [], options: { helmVersion: 4, rules: {} } };
}

const SILENT: EvaluationLog = { info: () => undefined, error: () => undefined };

describe('chart evaluation on a worker thread', () => {
  const infos: string[] = [];
  const errors: string[] = [];
  const evaluator = new ChartEvaluator(SCRIPT, {
    info: (message) => infos.push(message),
    error: (message) => errors.push(message),
  });
  after(() => evaluator.dispose());

  it('answers with the evaluated findings of the chart and how many templates it executed, and logs both with its time', async () => {
    assert.ok(existsSync(SCRIPT), `${SCRIPT} is compiled`);
    const reply = await evaluator.evaluate(request());
    assert.ok(reply);
    assert.equal(reply.error, undefined);
    assert.ok(
      reply.findings.some(
        (finding) =>
          finding.rule === 'hook-dependency-unavailable' && finding.file.endsWith(join('templates', 'job.yaml')),
      ),
    );
    assert.ok(
      reply.findings.some((finding) => finding.rule === 'unquoted-hook-weight' && finding.file.endsWith('values.yaml')),
    );
    assert.ok(reply.executions > 0);
    // One line per evaluation: the chart, its time and the templates it executed.
    const line = infos.at(-1) ?? '';
    assert.match(line, /^Evaluated \S.* in \d+ ms \(\d+ templates executed\)$/);
    assert.ok(
      line.startsWith(`Evaluated ${CHART} in `) && line.endsWith(`(${reply.executions} templates executed)`),
      line,
    );
  });

  it('re-executes nothing for the same texts, and reads an open buffer over the file on disk', async () => {
    const again = await evaluator.evaluate(request());
    assert.equal(again?.executions, 0);
    const values = join(CHART, 'values.yaml');
    const quoted = await evaluator.evaluate(
      request([
        [
          values,
          'migration:\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "5"\npassword: x\n',
        ],
      ]),
    );
    assert.ok(quoted);
    assert.ok(!quoted.findings.some((finding) => finding.rule === 'unquoted-hook-weight'));
  });

  it('lets the newest waiting request for a chart replace an older one, which gets no answer', async () => {
    const running = evaluator.evaluate(request());
    const replaced = evaluator.evaluate(request());
    const newest = evaluator.evaluate(request());
    assert.ok(await running);
    assert.equal(await replaced, undefined);
    assert.ok(await newest);
  });

  it('logs an evaluation the thread answers with an error as an error, with its cause', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-evaluator-'));
    // A thread that fails every evaluation the way evaluator.js reports a chart it cannot load.
    const script = join(scratch, 'failing-evaluator.js');
    writeFileSync(
      script,
      "const { parentPort } = require('node:worker_threads');\nparentPort.on('message', () => parentPort.postMessage({ findings: [], executions: 0, error: 'Chart.yaml: no name' }));\n",
    );
    const failures: string[] = [];
    const failing = new ChartEvaluator(script, { info: () => undefined, error: (message) => failures.push(message) });
    try {
      assert.equal((await failing.evaluate(request()))?.error, 'Chart.yaml: no name');
      assert.equal(failures.length, 1);
      assert.ok(
        failures[0]!.startsWith(`Evaluating ${CHART} failed after `) &&
          failures[0]!.endsWith(' ms: Chart.yaml: no name'),
        failures[0],
      );
    } finally {
      await failing.dispose();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('answers nothing once disposed, or when its script is missing', async () => {
    const disposable = new ChartEvaluator(SCRIPT, SILENT);
    const pending = disposable.evaluate(request());
    await disposable.dispose();
    assert.equal(await pending, undefined);
    assert.equal(await disposable.evaluate(request()), undefined);
    assert.equal(
      await new ChartEvaluator(join(REPO_ROOT, 'no-such-evaluator.js'), SILENT).evaluate(request()),
      undefined,
    );
    assert.deepEqual(errors, []);
  });
});
