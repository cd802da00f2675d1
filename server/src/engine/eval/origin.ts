import type { LoadedChart } from '../chart/types';
import type { Value } from './value';
import { isMap } from './value';

/**
 * Which chart's `.Values`, and where in them, a map or list the templates hold came from. Helm's `.Values` maps are
 * handed to templates as they are, so a template that prints one with `toYaml` (directly, or as `.` inside `with`)
 * prints text the user wrote in a values file; findings on that text belong at the key in that file.
 */
export interface ValueOrigin {
  chart: LoadedChart;
  path: (string | number)[];
}

/**
 * Where a map or list sits in its chart's values, as a link to its parent's: recorded on every map and list of every
 * render's `.Values`, and asked for only by the few that `toYaml` prints, so paths are spelled out only then. Kept on
 * the object itself (not enumerable, so neither its keys nor its copies show it): a weak map of every value would
 * cost the garbage collector dearly.
 */
interface OriginLink {
  chart: LoadedChart;
  parent: OriginLink | undefined;
  key: string | number | undefined;
}

const ORIGIN = Symbol('valueOrigin');

/** Marks every map and list under `value` with its path in `chart`'s values. */
export function recordValueOrigins(value: Value, chart: LoadedChart): void {
  record(value, { chart, parent: undefined, key: undefined });
}

function record(value: Value, link: OriginLink): void {
  if (Array.isArray(value)) {
    Object.defineProperty(value, ORIGIN, { value: link, configurable: true, writable: true });
    value.forEach((item, index) => record(item, { chart: link.chart, parent: link, key: index }));
  } else if (isMap(value)) {
    Object.defineProperty(value, ORIGIN, { value: link, configurable: true, writable: true });
    for (const key of Object.keys(value)) record(value[key]!, { chart: link.chart, parent: link, key });
  }
}

export function originOf(value: Value): ValueOrigin | undefined {
  const link = typeof value === 'object' && value !== null ? (value as { [ORIGIN]?: OriginLink })[ORIGIN] : undefined;
  if (!link) return undefined;
  const path: (string | number)[] = [];
  for (let at: OriginLink | undefined = link; at?.key !== undefined; at = at.parent) path.push(at.key);
  return { chart: link.chart, path: path.reverse() };
}
