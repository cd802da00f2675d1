import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { FIXTURES } from '../support/paths';
import { LspClient } from './lsp-client';

/** Issue 15 in the editor: the render decides, files Helm never loads are quiet, missing dependencies are said. */

const CHARTS = join(FIXTURES, 'evaluated-first');
const EVALUATION_MS = 30_000;

function latest(client: LspClient, path: string): Diagnostic[] | undefined {
  const uri = pathToFileURL(path).href;
  let found: Diagnostic[] | undefined;
  for (const publish of client.publishes) if (publish.params.uri === uri) found = publish.params.diagnostics;
  return found;
}

describe('language server: evaluated first', () => {
  let client: LspClient;
  before(async () => {
    ({ client } = await LspClient.start());
  });
  after(async () => {
    if (client.exitCode === null) await client.shutdown();
  });

  it('reports the hook under a pod template of a chart shaped by helm create', async () => {
    const job = join(CHARTS, 'annotations-from-values', 'templates', 'job.yaml');
    await client.open(job);
    const diagnostic = await client.waitFor(
      'misplaced-hook-annotation',
      () => latest(client, job)?.find((found) => found.code === 'misplaced-hook-annotation'),
      EVALUATION_MS,
    );
    assert.equal(diagnostic.range.start.line, 10);
  });

  it('gives a template .helmignore leaves out no findings, and the kept one its own', async () => {
    const kept = join(CHARTS, 'helmignored', 'templates', 'kept.yaml');
    const scratch = join(CHARTS, 'helmignored', 'templates', 'scratch.yaml');
    await client.open(scratch);
    await client.open(kept);
    await client.waitFor(
      'unknown-hook-event on kept.yaml',
      () => latest(client, kept)?.find((found) => found.code === 'unknown-hook-event'),
      EVALUATION_MS,
    );
    assert.deepEqual(latest(client, scratch) ?? [], []);
    assert.equal(latest(client, join(CHARTS, 'helmignored', 'templates', 'drafts', 'old.yaml')), undefined);
  });

  it("reports the missing dependency on Chart.yaml, and still the chart's own hooks", async () => {
    const chart = join(CHARTS, 'missing-dependency');
    const job = join(chart, 'templates', 'job.yaml');
    await client.open(job);
    const missing = await client.waitFor(
      'missing-chart-dependency',
      () => latest(client, join(chart, 'Chart.yaml'))?.find((found) => found.code === 'missing-chart-dependency'),
      EVALUATION_MS,
    );
    assert.equal(missing.range.start.line, 4);
    assert.match(
      typeof missing.message === 'string' ? missing.message : missing.message.value,
      /dependency "redis" is not in charts\//,
    );
    assert.ok(latest(client, job)?.some((found) => found.code === 'unknown-hook-event'));
  });
});
