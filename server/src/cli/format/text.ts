import type { LintRun } from '../results';
import { oneBased, summarize } from '../results';
import type { Severity } from '../../engine/rules/rule';

const COLORS = { red: 31, yellow: 33, blue: 34, gray: 90, bold: 1, green: 32 } as const;

function paint(enabled: boolean) {
  return (color: keyof typeof COLORS, text: string) => (enabled ? `\u001b[${COLORS[color]}m${text}\u001b[0m` : text);
}

const SEVERITY_COLOR: Record<Severity, keyof typeof COLORS> = { error: 'red', warning: 'yellow', info: 'blue' };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Where the help's lines wrap, so that a finding reads in a terminal without running off to the right. */
const HELP_WIDTH = 100;
const HELP_LABEL = '    help: ';

/** A finding's help as indented `help:` lines, as rustc and clippy print theirs, wrapped at word boundaries. */
function helpLines(help: string, label: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of help.split(' ')) {
    if (line !== '' && HELP_LABEL.length + line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((text, index) => (index === 0 ? label : ' '.repeat(HELP_LABEL.length)) + text);
}

/** `file:line:col severity message [rule]`, its related places and its help, grouped by file, then one summary line. */
export function formatText(run: LintRun, color: boolean): string {
  const c = paint(color);
  const out: string[] = [];
  let fixable = 0;
  for (const file of run.files) {
    if (file.findings.length === 0) continue;
    for (const finding of file.findings) {
      const { line, column } = oneBased(file.lines, finding.range.start);
      if (finding.fixes.some((fix) => fix.safe)) fixable++;
      // Exactly `file:line:col severity message [rule]`, so that editors' problem matchers and grep can parse it.
      const severity = c(SEVERITY_COLOR[finding.severity], finding.severity);
      out.push(
        `${c('bold', `${file.display}:${line}:${column}`)} ${severity} ${finding.message} ${c('gray', `[${finding.rule}]`)}`,
      );
      for (const related of finding.related) {
        const lines = run.linesOf(related.file);
        const at = lines ? oneBased(lines, related.range.start) : { line: 1, column: 1 };
        out.push(`    ${c('gray', `${run.displayOf(related.file)}:${at.line}:${at.column}: ${related.message}`)}`);
      }
      out.push(...helpLines(finding.help, HELP_LABEL.replace('help:', c('bold', 'help:'))));
    }
    out.push('');
  }
  const summary = summarize(run);
  const scope = `${plural(summary.charts, 'chart')}, ${plural(summary.files, 'file')}, ${plural(summary.hooks, 'hook')}`;
  const total = summary.errors + summary.warnings + summary.infos;
  if (total === 0) {
    out.push(c('green', `✔ No hook problems found (${scope}).`));
  } else {
    const counts = `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${plural(summary.infos, 'info')}`;
    const fixHint = fixable > 0 ? `; ${fixable} fixable with --fix` : '';
    out.push(c(summary.errors > 0 ? 'red' : 'yellow', `✖ ${counts} (${scope})${fixHint}.`));
  }
  return out.join('\n') + '\n';
}
