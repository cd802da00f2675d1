import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { chartTemplates } from '../../server/src/engine/chart/discover';
import type { JsonFinding } from '../unit/cli/cli-harness';
import { runCli } from '../unit/cli/cli-harness';
import { CORPUS_CHARTS, requireShared } from '../support/shared';
import { cliFindingKey, diagnosticKey } from './finding-keys';
import { LspClient } from './lsp-client';

/**
 * With one template of a chart open, Problems must hold what `helm-hooks lint` prints for the chart: the same files,
 * rules, ranges and severities, as written and as evaluated. On every public corpus chart (its default values).
 */

describe('with one template open, the language server reports a chart as helm-hooks lint does', () => {
  let client: LspClient | undefined;
  before(async () => {
    client = (await LspClient.start({ settings: { trace: { server: 'verbose' } } })).client;
  });
  after(async () => {
    await client?.shutdown();
  });

  it('on every corpus chart', { timeout: 900_000 }, async (t) => {
    if (!requireShared(t)) return;
    const lsp = client!;
    const charts = readdirSync(CORPUS_CHARTS, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(CORPUS_CHARTS, entry.name));
    const leftToTheCli: string[] = [];
    let findings = 0;
    for (const directory of charts) {
      const name = basename(directory);
      const cli = runCli(['lint', '.', '--format', 'json'], directory, 120_000);
      assert.ok(cli.status === 0 || cli.status === 1, `${name}: ${cli.stderr}`);
      const expected = (JSON.parse(cli.stdout) as { findings: JsonFinding[] }).findings
        .map((finding) => cliFindingKey(directory, finding))
        .sort();
      const inChart = (uri: string) => fileURLToPath(uri).startsWith(`${directory}/`);
      const reported = () => {
        const latest = new Map<string, Diagnostic[]>();
        for (const publish of lsp.publishes)
          if (inChart(publish.params.uri)) latest.set(publish.params.uri, publish.params.diagnostics);
        return [...latest]
          .flatMap(([uri, diagnostics]) => diagnostics.map((diagnostic) => diagnosticKey(uri, diagnostic)))
          .sort();
      };
      const logged = lsp.logs.length;
      const opened = chartTemplates(directory).find(
        (path) => path.startsWith(join(directory, 'templates', '')) && path.endsWith('.yaml'),
      )!;
      const uri = await lsp.open(opened);
      // The server logs the evaluated pass once its diagnostics are out: every file is reported by then.
      await lsp.waitFor(
        `${name} evaluated`,
        () => lsp.logs.slice(logged).some(({ message }) => message.includes(`evaluated ${name} in `)),
        300_000,
      );
      if (
        lsp.logs
          .slice(logged)
          .some(({ message }) => message.includes(`${name}: not evaluated`) && message.includes('run helm-hooks lint'))
      ) {
        // Past 2 MB of templates the editor leaves the evaluated findings to the CLI (see evaluator.ts).
        leftToTheCli.push(name);
      } else {
        assert.deepEqual(reported(), expected, name);
        findings += expected.length;
      }
      await lsp.close(uri);
      await lsp.waitFor(`${name} cleared`, () => reported().length === 0 || undefined);
    }
    t.diagnostic(
      `${findings} findings compared over ${charts.length - leftToTheCli.length} charts; evaluated only by the CLI: ${leftToTheCli.join(', ') || 'none'}`,
    );
    assert.ok(
      charts.length - leftToTheCli.length >= charts.length - 3,
      `compared ${charts.length - leftToTheCli.length} of ${charts.length} charts`,
    );
    assert.ok(findings > 0);
    assert.deepEqual(lsp.handlerErrors, []);
  });
});
