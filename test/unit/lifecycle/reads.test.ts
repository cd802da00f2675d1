import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadChart } from '../../../server/src/engine/chart/load';
import type { OrderJson, OrderReadJson } from '../../../server/src/engine/order/chart-order';
import { chartHookOrder } from '../../../server/src/engine/order/chart-order';
import { REPO_ROOT } from '../../support/paths';

/**
 * `helm-hooks order`'s reads on test/fixtures/lifecycle/reads: what each hook's pod reads and whether it is there when
 * Helm creates the hook, per operation (pkg/action: pre-install runs before any release resource, hook-succeeded
 * deletes at the end of its event, an upgrade starts from the previous revision's resources and the hooks earlier
 * runs left, uninstall deletes what has no resource-policy before post-delete).
 */

const CHART = join(REPO_ROOT, 'test', 'fixtures', 'lifecycle', 'reads');

function readsOf(
  order: OrderJson,
  operation: string,
  event: string,
  hook: string,
): Record<string, Pick<OrderReadJson, 'present' | 'content'>> {
  const step = order.operations
    .find((entry) => entry.operation === operation)
    ?.steps.find((entry) => 'event' in entry && entry.event === event);
  assert.ok(step && 'hooks' in step, `${operation} has ${event}`);
  const found = step.hooks.find((entry) => entry.name === hook);
  assert.ok(found, `${hook} runs at ${event}`);
  return Object.fromEntries(
    found.reads.map((read) => [`${read.kind}/${read.name}`, { present: read.present, content: read.content }]),
  );
}

describe('order: what each hook reads, and whether it exists when the hook runs', () => {
  const order = chartHookOrder(loadChart(CHART)).order;

  it('install, pre-install: the earlier-weight hooks are there, the release ConfigMap is not yet, outside objects are not known', () => {
    assert.deepEqual(readsOf(order, 'install', 'pre-install', 'migrate'), {
      'Secret/db-seed': { present: true, content: 'this-revision' },
      'Secret/made-by-hand': { present: null, content: null },
      'Secret/left': { present: true, content: 'this-revision' },
      'Secret/guarded': { present: null, content: null },
      'ConfigMap/app': { present: false, content: null },
    });
  });

  it("upgrade, pre-upgrade: hook-succeeded removed one Secret at install, the other stays with the install's content; the ConfigMap is the previous revision's", () => {
    assert.deepEqual(readsOf(order, 'upgrade', 'pre-upgrade', 'migrate'), {
      'Secret/db-seed': { present: false, content: null },
      'Secret/made-by-hand': { present: null, content: null },
      'Secret/left': { present: true, content: 'earlier-run' },
      'Secret/guarded': { present: null, content: null },
      'ConfigMap/app': { present: true, content: 'previous-revision' },
    });
  });

  it('uninstall, post-delete: the release ConfigMap is deleted, the kept one is there', () => {
    assert.deepEqual(readsOf(order, 'uninstall', 'post-delete', 'cleanup'), {
      'ConfigMap/app': { present: false, content: null },
      'ConfigMap/kept': { present: true, content: 'this-revision' },
    });
  });

  it('says why, with the field that names the object; an optional reference is marked as one', () => {
    const upgrade = order.operations
      .find((entry) => entry.operation === 'upgrade')!
      .steps.find((entry) => 'event' in entry && entry.event === 'pre-upgrade');
    const reads = upgrade && 'hooks' in upgrade ? upgrade.hooks[0]!.reads : [];
    const seed = reads.find((read) => read.name === 'db-seed')!;
    assert.equal(seed.via, 'env secretKeyRef');
    assert.equal(seed.why, 'deleted at the end of pre-install (hook-succeeded)');
    assert.match(reads.find((read) => read.name === 'guarded')!.why, /a document that is not known may be it/);
    const install = order.operations
      .find((entry) => entry.operation === 'install')!
      .steps.find((entry) => 'event' in entry && entry.event === 'pre-install');
    const app =
      install && 'hooks' in install
        ? install.hooks.find((hook) => hook.name === 'migrate')!.reads.find((read) => read.name === 'app')
        : undefined;
    assert.match(app?.why ?? '', /optional: the pod starts without it/);
  });
});
