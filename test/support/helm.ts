import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { REPO_ROOT } from './paths';

/**
 * The real Helm and kubectl binaries, the oracle of test/differential/. `npm run helm:fetch` puts them in .cache/helm/;
 * HELM4, HELM3 and KUBECTL override the paths.
 */
export type Binary = 'helm4' | 'helm3' | 'kubectl';
export type HelmMajor = 3 | 4;

const CACHE = join(REPO_ROOT, '.cache', 'helm');
const DEFAULT_PATHS: Record<Binary, string> = {
  helm4: join(CACHE, 'v4', 'helm', 'helm'),
  helm3: join(CACHE, 'v3', 'helm', 'helm'),
  kubectl: join(CACHE, 'v4', 'kubectl', 'kubectl'),
};
const OVERRIDES: Record<Binary, string> = { helm4: 'HELM4', helm3: 'HELM3', kubectl: 'KUBECTL' };

export function binaryPath(binary: Binary): string {
  return process.env[OVERRIDES[binary]] || DEFAULT_PATHS[binary];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Skips the test when a binary is missing, saying how to get it; under CI=true, fails instead, so that a broken
 * download cannot turn the oracle off unnoticed. Returns whether the test may go on.
 */
export function requireBinaries(t: TestContext, binaries: readonly Binary[] = ['helm4', 'helm3', 'kubectl']): boolean {
  const missing = binaries.filter((binary) => !isExecutable(binaryPath(binary)));
  if (missing.length === 0) return true;
  const message = `missing ${missing.map((binary) => `${binary} (${binaryPath(binary)})`).join(', ')}: run \`npm run helm:fetch\` or set ${missing.map((binary) => OVERRIDES[binary]).join('/')}`;
  if (process.env.CI === 'true') assert.fail(message);
  t.skip(message);
  return false;
}

let scratchRoot: string | undefined;

/** One scratch folder per test process, removed when it exits: HOME, XDG dirs, charts and files live here. */
function scratch(): string {
  if (!scratchRoot) {
    const root = mkdtempSync(join(tmpdir(), 'helm-hooks-diff-'));
    scratchRoot = root;
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return scratchRoot;
}

/** A clean environment, so that neither the caller's Helm settings nor its kubeconfig leak in, nor anything out. */
function isolatedEnv(): NodeJS.ProcessEnv {
  const home = join(scratch(), 'home');
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(binary: Binary, args: readonly string[]): RunResult {
  const result = spawnSync(binaryPath(binary), args, {
    env: isolatedEnv(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  if (result.error) throw new Error(`cannot run ${binary}: ${result.error.message}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let counter = 0;

function freshDir(prefix: string): string {
  const dir = join(scratch(), `${prefix}-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The chart's name, as Helm prints it in `# Source:` lines and error messages (`diff/templates/t.yaml`). */
export const CHART_NAME = 'diff';

/** Writes a minimal chart whose templates/ holds `templates` (file name → text); returns its directory. */
export function writeChart(templates: Readonly<Record<string, string>>): string {
  const chart = freshDir('chart');
  writeFileSync(join(chart, 'Chart.yaml'), `apiVersion: v2\nname: ${CHART_NAME}\nversion: 0.1.0\n`);
  for (const [name, text] of Object.entries(templates)) {
    const path = join(chart, 'templates', name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return chart;
}

/** `helm template CHART` (offline on both versions): exit code, rendered documents, INFO lines and errors. */
export function helmTemplate(chartDir: string, helm: HelmMajor): RunResult {
  return run(helm === 4 ? 'helm4' : 'helm3', ['template', 'r1', chartDir]);
}

/** A hook as Helm 4's parser records it (`hooks[]` of the release JSON); Helm omits empty fields, we default them. */
export interface ParsedHook {
  name: string;
  kind: string;
  path: string;
  events: string[];
  weight: number;
  delete_policies: string[];
  output_log_policies: string[];
}

export interface DryRunRelease {
  /** The normal (non-hook) manifests, as one YAML stream. */
  manifest: string;
  hooks: ParsedHook[];
  stderr: string;
}

/**
 * `helm install r1 CHART --dry-run=client -o json` with Helm 4, which needs no cluster: the exact output of Helm's
 * hook parser. Helm 3.18 still contacts an API server for this, so it is not offered.
 */
export function helmInstallDryRunJson(chartDir: string): DryRunRelease {
  const result = run('helm4', ['install', 'r1', chartDir, '--dry-run=client', '-o', 'json']);
  assert.equal(result.code, 0, `helm install --dry-run failed: ${result.stderr}`);
  const release = JSON.parse(result.stdout) as { manifest?: string; hooks?: Partial<ParsedHook>[] };
  const hooks = (release.hooks ?? []).map((hook) => ({
    name: hook.name ?? '',
    kind: hook.kind ?? '',
    path: hook.path ?? '',
    events: hook.events ?? [],
    weight: hook.weight ?? 0,
    delete_policies: hook.delete_policies ?? [],
    output_log_policies: hook.output_log_policies ?? [],
  }));
  return { manifest: release.manifest ?? '', hooks, stderr: result.stderr };
}

/**
 * Decodes a manifest the way kubectl does, offline: `kubectl label --local -f FILE probe=1 -o yaml`. Exit 1 with
 * `unable to decode … cannot unmarshal …` means Kubernetes would reject the object; exit 0 prints it, labelled.
 */
export function kubectlDecode(yamlText: string): RunResult {
  const file = join(freshDir('manifest'), 'object.yaml');
  writeFileSync(file, yamlText);
  return run('kubectl', ['label', '--local', '-f', file, 'probe=1', '-o', 'yaml']);
}

export interface DecodeOutcome {
  /** What kubectl said about this file on stderr; empty when it decoded. */
  error: string;
  /** The decoded, labelled object, when kubectl accepted the file. */
  object?: {
    metadata?: { name?: string; annotations?: Record<string, string | null>; labels?: Record<string, string> };
  };
}

/**
 * kubectlDecode for many manifests in one kubectl run (`-f` once per file, `-o json`): kubectl reports each file it
 * cannot decode on its own stderr line, naming the file, and prints the others in order.
 */
export function kubectlDecodeAll(yamlTexts: readonly string[]): DecodeOutcome[] {
  const dir = freshDir('manifests');
  const files = yamlTexts.map((text, index) => {
    const file = join(dir, `object-${index}.yaml`);
    writeFileSync(file, text);
    return file;
  });
  const result = run('kubectl', [
    'label',
    '--local',
    ...files.flatMap((file) => ['-f', file]),
    'probe=1',
    '-o',
    'json',
  ]);
  const errorLines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  const errors = files.map((file) =>
    errorLines.filter((line) => line.includes(`"${file}"`) || line.includes(`${file}:`)).join('\n'),
  );
  assert.equal(
    errors.filter((error) => error !== '').length,
    errorLines.length,
    `every kubectl error names one file:\n${result.stderr}`,
  );
  const printed = (result.stdout.match(/^\{$[\s\S]*?^\}$/gm) ?? []).map(
    (json) => JSON.parse(json) as DecodeOutcome['object'],
  );
  const accepted = errors.filter((error) => error === '').length;
  assert.equal(printed.length, accepted, 'kubectl printed one object per file it decoded');
  let next = 0;
  return errors.map((error) => (error === '' ? { error, object: printed[next++] } : { error }));
}
