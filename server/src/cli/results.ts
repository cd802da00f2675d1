import type { Finding } from '../engine/rules/rule';
import type { LineIndex } from '../engine/core/text';

/** One linted file as the formatters see it. */
export interface FileResult {
  /** Absolute path. */
  path: string;
  /** Relative to the current directory, `/`-separated. */
  display: string;
  lines: LineIndex;
  findings: Finding[];
  hooks: number;
}

export interface LintRun {
  files: FileResult[];
  charts: number;
  /** Looks up the line index of any file a finding, related location or edit names. */
  linesOf(path: string): LineIndex | undefined;
  displayOf(path: string): string;
}

export interface Summary {
  charts: number;
  files: number;
  hooks: number;
  errors: number;
  warnings: number;
  infos: number;
}

export function summarize(run: LintRun): Summary {
  const summary: Summary = { charts: run.charts, files: run.files.length, hooks: 0, errors: 0, warnings: 0, infos: 0 };
  for (const file of run.files) {
    summary.hooks += file.hooks;
    for (const finding of file.findings) {
      if (finding.severity === 'error') summary.errors++;
      else if (finding.severity === 'warning') summary.warnings++;
      else summary.infos++;
    }
  }
  return summary;
}

/** 1-based line and column (UTF-16 code units) of an offset. */
export function oneBased(lines: LineIndex, offset: number): { line: number; column: number } {
  const position = lines.position(offset);
  return { line: position.line + 1, column: position.character + 1 };
}
