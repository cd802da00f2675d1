import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { HelmMajor } from '../helm';
import { binaryPath, requireBinaries } from '../helm';
import type { KubeObject, RequestRecord, WorkloadScenario } from './server';
import { FakeKubeServer, isReleaseRecord } from './server';
import type {
  ClusterAction,
  HookRun,
  OperationTrace,
  TraceOperation,
  TraceStep,
} from '../../../server/src/engine/lifecycle/trace';

/**
 * Runs the real Helm against a FakeKubeServer and turns its request log into traces of what happened in the
 * cluster, in the types of the engine's lifecycle simulation (server/src/engine/lifecycle/trace.ts), so that the two
 * can be compared with deepEqual. Only the types are shared: what fills them here is Helm's own requests.
 */

export type { ClusterAction, HookRun, OperationTrace, TraceOperation, TraceStep };

/** A step, with arguments added to its helm command line; the real Helm runs its hooks, none made to fail here. */
export interface HelmStep extends Omit<TraceStep, 'failHook'> {
  args?: string[];
}

export interface RunOptions {
  /** The server to run against, emptied first; without one, a server is started for this run and closed after it. */
  server?: FakeKubeServer;
  /** Release name (default `r`). */
  release?: string;
  /** Release namespace (default `default`). */
  namespace?: string;
  /** Helm's `--timeout` for every step (default `20s`). */
  timeout?: string;
  /** What the toy controller does with each Job and Pod, by name (default: complete). */
  scenario?: Record<string, WorkloadScenario>;
  /** Kills a helm process that runs longer than this (default 60 s). */
  killAfterMs?: number;
}

export interface StepResult {
  step: HelmStep;
  argv: string[];
  code: number | null;
  /** Whether the harness killed helm for running past killAfterMs. */
  killed: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** The requests this step sent, in order. */
  requests: RequestRecord[];
  trace: OperationTrace;
}

export interface HelmRun {
  steps: StepResult[];
  traces: OperationTrace[];
  /** Every request of the run, in order. */
  requests: RequestRecord[];
}

const EVENTS: Record<TraceOperation, string[]> = {
  install: ['pre-install', 'post-install'],
  upgrade: ['pre-upgrade', 'post-upgrade'],
  rollback: ['pre-rollback', 'post-rollback'],
  uninstall: ['pre-delete', 'post-delete'],
  test: ['test'],
};

/** The events of `helm.sh/hook`, split as Helm does (comma, trim, lower case); `test-success` is `test`. */
function hookEvents(object: KubeObject | undefined): string[] | undefined {
  const value = object?.metadata?.annotations?.['helm.sh/hook'];
  if (typeof value !== 'string') return undefined;
  return value.split(',').map((event) => {
    const trimmed = event.trim().toLowerCase();
    return trimmed === 'test-success' ? 'test' : trimmed;
  });
}

const WRITES = new Set(['create', 'apply', 'update', 'patch', 'delete']);

/**
 * The trace of one helm command from its requests. An action is a write that succeeded: `create` when the object
 * did not exist before the request, `update` when it did, `delete` when it was deleted. A hook run is every create or
 * apply of a hook object for one of the operation's events, even one the API server refused. A hook with both of an
 * operation's events (`pre-install,post-install`) is created once per listed event, pre before post, so its n-th
 * creation in the command is its n-th event in that order. Helm's release records are neither.
 */
export function traceOf(
  operation: TraceOperation,
  requests: readonly RequestRecord[],
  namespace: string,
): OperationTrace {
  const actions: ClusterAction[] = [];
  const hookRuns: HookRun[] = [];
  const creations = new Map<string, number>();
  for (const request of requests) {
    if (!WRITES.has(request.verb) || request.subresource) continue;
    const kind = request.kind ?? '';
    const name = request.name ?? '';
    if (isReleaseRecord(request.object) || (kind === 'Secret' && name.startsWith('sh.helm.release.v1.'))) continue;
    const events = hookEvents(request.object);
    if ((request.verb === 'create' || request.verb === 'apply') && events) {
      const runs = EVENTS[operation].flatMap((candidate) => events.filter((event) => event === candidate));
      if (runs.length > 0) {
        const key = `${kind}/${name}`;
        const count = creations.get(key) ?? 0;
        creations.set(key, count + 1);
        const present = (request.storeBefore ?? [])
          .filter(
            (object) =>
              object.namespace === namespace &&
              !object.releaseRecord &&
              !object.controllerMade &&
              !(object.kind === kind && object.name === name),
          )
          .map((object) => `${object.kind}/${object.name}`)
          .sort();
        hookRuns.push({ event: runs[Math.min(count, runs.length - 1)], kind, name, present });
      }
    }
    if (request.status >= 300) continue;
    const verb =
      request.verb === 'delete'
        ? 'delete'
        : request.verb === 'create' || (request.verb === 'apply' && !request.existedBefore)
          ? 'create'
          : 'update';
    actions.push({ verb, kind, name });
  }
  return { operation, actions, hookRuns };
}

function argvOf(step: HelmStep, release: string, namespace: string, timeout: string): string[] {
  const common = ['--namespace', namespace, '--timeout', timeout];
  const values = (step.valuesFiles ?? []).flatMap((file) => ['-f', file]);
  const extra = step.args ?? [];
  switch (step.operation) {
    case 'install':
      return ['install', release, step.chartDir, ...values, ...common, ...extra];
    case 'upgrade':
      return ['upgrade', release, step.chartDir, ...values, ...common, ...extra];
    case 'rollback':
      return ['rollback', release, ...common, ...extra];
    case 'uninstall':
      return ['uninstall', release, ...common, ...extra];
    case 'test':
      return ['test', release, ...common, ...extra];
  }
}

let scratchRoot: string | undefined;

/** HOME, XDG dirs and the kubeconfig of one server, in a folder removed when the test process exits. */
function helmEnvironment(server: FakeKubeServer): NodeJS.ProcessEnv {
  if (!scratchRoot) {
    const root = mkdtempSync(join(tmpdir(), 'helm-hooks-fake-kube-'));
    scratchRoot = root;
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  const home = join(scratchRoot, new URL(server.url).port);
  mkdirSync(home, { recursive: true });
  const kubeconfig = join(home, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: fake',
      '  cluster:',
      `    server: ${server.url}`,
      'users:',
      '- name: fake',
      '  user: {}',
      'contexts:',
      '- name: fake',
      '  context:',
      '    cluster: fake',
      '    user: fake',
      'current-context: fake',
      '',
    ].join('\n'),
  );
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    KUBECONFIG: kubeconfig,
  };
}

function runProcess(
  path: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  killAfterMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${path}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

/**
 * Runs `steps` one after another on one release with the real Helm `major`, against an empty cluster (the runs of one
 * server must not overlap). A failing step does not stop the run: its exit code and output are in the result, and the
 * next step runs.
 */
export async function runHelmOperations(
  major: HelmMajor,
  steps: readonly HelmStep[],
  options: RunOptions = {},
): Promise<HelmRun> {
  if (!options.server) {
    const server = await FakeKubeServer.start();
    try {
      return await runHelmOperations(major, steps, { ...options, server });
    } finally {
      await server.close();
    }
  }
  const server = options.server;
  const release = options.release ?? 'r';
  const namespace = options.namespace ?? 'default';
  const timeout = options.timeout ?? '20s';
  const binary = binaryPath(major === 4 ? 'helm4' : 'helm3');
  const env = helmEnvironment(server);
  server.reset(options.scenario ?? {});
  const results: StepResult[] = [];
  for (const step of steps) {
    const first = server.requests.length;
    const argv = argvOf(step, release, namespace, timeout);
    const started = Date.now();
    const outcome = await runProcess(binary, argv, env, options.killAfterMs ?? 60_000);
    const requests = server.requests.slice(first);
    results.push({
      step,
      argv,
      ...outcome,
      durationMs: Date.now() - started,
      requests,
      trace: traceOf(step.operation, requests, namespace),
    });
  }
  return { steps: results, traces: results.map((result) => result.trace), requests: [...server.requests] };
}

/** Asserts that a step exited 0, showing helm's output otherwise. */
export function assertSucceeded(result: StepResult): void {
  assert.equal(
    result.code,
    0,
    `helm ${result.argv.join(' ')} exited ${result.code}${result.killed ? ' (killed)' : ''}:\n${result.stdout}\n${result.stderr}`,
  );
}

/** requireBinaries for the Helm majors a test runs (skips, or fails under CI=true, when one is missing). */
export function requireHelm(t: TestContext, majors: readonly HelmMajor[] = [4, 3]): boolean {
  return requireBinaries(
    t,
    majors.map((major) => (major === 4 ? 'helm4' : 'helm3')),
  );
}
