import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Diagnostic, DiagnosticSeverity, Range } from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from '../support/paths';
import { JsonFinding, runCli } from '../unit/cli/cli-harness';
import { LspClient } from './lsp-client';

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

const readsTheSecretTooEarly = (diagnostics: Diagnostic[] | undefined) => diagnostics?.find((diagnostic) => diagnostic.code === 'hook-dependency-unavailable');

/** A finding as `file line:column-line:column severity rule`, 0-based, from the CLI's JSON or an LSP diagnostic. */
function cliKey(finding: JsonFinding): string {
  return `${join(SHOP, finding.file)} ${finding.line - 1}:${finding.column - 1}-${finding.endLine - 1}:${finding.endColumn - 1} ${finding.severity} ${finding.rule}`;
}

const SEVERITY_NAMES: Record<number, string> = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning', [DiagnosticSeverity.Information]: 'info' };

function lspKey(uri: string, diagnostic: Diagnostic): string {
  const { start, end } = diagnostic.range;
  return `${fileURLToPath(uri)} ${start.line}:${start.character}-${end.line}:${end.character} ${SEVERITY_NAMES[diagnostic.severity!]} ${String(diagnostic.code)}`;
}

/** The last diagnostics published for each file. */
function latestPublished(client: LspClient): Map<string, Diagnostic[]> {
  const latest = new Map<string, Diagnostic[]>();
  for (const publish of client.publishes) latest.set(publish.params.uri, publish.params.diagnostics);
  return latest;
}

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
    const diagnostic = await client.waitFor('hook-dependency-unavailable on db-migrate-job.yaml', () => readsTheSecretTooEarly(latestPublished(client).get(JOB_URI)), EVALUATION_MS);
    assert.deepEqual(diagnostic.range, secretKeyRefName());
    assert.equal(diagnostic.severity, DiagnosticSeverity.Error);
    assert.deepEqual(diagnostic.relatedInformation?.map((related) => related.location), [{ uri: SECRET_URI, range: secretName() }]);
    const published = client.publishes.filter((publish) => publish.params.uri === JOB_URI);
    assert.ok(published.every((publish) => publish.params.version === undefined), 'the Job is not open: its diagnostics carry no version');
  });

  it('reports the same findings, over all the chart\'s files, as helm-hooks lint on the chart', async () => {
    const cli = runCli(['lint', '.', '--format', 'json'], SHOP);
    assert.equal(cli.status, 1, cli.stderr);
    const expected = (JSON.parse(cli.stdout) as { findings: JsonFinding[] }).findings.map(cliKey).sort();
    assert.ok(expected.length >= 7, expected.join('\n'));
    const reported = () => [...latestPublished(client)].flatMap(([uri, diagnostics]) => diagnostics.map((diagnostic) => lspKey(uri, diagnostic))).sort();
    await client.waitFor('the editor to report what the CLI reports', () => JSON.stringify(reported()) === JSON.stringify(expected), EVALUATION_MS).catch(() => undefined);
    assert.deepEqual(reported(), expected);
  });

  it('clears the findings of the chart\'s other files when its last open file closes', async () => {
    const withFindings = [...latestPublished(client)].filter(([uri, diagnostics]) => uri !== SECRET_URI && diagnostics.length > 0).map(([uri]) => uri);
    assert.ok(withFindings.includes(JOB_URI));
    await client.close(SECRET_URI);
    await client.waitFor('every file of the chart cleared', () => [...latestPublished(client).values()].every((diagnostics) => diagnostics.length === 0) || undefined);
  });

  it('logged no handler error in this session', () => {
    assert.deepEqual(client.handlerErrors, []);
  });
});

describe('language server: helmHooks.diagnostics.scope', () => {
  let client: LspClient;

  before(async () => {
    ({ client } = await LspClient.start({ settings: { diagnostics: { scope: 'openFiles' }, trace: { server: 'verbose' } } }));
  });

  after(async () => {
    if (client.exitCode === null) await client.shutdown();
  });

  it('with openFiles, sends nothing for the files that are not open, even once the chart is evaluated', async () => {
    await client.open(SECRET);
    // The evaluated pass is the last: the server logs it once its diagnostics have gone out.
    await client.waitFor('the evaluation of the chart', () => client.logs.some((message) => message.includes('evaluated shop in')), EVALUATION_MS);
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
