import type { Node as YamlNode } from 'yaml';
import { parseDocument } from 'yaml';
import { isMap as isYamlMap, isScalar as isYamlScalar, isSeq as isYamlSeq } from '../core/yaml-nodes';
import type { ValueLocation } from './values';
import { locateValue } from './values';
import type { ValueOrigin } from '../eval/origin';
import type { TextRange } from '../core/text';

/** The path, inside a YAML text, of the key or scalar value at `offset`. */
export function pathAt(
  yaml: string,
  offset: number,
): { path: (string | number)[]; part: 'key' | 'value'; range: TextRange } | undefined {
  const document = parseDocument(yaml, { uniqueKeys: false, version: '1.1' });
  if (document.errors.length > 0) return undefined;
  const inside = (node: YamlNode | null | undefined): node is YamlNode =>
    !!node?.range && node.range[0] <= offset && offset < Math.max(node.range[1], node.range[0] + 1);
  const walk = (node: YamlNode | null, path: (string | number)[]): ReturnType<typeof pathAt> => {
    if (isYamlMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as YamlNode | null;
        if (!isYamlScalar(key)) continue;
        const name = String(key.value);
        if (inside(key))
          return { path: [...path, name], part: 'key', range: { start: key.range![0], end: key.range![1] } };
        const value = pair.value as YamlNode | null;
        if (inside(value))
          return isYamlScalar(value)
            ? { path: [...path, name], part: 'value', range: { start: value.range![0], end: value.range![1] } }
            : walk(value, [...path, name]);
      }
      return undefined;
    }
    if (isYamlSeq(node)) {
      for (let index = 0; index < node.items.length; index++) {
        const item = node.items[index] as YamlNode | null;
        if (inside(item))
          return isYamlScalar(item)
            ? { path: [...path, index], part: 'value', range: { start: item.range![0], end: item.range![1] } }
            : walk(item, [...path, index]);
      }
    }
    return undefined;
  };
  return walk(document.contents as YamlNode | null, []);
}

/**
 * The values text a path of a chart's `.Values` was written in: the file of highest precedence that has it, when the
 * value written there is the one the chart was rendered with (templates may have changed it, `import-values` moved
 * it). `global` values are found at `global` in every file above the chart.
 */
export function locateInSources(
  origin: ValueOrigin,
  relative: (string | number)[],
): { path: string; text: string; place: ValueLocation } | undefined {
  const path = [...origin.path, ...relative];
  const sources = origin.chart.valuesSources ?? [];
  const expected = valueAt(origin.chart.values, path);
  if (!expected.found) return undefined;
  for (let index = sources.length - 1; index >= 0; index--) {
    const source = sources[index]!;
    const inSource = path[0] === 'global' ? path : [...source.at, ...path];
    const place = locateValue(source.text, inSource);
    if (!place) continue;
    const isScalar = place.value === null || typeof place.value !== 'object';
    if (isScalar && place.value !== expected.value) return undefined;
    return { path: source.path, text: source.text, place };
  }
  return undefined;
}

function valueAt(values: unknown, path: (string | number)[]): { found: boolean; value?: unknown } {
  let current: unknown = values;
  for (const part of path) {
    if (typeof part === 'number') {
      if (!Array.isArray(current) || part >= current.length) return { found: false };
      current = current[part];
    } else {
      if (
        typeof current !== 'object' ||
        current === null ||
        Array.isArray(current) ||
        !Object.prototype.hasOwnProperty.call(current, part)
      )
        return { found: false };
      current = (current as Record<string, unknown>)[part];
    }
  }
  return { found: true, value: current };
}
