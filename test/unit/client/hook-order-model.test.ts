import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupNode, LeafNode } from '../../../client/src/hookOrderModel';
import { ARGOCD_GROUP_LABEL, presentHookOrder, UNKNOWN_GROUP_LABEL } from '../../../client/src/hookOrderModel';
import type {
  ArgoOrderAnswer,
  ArgoOrderObject,
  HookOrderAnswer,
  HookOrderHook,
  HookOrderResource,
  HookOrderResult,
  HookOrderStep,
  OrderRange,
} from '../../../client/src/protocol';
import type { ServerStatus } from '../../../client/src/statusModel';
import { presentStatus } from '../../../client/src/statusModel';

const JOB = 'file:///charts/shop/templates/migrate.yaml';
const CONFIG = 'file:///charts/shop/templates/init-config.yaml';

function range(line: number): OrderRange {
  return { start: { line, character: 2 }, end: { line, character: 29 } };
}

function hook(overrides: Partial<HookOrderHook>): HookOrderHook {
  return {
    position: 1,
    kind: 'Job',
    name: 'release-name-migrate',
    nameCertain: true,
    weight: 0,
    file: 'templates/migrate.yaml',
    line: 6,
    deletePolicies: ['before-hook-creation'],
    deleted: 'before-next-run',
    reads: [],
    description: '1st of 1, weight 0, deleted before the next run',
    uri: JOB,
    range: range(5),
    ...overrides,
  };
}

function resource(kind: string, name: string): HookOrderResource {
  return {
    kind,
    name,
    file: 'templates/app.yaml',
    line: 4,
    uri: 'file:///charts/shop/templates/app.yaml',
    range: range(3),
  };
}

function result(
  operations: HookOrderAnswer['operations'],
  overrides: Partial<HookOrderAnswer> = {},
  outer: Partial<HookOrderResult> = {},
): HookOrderResult {
  return {
    chart: { name: 'shop', uri: 'file:///charts/shop' },
    order: { version: 1, chart: 'shop', releaseName: 'release-name', operations, unknown: [], ...overrides },
    view: 'evaluated',
    ...outer,
  };
}

function install(
  preInstall: HookOrderHook[],
  resources: HookOrderResource[] = [],
  postInstall: HookOrderHook[] = [],
): { operation: string; steps: HookOrderStep[] } {
  return {
    operation: 'install',
    steps: [{ event: 'pre-install', hooks: preInstall }, { resources }, { event: 'post-install', hooks: postInstall }],
  };
}

const groupOf = (node: GroupNode | LeafNode): GroupNode => node as GroupNode;

describe('the hook order view model', () => {
  it('says "no chart" when the file asked about belongs to no chart', () => {
    const model = presentHookOrder({ chart: null, order: null, view: null });
    assert.equal(model.state, 'noChart');
    assert.deepEqual(model.groups, []);
  });

  it('says "no hooks" for a chart without hooks, so the welcome text replaces an empty tree', () => {
    const model = presentHookOrder(result([install([], [resource('Secret', 'release-name-db')])]));
    assert.equal(model.state, 'noHooks');
    assert.equal(model.chart, 'shop · release release-name');
  });

  it('lists each operation with its events in order, empty ones too, and the release resources between', () => {
    const model = presentHookOrder(
      result([
        install(
          [
            hook({
              kind: 'ConfigMap',
              name: 'release-name-init',
              uri: CONFIG,
              range: range(4),
              description: '1st of 2, weight -10, deleted before the next run',
            }),
            hook({ position: 2, description: '2nd of 2, weight 0, deleted before the next run' }),
          ],
          [resource('Secret', 'release-name-db'), resource('Deployment', 'release-name-web')],
        ),
        { operation: 'test', steps: [{ event: 'test', hooks: [] }] },
      ]),
    );
    assert.equal(model.state, 'ready');
    assert.deepEqual(
      model.groups.map((group) => [group.label, group.description, group.expanded]),
      [
        ['install', '2 hooks', true],
        ['test', '0 hooks', false],
      ],
    );
    const steps = model.groups[0]!.children.map(groupOf);
    assert.deepEqual(
      steps.map((step) => [step.kind, step.label, step.description, step.children.map((child) => child.label)]),
      [
        ['event', 'pre-install', '2 hooks', ['release-name-init', 'release-name-migrate']],
        [
          'resources',
          'release resources created',
          '2 resources',
          ['Secret release-name-db', 'Deployment release-name-web'],
        ],
        ['event', 'post-install', 'no hooks', []],
      ],
    );
    const first = steps[0]!.children[0] as LeafNode;
    assert.equal(first.description, 'ConfigMap: 1st of 2, weight -10, deleted before the next run');
    assert.match(
      first.tooltip,
      /^ConfigMap release-name-init\npre-install: 1st of 2, weight -10, deleted before the next run\n/,
    );
    assert.equal(first.uri, CONFIG, 'a click opens the file that holds the hook');
    assert.deepEqual(first.range, range(4));
    assert.equal(first.certain, true);
    assert.equal(groupOf(model.groups[1]!).children.map(groupOf)[0]!.description, 'no hooks');
  });

  it("shows a read that is missing when the hook runs on the hook's row, and every read in its tooltip", () => {
    const missing = {
      kind: 'Secret',
      name: 'release-name-db',
      via: 'env secretKeyRef',
      present: false,
      content: null,
      why: 'deleted at the end of pre-install (hook-succeeded)',
    };
    const there = {
      kind: 'ConfigMap',
      name: 'release-name-config',
      via: 'envFrom configMapRef',
      present: true,
      content: 'previous-revision' as const,
      why: 'a release resource, still as the previous revision applied it',
    };
    const model = presentHookOrder(
      result([
        install([hook({ reads: [missing, there] }), hook({ position: 2, name: 'release-name-ok', reads: [there] })]),
      ]),
    );
    const [bad, good] = groupOf(model.groups[0]!.children[0]!).children as LeafNode[];
    assert.equal(bad!.missingRead, true);
    assert.match(bad!.description, / · missing Secret release-name-db$/);
    assert.match(
      bad!.tooltip,
      /Reads Secret release-name-db \(env secretKeyRef\): MISSING — deleted at the end of pre-install \(hook-succeeded\)/,
    );
    assert.match(bad!.tooltip, /Reads ConfigMap release-name-config \(envFrom configMapRef\): there/);
    assert.equal(good!.missingRead, false);
    assert.doesNotMatch(good!.description, /missing/);
  });

  it('gives each row a distinct id, even for one hook listed twice in an event (Helm runs it twice)', () => {
    const twice = presentHookOrder(
      result([install([hook({}), hook({ position: 2 })], [resource('Secret', 'a')], [hook({})])]),
    );
    const ids: string[] = [];
    const visit = (node: GroupNode | LeafNode) => {
      ids.push(node.id);
      if ('children' in node) node.children.forEach(visit);
    };
    twice.groups.forEach(visit);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('marks a hook whose place is not known as not certain, and says why', () => {
    const model = presentHookOrder(
      result([
        install([
          hook({
            position: null,
            kind: null,
            name: null,
            nameCertain: false,
            weight: null,
            description: 'place not known',
          }),
        ]),
      ]),
    );
    const unknown = groupOf(model.groups[0]!.children[0]!).children[0] as LeafNode;
    assert.equal(unknown.certain, false);
    assert.equal(unknown.label, '(name not known)');
    assert.match(unknown.description, /^\(kind not known\): /);
    assert.match(unknown.tooltip, /depends on what is not known/);
  });

  it('lists documents not known to be hooks under their own group, by chart path and line', () => {
    const model = presentHookOrder(
      result([install([])], {
        unknown: [
          {
            file: 'templates/my hook.yaml',
            line: 7,
            reason: 'may be a hook: lookup',
            uri: 'file:///charts/shop/templates/my%20hook.yaml',
            range: range(6),
          },
        ],
      }),
    );
    assert.equal(model.state, 'ready', 'a possible hook is worth showing');
    const group = model.groups[model.groups.length - 1]!;
    assert.equal(group.label, UNKNOWN_GROUP_LABEL);
    const entry = group.children[0] as LeafNode;
    assert.equal(entry.label, 'templates/my hook.yaml:7');
    assert.equal(entry.description, 'may be a hook: lookup');
    assert.equal(entry.certain, false);
  });

  it('says in the header when the order is read as written, and above the tree why, or that an older answer is held', () => {
    const asWritten = presentHookOrder(
      result([install([hook({})])], {}, { view: 'as-written', notEvaluated: 'Chart.yaml: bad' }),
    );
    assert.equal(asWritten.chart, 'shop · release release-name, as written');
    assert.equal(asWritten.message, 'Not evaluated (Chart.yaml: bad): hooks as written.');
    const held = presentHookOrder(
      result([install([hook({})])], {}, { held: 'job.yaml has an unfinished hook annotation' }),
    );
    assert.equal(held.message, 'job.yaml has an unfinished hook annotation');
  });

  it("shows Argo CD's sync after Helm's operations when the answer has it: phases, waves, the deletion and what is never applied", () => {
    const object = (kind: string, name: string, hook: boolean): ArgoOrderObject => ({
      kind,
      name,
      file: 'templates/app.yaml',
      line: 4,
      hook,
      eventsFrom: hook ? 'helm' : 'none',
      deletePolicies: hook ? ['BeforeHookCreation'] : null,
      deleted: hook ? 'replaced at the next sync' : null,
      uri: JOB,
      range: range(3),
    });
    const argocd: ArgoOrderAnswer = {
      version: 1,
      target: 'argocd',
      chart: 'shop',
      releaseName: 'release-name',
      sync: [
        { phase: 'PreSync', waves: [{ wave: -5, objects: [object('Job', 'release-name-migrate', true)] }] },
        { phase: 'Sync', waves: [{ wave: 0, objects: [object('Secret', 'release-name-db', false)] }] },
        { phase: 'PostSync', waves: [] },
        { phase: 'SyncFail', waves: [] },
      ],
      deletion: {
        phases: [
          { phase: 'PreDelete', objects: [] },
          { phase: 'PostDelete', objects: [] },
        ],
        kept: [],
      },
      skipped: [
        {
          ...object('Job', 'release-name-restore', true),
          reason: 'ignored-helm-events',
          why: 'Argo CD runs none of its helm.sh/hook events (pre-rollback)',
        },
      ],
      unknown: [],
      hooksOnly: false,
    };
    const model = presentHookOrder(result([install([hook({})])], {}, { argocd }));
    const group = model.groups[model.groups.length - 1]!;
    assert.equal(group.label, ARGOCD_GROUP_LABEL);
    assert.deepEqual(
      group.children.map((node) => [node.label, node.description]),
      [
        ['PreSync', '1 wave'],
        ['Sync', '1 wave'],
        ['PostSync', 'nothing'],
        ['SyncFail', 'nothing'],
        ['Application deleted', '0 hooks'],
        ['never applied', '1 object'],
      ],
    );
    const wave = groupOf(groupOf(group.children[0]!).children[0]!);
    assert.equal(wave.label, 'wave -5');
    assert.deepEqual((wave.children[0] as LeafNode).label, 'Job release-name-migrate');
    assert.match((groupOf(group.children[5]!).children[0] as LeafNode).description, /pre-rollback/);
    assert.equal(
      presentHookOrder(result([install([hook({})])])).groups.some((node) => node.label === ARGOCD_GROUP_LABEL),
      false,
      'absent without it',
    );
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
