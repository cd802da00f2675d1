import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI, FIXTURES } from '../../support/paths';

export const CHARTS = join(FIXTURES, 'charts');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process was killed, e.g. by the timeout. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

/** Runs the bundled CLI the way a user does: `node dist/cli.js ARGS` in `cwd`, without a TTY. */
export function runCli(args: string[], cwd: string, timeoutMs = 60_000): CliResult {
  assert.ok(existsSync(CLI), `${CLI} is missing: run "npm run build" first`);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  if (result.error && !timedOut) throw result.error;
  return {
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    signal: result.signal,
    timedOut,
  };
}

export interface JsonEdit {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning' | 'info';
  rule: string;
  message: string;
  help: string;
  related: { file: string; line: number; column: number; message: string }[];
  fixes: { title: string; safe: boolean; edits: JsonEdit[] }[];
}

export interface JsonOutput {
  version: number;
  findings: JsonFinding[];
  summary: { charts: number; files: number; hooks: number; errors: number; warnings: number; infos: number };
}

/** Runs `lint --format json` and parses stdout; the caller still checks the exit status. */
export function lintJson(args: string[], cwd: string): { result: CliResult; output: JsonOutput } {
  const result = runCli(['lint', '--format', 'json', ...args], cwd);
  let output: JsonOutput;
  try {
    output = JSON.parse(result.stdout) as JsonOutput;
  } catch {
    assert.fail(`stdout is not JSON (exit ${result.status}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return { result, output };
}

/** `file:line:col rule` of each finding, the compact form most assertions compare. */
export function where(output: JsonOutput): string[] {
  return output.findings.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.rule}`);
}

const created: string[] = [];

/** A fresh directory under the OS temp dir, removed by `removeTempDirs`. */
export function tempDir(prefix = 'helm-hooks-cli-'): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  created.push(directory);
  return directory;
}

/** For `after()`: removes every directory `tempDir` made, making chmod-000 files removable first. */
export function removeTempDirs(): void {
  for (const directory of created.splice(0)) {
    chmodTree(directory);
    rmSync(directory, { recursive: true, force: true });
  }
}

function chmodTree(path: string): void {
  try {
    chmodSync(path, 0o700);
  } catch {
    return;
  }
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch {
    return;
  }
  for (const entry of entries) chmodTree(join(path, entry));
}

/** Copies a fixture chart into a fresh temp directory and returns the copy's path. */
export function copyFixture(name: string, into = tempDir()): string {
  const target = join(into, name);
  cpSync(join(CHARTS, name), target, { recursive: true });
  return target;
}

/** Writes files (paths relative to `root`), creating directories; returns `root`. */
export function writeFiles(root: string, files: Record<string, string | Buffer>): string {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

export const CHART_YAML = 'apiVersion: v2\nname: probe\nversion: 0.1.0\n';

/** A ConfigMap hook whose only possible finding is about its `helm.sh/hook` value. */
export function hookConfigMap(name: string, hook: string): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: {{ .Release.Name }}-${name}`,
    '  annotations:',
    `    helm.sh/hook: ${hook}`,
    '    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
    'data: {}',
    '',
  ].join('\n');
}

/** The CLI reported a problem the way the README promises: exit 2, one line on stderr, no stack trace, no hang. */
export function assertUsageFailure(result: CliResult, pattern: RegExp): void {
  assert.equal(result.timedOut, false, 'the CLI finished');
  assert.equal(result.status, 2, `exit status 2 (stderr: ${result.stderr})`);
  assertNoStackTrace(result);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `exactly one stderr line, got:\n${result.stderr}`);
  assert.match(lines[0]!, /^helm-hooks: /);
  assert.match(lines[0]!, pattern);
}

export function assertNoStackTrace(result: CliResult): void {
  assert.doesNotMatch(result.stderr, /^(?: {4}|\t)at /m, 'no stack trace on stderr');
  assert.doesNotMatch(result.stdout, /^(?: {4}|\t)at /m, 'no stack trace on stdout');
  assert.doesNotMatch(result.stderr, /internal error/, 'no internal error');
}
