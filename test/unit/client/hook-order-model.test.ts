import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presentHookOrder, UNKNOWN_GROUP_LABEL } from '../../../client/src/hookOrderModel';
import { HookOrderHook, HookOrderResult, OrderRange } from '../../../client/src/protocol';
import { presentStatus, ServerStatus } from '../../../client/src/statusModel';

const JOB = 'file:///charts/shop/templates/migrate.yaml';
const CONFIG = 'file:///charts/shop/templates/init-config.yaml';

function range(line: number): OrderRange {
  return { start: { line, character: 18 }, end: { line, character: 29 } };
}

function hook(overrides: Partial<HookOrderHook>): HookOrderHook {
  return {
    position: 1,
    kind: 'Job',
    name: 'release-name-migrate',
    nameCertain: true,
    weight: '0',
    deletePolicies: ['before-hook-creation'],
    deleted: 'before-next-run',
    description: '1st of 1, weight 0, deleted before the next run',
    uri: JOB,
    range: range(5),
    ...overrides,
  };
}

function result(overrides: Partial<HookOrderResult>): HookOrderResult {
  return { chart: { name: 'shop', uri: 'file:///charts/shop' }, events: [], unknown: [], ...overrides };
}

describe('the hook order view model', () => {
  it('says "no chart" when the file asked about belongs to no chart', () => {
    const model = presentHookOrder(result({ chart: null }));
    assert.equal(model.state, 'noChart');
    assert.deepEqual(model.groups, []);
  });

  it('says "no hooks" for a chart without hooks, so the welcome text replaces an empty tree', () => {
    const model = presentHookOrder(result({}));
    assert.equal(model.state, 'noHooks');
    assert.equal(model.chart, 'shop');
  });

  it('lists events in the order the server gives, each with its hooks in run order and a count', () => {
    const model = presentHookOrder(
      result({
        events: [
          {
            event: 'pre-install',
            hooks: [
              hook({ kind: 'ConfigMap', name: 'release-name-init', uri: CONFIG, range: range(4), description: '1st of 2, weight -10, deleted before the next run' }),
              hook({ position: 2, description: '2nd of 2, weight 0, deleted before the next run' }),
            ],
          },
          { event: 'post-install', hooks: [hook({ description: '1st of 1, weight 0, deleted before the next run' })] },
        ],
      }),
    );
    assert.equal(model.state, 'ready');
    assert.deepEqual(
      model.groups.map((group) => [group.label, group.description, group.children.map((child) => child.label)]),
      [
        ['pre-install', '2 hooks', ['release-name-init', 'release-name-migrate']],
        ['post-install', '1 hook', ['release-name-migrate']],
      ],
    );
    const first = model.groups[0]!.children[0]!;
    assert.equal(first.description, 'ConfigMap: 1st of 2, weight -10, deleted before the next run');
    assert.equal(first.tooltip, 'ConfigMap release-name-init\npre-install: 1st of 2, weight -10, deleted before the next run');
    assert.equal(first.uri, CONFIG, 'a click opens the file that holds the hook');
    assert.deepEqual(first.range, range(4), '… at its helm.sh/hook value');
    assert.equal(first.certain, true);
  });

  it('gives each row a distinct id, even for one hook listed twice in an event (Helm runs it twice)', () => {
    const twice = presentHookOrder(result({ events: [{ event: 'pre-install', hooks: [hook({}), hook({ position: 2 })] }] }));
    const ids = twice.groups.flatMap((group) => [group.id, ...group.children.map((child) => child.id)]);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('marks a hook whose place or name depends on templated text as not certain, and says why', () => {
    const model = presentHookOrder(
      result({
        events: [
          {
            event: 'pre-upgrade',
            hooks: [
              hook({ position: null, kind: null, name: null, nameCertain: false, weight: null, description: 'place not known' }),
              hook({ position: 2, name: '{{ .Release.Name }}-migrate', nameCertain: false, description: '2nd of 2, weight 0' }),
            ],
          },
        ],
      }),
    );
    const [placeUnknown, nameUnknown] = model.groups[0]!.children;
    assert.equal(placeUnknown!.certain, false);
    assert.equal(placeUnknown!.label, '(templated name)');
    assert.match(placeUnknown!.description, /^\(templated kind\): /);
    assert.match(placeUnknown!.tooltip, /depends on templated text/);
    assert.equal(nameUnknown!.certain, false);
    assert.match(nameUnknown!.tooltip, /may differ between releases/);
  });

  it('lists documents with a templated helm.sh/hook under their own group, by file and 1-based line', () => {
    const model = presentHookOrder(
      result({ unknown: [{ uri: 'file:///charts/shop/templates/my%20hook.yaml', range: range(6), reason: 'helm.sh/hook is templated' }] }),
    );
    assert.equal(model.state, 'ready', 'a possible hook is worth showing');
    const group = model.groups[0]!;
    assert.equal(group.label, UNKNOWN_GROUP_LABEL);
    assert.equal(group.children[0]!.label, 'my hook.yaml:7');
    assert.equal(group.children[0]!.description, 'helm.sh/hook is templated');
    assert.equal(group.children[0]!.certain, false);
  });
});

describe('the server status item', () => {
  it('uses the error colours only when the server is down without being asked to stop', () => {
    const statuses: ServerStatus[] = ['starting', 'running', 'stopped', 'crashed', 'failed'];
    assert.deepEqual(
      statuses.filter((status) => presentStatus(status).error),
      ['crashed', 'failed'],
    );
  });

  it('tells the user how to get the server back when it is down', () => {
    for (const status of ['crashed', 'failed'] as const) {
      assert.match(presentStatus(status).tooltip, /Helm Hooks: Restart Server/);
      assert.match(presentStatus(status).text, /^\$\(error\) /);
    }
  });
});
