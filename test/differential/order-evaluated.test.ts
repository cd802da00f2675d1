import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../server/src/cli/main';
import { requireBinaries, run } from '../support/helm';
import { FIXTURES } from '../support/paths';

/**
 * `helm-hooks order` on the evaluated view against Helm 4 itself: the hooks Helm parses from its own render (names,
 * kinds, weights, events as `helm install --dry-run=client -o json` stores them, already sorted by kind), put in the
 * order Helm runs them (pkg/action/hooks.go: the event's hooks, then sort.Stable by weight, then name), and the
 * release resources in the order of Helm's manifest.
 */

const SHOP = join(FIXTURES, 'order-evaluated', 'shop');
const BIG_WEIGHTS = join(FIXTURES, 'order-evaluated', 'big-weights');

interface Step {
  event?: string;
  hooks?: { position: number | null; weight: number | string | null; kind: string | null; name: string | null }[];
  resources?: { kind: string | null; name: string | null }[];
}

async function ours(args: string[], chart = SHOP): Promise<{ releaseName: string; steps: Step[] }> {
  let stdout = '';
  let stderr = '';
  const status = await main(['order', chart, '--format', 'json', ...args], {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  assert.equal(status, 0, stderr);
  assert.equal(stderr, '');
  const order = JSON.parse(stdout) as { releaseName: string; operations: { steps: Step[] }[] };
  assert.equal(order.operations.length, 1);
  return { releaseName: order.releaseName, steps: order.operations[0]!.steps };
}

interface HelmHook {
  kind: string;
  name: string;
  /** Helm's weights are Go ints (64-bit): exact only as a bigint. */
  weight: bigint;
  events: string[];
}

/** Helm's run order of one event: its stored hooks (sortHooksByKind order), once per occurrence, stably by weight and name. */
function runOrder(hooks: HelmHook[], event: string): string[] {
  const selected = hooks.flatMap((hook) => hook.events.filter((candidate) => candidate === event).map(() => hook));
  // Array.prototype.sort is stable, as sort.Stable is; names compare byte-wise.
  selected.sort(
    (a, b) =>
      (a.weight < b.weight ? -1 : a.weight > b.weight ? 1 : 0) ||
      Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)),
  );
  return selected.map((hook) => `${hook.weight} ${hook.kind} ${hook.name}`);
}

function helmInstall(release: string, args: string[], chart = SHOP): { hooks: HelmHook[]; resources: string[] } {
  const result = run('helm4', ['install', release, chart, '--dry-run=client', '-o', 'json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  // JSON.parse would read a weight as a double: each is read as its decimal text instead.
  const exactWeights = result.stdout.replace(/"weight":(-?\d+)/g, '"weight":"$1"');
  const parsed = JSON.parse(exactWeights) as {
    manifest?: string;
    hooks?: { kind: string; name: string; weight?: string; events?: string[] }[];
  };
  const hooks = (parsed.hooks ?? []).map((hook) => ({
    kind: hook.kind,
    name: hook.name,
    weight: BigInt(hook.weight ?? 0),
    events: hook.events ?? [],
  }));
  // The manifest lists the release resources in the order Helm creates them.
  const resources = (parsed.manifest ?? '').split(/^---$/m).flatMap((document) => {
    const kind = /^kind: (\S+)$/m.exec(document)?.[1];
    const name = /^ {2}name: (\S+)$/m.exec(document)?.[1];
    return kind && name ? [`${kind} ${name}`] : [];
  });
  return { hooks, resources };
}

function hookLines(step: Step | undefined): string[] {
  assert.ok(step?.hooks, 'a hook step');
  return step.hooks.map((hook) => `${hook.weight} ${hook.kind} ${hook.name}`);
}

describe('helm-hooks order against the order Helm 4 runs the rendered hooks in', () => {
  for (const [release, args, title] of [
    ['prod', [], 'default values, release prod'],
    ['abc', [], 'default values, release abc (the weight-5 tie goes the other way)'],
    ['release-name', ['-f', join(SHOP, 'migrate-first.yaml')], 'a -f file that moves the migrate Job first'],
  ] as const) {
    it(`install with ${title}: the same hooks, weights and order, and the release resources in Helm's order`, async (t) => {
      if (!requireBinaries(t, ['helm4'])) return;
      const helm = helmInstall(release, [...args]);
      const order = await ours(['--operation', 'install', '--release-name', release, ...args]);
      assert.equal(order.releaseName, release);
      const [pre, resources, post] = order.steps;
      const expected = runOrder(helm.hooks, 'pre-install');
      // Positive control: the fixture's hooks all reach Helm, the subchart's among them.
      assert.equal(expected.length, 5);
      assert.ok(expected.includes(`-1 ConfigMap ${release}-audit`));
      assert.deepEqual(hookLines(pre), expected);
      assert.deepEqual(
        pre!.hooks!.map((hook) => hook.position),
        [1, 2, 3, 4, 5],
        'with one release name every place is certain',
      );
      assert.deepEqual(hookLines(post), runOrder(helm.hooks, 'post-install'));
      assert.deepEqual(
        resources!.resources!.map((resource) => `${resource.kind} ${resource.name}`),
        helm.resources,
      );
    });
  }

  it("without --release-name, the order shown is Helm's for release-name, and a place is claimed only where no name can change it", async (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const order = await ours(['--operation', 'install']);
    assert.equal(order.releaseName, 'release-name');
    const pre = order.steps[0];
    assert.deepEqual(hookLines(pre), runOrder(helmInstall('release-name', []).hooks, 'pre-install'));
    assert.deepEqual(
      pre!.hooks!.map((hook) => hook.position),
      [1, 2, 3, null, null],
    );
    // The tie left open is real: releases prod and abc order the two weight-5 hooks differently.
    const tie = (release: string) =>
      runOrder(helmInstall(release, []).hooks, 'pre-install')
        .slice(3)
        .map((line) => line.split(' ')[1]);
    assert.deepEqual(tie('prod'), ['ServiceAccount', 'Job']);
    assert.deepEqual(tie('abc'), ['Job', 'ServiceAccount']);
  });

  it('upgrade as `helm template --is-upgrade` renders it: the Job whose event follows IsUpgrade runs on pre-upgrade', async (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const result = run('helm4', ['template', 'prod', SHOP, '--is-upgrade']);
    assert.equal(result.code, 0, result.stderr);
    const hooks: HelmHook[] = result.stdout.split(/^---$/m).flatMap((document) => {
      const events = /^ {4}helm\.sh\/hook: (.+)$/m.exec(document)?.[1];
      if (events === undefined) return [];
      return [
        {
          kind: /^kind: (\S+)$/m.exec(document)![1]!,
          name: /^ {2}name: (\S+)$/m.exec(document)![1]!,
          weight: BigInt(/^ {4}helm\.sh\/hook-weight: "(-?\d+)"$/m.exec(document)?.[1] ?? 0),
          events: events.split(','),
        },
      ];
    });
    const expected = runOrder(hooks, 'pre-upgrade');
    // Distinct weights: the order does not depend on how Helm sorted by kind and path before.
    assert.equal(new Set(expected.map((line) => line.split(' ')[0])).size, expected.length);
    assert.ok(expected.includes('-1 Job prod-shop-schema'));
    assert.deepEqual(hookLines((await ours(['--operation', 'upgrade', '--release-name', 'prod'])).steps[0]), expected);
  });

  it("orders weights past 2^53 exactly, as Helm's 64-bit ints: 9007199254740992 before 9007199254740993 whatever the names", async (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const expected = runOrder(helmInstall('prod', [], BIG_WEIGHTS).hooks, 'pre-install');
    // Positive control: Helm stores both weights exactly, and by name alone the heavier hook would run first.
    assert.deepEqual(expected, ['9007199254740992 ConfigMap b-lighter', '9007199254740993 ConfigMap a-heavier']);
    const order = await ours(['--operation', 'install', '--release-name', 'prod'], BIG_WEIGHTS);
    assert.deepEqual(hookLines(order.steps[0]), expected);
    assert.deepEqual(
      order.steps[0]!.hooks!.map((hook) => hook.position),
      [1, 2],
    );
  });
});
