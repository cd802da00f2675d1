import { Finding } from '../rules/rule';

/** Findings of both views as one list: one per rule, file and range, in file and position order. */

const RANK = { info: 0, warning: 1, error: 2 } as const;

/** The union of as-written and evaluated findings, one per rule, file and range (see ChartLint). */
export function mergeFindings(asWritten: readonly Finding[], evaluated: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const finding of asWritten) byKey.set(findingKey(finding), finding);
  for (const finding of evaluated) {
    const existing = byKey.get(findingKey(finding));
    if (!existing || RANK[finding.severity] > RANK[existing.severity]) byKey.set(findingKey(finding), finding);
  }
  return [...byKey.values()].sort(compareFindings);
}

export function findingKey(finding: Finding): string {
  return `${finding.rule}\0${finding.file}\0${finding.range.start}\0${finding.range.end}`;
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start - b.range.start || a.range.end - b.range.end || a.rule.localeCompare(b.rule);
}
