import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ClientCapabilities, Diagnostic, Range } from 'vscode-languageserver-protocol/node';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from '../support/paths';
import type { JsonFinding } from '../unit/cli/cli-harness';
import { runCli } from '../unit/cli/cli-harness';
import { cliFindingKey, diagnosticKey } from './finding-keys';
import { CAPABILITIES, LspClient } from './lsp-client';

/**
 * Problems lists the whole chart a user works on, not only the files open: issue 16's case is examples/shop with only
 * templates/secret.yaml open, where `helm-hooks lint` reports a pre-install Job (db-migrate-job.yaml) that reads this
 * Secret before Helm creates it.
 */
const SHOP = join(REPO_ROOT, 'examples', 'shop');
const SECRET = join(SHOP, 'templates', 'secret.yaml');
const JOB = join(SHOP, 'templates', 'db-migrate-job.yaml');
const SECRET_URI = pathToFileURL(SECRET).href;
const JOB_URI = pathToFileURL(JOB).href;
const EVALUATION_MS = 30_000;

/** Where the Job reads the Secret: the value of `name:` under its secretKeyRef, to the end of that line. */
function secretKeyRefName(): Range {
  const lines = readFileSync(JOB, 'utf8').split('\n');
  const line = lines.findIndex((text) => text.includes('secretKeyRef:')) + 1;
  assert.match(lines[line]!, /^\s+name: \{\{ include "shop\.fullname" \. \}\}-db$/);
  return { start: { line, character: lines[line]!.indexOf('{{') }, end: { line, character: lines[line]!.length } };
}

/** Where the Secret is created: its metadata.name value. */
function secretName(): Range {
  const lines = readFileSync(SECRET, 'utf8').split('\n');
  const line = lines.findIndex((text) => text.startsWith('  name: '));
  return { start: { line, character: '  name: '.length }, end: { line, character: lines[line]!.length } };
}

/** The diagnostics of the last full report a workspace pull brought for `uri`. */
function streamed(client: LspClient, uri: string): Diagnostic[] | undefined {
  const item = client.latestWorkspaceItem(uri);
  return item?.kind === 'full' ? item.items : undefined;
}

const readsTheSecretTooEarly = (diagnostics: Diagnostic[] | undefined) =>
  diagnostics?.find((diagnostic) => diagnostic.code === 'hook-dependency-unavailable');

/** The last diagnostics published for each file. */
function latestPublished(client: LspClient): Map<string, Diagnostic[]> {
  const latest = new Map<string, Diagnostic[]>();
  for (const publish of client.publishes) latest.set(publish.params.uri, publish.params.diagnostics);
  return latest;
}

/** Asks `probe` every 100 ms (each answer a request to the server) until it gives a value, or fails after `timeoutMs`. */
async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const PULL_CAPABILITIES: ClientCapabilities = {
  ...CAPABILITIES,
  workspace: { ...CAPABILITIES.workspace, diagnostics: { refreshSupport: true } },
  textDocument: {
    ...CAPABILITIES.textDocument,
    diagnostic: { relatedInformation: true, codeDescriptionSupport: true },
  },
};

describe('language server: the findings of every file of a chart with an open file', () => {
  let client: LspClient;

  before(async () => {
    ({ client } = await LspClient.start());
  });

  after(async () => {
    if (client.exitCode === null) await client.shutdown();
  });

  it('publishes, with only secret.yaml open, the pre-install Job that reads that Secret too early, at its secretKeyRef', async () => {
    await client.open(SECRET);
    const diagnostic = await client.waitFor(
      'hook-dependency-unavailable on db-migrate-job.yaml',
      () => readsTheSecretTooEarly(latestPublished(client).get(JOB_URI)),
      EVALUATION_MS,
    );
    assert.deepEqual(diagnostic.range, secretKeyRefName());
    assert.equal(diagnostic.severity, DiagnosticSeverity.Error);
    assert.deepEqual(
      diagnostic.relatedInformation?.map((related) => related.location),
      [{ uri: SECRET_URI, range: secretName() }],
    );
    const published = client.publishes.filter((publish) => publish.params.uri === JOB_URI);
    assert.ok(
      published.every((publish) => publish.params.version === undefined),
      'the Job is not open: its diagnostics carry no version',
    );
  });

  it("reports the same findings, over all the chart's files, as helm-hooks lint on the chart", async () => {
    const cli = runCli(['lint', '.', '--format', 'json'], SHOP);
    assert.equal(cli.status, 1, cli.stderr);
    const expected = (JSON.parse(cli.stdout) as { findings: JsonFinding[] }).findings
      .map((finding) => cliFindingKey(SHOP, finding))
      .sort();
    assert.ok(expected.length >= 7, expected.join('\n'));
    const reported = () =>
      [...latestPublished(client)]
        .flatMap(([uri, diagnostics]) => diagnostics.map((diagnostic) => diagnosticKey(uri, diagnostic)))
        .sort();
    await client
      .waitFor(
        'the editor to report what the CLI reports',
        () => JSON.stringify(reported()) === JSON.stringify(expected),
        EVALUATION_MS,
      )
      .catch(() => undefined);
    assert.deepEqual(reported(), expected);
  });

  it("clears the findings of the chart's other files when its last open file closes", async () => {
    const withFindings = [...latestPublished(client)]
      .filter(([uri, diagnostics]) => uri !== SECRET_URI && diagnostics.length > 0)
      .map(([uri]) => uri);
    assert.ok(withFindings.includes(JOB_URI));
    await client.close(SECRET_URI);
    await client.waitFor(
      'every file of the chart cleared',
      () => [...latestPublished(client).values()].every((diagnostics) => diagnostics.length === 0) || undefined,
    );
  });

  it('logged no handler error in this session', () => {
    assert.deepEqual(client.handlerErrors, []);
  });
});

describe('language server: the files that are not open, as written (no evaluation thread)', () => {
  it('reports a file that is not open anew when it changes on disk', async () => {
    const { client } = await LspClient.start({ initializationOptions: { debounceMs: 0, evaluate: false } });
    const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-lsp-chart-'));
    try {
      const chart = join(scratch, 'shop');
      cpSync(SHOP, chart, { recursive: true });
      const job = join(chart, 'templates', 'db-migrate-job.yaml');
      const jobUri = pathToFileURL(job).href;
      const unquoted = () =>
        latestPublished(client)
          .get(jobUri)
          ?.find((diagnostic) => diagnostic.code === 'unquoted-hook-weight');
      const secretUri = await client.open(join(chart, 'templates', 'secret.yaml'));
      await client.waitFor('the unquoted weight of the Job on disk', unquoted);
      writeFileSync(job, readFileSync(job, 'utf8').replace('helm.sh/hook-weight: -5', 'helm.sh/hook-weight: "-5"'));
      await client.fileChanged(job);
      await client.waitFor(
        'the Job reported without it',
        () => (latestPublished(client).get(jobUri) !== undefined && !unquoted()) || undefined,
      );
      await client.close(secretUri);
      assert.deepEqual(client.handlerErrors, []);
    } finally {
      await client.shutdown();
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('language server: helmHooks.diagnostics.scope', () => {
  let client: LspClient;

  before(async () => {
    ({ client } = await LspClient.start({
      settings: { diagnostics: { scope: 'openFiles' }, trace: { server: 'verbose' } },
    }));
  });

  after(async () => {
    if (client.exitCode === null) await client.shutdown();
  });

  it('with openFiles, sends nothing for the files that are not open, even once the chart is evaluated', async () => {
    await client.open(SECRET);
    // The evaluated pass is the last: the server logs it once its diagnostics have gone out.
    await client.waitFor(
      'the evaluation of the chart',
      () => client.logs.some((log) => log.message.includes('evaluated shop in')),
      EVALUATION_MS,
    );
    assert.deepEqual([...new Set(client.publishes.map((publish) => publish.params.uri))], [SECRET_URI]);
  });

  it('follows a change of the setting: chart reports the files that are not open, openFiles clears them', async () => {
    await client.changeSettings({ diagnostics: { scope: 'chart' }, trace: { server: 'verbose' } });
    await client.waitFor('the Job reported', () => readsTheSecretTooEarly(latestPublished(client).get(JOB_URI)));
    await client.changeSettings({ diagnostics: { scope: 'openFiles' }, trace: { server: 'verbose' } });
    await client.waitFor('the Job cleared', () => latestPublished(client).get(JOB_URI)?.length === 0 || undefined);
    assert.deepEqual(client.handlerErrors, []);
  });
});

describe('language server: pull diagnostics (LSP 3.17) for a client that declares them', () => {
  let client: LspClient;

  before(async () => {
    ({ client } = await LspClient.start({ capabilities: PULL_CAPABILITIES }));
  });

  after(async () => {
    if (client.exitCode === null) await client.shutdown();
  });

  it('declares a diagnostic provider with workspace diagnostics to it, and none to a client that cannot pull', async () => {
    for (const [capabilities, expected] of [
      [PULL_CAPABILITIES, { interFileDependencies: true, workspaceDiagnostics: true }],
      [CAPABILITIES, undefined],
    ] as const) {
      const { client: other, initialize } = await LspClient.start({ capabilities });
      await other.shutdown();
      assert.deepEqual(initialize.capabilities.diagnosticProvider, expected);
    }
  });

  it("answers the open file's pull and streams the unopened Job's finding to the open workspace pull, publishing nothing", async () => {
    const workspace = client.pullWorkspace();
    await client.open(SECRET);
    assert.deepEqual(await client.pullDiagnostics(SECRET_URI), []);
    const diagnostic = await client.waitFor(
      'hook-dependency-unavailable streamed for db-migrate-job.yaml',
      () => readsTheSecretTooEarly(streamed(client, JOB_URI)),
      EVALUATION_MS,
    );
    assert.deepEqual(diagnostic.range, secretKeyRefName());
    assert.equal(diagnostic.severity, DiagnosticSeverity.Error);
    assert.deepEqual(client.publishes, []);
    let answered = false;
    void workspace.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(answered, false, 'the workspace pull stays open for the next change');
  });

  it("streams the Job cleared when the chart's last open file closes", async () => {
    await client.close(SECRET_URI);
    await client.waitFor('the Job cleared in the stream', () => streamed(client, JOB_URI)?.length === 0 || undefined);
    assert.deepEqual(client.publishes, []);
  });

  it("asks the client to pull again when an edit of another file changes an open file's findings", async () => {
    const jobUri = await client.open(JOB);
    const secretUri = await client.open(SECRET);
    await poll(
      'the evaluated finding pulled for the open Job',
      async () => readsTheSecretTooEarly(await client.pullDiagnostics(jobUri)),
      EVALUATION_MS,
    );
    const refreshes = client.diagnosticRefreshes;
    // The Secret becomes a pre-install hook that runs before the Job (weight -10 < -5): nothing reads it too early.
    const hooked = readFileSync(SECRET, 'utf8').replace(
      '  labels:\n',
      '  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "-10"\n  labels:\n',
    );
    await client.change(secretUri, hooked);
    await client.waitFor(
      'a diagnostic refresh',
      () => client.diagnosticRefreshes > refreshes || undefined,
      EVALUATION_MS,
    );
    await poll(
      'the Job pulled without the finding',
      async () => (readsTheSecretTooEarly(await client.pullDiagnostics(jobUri)) ? undefined : true),
      EVALUATION_MS,
    );
    assert.deepEqual(client.publishes, []);
    await client.close(secretUri);
    await client.close(jobUri);
  });

  it('logged no handler error in this session', () => {
    assert.deepEqual(client.handlerErrors, []);
  });
});

describe('language server: a pull client that declares only what LSP 3.17 has for pulls', () => {
  it('gets related information as its publishDiagnostics capability allows', async () => {
    const capabilities: ClientCapabilities = {
      ...CAPABILITIES,
      textDocument: { ...CAPABILITIES.textDocument, diagnostic: { dynamicRegistration: false } },
    };
    const { client } = await LspClient.start({ capabilities });
    try {
      const uri = await client.open(JOB);
      const diagnostic = await poll(
        'the evaluated finding pulled for the Job',
        async () => readsTheSecretTooEarly(await client.pullDiagnostics(uri)),
        EVALUATION_MS,
      );
      assert.deepEqual(
        diagnostic.relatedInformation?.map((related) => related.location),
        [{ uri: SECRET_URI, range: secretName() }],
      );
    } finally {
      await client.shutdown();
    }
  });
});

describe('language server: a pull client that never asks for workspace diagnostics', () => {
  it('gets the unopened files published, and withdrawn once it asks for them through a workspace pull', async () => {
    const { client } = await LspClient.start({ capabilities: PULL_CAPABILITIES });
    try {
      await client.open(SECRET);
      await client.waitFor(
        'the Job published',
        () => readsTheSecretTooEarly(latestPublished(client).get(JOB_URI)),
        EVALUATION_MS,
      );
      assert.ok(
        !client.publishes.some((publish) => publish.params.uri === SECRET_URI),
        'the open file is pulled, not published',
      );
      const answer = await client.pullWorkspace([], false);
      const job = answer.items.find((item) => item.uri === JOB_URI);
      assert.ok(job?.kind === 'full' && readsTheSecretTooEarly(job.items));
      await client.waitFor(
        'the published copy withdrawn',
        () => latestPublished(client).get(JOB_URI)?.length === 0 || undefined,
      );
      assert.deepEqual(client.handlerErrors, []);
    } finally {
      await client.shutdown();
    }
  });
});

describe('language server: workspace pulls without partial results', () => {
  it(
    "holds a pull that knows every result id, whatever their URIs' escaping, until a pass changes something, then answers with that file alone",
    { timeout: 60_000 },
    async () => {
      const { client } = await LspClient.start({ capabilities: PULL_CAPABILITIES });
      const known = new Map<string, string>();
      // The ids go back under URIs escaped otherwise than the server's, as VS Code's client escapes a '+' (here an 'e').
      const escaped = (uri: string) => uri.replace('/examples/', '/%65xamples/');
      const pull = async () => {
        const answer = await client.pullWorkspace(
          [...known].map(([uri, value]) => ({ uri: escaped(uri), value })),
          false,
        );
        for (const item of answer.items) if (item.resultId !== undefined) known.set(item.uri, item.resultId);
        return answer.items;
      };
      try {
        await client.open(SECRET);
        // Each answer brings what changed since the ids it was given, until the evaluated finding has come.
        while (!readsTheSecretTooEarly(streamed(client, JOB_URI))) await pull();
        let answered = false;
        const next = pull().then((items) => {
          answered = true;
          return items;
        });
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.equal(answered, false, 'nothing changed: the pull waits');
        const hooked = readFileSync(SECRET, 'utf8').replace(
          '  labels:\n',
          '  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "-10"\n  labels:\n',
        );
        await client.change(SECRET_URI, hooked);
        assert.deepEqual(
          (await next).map((item) => item.uri),
          [SECRET_URI],
          'only the edited file: the Job waits for the evaluation',
        );
        assert.deepEqual(client.handlerErrors, []);
      } finally {
        await client.shutdown();
      }
    },
  );
});
