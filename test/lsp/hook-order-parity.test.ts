import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { HookOrderResult, OrderJson } from '../../server/src/protocol';
import { runCli } from '../unit/cli/cli-harness';
import { CORPUS_CHARTS, corpusScenarios, requireShared } from '../support/shared';
import { LspClient } from './lsp-client';

/**
 * The editor's hook order view, lens and hover read `helmHooks/hookOrder`; `helm-hooks order --format json` is what CI
 * prints. On every public corpus chart and scenario (its values files given to the server through the
 * `helmHooks.valuesFiles` setting and to the CLI as `-f`), the two must say the same: chart and release, operations,
 * events, hooks with their names, places, weights and delete policies, release resources and what is Unknown.
 */

/** The answer without what only the editor needs (where to open each entry, and a sentence for it). */
function withoutEditorFields(result: HookOrderResult): OrderJson {
  const order = result.order!;
  const strip = <T extends object>(entry: T) => {
    const {
      uri: _uri,
      range: _range,
      description: _description,
      ...rest
    } = entry as T & { uri?: unknown; range?: unknown; description?: unknown };
    return rest;
  };
  return {
    ...order,
    operations: order.operations.map(({ operation, steps }) => ({
      operation,
      steps: steps.map((step) =>
        'resources' in step
          ? { resources: step.resources.map(strip) }
          : { event: step.event, hooks: step.hooks.map(strip) },
      ),
    })),
    unknown: order.unknown.map(strip),
  } as OrderJson;
}

function hookCount(order: OrderJson): number {
  return order.operations.reduce(
    (sum, { steps }) => sum + steps.reduce((count, step) => count + ('hooks' in step ? step.hooks.length : 0), 0),
    0,
  );
}

describe('the language server answers helmHooks/hookOrder as helm-hooks order --format json does', () => {
  let client: LspClient | undefined;
  before(async () => {
    client = (await LspClient.start()).client;
  });
  after(async () => {
    await client?.shutdown();
  });

  it('on every corpus chart and scenario, with the scenario values files', { timeout: 900_000 }, async (t) => {
    if (!requireShared(t)) return;
    const hooksByScenario = new Map<string, number>();
    for (const scenario of corpusScenarios()) {
      const directory = join(CORPUS_CHARTS, scenario.chart);
      const cli = runCli(
        ['order', directory, ...scenario.valuesFiles.flatMap((file) => ['-f', file]), '--format', 'json'],
        directory,
        120_000,
      );
      assert.equal(cli.status, 0, `${scenario.chart} [${scenario.name}]: ${cli.stderr}`);
      const expected = JSON.parse(cli.stdout) as OrderJson;
      await client!.changeSettings({ valuesFiles: scenario.valuesFiles });
      const answer = await client!.hookOrder(pathToFileURL(directory).href);
      assert.equal(answer.view, 'evaluated', `${scenario.chart} [${scenario.name}]: ${answer.notEvaluated ?? ''}`);
      assert.deepEqual(withoutEditorFields(answer), expected, `${scenario.chart} [${scenario.name}]`);
      hooksByScenario.set(`${scenario.chart} ${scenario.name}`, hookCount(expected));
    }
    // The values files count: some scenario switches hooks on that its chart's defaults leave off.
    const differs = [...hooksByScenario].some(
      ([key, count]) =>
        key.endsWith(' hooks') &&
        hooksByScenario.get(key.replace(/ hooks$/, ' default')) !== undefined &&
        hooksByScenario.get(key.replace(/ hooks$/, ' default'))! < count,
    );
    assert.ok(differs, 'a "hooks" scenario orders more hooks than its default values');
  });
});
