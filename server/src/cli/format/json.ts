import type { LintRun } from '../results';
import { oneBased, summarize } from '../results';
import type { TextRange } from '../../engine/core/text';

/** The stable JSON contract (README "JSON output"): 1-based lines and UTF-16 columns, end exclusive, paths relative. */
export function formatJson(run: LintRun): string {
  const span = (path: string, range: TextRange) => {
    const lines = run.linesOf(path);
    if (!lines) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
    const start = oneBased(lines, range.start);
    const end = oneBased(lines, range.end);
    return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  };
  const findings = run.files.flatMap((file) =>
    file.findings.map((finding) => ({
      file: file.display,
      ...span(finding.file, finding.range),
      severity: finding.severity,
      rule: finding.rule,
      message: finding.message,
      help: finding.help,
      related: finding.related.map((related) => {
        const location = span(related.file, related.range);
        return {
          file: run.displayOf(related.file),
          line: location.line,
          column: location.column,
          message: related.message,
        };
      }),
      fixes: finding.fixes.map((fix) => ({
        title: fix.title,
        safe: fix.safe,
        edits: fix.edits.map((edit) => ({
          file: run.displayOf(edit.file),
          ...span(edit.file, edit.range),
          newText: edit.newText,
        })),
      })),
    })),
  );
  return JSON.stringify({ version: 1, findings, summary: summarize(run) }, null, 2) + '\n';
}
