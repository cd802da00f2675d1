import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MessageType } from 'vscode-languageserver-protocol/node';
import { FIXTURES, REPO_ROOT } from '../support/paths';
import { LspClient } from './lsp-client';

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * What the "Helm Hooks" output channel shows: the server's `window/logMessage` at the info level, which the client
 * writes to the channel that "Show Output" and the status item open. Nothing here turns on the verbose trace.
 */
describe('language server: what it logs for the output channel', () => {
  let client: LspClient;
  const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-lsp-output-'));
  const chart = join(scratch, 'evaluated');

  before(async () => {
    cpSync(join(FIXTURES, 'lsp', 'evaluated'), chart, { recursive: true });
    ({ client } = await LspClient.start());
  });

  after(async () => {
    if (client.exitCode === null) await client.shutdown();
    rmSync(scratch, { recursive: true, force: true });
  });

  const infoLine = (what: string, pattern: RegExp) =>
    client.waitFor(
      what,
      () => client.logs.find((log) => log.type === MessageType.Info && pattern.test(log.message))?.message,
      30_000,
    );

  it('logs its start: the version, the Node version and that charts are evaluated on a worker thread', async () => {
    const line = await infoLine('the start line', /started/);
    assert.equal(
      line,
      `Helm Hooks language server ${VERSION} started (Node ${process.version}); charts are evaluated on a worker thread`,
    );
  });

  it('logs each chart evaluation with its time and the templates it executed, and the hook order with its time', async () => {
    const uri = await client.open(join(chart, 'templates', 'job.yaml'));
    const evaluated = await infoLine('the evaluation line', /^Evaluated /);
    const executed = new RegExp(`^Evaluated ${escape(chart)} in \\d+ ms \\((\\d+) templates executed\\)$`).exec(
      evaluated,
    );
    assert.ok(executed, evaluated);
    // The first evaluation of the chart executes each of its two templates at least once.
    assert.ok(Number(executed[1]) >= 2, evaluated);
    await client.hookOrder(uri);
    const order = await infoLine('the hook order line', /^Hook order of /);
    assert.match(order, new RegExp(`^Hook order of ${escape(chart)} in \\d+ ms \\(evaluated\\)$`));
    assert.deepEqual(client.handlerErrors, []);
  });

  it('says in its start line that charts are not evaluated when the client turns evaluation off', async () => {
    const { client: unevaluated } = await LspClient.start({
      initializationOptions: { debounceMs: 0, evaluate: false },
    });
    try {
      const line = await unevaluated.waitFor(
        'the start line',
        () => unevaluated.logs.find((log) => /started/.test(log.message))?.message,
      );
      assert.match(line, /; chart evaluation is off: the client turned it off$/);
    } finally {
      await unevaluated.shutdown();
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
