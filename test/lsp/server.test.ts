import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, MarkupContent, TextEdit } from 'vscode-languageserver-protocol/node';
import {
  CodeActionKind,
  createProtocolConnection,
  DiagnosticSeverity,
  ExitNotification,
  FileChangeType,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  ShutdownRequest,
  TextDocumentSyncKind,
} from 'vscode-languageserver-protocol/node';
import type { HookOrderResult } from '../../server/src/protocol';
import { COMMANDS, FIX_ALL_KIND, HOOK_ORDER_METHOD } from '../../server/src/protocol';
import { FIXTURES, REPO_ROOT } from '../support/paths';
import { ruleLinkTarget } from '../support/rule-docs';
import { LspClient, SERVER } from './lsp-client';

const LSP_FIXTURES = join(FIXTURES, 'lsp');
const ERRORS = join(LSP_FIXTURES, 'errors');
const ORDERED = join(LSP_FIXTURES, 'ordered');

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code)).sort();
}

function markdown(contents: unknown): string {
  return (contents as MarkupContent).value;
}

function applyAll(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'helm', 1, text), edits);
}

function tempCopy(chart: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'helm-hooks-lsp-'));
  const copy = join(directory, 'chart');
  cpSync(chart, copy, { recursive: true });
  return copy;
}

before(() => {
  assert.ok(existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
});

describe('language server over stdio', () => {
  let client: LspClient;
  let initialize: Awaited<ReturnType<typeof LspClient.start>>['initialize'];
  const temporary: string[] = [];

  before(async () => {
    ({ client, initialize } = await LspClient.start());
  });

  after(async () => {
    if (client.exitCode === null) await client.shutdown();
    for (const directory of temporary) rmSync(directory, { recursive: true, force: true });
  });

  it('announces its capabilities: incremental sync, completion, hover, quick fixes and fixAll, code lens', async () => {
    const capabilities = initialize.capabilities;
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental });
    assert.deepEqual(capabilities.completionProvider?.triggerCharacters, [':', ',', '"', '/']);
    assert.equal(capabilities.hoverProvider, true);
    const kinds = (capabilities.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds;
    assert.ok(kinds.includes(CodeActionKind.QuickFix));
    assert.ok(kinds.includes(FIX_ALL_KIND));
    assert.deepEqual(capabilities.codeLensProvider, { resolveProvider: false });
    assert.equal(initialize.serverInfo?.name, 'helm-hooks');
    await client.waitFor('dynamic registrations', () => client.registrations.length >= 2 || undefined);
    assert.ok(client.registrations.includes('workspace/didChangeWatchedFiles'));
    assert.ok(client.registrations.includes('workspace/didChangeConfiguration'));
  });

  it("publishes the findings of a chart with errors, with rule id, severity and a link to the rule's section of the shipped docs", async () => {
    const { diagnostics } = await client.openAndWait(join(ERRORS, 'templates', 'job.yaml'));
    assert.deepEqual(codes(diagnostics), ['unknown-delete-policy', 'unquoted-hook-weight']);
    const weight = diagnostics.find((diagnostic) => diagnostic.code === 'unquoted-hook-weight')!;
    // `    helm.sh/hook-weight: -5` is line 7 (0-based 6); -5 stands at columns 25–27.
    assert.deepEqual(weight.range, { start: { line: 6, character: 25 }, end: { line: 6, character: 27 } });
    assert.equal(weight.severity, DiagnosticSeverity.Error);
    assert.equal(weight.source, 'helm-hooks');
    // dist/server.js runs from the checkout, so the shipped docs are its docs/rules.md.
    assert.deepEqual(ruleLinkTarget(weight.codeDescription!.href), {
      path: join(REPO_ROOT, 'docs', 'rules.md'),
      line: '## unquoted-hook-weight',
    });
    const policy = diagnostics.find((diagnostic) => diagnostic.code === 'unknown-delete-policy')!;
    assert.deepEqual(policy.range, { start: { line: 7, character: 32 }, end: { line: 7, character: 45 } });
  });

  it('publishes no diagnostics for a clean chart', async () => {
    for (const file of [
      'a-config.yaml',
      'b-job.yaml',
      'c-sa.yaml',
      'deployment.yaml',
      join('tests', 'test-connection.yaml'),
    ]) {
      const { diagnostics } = await client.openAndWait(join(ORDERED, 'templates', file));
      assert.deepEqual(diagnostics, [], file);
    }
  });

  it('publishes nothing for a YAML file outside any chart', async () => {
    const outside = join(LSP_FIXTURES, 'not-a-chart.yaml');
    const { diagnostics } = await client.openAndWait(
      outside,
      'metadata:\n  annotations:\n    helm.sh/hook-weight: -5\n',
    );
    assert.deepEqual(diagnostics, []);
  });

  it('clears a finding when a change fixes it', async () => {
    const path = join(ERRORS, 'templates', 'job.yaml');
    const uri = client.publishes.find((p) => p.params.uri.endsWith('/errors/templates/job.yaml'))!.params.uri;
    const diagnostics = await client.changeAndWait(uri, {
      range: { start: { line: 6, character: 25 }, end: { line: 6, character: 27 } },
      text: '"-5"',
    });
    assert.deepEqual(codes(diagnostics), ['unknown-delete-policy']);
    const restored = await client.changeAndWait(uri, readFileSync(path, 'utf8'));
    assert.deepEqual(codes(restored), ['unknown-delete-policy', 'unquoted-hook-weight']);
  });

  it('hovers on helm.sh/hook with where the hook runs in each of its events', async () => {
    const uri = client.publishes.find((p) => p.params.uri.endsWith('/ordered/templates/b-job.yaml'))!.params.uri;
    // Line 5: `    helm.sh/hook: pre-install,pre-upgrade`; pre-install: config (-5), migrate (0), zz-runner (0).
    const onKey = await client.hover(uri, { line: 5, character: 8 });
    assert.ok(onKey);
    const text = markdown(onKey.contents);
    assert.match(text, /^\*\*helm\.sh\/hook\*\*/);
    assert.ok(text.includes('- pre-install, 2nd of 3, weight 0, deleted after the event succeeds'), text);
    assert.ok(text.includes('- pre-upgrade, 1st of 1, weight 0, deleted after the event succeeds'), text);
    assert.deepEqual(onKey.range, { start: { line: 5, character: 4 }, end: { line: 5, character: 16 } });
    const onEvent = await client.hover(uri, { line: 5, character: 34 });
    assert.ok(markdown(onEvent!.contents).includes('`pre-upgrade`: Runs on `helm upgrade`, before the update'));
    const onWeight = await client.hover(uri, { line: 6, character: 27 });
    assert.ok(markdown(onWeight!.contents).includes('Helm reads weight 0.'));
    assert.equal(await client.hover(uri, { line: 0, character: 3 }), null);
  });

  it("keeps the diagnostic short, and starts the hover on it with its help, fix first, above the key's documentation", async () => {
    const uri = client.publishes.find((p) => p.params.uri.endsWith('/errors/templates/job.yaml'))!.params.uri;
    const weight = client.publishes
      .filter((p) => p.params.uri === uri)
      .pop()!
      .params.diagnostics.find((d) => d.code === 'unquoted-hook-weight')!;
    const message = String(weight.message);
    assert.ok(message.length <= 160, message);
    // Line 7: `    helm.sh/hook-weight: -5`, the value at columns 25–27.
    const onWeight = await client.hover(uri, { line: 6, character: 26 });
    const [help, documentation] = markdown(onWeight!.contents).split('\n\n---\n\n');
    assert.match(help!, /^\*\*unquoted-hook-weight\*\*: Quote it: "-5"\. /);
    assert.ok(!help!.includes(message), 'the message, which the editor shows above, is not repeated');
    assert.match(documentation!, /^\*\*helm\.sh\/hook-weight\*\*/);
    assert.deepEqual(onWeight!.range, { start: { line: 6, character: 25 }, end: { line: 6, character: 27 } });
    const onKey = await client.hover(uri, { line: 6, character: 8 });
    assert.doesNotMatch(markdown(onKey!.contents), /unquoted-hook-weight/, 'away from the finding, no help');
  });

  it('puts a code lens on each helm.sh/hook line with its place in the order', async () => {
    const uri = client.publishes.find((p) => p.params.uri.endsWith('/ordered/templates/c-sa.yaml'))!.params.uri;
    const lenses = await client.codeLenses(uri);
    assert.equal(lenses.length, 1);
    assert.deepEqual(lenses[0]!.range, { start: { line: 5, character: 4 }, end: { line: 5, character: 16 } });
    // Same weight as the migrate Job, but Helm breaks the tie by name, not kind: -zz-runner after -migrate.
    assert.equal(lenses[0]!.command?.title, 'pre-install, 3rd of 3, weight 0, deleted before the next run');
    assert.equal(lenses[0]!.command?.command, COMMANDS.showHookOrder);
    assert.deepEqual(lenses[0]!.command?.arguments, [uri]);
  });

  it('answers helmHooks/hookOrder with the order helm-hooks order gives: rendered names, every event, the release resources', async () => {
    const uri = client.publishes.find((p) => p.params.uri.endsWith('/ordered/templates/b-job.yaml'))!.params.uri;
    const result = await client.hookOrder(uri);
    assert.equal(HOOK_ORDER_METHOD, 'helmHooks/hookOrder');
    assert.equal(result.chart?.name, 'ordered');
    assert.equal(result.view, 'evaluated');
    const order = result.order!;
    assert.equal(order.releaseName, 'release-name');
    assert.deepEqual(
      order.operations.map((operation) => operation.operation),
      ['install', 'upgrade', 'rollback', 'uninstall', 'test'],
    );
    const install = order.operations[0]!.steps;
    assert.deepEqual(
      install.map((step) => ('event' in step ? step.event : 'resources')),
      ['pre-install', 'resources', 'post-install'],
    );
    const preInstall = 'hooks' in install[0]! ? install[0].hooks : [];
    assert.deepEqual(
      preInstall.map((hook) => [hook.position, hook.kind, hook.name, hook.weight]),
      [
        [1, 'ConfigMap', 'release-name-config', -5],
        [2, 'Job', 'release-name-migrate', 0],
        [3, 'ServiceAccount', 'release-name-zz-runner', 0],
      ],
    );
    assert.equal(preInstall[1]!.deleted, 'after-event-success');
    assert.deepEqual(preInstall[1]!.deletePolicies, ['before-hook-creation', 'hook-succeeded']);
    assert.equal(preInstall[1]!.nameCertain, true);
    assert.equal(preInstall[1]!.description, '2nd of 3, weight 0, deleted after the event succeeds');
    // The hook's line: its metadata.name in b-job.yaml (line 4), without the indentation.
    assert.equal(preInstall[1]!.uri, uri);
    assert.deepEqual(preInstall[1]!.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 35 } });
    const resources = 'resources' in install[1]! ? install[1].resources : [];
    assert.deepEqual(
      resources.map((resource) => [resource.kind, resource.name]),
      [['Deployment', 'release-name-web']],
    );
    assert.deepEqual(install[2], { event: 'post-install', hooks: [] });
    const test = order.operations[4]!.steps;
    assert.deepEqual(
      test.map((step) => ('hooks' in step ? step.hooks.map((hook) => [hook.position, hook.kind]) : [])),
      [[[1, 'Pod']]],
    );
    assert.deepEqual(order.unknown, []);
  });

  it("keeps a half-typed hook in the order as it was before the edit, while other files' changes still count", async () => {
    const jobUri = client.publishes.find((p) => p.params.uri.endsWith('/ordered/templates/b-job.yaml'))!.params.uri;
    const configUri = client.publishes.find((p) => p.params.uri.endsWith('/ordered/templates/a-config.yaml'))!.params
      .uri;
    const preInstall = (result: HookOrderResult) => {
      const step = result.order!.operations[0]!.steps[0]!;
      return 'hooks' in step ? step.hooks.map((hook) => [hook.name, hook.weight]) : [];
    };
    const before = await client.hookOrder(jobUri);
    assert.equal(before.held, undefined);
    assert.deepEqual(preInstall(before), [
      ['release-name-config', -5],
      ['release-name-migrate', 0],
      ['release-name-zz-runner', 0],
    ]);
    // Line 6, `    helm.sh/hook: pre-install,pre-upgrade`: retyping the events passes through "pre-ins", which Helm drops.
    await client.changeAndWait(jobUri, {
      range: { start: { line: 5, character: 18 }, end: { line: 5, character: 41 } },
      text: 'pre-ins',
    });
    // a-config's weight "-5" (line 7, columns 25–29) becomes "5" meanwhile: the ConfigMap moves to the end.
    await client.changeAndWait(configUri, {
      range: { start: { line: 6, character: 25 }, end: { line: 6, character: 29 } },
      text: '"5"',
    });
    const during = await client.hookOrder(jobUri);
    assert.match(during.held ?? '', /^b-job\.yaml has an unfinished hook annotation/);
    assert.deepEqual(preInstall(during), [
      ['release-name-migrate', 0],
      ['release-name-zz-runner', 0],
      ['release-name-config', 5],
    ]);
    // Finished as something else: the Job is no pre-install hook any more.
    await client.changeAndWait(jobUri, {
      range: { start: { line: 5, character: 18 }, end: { line: 5, character: 25 } },
      text: 'post-install',
    });
    const after = await client.hookOrder(jobUri);
    assert.equal(after.held, undefined);
    assert.deepEqual(preInstall(after), [
      ['release-name-zz-runner', 0],
      ['release-name-config', 5],
    ]);
    await client.changeAndWait(jobUri, readFileSync(join(ORDERED, 'templates', 'b-job.yaml'), 'utf8'));
    await client.changeAndWait(configUri, readFileSync(join(ORDERED, 'templates', 'a-config.yaml'), 'utf8'));
  });

  it('re-checks every open file of the chart when another one changes, and the order follows', async () => {
    const configUri = client.publishes.find((p) => p.params.uri.endsWith('/ordered/templates/a-config.yaml'))!.params
      .uri;
    const jobUri = client.publishes.find((p) => p.params.uri.endsWith('/ordered/templates/b-job.yaml'))!.params.uri;
    const refreshes = client.codeLensRefreshes;
    const before = client.lastSeq;
    // a-config's weight "-5" (line 6, columns 25–29) becomes "5": the ConfigMap now runs last.
    await client.change(configUri, {
      range: { start: { line: 6, character: 25 }, end: { line: 6, character: 29 } },
      text: '"5"',
    });
    const republished = await client.diagnosticsAfter(jobUri, before);
    assert.deepEqual(republished.params.diagnostics, []);
    await client.waitFor('a code lens refresh', () => client.codeLensRefreshes > refreshes || undefined);
    const lenses = await client.codeLenses(jobUri);
    assert.equal(
      lenses[0]!.command?.title,
      'pre-install, 1st of 3, weight 0, deleted after the event succeeds | pre-upgrade, 1st of 1, weight 0, deleted after the event succeeds',
    );
    await client.changeAndWait(configUri, readFileSync(join(ORDERED, 'templates', 'a-config.yaml'), 'utf8'));
  });

  it('completes helm.sh/ keys in the object annotations only, and values comma-aware, quoted and from the chart', async () => {
    const text = [
      'apiVersion: batch/v1', // 0
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-seed',
      '  annotations:',
      '    helm.sh/hook: pre-install,', // 5
      '    helm.sh/hook-weight: ""',
      '    helm.sh/hook-delete-policy: ',
      '    ',
      'spec:',
      '  template:', // 10
      '    metadata:',
      '      annotations:',
      '        ',
      '    spec:',
      '      restartPolicy: Never', // 15
      '',
    ].join('\n');
    const { uri } = await client.openAndWait(join(ORDERED, 'templates', 'unsaved-seed.yaml'), text);

    const keys = await client.completion(uri, { line: 8, character: 4 });
    assert.deepEqual(
      keys.map((item) => item.label),
      ['helm.sh/hook-output-log-policy', 'helm.sh/resource-policy'],
    );
    assert.deepEqual(keys[0]!.textEdit, {
      range: { start: { line: 8, character: 4 }, end: { line: 8, character: 4 } },
      newText: 'helm.sh/hook-output-log-policy: ',
    });
    assert.deepEqual(await client.completion(uri, { line: 13, character: 8 }), [], 'no helm.sh keys in a pod template');

    const events = await client.completion(uri, { line: 5, character: 30 });
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
    assert.deepEqual(events[0]!.textEdit, {
      range: { start: { line: 5, character: 30 }, end: { line: 5, character: 30 } },
      newText: 'post-install',
    });

    // The chart's other pre-install hooks weigh -5, 0 and 0: one before, each weight in use, one after.
    const weights = await client.completion(uri, { line: 6, character: 26 });
    assert.deepEqual(
      weights.map((item) => item.label),
      ['"-6"', '"-5"', '"0"', '"1"'],
    );
    for (const item of weights)
      assert.deepEqual((item.textEdit as TextEdit).range, {
        start: { line: 6, character: 25 },
        end: { line: 6, character: 27 },
      });
    assert.equal((weights[1]!.textEdit as TextEdit).newText, '"-5"');
    assert.match(weights[2]!.detail ?? '', /release-name-migrate, release-name-zz-runner/);

    const policies = await client.completion(uri, { line: 7, character: 32 });
    assert.deepEqual(
      policies.map((item) => item.label),
      ['before-hook-creation', 'hook-succeeded', 'hook-failed'],
    );
    assert.deepEqual(policies[1]!.textEdit, {
      range: { start: { line: 7, character: 32 }, end: { line: 7, character: 32 } },
      newText: 'hook-succeeded',
    });

    // Mid-list: the item under the cursor is replaced; the events on either side are not offered again.
    await client.changeAndWait(uri, {
      range: { start: { line: 5, character: 30 }, end: { line: 5, character: 30 } },
      text: 'post-up,test',
    });
    const middle = await client.completion(uri, { line: 5, character: 35 });
    assert.ok(!middle.some((item) => item.label === 'pre-install' || item.label === 'test'));
    assert.deepEqual(middle.find((item) => item.label === 'post-upgrade')!.textEdit, {
      range: { start: { line: 5, character: 30 }, end: { line: 5, character: 37 } },
      newText: 'post-upgrade',
    });
    await client.close(uri);
  });

  it('offers the weight-quoting quick fix with its exact edit, preferred, and a disable-for-this-line action', async () => {
    const uri = client.publishes.find((p) => p.params.uri.endsWith('/errors/templates/job.yaml'))!.params.uri;
    const diagnostics = client.publishes.filter((p) => p.params.uri === uri).pop()!.params.diagnostics;
    const weight = diagnostics.find((diagnostic) => diagnostic.code === 'unquoted-hook-weight')!;
    const actions = await client.codeActions(uri, weight.range, [weight]);
    const quote = actions[0]!;
    assert.equal(quote.title, 'Quote the weight: "-5"');
    assert.equal(quote.kind, CodeActionKind.QuickFix);
    assert.equal(quote.isPreferred, true);
    assert.deepEqual(quote.diagnostics, [weight]);
    assert.deepEqual(quote.edit?.changes?.[uri], [
      { range: { start: { line: 6, character: 25 }, end: { line: 6, character: 27 } }, newText: '"-5"' },
    ]);
    const disable = actions.find((action) => action.title === 'Disable unquoted-hook-weight for this line');
    assert.ok(disable, actions.map((action) => action.title).join(', '));
    assert.deepEqual(disable.edit?.changes?.[uri], [
      {
        range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } },
        newText: '    # helm-hooks-disable-next-line unquoted-hook-weight\n',
      },
    ]);
    const original = readFileSync(join(ERRORS, 'templates', 'job.yaml'), 'utf8');
    const suppressed = await client.changeAndWait(uri, applyAll(original, disable.edit!.changes![uri]!));
    assert.deepEqual(codes(suppressed), ['unknown-delete-policy']);
    await client.changeAndWait(uri, original);
  });

  it('fixes every safe problem with source.fixAll.helmHooks', async () => {
    const uri = client.publishes.find((p) => p.params.uri.endsWith('/errors/templates/job.yaml'))!.params.uri;
    const original = readFileSync(join(ERRORS, 'templates', 'job.yaml'), 'utf8');
    const whole = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    for (const only of [[FIX_ALL_KIND], [CodeActionKind.SourceFixAll]]) {
      const actions: CodeAction[] = await client.codeActions(uri, whole, [], only);
      assert.equal(actions.length, 1, only.join());
      assert.equal(actions[0]!.kind, FIX_ALL_KIND);
      const fixed = applyAll(original, actions[0]!.edit!.changes![uri]!);
      // Once the typo is fixed, hook-recreate-conflict's safe fix restores the before-hook-creation default.
      assert.equal(
        fixed,
        original
          .replace('helm.sh/hook-weight: -5', 'helm.sh/hook-weight: "-5"')
          .replace('hook-succeded', 'hook-succeeded,before-hook-creation'),
      );
    }
    assert.deepEqual(
      await client
        .codeActions(uri, whole, [], [CodeActionKind.QuickFix])
        .then((actions) => actions.filter((a) => a.kind === FIX_ALL_KIND)),
      [],
    );
  });

  it('reads unopened templates from disk and refreshes them on watched-file changes', async () => {
    const chart = tempCopy(ORDERED);
    temporary.push(join(chart, '..'));
    const { uri } = await client.openAndWait(join(chart, 'templates', 'b-job.yaml'));
    assert.match((await client.codeLenses(uri))[0]!.command!.title, /^pre-install, 2nd of 3,/);
    const sa = join(chart, 'templates', 'c-sa.yaml');
    writeFileSync(sa, readFileSync(sa, 'utf8').replace('"0"', '"-10"'));
    const before = client.lastSeq;
    const refreshes = client.codeLensRefreshes;
    await client.fileChanged(sa);
    await client.diagnosticsAfter(uri, before);
    // The order follows the file on disk; the server asks for the lenses again once the new order differs.
    await client.waitFor('a code lens refresh', () => client.codeLensRefreshes > refreshes || undefined);
    assert.match((await client.codeLenses(uri))[0]!.command!.title, /^pre-install, 3rd of 3,/);
    await client.close(uri);
  });

  it('turns a rule off from the settings, and lets .helm-hooks.yaml win over them', async () => {
    const chart = tempCopy(ERRORS);
    temporary.push(join(chart, '..'));
    const { uri, diagnostics } = await client.openAndWait(join(chart, 'templates', 'job.yaml'));
    assert.deepEqual(codes(diagnostics), ['unknown-delete-policy', 'unquoted-hook-weight']);
    let before = client.lastSeq;
    await client.changeSettings({ rules: { 'unquoted-hook-weight': 'off' } });
    assert.deepEqual(codes((await client.diagnosticsAfter(uri, before)).params.diagnostics), ['unknown-delete-policy']);

    writeFileSync(join(chart, '.helm-hooks.yaml'), 'rules:\n  unquoted-hook-weight: warning\n');
    before = client.lastSeq;
    await client.fileChanged(join(chart, '.helm-hooks.yaml'), FileChangeType.Created);
    const withFile = (await client.diagnosticsAfter(uri, before)).params.diagnostics;
    assert.deepEqual(codes(withFile), ['unknown-delete-policy', 'unquoted-hook-weight']);
    assert.equal(
      withFile.find((diagnostic) => diagnostic.code === 'unquoted-hook-weight')!.severity,
      DiagnosticSeverity.Warning,
    );

    await client.changeSettings({});
    await client.close(uri);
  });

  it('disables code lenses when helmHooks.codeLens.enable is false', async () => {
    const uri = client.publishes.find((p) => p.params.uri.endsWith('/ordered/templates/c-sa.yaml'))!.params.uri;
    await client.changeSettings({ codeLens: { enable: false } });
    assert.deepEqual(await client.codeLenses(uri), []);
    await client.changeSettings({});
    assert.equal((await client.codeLenses(uri)).length, 1);
  });

  it('logged no handler error in this session', () => {
    assert.deepEqual(client.handlerErrors, []);
  });

  it('shuts down and exits with status 0', async () => {
    assert.equal(await client.shutdown(), 0);
  });
});

describe('language server scheduling and transports', () => {
  it('debounces a burst of changes and reports only the latest text', async () => {
    const { client } = await LspClient.start({ initializationOptions: { debounceMs: 150 } });
    try {
      const original = readFileSync(join(ERRORS, 'templates', 'job.yaml'), 'utf8');
      const before = client.lastSeq;
      const uri = await client.open(join(ERRORS, 'templates', 'job.yaml'), original);
      let version = 1;
      for (const weight of ['-4', '-3', '-2', '"-1"'])
        version = await client.change(uri, original.replace('hook-weight: -5', `hook-weight: ${weight}`));
      const published = await client.diagnosticsAfter(uri, before);
      assert.equal(published.params.version, version, 'the first publish is for the last version');
      assert.deepEqual(codes(published.params.diagnostics), ['unknown-delete-policy']);
      assert.equal(client.publishes.filter((p) => p.params.uri === uri).length, 1);
    } finally {
      await client.shutdown();
    }
  });

  it('speaks over Node IPC as well as stdio', async () => {
    const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.listen();
    try {
      const result = await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        capabilities: {},
        workspaceFolders: null,
      });
      assert.equal(result.serverInfo?.name, 'helm-hooks');
      await connection.sendRequest(ShutdownRequest.type);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await connection.sendNotification(ExitNotification.type);
      assert.equal(await exited, 0);
    } finally {
      connection.dispose();
      if (child.exitCode === null) child.kill();
    }
  });
});
