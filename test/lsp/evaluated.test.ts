import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, MarkupContent } from 'vscode-languageserver-protocol/node';
import { FIXTURES } from '../support/paths';
import { LspClient } from './lsp-client';

/** The evaluated chart in the editor: findings that need values, other files and Helm's order. */
describe('language server: findings of the chart as Helm renders it', () => {
  let client: LspClient;
  const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-lsp-evaluated-'));
  const chart = join(scratch, 'evaluated');
  const job = join(chart, 'templates', 'job.yaml');
  const secret = join(chart, 'templates', 'secret.yaml');
  const values = join(chart, 'values.yaml');

  before(async () => {
    cpSync(join(FIXTURES, 'lsp', 'evaluated'), chart, { recursive: true });
    ({ client } = await LspClient.start());
  });

  after(async () => {
    if (client.exitCode === null) await client.shutdown();
    rmSync(scratch, { recursive: true, force: true });
  });

  const latest = (uri: string): Diagnostic[] | undefined => {
    const publishes = client.publishes.filter((publish) => publish.params.uri === uri);
    return publishes[publishes.length - 1]?.params.diagnostics;
  };
  const has = (uri: string, code: string) => latest(uri)?.some((diagnostic) => diagnostic.code === code) === true;

  it("reports a pre-install Job reading the chart's normal Secret at its secretKeyRef, with the Secret as related information", async () => {
    const uri = await client.open(job);
    const diagnostic = await client.waitFor(
      'hook-dependency-unavailable on job.yaml',
      () => latest(uri)?.find((candidate) => candidate.code === 'hook-dependency-unavailable'),
      30_000,
    );
    // `                  name: {{ .Release.Name }}-db` is line 20 (0-based 19).
    assert.deepEqual(diagnostic.range, { start: { line: 19, character: 24 }, end: { line: 19, character: 46 } });
    assert.match(String(diagnostic.message), /reads Secret "release-name-db"/);
    assert.equal(diagnostic.relatedInformation?.[0]?.location.uri.endsWith('/templates/secret.yaml'), true);
  });

  it('explains that chart-wide finding in the hover at the reference: what to do first, then why', async () => {
    const hover = await client.hover(pathToFileURL(job).href, { line: 19, character: 30 });
    const contents = (hover?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(
      contents,
      /^\*\*hook-dependency-unavailable\*\*: Make the object a pre-install hook with a lower helm\.sh\/hook-weight than this one, or run this hook at post-install\. /,
    );
    assert.match(contents, /Secret "release-name-db" \(env secretKeyRef\)/);
  });

  it('reports the values.yaml weight that toYaml prints unquoted, in values.yaml when it is open', async () => {
    const uri = await client.open(values, readFileSync(values, 'utf8'), 'yaml');
    const diagnostic = await client.waitFor(
      'unquoted-hook-weight on values.yaml',
      () => latest(uri)?.find((candidate) => candidate.code === 'unquoted-hook-weight'),
      30_000,
    );
    assert.deepEqual(diagnostic.range, { start: { line: 3, character: 25 }, end: { line: 3, character: 26 } });
  });

  it('drops the finding when an unsaved edit of another template makes the Secret an earlier pre-install hook', async () => {
    const jobUri = pathToFileURL(job).href;
    assert.ok(has(jobUri, 'hook-dependency-unavailable'));
    const uri = await client.open(secret);
    const hooked = readFileSync(secret, 'utf8').replace(
      '  name: {{ .Release.Name }}-db\n',
      '  name: {{ .Release.Name }}-db\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "-10"\n',
    );
    await client.change(uri, hooked);
    await client.waitFor(
      'job.yaml without hook-dependency-unavailable',
      () => latest(jobUri) !== undefined && !has(jobUri, 'hook-dependency-unavailable'),
      30_000,
    );
  });
});
