import { LoadedChart } from '../chart/types';
import { Value, isMap } from './value';

/**
 * Which chart's `.Values`, and where in them, a map or list the templates hold came from. Helm's `.Values` maps are
 * handed to templates as they are, so a template that prints one with `toYaml` (directly, or as `.` inside `with`)
 * prints text the user wrote in a values file; findings on that text belong at the key in that file.
 */
export interface ValueOrigin {
  chart: LoadedChart;
  path: (string | number)[];
}

const origins = new WeakMap<object, ValueOrigin>();

/** Marks every map and list under `value` with its path in `chart`'s values. */
export function recordValueOrigins(value: Value, chart: LoadedChart, path: (string | number)[] = []): void {
  if (Array.isArray(value)) {
    origins.set(value, { chart, path });
    value.forEach((item, index) => recordValueOrigins(item, chart, [...path, index]));
  } else if (isMap(value)) {
    origins.set(value, { chart, path });
    for (const key of Object.keys(value)) recordValueOrigins(value[key]!, chart, [...path, key]);
  }
}

export function originOf(value: Value): ValueOrigin | undefined {
  return typeof value === 'object' && value !== null ? origins.get(value) : undefined;
}
