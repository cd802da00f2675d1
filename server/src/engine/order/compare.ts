import type { OrderJson } from './chart-order';

/**
 * `helm-hooks order --check`: the hook order of a chart against one saved earlier with `order --format json`, on
 * the fields that make the order (operation, event, kind, name, weight, position) and on nothing else, so that a
 * saved file does not go stale when the JSON gains a field or a hook moves to another line.
 */

/** One hook of one event, as far as the order goes; `index` is its place in the event's list (0-based). */
export interface OrderEntry {
  operation: string;
  event: string;
  kind: string | null;
  name: string | null;
  /** Decimal text: the JSON holds a number, or a string for a weight beyond 2^53. */
  weight: string | null;
  position: number | null;
  index: number;
  /** Only to pair a removed hook with an added one as a rename; never compared. */
  file?: string;
}

export type HookChange =
  | { change: 'added'; now: OrderEntry }
  | { change: 'removed'; was: OrderEntry }
  /** Same kind in the same file, another name: most likely the one hook renamed. */
  | { change: 'renamed'; was: OrderEntry; now: OrderEntry }
  /** Its order against the other hooks of the event changed (its weight may have too). */
  | { change: 'moved'; was: OrderEntry; now: OrderEntry }
  /** Weight changed, order against the others did not. */
  | { change: 'weight'; was: OrderEntry; now: OrderEntry }
  /** Neither moved nor reweighted, yet its position differs: it became certain or uncertain, or others came or went. */
  | { change: 'position'; was: OrderEntry; now: OrderEntry };

export interface EventChanges {
  operation: string;
  event: string;
  changes: HookChange[];
}

export interface OrderComparison {
  same: boolean;
  events: EventChanges[];
  /** Differences of context that explain a diff without being one (another release name). */
  notes: string[];
}

/** The parts of a saved order that the comparison reads, after checking their shape. */
export interface SavedOrder {
  releaseName?: string;
  entries: OrderEntry[];
  operations: string[];
}

export class SavedOrderError extends Error {}

/** Reads the text of a saved `order --format json`; throws SavedOrderError saying what is wrong with it. */
export function parseSavedOrder(text: string): SavedOrder {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SavedOrderError(`not JSON (${(error as Error).message})`);
  }
  if (!isObject(data) || !('version' in data) || !('operations' in data))
    throw new SavedOrderError('not the output of helm-hooks order --format json (no "version" and "operations")');
  if (data.version !== 1)
    throw new SavedOrderError(`version ${JSON.stringify(data.version)}: this helm-hooks reads version 1`);
  const operations = data.operations;
  if (!Array.isArray(operations)) throw new SavedOrderError('"operations" is not a list');
  const entries: OrderEntry[] = [];
  const names: string[] = [];
  operations.forEach((operation: unknown, o) => {
    const at = `operations[${o}]`;
    if (!isObject(operation) || typeof operation.operation !== 'string' || !Array.isArray(operation.steps))
      throw new SavedOrderError(`${at}: expected {"operation": text, "steps": list}`);
    names.push(operation.operation);
    operation.steps.forEach((step: unknown, s) => {
      if (!isObject(step)) throw new SavedOrderError(`${at}.steps[${s}]: expected an object`);
      if (!('event' in step)) return;
      if (typeof step.event !== 'string' || !Array.isArray(step.hooks))
        throw new SavedOrderError(`${at}.steps[${s}]: expected {"event": text, "hooks": list}`);
      const event = step.event;
      step.hooks.forEach((hook: unknown, index) => {
        const where = `${at}.steps[${s}].hooks[${index}]`;
        if (!isObject(hook)) throw new SavedOrderError(`${where}: expected an object`);
        const kind = textOrNull(hook.kind, `${where}.kind`);
        const name = textOrNull(hook.name, `${where}.name`);
        const weight = weightText(hook.weight, `${where}.weight`);
        const position = hook.position;
        if (position !== null && !(typeof position === 'number' && Number.isInteger(position)))
          throw new SavedOrderError(`${where}.position: expected a whole number or null`);
        entries.push({
          operation: operation.operation as string,
          event,
          kind,
          name,
          weight,
          position: position as number | null,
          index,
          ...(typeof hook.file === 'string' ? { file: hook.file } : {}),
        });
      });
    });
  });
  return {
    ...(typeof data.releaseName === 'string' ? { releaseName: data.releaseName } : {}),
    entries,
    operations: names,
  };
}

/** The entries of a computed order, in the shape a saved one is read into. */
export function currentOrder(order: OrderJson): SavedOrder {
  const entries: OrderEntry[] = [];
  for (const { operation, steps } of order.operations) {
    for (const step of steps) {
      if (!('event' in step)) continue;
      step.hooks.forEach((hook, index) => {
        entries.push({
          operation,
          event: step.event,
          kind: hook.kind,
          name: hook.name,
          weight: hook.weight === null ? null : String(hook.weight),
          position: hook.position,
          index,
          file: hook.file,
        });
      });
    }
  }
  return {
    releaseName: order.releaseName,
    entries,
    operations: order.operations.map((operation) => operation.operation),
  };
}

/**
 * Compares a saved order with the current one. `operations`: compare only these (the saved file's others are not
 * looked at), for `order --operation OP --check FILE`.
 */
export function compareOrders(saved: SavedOrder, current: SavedOrder, operations?: readonly string[]): OrderComparison {
  const wanted = (entry: OrderEntry) => operations === undefined || operations.includes(entry.operation);
  const was = saved.entries.filter(wanted);
  const now = current.entries.filter(wanted);
  const events: EventChanges[] = [];
  for (const [key, { operation, event }] of eventKeys([...now, ...was])) {
    const changes = compareEvent(
      was.filter((entry) => eventKey(entry) === key),
      now.filter((entry) => eventKey(entry) === key),
    );
    if (changes.length > 0) events.push({ operation, event, changes });
  }
  const notes: string[] = [];
  for (const operation of current.operations.filter(
    (name) => !saved.operations.includes(name) && (operations === undefined || operations.includes(name)),
  )) {
    notes.push(`the saved order has no ${operation} operation: its hooks all count as added`);
  }
  for (const operation of saved.operations.filter(
    (name) => !current.operations.includes(name) && (operations === undefined || operations.includes(name)),
  )) {
    notes.push(`the current order has no ${operation} operation: its hooks all count as removed`);
  }
  if (
    saved.releaseName !== undefined &&
    current.releaseName !== undefined &&
    saved.releaseName !== current.releaseName
  ) {
    notes.push(
      `saved with release name ${saved.releaseName}, compared with ${current.releaseName}: names that follow the release name differ`,
    );
  }
  return { same: events.length === 0, events, notes };
}

function compareEvent(was: OrderEntry[], now: OrderEntry[]): HookChange[] {
  // Pair hooks by identity (kind and name); hooks of one identity in their order of appearance.
  const pending = new Map<string, OrderEntry[]>();
  for (const entry of was) pending.set(identity(entry), [...(pending.get(identity(entry)) ?? []), entry]);
  const pairs: { was: OrderEntry; now: OrderEntry }[] = [];
  const added: OrderEntry[] = [];
  for (const entry of now) {
    const match = pending.get(identity(entry))?.shift();
    if (match) pairs.push({ was: match, now: entry });
    else added.push(entry);
  }
  const removed = [...pending.values()].flat().sort((a, b) => a.index - b.index);

  const changes: HookChange[] = [];
  // The longest run of paired hooks whose relative order held; the other paired hooks moved.
  const kept = longestIncreasing(
    pairs.map((pair) => pair.was.index),
    (i) => pairs[i]!.was.weight === pairs[i]!.now.weight,
  );
  pairs.forEach((pair, i) => {
    const weightChanged = pair.was.weight !== pair.now.weight;
    if (!kept.has(i)) changes.push({ change: 'moved', ...pair });
    else if (weightChanged) changes.push({ change: 'weight', ...pair });
    else if (pair.was.position !== pair.now.position) changes.push({ change: 'position', ...pair });
  });
  for (const entry of added) {
    const index = removed.findIndex(
      (old) => old.kind === entry.kind && old.file !== undefined && old.file === entry.file,
    );
    if (index >= 0) changes.push({ change: 'renamed', was: removed.splice(index, 1)[0]!, now: entry });
    else changes.push({ change: 'added', now: entry });
  }
  for (const entry of removed) changes.push({ change: 'removed', was: entry });
  // A hook whose number shifted only because others came, went or moved is not news; one that became (un)certain is.
  const explained = changes.some((change) => change.change !== 'position');
  const shown = explained
    ? changes.filter(
        (change) => change.change !== 'position' || change.was.position === null || change.now.position === null,
      )
    : changes;
  return shown.sort((a, b) => placeOf(a) - placeOf(b));
}

function placeOf(change: HookChange): number {
  return change.change === 'removed' ? change.was.index + 0.5 : change.now.index;
}

/**
 * Indexes (into `values`) of a longest strictly increasing subsequence; among the longest, one holding the most
 * indexes that `preferred` accepts, so that of two hooks that swapped places, the one whose weight changed is the
 * one that moved.
 */
function longestIncreasing(values: number[], preferred: (index: number) => boolean): Set<number> {
  // Length first, then preference: no number of preferred entries outweighs one more entry.
  const worth = (index: number) => values.length + 1 + (preferred(index) ? 1 : 0);
  const score: number[] = [];
  const previous: number[] = [];
  values.forEach((value, i) => {
    score[i] = worth(i);
    previous[i] = -1;
    for (let j = 0; j < i; j++) {
      if (values[j]! < value && score[j]! + worth(i) > score[i]!) {
        score[i] = score[j]! + worth(i);
        previous[i] = j;
      }
    }
  });
  let best = -1;
  score.forEach((value, i) => {
    if (best < 0 || value > score[best]!) best = i;
  });
  const kept = new Set<number>();
  for (let i = best; i >= 0; i = previous[i]!) kept.add(i);
  return kept;
}

function eventKey(entry: { operation: string; event: string }): string {
  return `${entry.operation}\0${entry.event}`;
}

function eventKeys(entries: OrderEntry[]): Map<string, { operation: string; event: string }> {
  const keys = new Map<string, { operation: string; event: string }>();
  for (const entry of entries)
    if (!keys.has(eventKey(entry))) keys.set(eventKey(entry), { operation: entry.operation, event: entry.event });
  return keys;
}

function identity(entry: OrderEntry): string {
  return JSON.stringify([entry.kind, entry.name]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOrNull(value: unknown, where: string): string | null {
  if (value === null || typeof value === 'string') return value;
  throw new SavedOrderError(`${where}: expected text or null`);
}

function weightText(value: unknown, where: string): string | null {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return String(BigInt(value));
  throw new SavedOrderError(`${where}: expected a whole number, its decimal text, or null`);
}

/** Where a change lands in the current order (operation, event, 0-based index), for marking it in a picture. */
export function changeAt(
  comparison: OrderComparison,
  operation: string,
  event: string,
  index: number,
): HookChange | undefined {
  const changes =
    comparison.events.find((entry) => entry.operation === operation && entry.event === event)?.changes ?? [];
  return changes.find((change) => change.change !== 'removed' && change.now.index === index);
}
