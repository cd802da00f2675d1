import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ChartEvaluator, EvaluationRequest } from '../../server/src/features/evaluation';
import { FIXTURES, REPO_ROOT } from '../support/paths';

/** The language server's evaluation thread, driven directly: out/server/src/evaluator.js is the compiled worker. */
const SCRIPT = join(REPO_ROOT, 'out', 'server', 'src', 'evaluator.js');
const CHART = join(FIXTURES, 'lsp', 'evaluated');

function request(overlay: [string, string][] = []): EvaluationRequest {
  return { chart: CHART, overlay, valuesFiles: [], options: { helmVersion: 4, rules: {} } };
}

describe('chart evaluation on a worker thread', () => {
  const logged: string[] = [];
  const evaluator = new ChartEvaluator(SCRIPT, (message) => logged.push(message));
  after(() => evaluator.dispose());

  it('answers with the evaluated findings of the chart, and how many templates it executed', async () => {
    assert.ok(existsSync(SCRIPT), `${SCRIPT} is compiled`);
    const reply = await evaluator.evaluate(request());
    assert.ok(reply);
    assert.equal(reply.error, undefined);
    assert.ok(reply.findings.some((finding) => finding.rule === 'hook-dependency-unavailable' && finding.file.endsWith(join('templates', 'job.yaml'))));
    assert.ok(reply.findings.some((finding) => finding.rule === 'unquoted-hook-weight' && finding.file.endsWith('values.yaml')));
    assert.ok(reply.executions > 0);
  });

  it('re-executes nothing for the same texts, and reads an open buffer over the file on disk', async () => {
    const again = await evaluator.evaluate(request());
    assert.equal(again?.executions, 0);
    const values = join(CHART, 'values.yaml');
    const quoted = await evaluator.evaluate(request([[values, 'migration:\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "5"\npassword: x\n']]));
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

  it('answers nothing once disposed, or when its script is missing', async () => {
    const disposable = new ChartEvaluator(SCRIPT, () => undefined);
    const pending = disposable.evaluate(request());
    await disposable.dispose();
    assert.equal(await pending, undefined);
    assert.equal(await disposable.evaluate(request()), undefined);
    assert.equal(await new ChartEvaluator(join(REPO_ROOT, 'no-such-evaluator.js'), () => undefined).evaluate(request()), undefined);
    assert.deepEqual(logged, []);
  });
});
