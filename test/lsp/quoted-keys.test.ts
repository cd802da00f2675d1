import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionItem, Diagnostic, MarkupContent, Range, TextEdit } from 'vscode-languageserver-protocol/node';
import { CodeActionKind } from 'vscode-languageserver-protocol/node';
import { FIXTURES } from '../support/paths';
import { LspClient, SERVER } from './lsp-client';

/** Its pre-install hooks: a-config weighs -5, b-job (release-name-migrate) and c-sa (release-name-zz-runner) 0. */
const ORDERED = join(FIXTURES, 'lsp', 'ordered');

/** How the annotation keys and their values are written: the issue's `"helm.sh/hook": pre-install,` among them. */
const STYLES = [
  { name: 'plain keys and values', key: '', value: '' },
  { name: 'double-quoted keys, plain values', key: '"', value: '' },
  { name: 'double-quoted keys and values', key: '"', value: '"' },
  { name: 'single-quoted keys, plain values', key: "'", value: '' },
  { name: 'single-quoted keys and values', key: "'", value: "'" },
] as const;

const ANNOTATIONS_LINE = 5;

function range(line: number, start: number, end = start): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

function edit(item: CompletionItem | undefined): TextEdit {
  assert.ok(item, 'the item is offered');
  return item.textEdit as TextEdit;
}

before(() => {
  assert.ok(existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
});

describe('language server over stdio: annotation keys and values plain, double- or single-quoted', () => {
  let client: LspClient;

  before(async () => {
    ({ client } = await LspClient.start());
  });

  after(async () => {
    if (client.exitCode === null) await client.shutdown();
  });

  STYLES.forEach((style, index) => {
    const key = (name: string) => `${style.key}${name}${style.key}`;
    const value = (text: string) => `${style.value}${text}${style.value}`;

    it(`completes keys, events, policies and weights with ${style.name}`, async (t) => {
      const lines = [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: {{ .Release.Name }}-seed',
        '  annotations:',
        `    ${key('helm.sh/hook')}: ${value('pre-install,')}`, // 5
        `    ${key('helm.sh/hook-weight')}: ${value('')}`,
        `    ${key('helm.sh/hook-delete-policy')}: ${value('')}`,
        `    ${key('helm.sh/hook-output-log-policy')}: ${value('hook-failed,')}`,
        `    ${style.key}helm.sh/`, // 9: the key being typed, its quote not closed yet
        '',
      ];
      const { uri } = await client.openAndWait(
        join(ORDERED, 'templates', `unsaved-quoted-${index}.yaml`),
        lines.join('\n'),
      );
      // Closed even when an assertion fails: an open half-typed hook would hold the chart's order for the next tests.
      t.after(() => client.close(uri));
      /** The cursor at the end of a line's text, inside the value's closing quote when there is one. */
      const inside = (line: number) => ({ line, character: lines[line]!.length - style.value.length });

      const events = await client.completion(uri, inside(5));
      assert.deepEqual(
        events.map((item) => item.label),
        [
          'post-install',
          'pre-delete',
          'post-delete',
          'pre-upgrade',
          'post-upgrade',
          'pre-rollback',
          'post-rollback',
          'test',
        ],
      );
      assert.deepEqual(edit(events[0]), { range: range(5, inside(5).character), newText: 'post-install' });

      // One weight before the chart's other pre-install hooks (-5, 0, 0), each weight in use, one after; a single
      // quote the user opened is kept, and the edit replaces the value whole, quotes included.
      const weights = await client.completion(uri, inside(6));
      const quote = style.value === "'" ? "'" : '"';
      assert.deepEqual(
        weights.map((item) => item.label),
        ['-6', '-5', '0', '1'].map((weight) => `${quote}${weight}${quote}`),
      );
      const valueStart = lines[6]!.indexOf(': ') + 2;
      assert.deepEqual(edit(weights[1]), {
        range: range(6, valueStart, lines[6]!.length),
        newText: `${quote}-5${quote}`,
      });

      const policies = await client.completion(uri, inside(7));
      assert.deepEqual(
        policies.map((item) => item.label),
        ['before-hook-creation', 'hook-succeeded', 'hook-failed'],
      );
      assert.deepEqual(edit(policies[0]), { range: range(7, inside(7).character), newText: 'before-hook-creation' });

      const outputLog = await client.completion(uri, inside(8));
      assert.deepEqual(
        outputLog.map((item) => item.label),
        ['hook-succeeded'],
      );
      assert.deepEqual(edit(outputLog[0]), { range: range(8, inside(8).character), newText: 'hook-succeeded' });

      // Every hook key is there but the resource policy; the edit keeps the opening quote and closes it.
      const keys = await client.completion(uri, { line: 9, character: lines[9]!.length });
      assert.deepEqual(
        keys.map((item) => item.label),
        ['helm.sh/resource-policy'],
      );
      assert.deepEqual(edit(keys[0]), {
        range: range(9, 4 + style.key.length, lines[9]!.length),
        newText: `helm.sh/resource-policy${style.key}: `,
      });
    });

    it(`fixes and hovers on annotations with ${style.name}`, async (t) => {
      const lines = [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: {{ .Release.Name }}-quoted',
        '  annotations:',
        `    ${key('helm.sh/hook')}: ${value('pre-instal')}`, // 5
        `    ${key('helm.sh/hook-weight')}: -5`,
        `    ${key('helm.sh/hook-delete-polcy')}: ${value('before-hook-creation,hook-succeeded')}`,
        'spec:',
        '  backoffLimit: 1',
        '  template:',
        '    spec:',
        '      restartPolicy: Never',
        '      containers:',
        '        - name: quoted',
        '          image: busybox:1.36',
        '',
      ];
      const text = lines.join('\n');
      const { uri, diagnostics } = await client.openAndWait(
        join(ORDERED, 'templates', `unsaved-quoted-fix-${index}.yaml`),
        text,
      );
      t.after(() => client.close(uri));
      const eventStart = lines[5]!.indexOf('pre-instal');
      const keyStart = lines[7]!.indexOf(key('helm.sh/hook-delete-polcy'));
      const expected: [string, Range, string][] = [
        ['unknown-hook-event', range(5, eventStart, eventStart + 'pre-instal'.length), 'pre-install'],
        ['unquoted-hook-weight', range(6, lines[6]!.length - 2, lines[6]!.length), '"-5"'],
        [
          'unknown-helm-annotation',
          range(7, keyStart, keyStart + key('helm.sh/hook-delete-polcy').length),
          key('helm.sh/hook-delete-policy'),
        ],
      ];
      assert.deepEqual(
        diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range]).sort(),
        expected.map(([code, at]) => [code, at]).sort(),
      );
      const fixes: TextEdit[] = [];
      for (const [code, at, newText] of expected) {
        const diagnostic = diagnostics.find((candidate) => candidate.code === code) as Diagnostic;
        const actions = await client.codeActions(uri, diagnostic.range, [diagnostic], [CodeActionKind.QuickFix]);
        const preferred = actions.find((action) => action.isPreferred);
        assert.ok(preferred, `${code}: ${actions.map((action) => action.title).join(', ')}`);
        assert.deepEqual(preferred.edit?.changes?.[uri], [{ range: at, newText }], code);
        fixes.push(...preferred.edit!.changes![uri]!);
      }
      const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'helm', 1, text), fixes);
      assert.deepEqual(await client.changeAndWait(uri, fixed), []);

      // Weight -5 ties with a-config's; Helm then orders by name: release-name-config, release-name-quoted, then the
      // two hooks of weight 0. Hovers show the last order computed; the Hook Order request waits for the current one.
      const preInstall = (await client.hookOrder(uri)).order!.operations[0]!.steps[0]!;
      assert.deepEqual('hooks' in preInstall ? preInstall.hooks.map((hook) => [hook.name, hook.weight]) : [], [
        ['release-name-config', -5],
        ['release-name-quoted', -5],
        ['release-name-migrate', 0],
        ['release-name-zz-runner', 0],
      ]);
      const onKey = await client.hover(uri, { line: ANNOTATIONS_LINE, character: 4 + style.key.length + 3 });
      assert.ok(onKey);
      assert.deepEqual(onKey.range, range(ANNOTATIONS_LINE, 4, 4 + key('helm.sh/hook').length));
      assert.match((onKey.contents as MarkupContent).value, /^- pre-install, 2nd of 4, weight -5,/m);
      const onEvent = await client.hover(uri, { line: ANNOTATIONS_LINE, character: eventStart + 3 });
      assert.ok(onEvent);
      assert.deepEqual(
        onEvent.range,
        range(
          ANNOTATIONS_LINE,
          eventStart - style.value.length,
          eventStart + 'pre-install'.length + style.value.length,
        ),
      );
      assert.ok(
        (onEvent.contents as MarkupContent).value.includes('`pre-install`'),
        'the hover explains the event under the cursor',
      );
    });
  });

  it('logged no handler error in this session', () => {
    assert.deepEqual(client.handlerErrors, []);
  });
});
