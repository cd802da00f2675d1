import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Position } from 'vscode-languageserver-protocol/node';
import { FIXTURES } from '../support/paths';
import { CORPUS_CHARTS, requireShared } from '../support/shared';
import { LspClient } from './lsp-client';

const MAX_BYTES = 1024 * 1024;

function templatesUnder(directory: string, found: string[] = []): string[] {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) templatesUnder(path, found);
    else if (/\/templates\//.test(path) && /\.(ya?ml|tpl)$/.test(entry.name)) found.push(path);
  }
  return found.sort();
}

function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split(/\r\n|\r|\n/).length - 1;
  return { line, character: offset - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) - 1 };
}

/** Edits that break a template the way typing does: an unclosed action, a half-typed hook block, a cut in the middle. */
function edits(text: string): { at: number; remove: number; insert: string }[] {
  const middle = Math.floor(text.length / 2);
  const hook = text.indexOf('helm.sh/hook');
  return [
    { at: middle, remove: 0, insert: '{{ .Values.' },
    { at: hook >= 0 ? hook : 0, remove: 0, insert: 'helm.sh/hook: pre-instal,\n    helm.sh/hook-weight: -5\n' },
    { at: Math.floor(text.length / 3), remove: Math.min(40, Math.floor(text.length / 4)), insert: '' },
  ];
}

describe('language server robustness', () => {
  let client: LspClient;

  before(async () => {
    ({ client } = await LspClient.start());
  });

  after(async () => {
    if (client.exitCode === null) await client.shutdown();
  });

  it(
    'survives every public corpus template opened, edited, hovered, completed and closed',
    { timeout: 600_000 },
    async (t) => {
      if (!requireShared(t)) return;
      const files = templatesUnder(CORPUS_CHARTS).filter((path) => statSync(path).size <= MAX_BYTES);
      assert.ok(files.length > 500, `corpus has ${files.length} templates`);
      const latencies: number[] = [];
      for (const path of files) {
        let text = readFileSync(path, 'utf8');
        const uri = await client.open(path, text);
        let version = 1;
        let sentAt = 0;
        const before = client.lastSeq;
        for (const edit of edits(text)) {
          const start = positionAt(text, edit.at);
          const end = positionAt(text, edit.at + edit.remove);
          sentAt = performance.now();
          version = await client.change(uri, { range: { start, end }, text: edit.insert });
          text = text.slice(0, edit.at) + edit.insert + text.slice(edit.at + edit.remove);
          const cursor = positionAt(text, edit.at + edit.insert.length);
          await client.completion(uri, cursor);
          await client.hover(uri, cursor);
        }
        // Only the last version is sure to be published: a newer change cancels the pass of an older one.
        const published = await client.diagnosticsAfter(uri, before, version);
        latencies.push(published.at - sentAt);
        await client.codeLenses(uri);
        await client.close(uri);
      }
      latencies.sort((a, b) => a - b);
      const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
      t.diagnostic(
        `last change to diagnostics (debounce 0, with a completion and a hover in between): median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms over ${latencies.length} files`,
      );
      const order = await client.hookOrder(`file://${files[0]}`);
      assert.ok(order.chart, 'the server still answers');
      assert.equal(client.exitCode, null);
      assert.deepEqual(client.handlerErrors, []);
    },
  );

  it(
    'survives bad input: binary text, an unclosed action, a huge line, odd URIs and positions',
    { timeout: 120_000 },
    async () => {
      const chart = join(FIXTURES, 'lsp', 'ordered', 'templates');
      const cases: [string, string][] = [
        ['binary.yaml', '\u0000\u0001\u0002\uFFFD\uD800garbage\u0000{{\u0000}}\n'.repeat(50)],
        [
          'unclosed.yaml',
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: {{ .Values.hook\n    helm.sh/hook-weight: "1',
        ],
        [
          'huge-line.yaml',
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    helm.sh/hook-weight: ${'9'.repeat(2_000_000)}\n`,
        ],
        ['only-braces.yaml', '{{{{{{}}}}}}'.repeat(10_000)],
        ['empty.yaml', ''],
        [
          'crlf.yaml',
          'apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  annotations:\r\n    helm.sh/hook: test,\r\n    \r\n',
        ],
      ];
      for (const [name, text] of cases) {
        const { uri, diagnostics } = await client.openAndWait(join(chart, name), text);
        assert.ok(Array.isArray(diagnostics), name);
        for (const position of [
          { line: 0, character: 0 },
          { line: 4, character: 20 },
          { line: 5, character: 4 },
          { line: 10_000, character: 10_000 },
        ]) {
          await client.completion(uri, position);
          await client.hover(uri, position);
        }
        await client.codeActions(
          uri,
          { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } },
          [],
          undefined,
        );
        await client.codeLenses(uri);
        await client.close(uri);
      }
      // Requests about documents the server never saw, and URIs that are not files.
      assert.deepEqual(await client.completion('untitled:Untitled-1', { line: 0, character: 0 }), []);
      assert.equal(await client.hover('file:///nowhere/templates/x.yaml', { line: 0, character: 0 }), null);
      assert.deepEqual(await client.hookOrder('not a uri'), { chart: null, order: null, view: null });
      assert.deepEqual(await client.codeLenses('file:///%E0%A4%A'), []);
      assert.equal(client.exitCode, null);
      assert.deepEqual(client.handlerErrors, []);
    },
  );
});
