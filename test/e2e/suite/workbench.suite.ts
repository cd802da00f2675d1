/// <reference types="mocha" />
// What a user who installed the .vsix sees in a real VS Code workbench (code-server 4.139 = VS Code 1.139), driven
// through the VS Code API from inside the extension host. The workspace is a copy of test/e2e/fixtures/web; each
// expected value is reasoned from the fixture's text and Helm's rules, as the comments beside them say.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'helm-hooks.helm-hooks';
const WAIT_MS = 20_000;

/** Polls `probe` every 100 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((next) => setTimeout(next, 100));
  }
}

function folder(): vscode.Uri {
  const first = vscode.workspace.workspaceFolders?.[0];
  assert.ok(first, 'the test host opens the fixture chart as the workspace folder');
  return first.uri;
}

function file(...segments: string[]): vscode.Uri {
  return vscode.Uri.joinPath(folder(), ...segments);
}

async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'helm-hooks');
}

function code(diagnostic: vscode.Diagnostic): string {
  const value = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return String(value);
}

/** Text and aria-label of the workbench elements that match `selector`, read from the page by the test host. */
async function readWorkbench(selector: string): Promise<{ text: string; ariaLabel: string | null }[]> {
  const endpoint = process.env.HELM_HOOKS_E2E_WORKBENCH;
  assert.ok(endpoint, 'HELM_HOOKS_E2E_WORKBENCH is set by scripts/e2e/code-server-test-host.mjs');
  const response = await fetch(`${endpoint}/dom`, { method: 'POST', body: JSON.stringify({ selector }) });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as { text: string; ariaLabel: string | null }[];
}

const VIEW = '[id="workbench.view.extension.helmHooks"]';

/** The Hook Order view's row labels once they start with `expected`. */
async function viewRows(expected: string[]): Promise<{ text: string; ariaLabel: string | null }[]> {
  return waitFor(`the Hook Order view to show ${expected.join(', ')}`, async () => {
    const found = await readWorkbench(`${VIEW} .monaco-list-row .label-name`);
    const labels = found.map((row) => row.text);
    return expected.every((label, index) => labels[index] === label) ? found : undefined;
  });
}

async function writeFile(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

suite('Helm Hooks in a VS Code workbench', () => {
  const migrate = () => file('templates', 'db-migrate-job.yaml');

  test('the extension runs from its installed .vsix and claims chart templates as the helm language', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    assert.match(
      extension.extensionPath,
      /helm-hooks\.helm-hooks-\d+\.\d+\.\d+$/,
      'installed into the extensions folder, not run from the repository',
    );
    const editor = await open(migrate());
    assert.equal(editor.document.languageId, 'helm');
    await waitFor('the extension to activate', () => (extension.isActive ? true : undefined));
    console.log(`vscode ${vscode.version}, node ${process.version}, ${EXTENSION_ID} ${extension.packageJSON.version}`);
  });

  test('an unquoted hook weight is reported as an error on the weight', async () => {
    await open(migrate());
    const weight = await waitFor('the unquoted-hook-weight diagnostic', () =>
      ours(migrate()).find((diagnostic) => code(diagnostic) === 'unquoted-hook-weight'),
    );
    // Line 8 of the fixture, `    helm.sh/hook-weight: -5`: the value -5 starts after 4 + 21 characters.
    assert.deepEqual(
      [weight.range.start.line, weight.range.start.character, weight.range.end.line, weight.range.end.character],
      [7, 25, 7, 27],
    );
    assert.equal(weight.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual(ours(migrate()).map(code), ['unquoted-hook-weight'], 'the rest of the fixture is correct');
  });

  test("the weight's diagnostic is one short line, and the hover on it starts with the fix, above the key's documentation", async () => {
    await open(migrate());
    const weight = await waitFor('the unquoted-hook-weight diagnostic', () =>
      ours(migrate()).find((diagnostic) => code(diagnostic) === 'unquoted-hook-weight'),
    );
    assert.ok(weight.message.length <= 160 && !weight.message.includes('\n'), weight.message);
    // Inside the value -5 (columns 25–27 of line 8): VS Code shows the diagnostic's message, then the providers' hovers.
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      migrate(),
      new vscode.Position(7, 26),
    );
    const texts = hovers.flatMap((hover) =>
      hover.contents.map((content) => (typeof content === 'string' ? content : content.value)),
    );
    const help = texts.find((text) => text.includes('unquoted-hook-weight'));
    assert.ok(help, `our hover explains the finding: ${JSON.stringify(texts)}`);
    assert.match(help, /^\*\*unquoted-hook-weight\*\*: Quote it: "-5"\. /, 'the fix comes first');
    assert.ok(
      help.indexOf('**helm.sh/hook-weight**') > help.indexOf('Quote it'),
      "the key's documentation comes after the help",
    );
  });

  test('the quick fix quotes the weight and the error goes away', async () => {
    const editor = await open(migrate());
    const weight = ours(migrate()).find((diagnostic) => code(diagnostic) === 'unquoted-hook-weight');
    assert.ok(weight, 'the previous test saw the diagnostic');
    const fix = await waitFor('the "Quote the weight" quick fix', async () => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        migrate(),
        weight.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      return actions?.find((action) => action.title === 'Quote the weight: "-5"');
    });
    assert.ok(fix.edit, 'the fix carries its edit');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(editor.document.lineAt(7).text, '    helm.sh/hook-weight: "-5"');
    await waitFor('the diagnostic to go away', () => (ours(migrate()).length === 0 ? true : undefined));
  });

  test('Show Hook Order fills the Hook Order view with what helm-hooks order prints: rendered names, resources', async () => {
    await open(migrate());
    await vscode.commands.executeCommand('helmHooks.showHookOrder');
    // Install runs pre-install hooks by ascending weight: preflight ("-10") before db-migrate ("-5"), both named as
    // Helm renders them for the release "release-name"; then the release resources (the Deployment), then
    // post-install, which has no hooks. The other operations start collapsed.
    const expected = [
      'install',
      'pre-install',
      'release-name-preflight',
      'release-name-db-migrate',
      'release resources created',
      'post-install',
      'upgrade',
      'rollback',
      'uninstall',
      'test',
    ];
    const rows = await viewRows(expected);
    assert.equal(rows.length, expected.length);
    const descriptions = await readWorkbench(`${VIEW} .monaco-list-row .label-description`);
    assert.deepEqual(
      descriptions.map((row) => row.text.replace(/,.*/, '')),
      [
        '2 hooks',
        '2 hooks',
        'Job: 1st of 2',
        'Job: 2nd of 2',
        '1 resource',
        'no hooks',
        '1 hook',
        '0 hooks',
        '0 hooks',
        '0 hooks',
      ],
    );
  });

  test('the Hook Order view keeps its rows while an event is half-typed, and follows the finished edit', async () => {
    const editor = await open(migrate());
    await vscode.commands.executeCommand('helmHooks.showHookOrder');
    // Line 7, `    helm.sh/hook: pre-install,pre-upgrade`: typing "pre-upgrade" anew passes through "pre-up", which
    // Helm would drop the Job for. Meanwhile the view keeps the last complete order instead of losing the hook.
    const line = editor.document.lineAt(6);
    assert.equal(line.text, '    helm.sh/hook: pre-install,pre-upgrade');
    const upgrade = new vscode.Range(6, line.text.length - 'grade'.length, 6, line.text.length);
    assert.ok(await editor.edit((edit) => edit.delete(upgrade)));
    await waitFor('the unknown-hook-event diagnostic on the half-typed event', () =>
      ours(migrate()).some((diagnostic) => code(diagnostic) === 'unknown-hook-event') ? true : undefined,
    );
    await vscode.commands.executeCommand('helmHooks.showHookOrder');
    await viewRows(['install', 'pre-install', 'release-name-preflight', 'release-name-db-migrate']);
    const message = await waitFor('the view to say it shows the order before the edit', async () => {
      const found = await readWorkbench(`${VIEW} .message`);
      return found.find((element) => /unfinished hook annotation/.test(element.text));
    });
    assert.match(message.text, /db-migrate-job\.yaml/);
    assert.ok(await editor.edit((edit) => edit.insert(upgrade.start, 'grade')));
    await waitFor('the diagnostic to go away', () =>
      ours(migrate()).some((diagnostic) => code(diagnostic) === 'unknown-hook-event') ? undefined : true,
    );
    await vscode.commands.executeCommand('helmHooks.showHookOrder');
    await viewRows(['install', 'pre-install', 'release-name-preflight', 'release-name-db-migrate']);
    await waitFor('the message to go', async () =>
      (await readWorkbench(`${VIEW} .message`)).some((element) => /unfinished/.test(element.text)) ? undefined : true,
    );
    await editor.document.save();
  });

  test('after "helm.sh/hook: pre-install," completion offers only the events not yet listed', async () => {
    const uri = file('templates', 'seed-job.yaml');
    const hookLine = '    helm.sh/hook: pre-install,';
    await writeFile(
      uri,
      [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: {{ .Release.Name }}-seed',
        '  annotations:',
        hookLine,
        '',
      ].join('\n'),
    );
    try {
      await open(uri);
      const position = new vscode.Position(5, hookLine.length);
      const labels = await waitFor('event completions from the server', async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          uri,
          position,
          ',',
        );
        const events = list.items.filter((item) => item.kind === vscode.CompletionItemKind.EnumMember);
        return events.length > 0
          ? events.map((item) => (typeof item.label === 'string' ? item.label : item.label.label))
          : undefined;
      });
      // Helm's nine hook events (pkg/release HookEvent) less the pre-install already written.
      assert.deepEqual([...labels].sort(), [
        'post-delete',
        'post-install',
        'post-rollback',
        'post-upgrade',
        'pre-delete',
        'pre-rollback',
        'pre-upgrade',
        'test',
      ]);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('at a delete-policy value the suggest widget lists the three policies first and the hook snippets after them', async () => {
    const uri = file('templates', 'policy-job.yaml');
    // A typed "h" matches the snippets' helm-hook- prefixes as well as hook-failed and hook-succeeded, and better than
    // before-hook-creation (where "h" starts the second word): ranked by match alone, the snippets would come between
    // the policies. The extension's [helm] default editor.snippetSuggestions: bottom puts them after every policy.
    const policyLine = '    helm.sh/hook-delete-policy: h';
    await writeFile(
      uri,
      [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: {{ .Release.Name }}-policy',
        '  annotations:',
        '    helm.sh/hook: pre-install',
        policyLine,
        '',
      ].join('\n'),
    );
    try {
      const editor = await open(uri);
      const end = new vscode.Position(6, policyLine.length);
      editor.selection = new vscode.Selection(end, end);
      await waitFor('policy completions from the server', async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          uri,
          end,
        );
        return list.items.some((item) => item.kind === vscode.CompletionItemKind.EnumMember) ? true : undefined;
      });
      await vscode.commands.executeCommand('editor.action.triggerSuggest');
      // A row's aria-label starts with its label: "hook-failed", or "helm-hook-migration, Helm hook: database migration Job".
      const labels = await waitFor('the suggest widget to list the policies and the snippets', async () => {
        const rows = await readWorkbench('.suggest-widget .monaco-list-row');
        const found = rows.map((row) => (row.ariaLabel ?? '').split(',')[0]!.trim());
        return found.length > 3 && found.some((label) => label.startsWith('helm-hook')) ? found : undefined;
      });
      // Helm's three delete policies (pkg/release HookDeletePolicy), each matching "h".
      assert.deepEqual(
        labels.slice(0, 3).sort(),
        ['before-hook-creation', 'hook-failed', 'hook-succeeded'],
        labels.join(' | '),
      );
      assert.ok(
        labels.slice(3).every((label) => label.startsWith('helm-hook')),
        labels.join(' | '),
      );
    } finally {
      await vscode.commands.executeCommand('hideSuggestWidget');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('after `"helm.sh/hook": pre-install,`, its key in quotes, completion offers only the events not yet listed', async () => {
    const uri = file('templates', 'quoted-seed-job.yaml');
    const hookLine = '    "helm.sh/hook": pre-install,';
    await writeFile(
      uri,
      [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: {{ .Release.Name }}-quoted-seed',
        '  annotations:',
        hookLine,
        '',
      ].join('\n'),
    );
    try {
      await open(uri);
      const position = new vscode.Position(5, hookLine.length);
      const events = await waitFor('event completions from the server', async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          uri,
          position,
          ',',
        );
        const found = list.items.filter((item) => item.kind === vscode.CompletionItemKind.EnumMember);
        return found.length > 0 ? found : undefined;
      });
      const label = (item: vscode.CompletionItem) => (typeof item.label === 'string' ? item.label : item.label.label);
      // Helm's nine hook events (pkg/release HookEvent) less the pre-install already written.
      assert.deepEqual(events.map(label).sort(), [
        'post-delete',
        'post-install',
        'post-rollback',
        'post-upgrade',
        'pre-delete',
        'pre-rollback',
        'pre-upgrade',
        'test',
      ]);
      // Each inserts its event right at the cursor, after the comma.
      const postInstall = events.find((item) => label(item) === 'post-install')!;
      const range = postInstall.range instanceof vscode.Range ? postInstall.range : postInstall.range?.replacing;
      assert.ok(range?.isEqual(new vscode.Range(position, position)), JSON.stringify(postInstall.range));
      assert.equal(
        typeof postInstall.insertText === 'string' ? postInstall.insertText : postInstall.insertText?.value,
        'post-install',
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('the migration snippet writes a hook Job that the server finds nothing wrong with', async () => {
    const uri = file('templates', 'migration.yaml');
    // Starts as a broken hook, so that the server's verdict on the snippet's text is seen to arrive.
    await writeFile(
      uri,
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: placeholder',
        '  annotations:',
        '    helm.sh/hook: pre-instal',
        '',
      ].join('\n'),
    );
    try {
      const editor = await open(uri);
      await waitFor('the diagnostic of the placeholder', () =>
        ours(uri).some((diagnostic) => code(diagnostic) === 'unknown-hook-event') ? true : undefined,
      );
      const document = editor.document;
      editor.selection = new vscode.Selection(0, 0, document.lineCount, 0);
      await vscode.commands.executeCommand('editor.action.insertSnippet', {
        langId: 'helm',
        name: 'Helm hook: database migration Job',
      });
      const text = document.getText();
      assert.match(text, /^apiVersion: batch\/v1\nkind: Job\nmetadata:\n  name: \{\{ \.Release\.Name \}\}-migrate\n/);
      assert.match(
        text,
        /\n    helm\.sh\/hook: pre-install,pre-upgrade\n    helm\.sh\/hook-weight: "-5"\n    helm\.sh\/hook-delete-policy: before-hook-creation,hook-succeeded\n/,
      );
      assert.match(text, /\n      restartPolicy: Never\n/);
      // The first tab stop, the name suffix, is selected for typing.
      assert.equal(document.getText(editor.selection), 'migrate');
      await waitFor('the placeholder diagnostic to go away', () =>
        ours(uri).some((diagnostic) => code(diagnostic) === 'unknown-hook-event') ? undefined : true,
      );
      const problems = ours(uri).filter(
        (diagnostic) =>
          diagnostic.severity !== vscode.DiagnosticSeverity.Information &&
          diagnostic.severity !== vscode.DiagnosticSeverity.Hint,
      );
      assert.deepEqual(
        problems.map((diagnostic) => `${code(diagnostic)}: ${diagnostic.message}`),
        [],
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('the YAML stand-in server checks plain YAML files but never sees a chart template', async () => {
    const plain = file('ci', 'values-ci.yaml');
    await writeFile(plain, 'tag: {{ not a template here }}\n');
    try {
      await open(plain);
      // Positive control: the stand-in is running and reports the `{{` of a file that is `yaml`.
      await waitFor('the YAML stand-in diagnostic on a plain YAML file', () =>
        vscode.languages.getDiagnostics(plain).some((diagnostic) => diagnostic.source === 'yaml-stand-in')
          ? true
          : undefined,
      );
      const template = await open(migrate());
      assert.equal(template.document.languageId, 'helm');
      const all = vscode.languages
        .getDiagnostics()
        .flatMap(([uri, diagnostics]) => diagnostics.map((diagnostic) => ({ uri, diagnostic })));
      const onTemplates = all.filter(
        ({ uri, diagnostic }) => diagnostic.source === 'yaml-stand-in' && uri.path.includes('/templates/'),
      );
      assert.deepEqual(
        onTemplates.map(({ uri }) => uri.path),
        [],
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(plain, '..'), { recursive: true });
    }
  });

  test('Problems lists the finding of a template no editor opened, once another file of its chart is open', async () => {
    // No test opens templates/backup-job.yaml. Its Job renders only with backup.enabled, false in values.yaml, so
    // Helm's order (and the Hook Order view) is the same without it; as written, its event "pre-upgarde" is one Helm
    // does not know.
    const backup = file('templates', 'backup-job.yaml');
    await open(file('templates', 'deployment.yaml'));
    const finding = await waitFor('the unknown-hook-event diagnostic of the unopened backup-job.yaml', () =>
      vscode.languages
        .getDiagnostics()
        .find(([uri]) => uri.fsPath === backup.fsPath)?.[1]
        .find((diagnostic) => diagnostic.source === 'helm-hooks' && code(diagnostic) === 'unknown-hook-event'),
    );
    // Line 8, `    helm.sh/hook: pre-upgarde`: the event starts after 4 + 14 characters and is 11 long.
    assert.deepEqual(
      [finding.range.start.line, finding.range.start.character, finding.range.end.line, finding.range.end.character],
      [7, 18, 7, 29],
    );
    assert.equal(finding.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual(ours(backup).map(code), ['unknown-hook-event'], 'the rest of the template is correct');
    assert.ok(
      !vscode.workspace.textDocuments.some((document) => document.uri.fsPath === backup.fsPath),
      'the template was never opened',
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
