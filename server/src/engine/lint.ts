import { analyzeTemplate, TemplateFile } from './file';
import { ALL_RULES } from './rules';
import { Finding, HelmVersion, Report, Rule, RuleSetting, Severity } from './rules/rule';
import { findSuppressions, isSuppressed } from './suppress';

export interface LintOptions {
  helmVersion: HelmVersion;
  /** Severity per rule id, overriding the rule's default; `off` disables it. */
  rules: Readonly<Record<string, RuleSetting>>;
}

export const DEFAULT_LINT_OPTIONS: LintOptions = { helmVersion: 4, rules: {} };

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

function lower(a: Severity, b: Severity): Severity {
  return RANK[a] <= RANK[b] ? a : b;
}

export function effectiveSeverity(rule: Rule, setting: RuleSetting | undefined, report: Report): Severity | undefined {
  if (setting === 'off') return undefined;
  const configured = setting ?? rule.defaultSeverity;
  let severity = report.severity ? lower(report.severity, configured) : configured;
  if (report.uncertain) severity = lower(severity, 'warning');
  return severity;
}

/** Runs the file rules on one analysed template; findings are sorted by position, one per rule and range. */
export function lintFile(file: TemplateFile, options: LintOptions = DEFAULT_LINT_OPTIONS, rules: readonly Rule[] = ALL_RULES): Finding[] {
  const suppressions = findSuppressions(file.text, file.lines);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const setting = options.rules[rule.id];
    if (setting === 'off' || !rule.check) continue;
    const report = (reported: Report) => {
      const severity = effectiveSeverity(rule, setting, reported);
      if (!severity) return;
      const key = `${rule.id}:${reported.range.start}:${reported.range.end}`;
      if (seen.has(key)) return;
      if (isSuppressed(suppressions, file.lines.position(reported.range.start).line, rule.id)) return;
      seen.add(key);
      findings.push({
        rule: rule.id,
        severity,
        file: file.path,
        range: reported.range,
        message: reported.message,
        related: reported.related ?? [],
        fixes: (reported.fixes ?? []).map((fix) => ({
          title: fix.title,
          safe: fix.safe,
          edits: fix.edits.map((edit) => ({ file: edit.file ?? file.path, range: edit.range, newText: edit.newText })),
        })),
      });
    };
    try {
      rule.check({ file, helmVersion: options.helmVersion, report });
    } catch (error) {
      throw new Error(`rule ${rule.id} failed on ${file.path}: ${(error as Error).message}`, { cause: error });
    }
  }
  return findings.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end || a.rule.localeCompare(b.rule));
}

/** Convenience for tests and the CLI: analyse and lint a template's text. */
export function lintText(path: string, text: string, options: LintOptions = DEFAULT_LINT_OPTIONS, rules: readonly Rule[] = ALL_RULES): Finding[] {
  return lintFile(analyzeTemplate(path, text), options, rules);
}
