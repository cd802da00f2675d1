import assert from 'node:assert/strict';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import { applyEdits, fixUntilStable, MAX_FIX_PASSES } from '../../server/src/engine/lint/fix';
import type { LintOptions } from '../../server/src/engine/lint/lint';
import { lintFile, DEFAULT_LINT_OPTIONS } from '../../server/src/engine/lint/lint';
import { ruleById } from '../../server/src/engine/rules';
import type { Finding, Rule } from '../../server/src/engine/rules/rule';
import { assertShortMessage } from './messages';

export const TEST_FILE = 'templates/test.yaml';

export function getRule(id: string): Rule {
  const rule = ruleById(id);
  assert.ok(rule, `rule ${id} is registered`);
  return rule;
}

/** Findings of one rule on `text`, linted as `path`; each keeps the short-message contract (assertShortMessage). */
export function lint(ruleId: string, text: string, options: Partial<LintOptions> = {}, path = TEST_FILE): Finding[] {
  const findings = lintFile(analyzeTemplate(path, text), { ...DEFAULT_LINT_OPTIONS, ...options }, [getRule(ruleId)]);
  findings.forEach(assertShortMessage);
  return findings;
}

/** All a user can read about a finding, its message and its help: tests assert the facts it must state here. */
export function explained(finding: Finding): string {
  return `${finding.message} ${finding.help}`;
}

/** The text each finding points at. */
export function pointedText(text: string, findings: Finding[]): string[] {
  return findings.map((finding) => text.slice(finding.range.start, finding.range.end));
}

/** 1-based line:column (UTF-16) of a finding's start and end, as the CLI prints them. */
export function location(text: string, finding: Finding): string {
  const analyzed = analyzeTemplate(TEST_FILE, text);
  const start = analyzed.lines.position(finding.range.start);
  const end = analyzed.lines.position(finding.range.end);
  return `${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1}`;
}

/** Applies one fix of a finding to the text. */
export function applyFix(text: string, finding: Finding, fixIndex = 0): string {
  const fix = finding.fixes[fixIndex];
  assert.ok(fix, `finding "${finding.message}" has fix #${fixIndex}`);
  return applyEdits(text, fix.edits);
}

/** Applies safe fixes of one rule until nothing changes (at most MAX_FIX_PASSES passes); returns the final text. */
export function fixAll(ruleId: string, text: string, options: Partial<LintOptions> = {}): string {
  const lintText = (current: string) => ({ text: current, findings: lint(ruleId, current, options) });
  const { linted, stable } = fixUntilStable(TEST_FILE, lintText(text), lintText);
  assert.ok(stable, `safe fixes did not converge in ${MAX_FIX_PASSES} passes`);
  return linted.text;
}

/** Wraps annotation lines in a ConfigMap, the way most tests need them. */
export function configMapWith(annotationLines: string[], name = 'x'): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    ...annotationLines.map((line) => `    ${line}`),
    'data: {}',
    '',
  ].join('\n');
}

/** Asserts that the rule's documented bad example is reported and the good one is not. */
export function assertDocsExamples(ruleId: string, options: Partial<LintOptions> = {}): void {
  const rule = getRule(ruleId);
  assert.ok(rule.docs.description.length > 40, 'docs have a description');
  assert.ok(rule.docs.helmFact.length > 20, 'docs state the Helm fact');
  assert.ok(lint(ruleId, rule.docs.bad, options).length > 0, `the bad example of ${ruleId} is reported`);
  assert.deepEqual(lint(ruleId, rule.docs.good, options), [], `the good example of ${ruleId} is clean`);
}
