import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HookChange, OrderEntry, SavedOrder } from '../../server/src/engine/order/compare';
import { compareOrders, parseSavedOrder, SavedOrderError } from '../../server/src/engine/order/compare';

type Hook = [kind: string | null, name: string | null, weight: string | null, position: number | null];

/** One pre-install event holding these hooks, in this order. */
function preInstall(hooks: Hook[], releaseName = 'release-name'): SavedOrder {
  const entries: OrderEntry[] = hooks.map(([kind, name, weight, position], index) => ({
    operation: 'install',
    event: 'pre-install',
    kind,
    name,
    weight,
    position,
    index,
  }));
  return { releaseName, entries, operations: ['install'] };
}

function summary(changes: HookChange[]): string[] {
  return changes.map((change) => `${change.change} ${change.change === 'removed' ? change.was.name : change.now.name}`);
}

describe('compareOrders', () => {
  it('finds the same order the same, whatever other fields hold', () => {
    const hooks: Hook[] = [
      ['Job', 'a', '0', 1],
      ['Job', 'b', '0', 2],
    ];
    assert.deepEqual(compareOrders(preInstall(hooks), preInstall(hooks)), { same: true, events: [], notes: [] });
  });

  it('calls moved only the hook whose order against the others changed, not those it passed', () => {
    const was = preInstall([
      ['Job', 'a', '0', 1],
      ['Job', 'b', '0', 2],
      ['Job', 'c', '0', 3],
      ['Job', 'd', '0', 4],
    ]);
    const now = preInstall([
      ['Job', 'b', '0', 1],
      ['Job', 'c', '0', 2],
      ['Job', 'd', '0', 3],
      ['Job', 'a', '9', 4],
    ]);
    const comparison = compareOrders(was, now);
    assert.equal(comparison.same, false);
    assert.deepEqual(summary(comparison.events[0]!.changes), ['moved a']);
  });

  it('of two hooks that swapped places, calls moved the one whose weight changed', () => {
    const was = preInstall([
      ['Job', 'a', '-5', 1],
      ['Job', 'b', '0', 2],
    ]);
    assert.deepEqual(
      summary(
        compareOrders(
          was,
          preInstall([
            ['Job', 'b', '-9', 1],
            ['Job', 'a', '-5', 2],
          ]),
        ).events[0]!.changes,
      ),
      ['moved b'],
    );
    assert.deepEqual(
      summary(
        compareOrders(
          was,
          preInstall([
            ['Job', 'b', '0', 1],
            ['Job', 'a', '5', 2],
          ]),
        ).events[0]!.changes,
      ),
      ['moved a'],
    );
  });

  it('tells a hook whose place became uncertain, though nothing else changed', () => {
    const was = preInstall([
      ['Job', 'a', '0', 1],
      ['Job', 'b', '0', 2],
    ]);
    const now = preInstall([
      ['Job', 'a', '0', 1],
      ['Job', 'b', null, null],
    ]);
    const changes = compareOrders(was, now).events[0]!.changes;
    assert.deepEqual(summary(changes), ['weight b']);
    const onlyPlace = compareOrders(
      was,
      preInstall([
        ['Job', 'a', '0', 1],
        ['Job', 'b', '0', null],
      ]),
    ).events[0]!.changes;
    assert.deepEqual(summary(onlyPlace), ['position b']);
  });

  it('keeps two hooks of one kind and name apart by their order of appearance', () => {
    const was = preInstall([
      ['Job', 'same', '0', 1],
      ['Job', 'same', '5', 2],
    ]);
    const now = preInstall([
      ['Job', 'same', '0', 1],
      ['Job', 'same', '5', 2],
      ['Job', 'same', '7', 3],
    ]);
    assert.deepEqual(summary(compareOrders(was, now).events[0]!.changes), ['added same']);
  });

  it('notes another release name, which changes every name that follows it', () => {
    const comparison = compareOrders(
      preInstall([['Job', 'one-db', '0', 1]], 'one'),
      preInstall([['Job', 'two-db', '0', 1]], 'two'),
    );
    assert.deepEqual(summary(comparison.events[0]!.changes), ['added two-db', 'removed one-db']);
    assert.match(comparison.notes[0]!, /saved with release name one, compared with two/);
  });
});

describe('parseSavedOrder', () => {
  it('reads weights beyond 2^53 kept as text and compares them exactly', () => {
    const saved = parseSavedOrder(
      JSON.stringify({
        version: 1,
        operations: [
          {
            operation: 'install',
            steps: [
              { event: 'pre-install', hooks: [{ kind: 'Job', name: 'a', weight: '9223372036854775807', position: 1 }] },
            ],
          },
        ],
      }),
    );
    assert.equal(saved.entries[0]!.weight, '9223372036854775807');
    const changed = preInstall([['Job', 'a', '9223372036854775806', 1]]);
    assert.deepEqual(summary(compareOrders(saved, changed).events[0]!.changes), ['weight a']);
  });

  it('rejects a fractional position and a weight that is not a whole number, saying where', () => {
    const doc = (hook: object) =>
      JSON.stringify({
        version: 1,
        operations: [{ operation: 'install', steps: [{ resources: [] }, { event: 'pre-install', hooks: [hook] }] }],
      });
    assert.throws(
      () => parseSavedOrder(doc({ kind: 'Job', name: 'a', weight: 0, position: 1.5 })),
      new SavedOrderError('operations[0].steps[1].hooks[0].position: expected a whole number or null'),
    );
    assert.throws(
      () => parseSavedOrder(doc({ kind: 'Job', name: 'a', weight: 'high', position: 1 })),
      /operations\[0\]\.steps\[1\]\.hooks\[0\]\.weight: expected a whole number/,
    );
    assert.equal(parseSavedOrder(doc({ kind: 'Job', name: 'a', weight: -3, position: null })).entries[0]!.weight, '-3');
  });
});
