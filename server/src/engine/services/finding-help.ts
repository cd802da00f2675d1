import { escapeMarkdown } from '../core/markdown';
import type { Finding, Severity } from '../rules/rule';
import type { EngineHover } from './hover';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * The help of the findings whose range holds `offset`, most severe first, as hover Markdown. The editor shows each
 * finding's short message above the hover; this says what to do about it, then why.
 */
export function findingsHelp(findings: readonly Finding[], offset: number): EngineHover | undefined {
  const here = findings
    .filter((finding) => finding.range.start <= offset && offset <= finding.range.end)
    .sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  if (here.length === 0) return undefined;
  return {
    range: here[0]!.range,
    contents: here.map((finding) => `**${finding.rule}**: ${escapeMarkdown(finding.help)}`).join('\n\n'),
  };
}
