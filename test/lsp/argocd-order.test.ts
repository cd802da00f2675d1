import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ArgoOrderJson } from '../../server/src/engine/order/argocd-order';
import type { ArgoOrderAnswer } from '../../server/src/protocol';
import { copyFixture, removeTempDirs, runCli, writeFiles } from '../unit/cli/cli-harness';
import { LspClient } from './lsp-client';

/** The answer without where the editor opens each entry. */
function withoutEditorFields(answer: ArgoOrderAnswer): ArgoOrderJson {
  const strip = <T extends object>(entry: T) => {
    const { uri: _uri, range: _range, ...rest } = entry as T & { uri?: unknown; range?: unknown };
    return rest;
  };
  return {
    ...answer,
    sync: answer.sync.map(({ phase, waves }) => ({
      phase,
      waves: waves.map(({ wave, objects }) => ({ wave, objects: objects.map(strip) })),
    })),
    deletion: {
      phases: answer.deletion.phases.map(({ phase, objects }) => ({ phase, objects: objects.map(strip) })),
      kept: answer.deletion.kept.map(strip),
    },
    skipped: answer.skipped.map(strip),
    unknown: answer.unknown.map(strip),
  } as ArgoOrderJson;
}

describe('helmHooks/hookOrder with the argocd target', () => {
  let client: LspClient | undefined;
  before(async () => {
    client = (await LspClient.start()).client;
  });
  after(async () => {
    await client?.shutdown();
    removeTempDirs();
  });

  it("adds Argo CD's sync, as helm-hooks order --target argocd prints it, when .helm-hooks.yaml lists the target", async () => {
    const chart = copyFixture('argocd');
    writeFiles(chart, { '.helm-hooks.yaml': 'targets: [helm, argocd]\n' });
    const cli = runCli(['order', '.', '--target', 'argocd', '--format', 'json'], chart);
    assert.equal(cli.status, 0, cli.stderr);
    const answer = await client!.hookOrder(pathToFileURL(chart).href);
    assert.ok(answer.argocd, "the answer has Argo CD's sync");
    assert.deepEqual(withoutEditorFields(answer.argocd), JSON.parse(cli.stdout));
    const first = answer.argocd.sync[0]!.waves[0]!.objects[0]!;
    assert.equal(first.range.start.line, first.line - 1, 'each entry opens at its line');
  });

  it("reports the Argo CD rules in the editor as the CLI does, from the chart's .helm-hooks.yaml", async () => {
    const chart = copyFixture('argocd');
    writeFiles(chart, { '.helm-hooks.yaml': 'targets: [argocd]\n' });
    const { uri } = await client!.openAndWait(join(chart, 'templates', 'every-sync.yaml'));
    const argo = () => {
      const publishes = client!.publishes.filter((publish) => publish.params.uri === uri);
      const diagnostics = publishes[publishes.length - 1]?.params.diagnostics ?? [];
      return diagnostics
        .filter((diagnostic) => String(diagnostic.code).startsWith('argocd-'))
        .map((diagnostic) => `${diagnostic.range.start.line + 1} ${String(diagnostic.code)}`)
        .sort();
    };
    // Line 22's events come from values: the evaluation finds them after the template as written is linted.
    await client!.waitFor('both argocd-every-sync-hook findings', () => argo().length === 2 || undefined, 30_000);
    assert.deepEqual(argo(), ['22 argocd-every-sync-hook', '7 argocd-every-sync-hook']);
    const plain = copyFixture('argocd');
    const without = await client!.openAndWait(join(plain, 'templates', 'every-sync.yaml'));
    assert.ok(without.diagnostics.length > 0, 'other rules still speak (the positive control)');
    assert.deepEqual(
      without.diagnostics.filter((diagnostic) => String(diagnostic.code).startsWith('argocd-')),
      [],
      'nothing from Argo CD rules without the target',
    );
  });

  it('leaves it out without the target', async () => {
    const chart = copyFixture('argocd');
    const answer = await client!.hookOrder(pathToFileURL(chart).href);
    assert.ok(answer.order, "Helm's order is there (the positive control)");
    assert.equal(answer.argocd, undefined);
  });
});
