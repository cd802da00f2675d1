import { ALL_RULES } from '../rules';
import { invalidYaml } from '../rules/invalid-yaml';
import type { Finding } from '../rules/rule';
import type { TextRange } from '../core/text';
import { overlaps } from '../core/text';

/** Findings of both views as one list: one per rule, file and range, in file and position order. */

const RANK = { info: 0, warning: 1, error: 2 } as const;

/**
 * The union of as-written and evaluated findings, one per rule, file and range (see ChartLint). `rendered`: the file's
 * own literal text that Helm's render holds in documents the evaluator knew wholly; an as-written finding of a rule
 * that also reads rendered documents, lying there, stands only if the evaluated view found it too (the same rule at an
 * overlapping range): the render disproves the others. An `invalid-yaml` finding lying in text of documents that
 * rendered whole and parse is disproved too: Helm renders them.
 */
export function mergeFindings(
  asWritten: readonly Finding[],
  evaluated: readonly Finding[],
  rendered?: RenderedFile,
): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const finding of asWritten) {
    if (rendered && isDisproved(finding, evaluated, rendered)) continue;
    byKey.set(findingKey(finding), finding);
  }
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
  return a.file < b.file
    ? -1
    : a.file > b.file
      ? 1
      : a.range.start - b.range.start || a.range.end - b.range.end || a.rule.localeCompare(b.rule);
}

/** Rules whose findings the evaluated view can confirm: those that also run on rendered documents. */
const READ_RENDERED: ReadonlySet<string> = new Set(
  ALL_RULES.filter((rule) => rule.check && !rule.syntaxOnly).map((rule) => rule.id),
);

function isDisproved(finding: Finding, evaluated: readonly Finding[], rendered: RenderedFile): boolean {
  if (finding.rule === invalidYaml.id) return isWithin(finding.range, rendered.parsed);
  if (!READ_RENDERED.has(finding.rule) || !isWithin(finding.range, rendered.read)) return false;
  return !evaluated.some(
    (other) =>
      other.rule === finding.rule &&
      other.file === finding.file &&
      (overlaps(other.range, finding.range) ||
        (other.range.start === finding.range.start && other.range.end === finding.range.end)),
  );
}

/** Whether `range` lies in the sorted, disjoint `ranges` (an empty range: at a place inside one). */
function isWithin(range: TextRange, ranges: readonly TextRange[]): boolean {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (ranges[mid]!.end <= range.start) low = mid + 1;
    else high = mid;
  }
  const holder = ranges[low];
  return (
    !!holder &&
    holder.start <= range.start &&
    (range.end <= holder.end || (range.end === range.start && range.start < holder.end))
  );
}

/**
 * Of one file, the sorted, disjoint ranges of its literal text that rendered documents hold (`read`), and of those the
 * ones in documents whose whole rendered text the evaluator parsed without a YAML error (`parsed`).
 */
export interface RenderedFile {
  read: TextRange[];
  parsed: TextRange[];
}

/** RenderedFile per file (absolute path). */
export type RenderedLiteral = Record<string, RenderedFile>;

/** One rendered document's part of a RenderedLiteral (see DocumentView.renderedLiteral). */
export interface RenderedPart {
  file: string;
  ranges: TextRange[];
  parsed: boolean;
}

export class RenderedLiteralBuilder {
  private readonly byFile = new Map<string, { read: TextRange[]; parsed: TextRange[] }>();

  add(part: RenderedPart | undefined): void {
    if (!part || part.ranges.length === 0) return;
    let entry = this.byFile.get(part.file);
    if (!entry) this.byFile.set(part.file, (entry = { read: [], parsed: [] }));
    entry.read.push(...part.ranges);
    if (part.parsed) entry.parsed.push(...part.ranges);
  }

  build(): RenderedLiteral {
    const built: RenderedLiteral = {};
    for (const [file, entry] of this.byFile) built[file] = { read: merged(entry.read), parsed: merged(entry.parsed) };
    return built;
  }
}

function merged(ranges: TextRange[]): TextRange[] {
  ranges.sort((a, b) => a.start - b.start);
  const result: TextRange[] = [];
  for (const range of ranges) {
    const last = result[result.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else result.push({ ...range });
  }
  return result;
}
