import type { LineIndex } from '../core/text';

const COMMENT = /(?:#|\{\{-?\s*\/\*)\s*helm-hooks-disable-next-line\b([^\n*#]*)/g;

/**
 * Inline suppressions: `# helm-hooks-disable-next-line RULE[, RULE]` or
 * `{{/* helm-hooks-disable-next-line RULE *\/}}` silences those rules (all rules when none is named) on the next line.
 * Returns, per 0-based line, the rule ids silenced there ('*' for all).
 */
export function findSuppressions(text: string, lines: LineIndex): Map<number, Set<string>> {
  const result = new Map<number, Set<string>>();
  if (!text.includes('helm-hooks-disable-next-line')) return result;
  for (const match of text.matchAll(COMMENT)) {
    const line = lines.position(match.index).line + 1;
    const ids = (match[1] ?? '')
      .split(/[\s,]+/)
      .map((id) => id.trim())
      .filter((id) => /^[a-z][a-z0-9-]*$/.test(id));
    const set = result.get(line) ?? new Set<string>();
    if (ids.length === 0) set.add('*');
    for (const id of ids) set.add(id);
    result.set(line, set);
  }
  return result;
}

export function isSuppressed(suppressions: Map<number, Set<string>>, line: number, rule: string): boolean {
  const set = suppressions.get(line);
  return !!set && (set.has('*') || set.has(rule));
}
