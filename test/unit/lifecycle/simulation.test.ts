import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HelmDeployer } from '../../../server/src/engine/lifecycle/helm-deployer';
import type { ChartRevision, RevisionHook, RevisionResource } from '../../../server/src/engine/lifecycle/model';
import { revisionOf } from '../../../server/src/engine/lifecycle/model';
import type { Moment, OperationRun } from '../../../server/src/engine/lifecycle/simulation';
import { simulate } from '../../../server/src/engine/lifecycle/simulation';
import type { HookEvent } from '../../../server/src/engine/model/hook';

/**
 * The simulation against the runtime vectors of ../shared/reference/helm-hooks.md §9.2, which were observed with the
 * real Helm v4.1.4 and v3.18.0 against a recording fake API server; each test names its vector. The hooks are listed
 * per event in the order Helm's key gives (the order module's job, tested on its own).
 */

const NS = 'default';

function hook(kind: string, name: string, events: HookEvent[], deletePolicies: string[] = []): RevisionHook<string> {
  return { kind, name, namespace: NS, events, deletePolicies, source: `${kind}/${name}` };
}

function resource(kind: string, name: string, extra: Partial<RevisionResource<string>> = {}): RevisionResource<string> {
  return { kind, name, namespace: NS, source: `${kind}/${name}`, ...extra };
}

/** A revision whose hooks run in the order listed, per event. */
function revision(hooks: RevisionHook<string>[], resources: RevisionResource<string>[] = []): ChartRevision<string> {
  const events = new Map<HookEvent, RevisionHook<string>[]>();
  for (const entry of hooks) for (const event of entry.events) events.set(event, [...(events.get(event) ?? []), entry]);
  return revisionOf(events, resources);
}

function actions(history: OperationRun<string>[], helmVersion: 3 | 4 = 4, run?: number): string[] {
  const { cluster } = simulate(new HelmDeployer(helmVersion), history);
  return cluster.actions
    .filter((action) => run === undefined || action.run === run)
    .map((action) => `${action.verb} ${action.ref.kind}/${action.ref.name}`);
}

function hookMoment(
  history: OperationRun<string>[],
  run: number,
  name: string,
  helmVersion: 3 | 4 = 4,
): Extract<Moment<string>, { type: 'hook' }> {
  const { cluster } = simulate(new HelmDeployer(helmVersion), history);
  const moment = cluster.moments.find(
    (entry): entry is Extract<Moment<string>, { type: 'hook' }> =>
      entry.type === 'hook' && entry.run === run && entry.hook.name === name,
  );
  assert.ok(moment, `a moment for ${name} in run ${run}`);
  return moment;
}

function presentAt(moment: {
  present: { objects: ReadonlyMap<string, { ref: { kind: string; name: string } }> };
}): string[] {
  return [...moment.present.objects.values()].map((object) => `${object.ref.kind}/${object.ref.name}`).sort();
}

describe('presence simulation: Helm deployer', () => {
  it('R1/R2: creates hooks one by one, then deletes the hook-succeeded ones in reverse order, then creates the resources', () => {
    const succeeded = ['hook-succeeded'];
    const install = revision(
      [
        hook('Secret', 'c-secret', ['pre-install']),
        hook('Job', 'a-job', ['pre-install'], succeeded),
        hook('ConfigMap', 'b-cm', ['pre-install'], succeeded),
        hook('ServiceAccount', 'z-sa', ['pre-install'], succeeded),
        hook('ConfigMap', 'd-cm', ['pre-install'], succeeded),
      ],
      [resource('ConfigMap', 'normal')],
    );
    assert.deepEqual(actions([{ operation: 'install', revision: install }]), [
      'create Secret/c-secret',
      'create Job/a-job',
      'create ConfigMap/b-cm',
      'create ServiceAccount/z-sa',
      'create ConfigMap/d-cm',
      'delete ConfigMap/d-cm',
      'delete ServiceAccount/z-sa',
      'delete ConfigMap/b-cm',
      'delete Job/a-job',
      'create ConfigMap/normal',
    ]);
  });

  it('R2: a hook-succeeded hook created earlier in the event is still there when a later hook of the event is created', () => {
    const install = revision(
      [hook('Secret', 'a-secret', ['pre-install'], ['hook-succeeded']), hook('Job', 'b-job', ['pre-install'])],
      [resource('ConfigMap', 'app')],
    );
    assert.deepEqual(presentAt(hookMoment([{ operation: 'install', revision: install }], 0, 'b-job')), [
      'Secret/a-secret',
    ]);
  });

  it('R3: a failed hook is deleted by hook-failed, then (v4 only) the earlier hook-succeeded hooks; later hooks and the resources never come', () => {
    const install = revision(
      [
        hook('ConfigMap', 'h1', ['pre-install'], ['hook-succeeded']),
        hook('Job', 'h2', ['pre-install'], ['hook-failed']),
        hook('ConfigMap', 'h3', ['pre-install']),
      ],
      [resource('ConfigMap', 'normal')],
    );
    const run: OperationRun<string> = {
      operation: 'install',
      revision: install,
      failAt: { event: 'pre-install', index: 1 },
    };
    assert.deepEqual(actions([run], 4), [
      'create ConfigMap/h1',
      'create Job/h2',
      'delete Job/h2',
      'delete ConfigMap/h1',
    ]);
    assert.deepEqual(actions([run], 3), ['create ConfigMap/h1', 'create Job/h2', 'delete Job/h2']);
  });

  it('R4: a hook left by an earlier run without before-hook-creation is re-applied by Helm 4 and fails a Helm 3 create', () => {
    const chart = revision([
      hook('Job', 'job', ['pre-install', 'pre-upgrade'], ['hook-success']),
      hook('ConfigMap', 'empty-policy', ['pre-install', 'pre-upgrade'], ['']),
    ]);
    const history: OperationRun<string>[] = [
      { operation: 'install', revision: chart },
      { operation: 'upgrade', revision: chart, previous: chart },
    ];
    assert.deepEqual(actions(history, 4, 1), ['update Job/job', 'update ConfigMap/empty-policy']);
    const v3 = simulate(new HelmDeployer(3), history);
    assert.match(v3.failed?.error ?? '', /Job\/job: it already exists/);
    assert.equal(v3.failed?.run, 1);
  });

  it('R4 with client-side apply: a Helm 4 release without server-side apply fails like Helm 3', () => {
    const chart = revision([hook('ConfigMap', 'empty-policy', ['pre-install', 'pre-upgrade'], [''])]);
    const result = simulate(new HelmDeployer(4, false), [
      { operation: 'install', revision: chart },
      { operation: 'upgrade', revision: chart, previous: chart },
    ]);
    assert.match(result.failed?.error ?? '', /already exists/);
  });

  it('R5: an event listed twice runs the hook twice: created, deleted by before-hook-creation, created again', () => {
    const twice = hook('Job', 'dup', ['pre-install', 'pre-install']);
    assert.deepEqual(actions([{ operation: 'install', revision: revision([twice]) }]), [
      'create Job/dup',
      'delete Job/dup',
      'create Job/dup',
    ]);
  });

  it('R6: a CustomResourceDefinition hook is never deleted, even with hook-succeeded', () => {
    const crd = hook('CustomResourceDefinition', 'widgets.example.com', ['pre-install'], ['hook-succeeded']);
    assert.deepEqual(actions([{ operation: 'install', revision: revision([crd]) }]), [
      'create CustomResourceDefinition/widgets.example.com',
    ]);
  });

  it('R8: uninstall runs pre-delete, deletes the resources but the kept one, runs post-delete; hooks stay behind', () => {
    const chart = revision(
      [
        hook('ConfigMap', 'installed', ['pre-install']),
        hook('Job', 'pre-delete-job', ['pre-delete']),
        hook('ConfigMap', 'post-delete-cm', ['post-delete'], ['hook-succeeded']),
      ],
      [resource('ConfigMap', 'normal'), resource('ConfigMap', 'kept', { resourcePolicy: 'keep' })],
    );
    const history: OperationRun<string>[] = [
      { operation: 'install', revision: chart },
      { operation: 'uninstall', revision: chart },
    ];
    assert.deepEqual(actions(history, 4, 1), [
      'create Job/pre-delete-job',
      'delete ConfigMap/normal',
      'create ConfigMap/post-delete-cm',
      'delete ConfigMap/post-delete-cm',
    ]);
    const { cluster } = simulate(new HelmDeployer(4), history);
    assert.deepEqual(presentAt({ present: cluster.snapshot() }), [
      'ConfigMap/installed',
      'ConfigMap/kept',
      'Job/pre-delete-job',
    ]);
  });

  it('§5.1 quirk: uninstall leaves a resource whose resource-policy is any value, not only keep', () => {
    const chart = revision([], [resource('ConfigMap', 'other-policy', { resourcePolicy: 'delete' })]);
    assert.deepEqual(
      actions(
        [
          { operation: 'install', revision: chart },
          { operation: 'uninstall', revision: chart },
        ],
        4,
        1,
      ),
      [],
    );
  });

  it("R15: rollback runs the target revision's hooks and applies its resources; removed resources are deleted", () => {
    const v1 = revision(
      [hook('Job', 'rb-from-v1', ['pre-rollback', 'post-rollback'])],
      [resource('ConfigMap', 'app'), resource('Secret', 'v1-only')],
    );
    const v2 = revision([hook('Job', 'rb-from-v2', ['pre-rollback', 'post-rollback'])], [resource('ConfigMap', 'app')]);
    const history: OperationRun<string>[] = [
      { operation: 'install', revision: v1 },
      { operation: 'upgrade', revision: v2, previous: v1 },
      { operation: 'rollback', revision: v1, previous: v2 },
    ];
    assert.deepEqual(actions(history, 4, 1), ['update ConfigMap/app', 'delete Secret/v1-only']);
    assert.deepEqual(actions(history, 4, 2), [
      'create Job/rb-from-v1',
      'update ConfigMap/app',
      'create Secret/v1-only',
      'delete Job/rb-from-v1',
      'create Job/rb-from-v1',
    ]);
  });

  it('R18: an upgrade deletes a resource the new revision no longer renders, unless it carries resource-policy keep', () => {
    const v1 = revision(
      [],
      [resource('ConfigMap', 'app-config'), resource('ConfigMap', 'kept', { resourcePolicy: 'keep' })],
    );
    const v2 = revision([], []);
    assert.deepEqual(
      actions(
        [
          { operation: 'install', revision: v1 },
          { operation: 'upgrade', revision: v2, previous: v1 },
        ],
        4,
        1,
      ),
      ['delete ConfigMap/app-config'],
    );
  });

  it('Helm 3 patches a built-in object only when it changed, compared as an object (a comment is no change); Helm 4 applies every one', () => {
    const configMap = (data: string, comment = '') =>
      `${comment}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  ${data}\n`;
    const v1 = revision(
      [],
      [
        resource('ConfigMap', 'same', { manifest: configMap('a: "1"') }),
        resource('ConfigMap', 'commented', { manifest: configMap('a: "1"') }),
        resource('ConfigMap', 'changed', { manifest: configMap('a: "1"') }),
      ],
    );
    const v2 = revision(
      [],
      [
        resource('ConfigMap', 'same', { manifest: configMap('a: "1"') }),
        resource('ConfigMap', 'commented', { manifest: configMap("a: '1'", '# a comment\n') }),
        resource('ConfigMap', 'changed', { manifest: configMap('a: "2"') }),
      ],
    );
    const history: OperationRun<string>[] = [
      { operation: 'install', revision: v1 },
      { operation: 'upgrade', revision: v2, previous: v1 },
    ];
    assert.deepEqual(actions(history, 3, 1), ['update ConfigMap/changed']);
    assert.deepEqual(actions(history, 4, 1), [
      'update ConfigMap/same',
      'update ConfigMap/commented',
      'update ConfigMap/changed',
    ]);
  });

  it("Helm 3 patches a custom resource on every upgrade (two-way merge to a target with Helm's metadata), not when adopting it", () => {
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec: {}\n';
    const chart = revision([], [resource('Widget', 'w1', { manifest: widget })]);
    assert.deepEqual(
      actions(
        [
          { operation: 'install', revision: chart },
          { operation: 'upgrade', revision: chart, previous: chart },
        ],
        3,
        1,
      ),
      ['update Widget/w1'],
    );
    const kept = revision([], [resource('Widget', 'w1', { manifest: widget, resourcePolicy: 'keep' })]);
    const again: OperationRun<string>[] = [
      { operation: 'install', revision: kept },
      { operation: 'uninstall', revision: kept },
      { operation: 'install', revision: kept },
    ];
    assert.deepEqual(actions(again, 3, 2), []);
    assert.deepEqual(actions(again, 4, 2), ['update Widget/w1']);
  });

  it('Helm 3 three-way patch: adopting ignores keys only the live object has; a key the target drops from the original is patched out', () => {
    const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\ndata:\n${data}`;
    const both = configMap('  a: "1"\n  b: "2"\n');
    const onlyA = configMap('  a: "1"\n');
    // Adopted at install: the original is the target itself, so nothing is dropped and the live key b is left alone.
    const first = revision([], [resource('ConfigMap', 'kept', { manifest: both, resourcePolicy: 'keep' })]);
    const second = revision([], [resource('ConfigMap', 'kept', { manifest: onlyA, resourcePolicy: 'keep' })]);
    const adopt: OperationRun<string>[] = [
      { operation: 'install', revision: first },
      { operation: 'uninstall', revision: first },
      { operation: 'install', revision: second },
    ];
    assert.deepEqual(actions(adopt, 3, 2), []);
    // A changed value is patched even when adopting.
    const third = revision(
      [],
      [resource('ConfigMap', 'kept', { manifest: configMap('  a: "3"\n'), resourcePolicy: 'keep' })],
    );
    assert.deepEqual(actions([...adopt.slice(0, 2), { operation: 'install', revision: third }], 3, 2), [
      'update ConfigMap/kept',
    ]);
    // The adoption sent nothing, so b is still on the live object: an upgrade that writes b again changes nothing.
    assert.deepEqual(actions([...adopt, { operation: 'upgrade', revision: first, previous: second }], 3, 3), []);
    // Upgrading from the original that has b to a target without it patches b out.
    assert.deepEqual(
      actions(
        [
          { operation: 'install', revision: first },
          { operation: 'upgrade', revision: second, previous: first },
        ],
        3,
        1,
      ),
      ['update ConfigMap/kept'],
    );
  });

  it('an adopting install fails on a release resource a pre-install hook made: Update has no original for it', () => {
    const kept = revision([], [resource('ConfigMap', 'kept', { resourcePolicy: 'keep' })]);
    const withHook = revision(
      [hook('Secret', 'made', ['pre-install'], ['hook-failed'])],
      [resource('ConfigMap', 'kept', { resourcePolicy: 'keep' }), resource('Secret', 'made')],
    );
    const history: OperationRun<string>[] = [
      { operation: 'install', revision: kept },
      { operation: 'uninstall', revision: kept },
      { operation: 'install', revision: withHook },
    ];
    assert.equal(
      simulate(new HelmDeployer(4), history).failed?.error,
      'original object Secret with the name "made" not found',
    );
    assert.equal(simulate(new HelmDeployer(3), history).failed?.error, 'no Secret with the name "made" found');
  });

  it('a rollback to a revision holding a kept resource the upgrade dropped fails: it exists but is not in the current release', () => {
    const v1 = revision(
      [],
      [resource('ConfigMap', 'app-config'), resource('ConfigMap', 'kept-config', { resourcePolicy: 'keep' })],
    );
    const v2 = revision([], [resource('ConfigMap', 'app-config')]);
    const history: OperationRun<string>[] = [
      { operation: 'install', revision: v1 },
      { operation: 'upgrade', revision: v2, previous: v1 },
      { operation: 'rollback', revision: v1, previous: v2 },
    ];
    const v4 = simulate(new HelmDeployer(4), history);
    assert.equal(v4.failed?.run, 2);
    assert.equal(v4.failed?.error, 'original object ConfigMap with the name "kept-config" not found');
    assert.equal(
      simulate(new HelmDeployer(3), history).failed?.error,
      'no ConfigMap with the name "kept-config" found',
    );
    // The targets before it in the manifest's order were applied.
    assert.deepEqual(actions(history, 4, 2), ['update ConfigMap/app-config']);
    // An upgrade adopts it instead (existingResourceConflict finds this release's annotations on it).
    assert.deepEqual(actions([...history.slice(0, 2), { operation: 'upgrade', revision: v1, previous: v2 }], 4, 2), [
      'update ConfigMap/app-config',
      'update ConfigMap/kept-config',
    ]);
  });

  it('install creates the crds/ objects first; a second install skips them (Helm 3) or applies them again (Helm 4)', () => {
    const crd = { kind: 'CustomResourceDefinition', name: 'widgets.example.com', namespace: '' };
    const chart = revisionOf(
      new Map([['pre-install', [hook('Job', 'init', ['pre-install'])]]]),
      [resource('ConfigMap', 'app')],
      [crd],
    );
    const history: OperationRun<string>[] = [
      { operation: 'install', revision: chart },
      { operation: 'uninstall', revision: chart },
      { operation: 'install', revision: chart },
    ];
    assert.deepEqual(actions(history, 4, 0), [
      'create CustomResourceDefinition/widgets.example.com',
      'create Job/init',
      'create ConfigMap/app',
    ]);
    assert.deepEqual(actions(history, 3, 2).slice(0, 1), ['delete Job/init']);
    assert.deepEqual(actions(history, 4, 2).slice(0, 1), ['update CustomResourceDefinition/widgets.example.com']);
  });

  it("tells whose content each object holds: previous revision before the update, this revision after, an earlier run's for hooks left behind", () => {
    const chart = revision(
      [
        hook('Secret', 'seed', ['pre-install']),
        hook('Job', 'migrate', ['pre-upgrade']),
        hook('Job', 'smoke', ['post-upgrade']),
      ],
      [resource('Secret', 'db')],
    );
    const history: OperationRun<string>[] = [
      { operation: 'install', revision: chart },
      { operation: 'upgrade', revision: chart, previous: chart },
    ];
    const { cluster } = simulate(new HelmDeployer(4), history);
    const content = (name: string, at: string) => {
      const moment = cluster.moments.find(
        (entry) => entry.type === 'hook' && entry.run === 1 && entry.hook.name === at,
      )!;
      const object = [...moment.present.objects.values()].find((entry) => entry.ref.name === name)!;
      return cluster.contentOf(object, 1);
    };
    assert.equal(content('db', 'migrate'), 'previous-revision');
    assert.equal(content('seed', 'migrate'), 'earlier-run');
    assert.equal(content('db', 'smoke'), 'this-revision');
    assert.equal(content('migrate', 'smoke'), 'this-revision');
  });

  it('upgrade --install after an install that failed in pre-install: pre-upgrade runs with no release resource, then creates them all', () => {
    const chart = revision(
      [hook('Job', 'init', ['pre-install'], ['hook-failed']), hook('Job', 'migrate', ['pre-upgrade'])],
      [resource('Secret', 'db')],
    );
    const history: OperationRun<string>[] = [
      { operation: 'install', revision: chart, failAt: { event: 'pre-install', index: 0 } },
      { operation: 'upgrade', revision: chart, previous: chart },
    ];
    assert.deepEqual(presentAt(hookMoment(history, 1, 'migrate')), []);
    assert.deepEqual(actions(history, 4, 1), ['create Job/migrate', 'create Secret/db']);
  });

  it('records why an object is gone: hook-succeeded at the end of its event, uninstall, before-hook-creation', () => {
    const chart = revision(
      [
        hook('Secret', 'seed', ['pre-install'], ['hook-succeeded']),
        hook('Job', 'backup', ['pre-delete']),
        hook('Job', 'cleanup', ['post-delete']),
      ],
      [resource('ConfigMap', 'app')],
    );
    const history: OperationRun<string>[] = [
      { operation: 'install', revision: chart },
      { operation: 'uninstall', revision: chart },
    ];
    const backup = hookMoment(history, 1, 'backup');
    assert.equal([...backup.present.removed.values()][0]?.why, 'deleted at the end of pre-install (hook-succeeded)');
    const cleanup = hookMoment(history, 1, 'cleanup');
    assert.deepEqual([...cleanup.present.removed.values()].map((removal) => removal.why).sort(), [
      'deleted at the end of pre-install (hook-succeeded)',
      'deleted by helm uninstall before the post-delete hooks run (no helm.sh/resource-policy: keep)',
    ]);
  });

  it('install: a release resource a hook made fails before any hook runs (no release annotations); one a release made is adopted', () => {
    const hooked = revision([hook('ConfigMap', 'shared', ['pre-install'])]);
    const released = revision([], [resource('ConfigMap', 'shared')]);
    const conflict = simulate(new HelmDeployer(4), [
      { operation: 'install', revision: hooked },
      { operation: 'install', revision: released },
    ]);
    assert.match(conflict.failed?.error ?? '', /ConfigMap "shared" exists and cannot be imported/);
    assert.deepEqual(
      actions(
        [
          { operation: 'install', revision: released },
          { operation: 'uninstall', revision: revision([]) },
          { operation: 'install', revision: released },
        ],
        4,
        2,
      ),
      ['update ConfigMap/shared'],
    );
    // The same chart as hook and resource: the hook creates it, then Create of the resource meets it.
    const both = simulate(new HelmDeployer(4), [
      {
        operation: 'install',
        revision: revision([hook('ConfigMap', 'shared', ['pre-install'])], [resource('ConfigMap', 'shared')]),
      },
    ]);
    assert.match(both.failed?.error ?? '', /ConfigMap "shared" already exists/);
  });
});
