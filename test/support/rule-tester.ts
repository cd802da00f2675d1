import assert from 'node:assert/strict';
import { resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import { loadChart } from '../../server/src/engine/chart/load';
import type { LoadedChart } from '../../server/src/engine/chart/types';
import { memoryFiles } from '../../server/src/engine/core/files';
import { LineIndex } from '../../server/src/engine/core/text';
import { applyEdits, fixUntilStable, MAX_FIX_PASSES } from '../../server/src/engine/lint/fix';
import type { EvaluatedLintOptions } from '../../server/src/engine/lint/evaluated-lint';
import { evaluatedFindings } from '../../server/src/engine/lint/evaluated-lint';
import type { LintOptions } from '../../server/src/engine/lint/lint';
import { lintFile, DEFAULT_LINT_OPTIONS } from '../../server/src/engine/lint/lint';
import { ruleById } from '../../server/src/engine/rules';
import type { Finding, MessageData, Rule, Severity } from '../../server/src/engine/rules/rule';
import { assertShortMessage } from './messages';

/**
 * Rule tests as tables, in the spirit of ESLint's RuleTester. A rule's test file is one call:
 *
 *   ruleTester.run('unquoted-hook-weight', {
 *     valid: [hookWithWeight('"5"'), { name: 'a quoted template', code: hookWithWeight('{{ .Values.w | quote }}') }],
 *     invalid: [
 *       {
 *         code: hookWithWeight('-5'),
 *         errors: [{ messageId: 'notString', data: { weight: '-5' }, line: 7, column: 26, help: [/cannot unmarshal/] }],
 *         output: hookWithWeight('"-5"'),
 *       },
 *     ],
 *   });
 *
 * Cases. A file rule (`check`) takes FileCases: `code`, linted as `filename` (default templates/test.yaml) with
 * `options`; a string is a valid case's code. A chart rule (`checkChart`, `checkLoadedChart`) takes ChartCases:
 * `files` by path, loaded by loadCaseChart and linted through the evaluated view (every other rule off).
 *
 * Invalid cases. `errors` lists the findings in position order: `messageId`; `data`, compared only on the keys given;
 * the 1-based `line` and `column` where the finding starts, as the CLI prints (`endLine`, `endColumn` optional);
 * `severity`; `file`, relative to the chart (chart cases; default: the first file under templates/); `help`, regular
 * expressions for the facts the help must state (what Helm does, the error it prints), never its wording; `related`,
 * when given, the finding's related locations in order (`line`, `column`, `file`, `message` facts). `errors` may
 * be a count. File cases also say what fixing does, with ESLint's semantics: `output` is the code after the safe fixes
 * are applied (and the text linted again) until nothing changes; `output: null` or no output asserts that there is no
 * safe fix. `suggestions` lists every unsafe fix, in order, each `{ title?, output }` applied alone to the code;
 * required when there is one. Every finding must keep the short-message contract (messages.ts).
 *
 * Checks of the rule's own flags, each an `it` after the cases:
 * - every message id the rule declares is reported by some invalid case, and every finding has a declared id;
 * - `fixable` is true exactly when some invalid case yields a fix (safe or not);
 * - `reads: 'document'`: each invalid file case gives the same findings, moved with its text, with an unrelated
 *   ConfigMap document before it and after it in the same file;
 * - a rule with `check` that is not `syntaxOnly` runs on rendered documents: each invalid file case without template
 *   actions (and not a `.tpl`), rendered as a chart's one template, gives the same message ids through the evaluated
 *   view. A case that Helm really renders otherwise says why in `renderedDiffers`;
 * - `syntaxOnly`: run on the rendered view anyway, some invalid file case loses a message id there (it is about text
 *   that only the template as written has: actions, comments, text the render drops);
 * - the rule's `docs.bad` is reported and its `docs.good` is clean.
 *
 * Tests of helpers or of several rules go elsewhere. The checks are plain functions (checkInvalidCase,
 * checkReadsDocument, ...) that test/unit/rule-tester.test.ts proves on fake rules. The small helpers below (lint,
 * configMapWith, ...) serve those other tests.
 */
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

/**
 * The annotation line of a chart that builds its annotations from values, `{{- toYaml <values> | nindent 4 }}`, as a
 * line for configMapWith: the rule cannot see what it holds.
 */
export function annotationsFromValues(values = '.Values.annotations'): string {
  return `{{- toYaml ${values} | nindent 4 }}`;
}

/** An object of the core API group (`apiVersion: v1`) of `kind` and `name`, with `annotationLines` under its metadata. */
export function v1Object(kind: string, name: string, annotationLines: string[] = []): string {
  const lines = ['apiVersion: v1', `kind: ${kind}`, 'metadata:', `  name: ${name}`];
  if (annotationLines.length > 0) lines.push('  annotations:', ...annotationLines.map((line) => `    ${line}`));
  return [...lines, ''].join('\n');
}

/**
 * A Job hook named `name` whose container takes its password from the Secret `db` (line 18, column 25), with
 * `annotationLines` under its metadata and, when given, a `serviceAccountName`: the hook the dependency rules' tests
 * run under Helm and Argo CD alike.
 */
export function jobReadingSecretDb(annotationLines: string[], serviceAccountName?: string, name = 'migrate'): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    ...annotationLines.map((line) => `    ${line}`),
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    ...(serviceAccountName ? [`      serviceAccountName: ${serviceAccountName}`] : []),
    '      containers:',
    '        - name: migrate',
    '          image: migrate:1.0',
    '          env:',
    '            - name: PASSWORD',
    '              valueFrom:',
    '                secretKeyRef:',
    '                  name: db',
    '                  key: password',
    '',
  ].join('\n');
}

// The rule tester: see the how-to at the top of this file.

/** A template linted on its own, as written (and, for the flag checks, through the evaluated view). */
export interface FileCase {
  /** The test's name; by default the first line of `code` that names a Helm annotation or an action. */
  name?: string;
  code: string;
  /** The path the template is linted as (default templates/test.yaml). */
  filename?: string;
  options?: Partial<LintOptions>;
  /**
   * Why Helm's render of this case legitimately gives other findings than the text as written (say, a value the
   * render changes). Without it, a rule that is not syntaxOnly must find the same message ids in both views.
   */
  renderedDiffers?: string;
}

/** A chart, loaded and linted through the evaluated view (for checkChart and checkLoadedChart rules). */
export interface ChartCase {
  /** The test's name; by default the first line of the first template that names a Helm annotation or an action. */
  name?: string;
  /** The chart's files by path; a Chart.yaml (name app, version 1.0.0) and an empty values.yaml unless given. */
  files: Record<string, string>;
  options?: Partial<EvaluatedLintOptions>;
}

/** One finding an invalid case must give, in position order. */
export interface ExpectedError {
  messageId: string;
  /** Compared key by key: only the keys given must equal the finding's data. */
  data?: MessageData;
  /** 1-based line and column (UTF-16) where the finding starts and, if given, ends: what the CLI prints. */
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity?: Severity;
  /** A chart case's file, relative to the chart; by default the case's first file under templates/. */
  file?: string;
  /** Facts the help must state (what Helm or Kubernetes does, an error text it prints), not its wording. */
  help?: RegExp[];
  /** If given, the finding's related locations, in order (e.g. the other document of a clash, the reader). */
  related?: ExpectedRelated[];
}

/** A related location of a finding: where it points, and facts its note must state. */
export interface ExpectedRelated {
  line: number;
  column: number;
  /** Relative to the chart (chart cases); by default the file of the finding. */
  file?: string;
  /** Facts the note must state (say, the field that reads the object), not its wording. */
  message?: RegExp[];
}

/** An unsafe fix, applied alone to the case's code. */
export interface Suggestion {
  title?: string;
  output: string;
}

export interface InvalidFileCase extends FileCase {
  /** The findings, or only how many. */
  errors: ExpectedError[] | number;
  /**
   * The code after its safe fixes are applied pass after pass until nothing changes (it must differ from `code`).
   * `null` or absent: the case yields no safe fix, which is checked.
   */
  output?: string | null;
  /** Every unsafe fix of the case's findings, in order; required when there is any. */
  suggestions?: Suggestion[];
}

export interface InvalidChartCase extends ChartCase {
  errors: ExpectedError[] | number;
}

export type ValidCase = FileCase | ChartCase | string;
export type InvalidCase = InvalidFileCase | InvalidChartCase;

export interface RuleTests {
  /** Cases that must give no finding; a string is a FileCase's code. */
  valid: ValidCase[];
  invalid: InvalidCase[];
  /** Files beside the docs examples in their chart (a good Chart.yaml is right only with its subchart in charts/). */
  docsFiles?: { bad?: Record<string, string>; good?: Record<string, string> };
}

/**
 * One `describe` per rule: an `it` per case, then one per check of the rule's own flags (see the how-to). The rule is
 * looked up by id, or given (a fake rule in the tester's own tests).
 */
function run(ruleOrId: string | Rule, tests: RuleTests): void {
  const rule = typeof ruleOrId === 'string' ? getRule(ruleOrId) : ruleOrId;
  describe(rule.id, () => {
    for (const [index, testCase] of tests.valid.entries()) {
      it(`valid #${index + 1}: ${caseName(testCase)}`, () => checkValidCase(rule, testCase));
    }
    for (const [index, testCase] of tests.invalid.entries()) {
      it(`invalid #${index + 1}: ${caseName(testCase)}`, () => checkInvalidCase(rule, testCase));
    }
    it('declares every message id it reports, and some invalid case reports each one', () =>
      checkMessageIds(rule, tests));
    it(`is fixable: ${rule.fixable}, as its invalid cases show`, () => checkFixable(rule, tests));
    if (rule.reads === 'document') {
      it("reads: 'document': each file case's findings stay put with other documents around it", () =>
        checkReadsDocument(rule, tests));
    }
    if (rule.check && !rule.syntaxOnly) {
      it('is not syntaxOnly: its file cases give the same message ids on the rendered view', () =>
        checkRendersLikeWritten(rule, tests));
    }
    if (rule.syntaxOnly) {
      it('is syntaxOnly: some invalid case is about text the rendered view no longer has', () =>
        checkSyntaxOnly(rule, tests));
    }
    it('reports its documented bad example and not its good one', () => checkDocsExamples(rule, tests.docsFiles));
  });
}

export const ruleTester = { run };

function isChartCase(testCase: ValidCase | InvalidCase): testCase is ChartCase {
  return typeof testCase !== 'string' && 'files' in testCase;
}

function asCase<C extends ValidCase | InvalidCase>(testCase: C): Exclude<C, string> | FileCase {
  return typeof testCase === 'string' ? { code: testCase } : (testCase as Exclude<C, string>);
}

/** The case's name, or its first line that names a Helm annotation or holds an action. */
export function caseName(testCase: ValidCase | InvalidCase): string {
  const named = asCase(testCase);
  if (named.name) return named.name;
  const text = isChartCase(named) ? (firstTemplate(named.files)?.[1] ?? '') : (named as FileCase).code;
  const lines = text.split('\n').map((line) => line.trim());
  return lines.find((line) => /helm\.sh\/|argocd\.argoproj\.io\/|\{\{/.test(line)) ?? lines.find(Boolean) ?? '(empty)';
}

function firstTemplate(files: Record<string, string>): [string, string] | undefined {
  return Object.entries(files).find(([path]) => path.startsWith('templates/'));
}

const CHART_DEFAULTS: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
  'values.yaml': '',
};

/**
 * The one place chart cases are loaded: from files held in memory, no folder written. Paths in the chart are absolute,
 * under `root`.
 */
export function loadCaseChart(files: Record<string, string>): { chart: LoadedChart; root: string } {
  const memory = memoryFiles({ ...CHART_DEFAULTS, ...files }, resolve(sep, 'memory', 'case'));
  return { chart: loadChart(memory.root, { files: memory }), root: memory.root };
}

/** A finding with its file relative to the chart (or the file case's path). */
interface CaseFinding extends Finding {
  relativeFile: string;
}

/** What a case gives: its findings and the texts they point into, by relative path. */
interface CaseResult {
  findings: CaseFinding[];
  texts: Record<string, string>;
  defaultFile: string;
}

function fileCaseResult(rule: Rule, testCase: FileCase): CaseResult {
  const path = testCase.filename ?? TEST_FILE;
  const findings = lintFile(analyzeTemplate(path, testCase.code), { ...DEFAULT_LINT_OPTIONS, ...testCase.options }, [
    rule,
  ]);
  findings.forEach(assertShortMessage);
  return {
    findings: findings.map((finding) => ({ ...finding, relativeFile: finding.file })),
    texts: { [path]: testCase.code },
    defaultFile: path,
  };
}

/** The evaluated view's findings of `rule` alone on a chart; each keeps the short-message contract. */
function evaluatedCaseFindings(
  rule: Rule,
  files: Record<string, string>,
  options: Partial<EvaluatedLintOptions> = {},
): CaseFinding[] {
  const { chart, root } = loadCaseChart(files);
  const findings = evaluatedFindings(chart, { helmVersion: 4, rules: {}, ...options, ruleSet: [rule] });
  findings.forEach(assertShortMessage);
  return findings.map((finding) => ({ ...finding, relativeFile: finding.file.slice(root.length + 1) }));
}

function chartCaseResult(rule: Rule, testCase: ChartCase): CaseResult {
  return {
    findings: evaluatedCaseFindings(rule, testCase.files, testCase.options),
    texts: { ...CHART_DEFAULTS, ...testCase.files },
    defaultFile: firstTemplate(testCase.files)?.[0] ?? 'Chart.yaml',
  };
}

const results = new WeakMap<Rule, WeakMap<object, CaseResult>>();

/** A case's result, computed once per rule (the flag checks read the invalid cases' results again). */
function resultOf(rule: Rule, testCase: FileCase | ChartCase): CaseResult {
  let byCase = results.get(rule);
  if (!byCase) results.set(rule, (byCase = new WeakMap()));
  let result = byCase.get(testCase);
  if (!result) {
    result = isChartCase(testCase) ? chartCaseResult(rule, testCase) : fileCaseResult(rule, testCase);
    byCase.set(testCase, result);
  }
  return result;
}

/** `file:line:column-line:column`, 1-based. */
function span(texts: Record<string, string>, file: string, range: { start: number; end: number }) {
  const lines = new LineIndex(texts[file] ?? '');
  const start = lines.position(range.start);
  const end = lines.position(range.end);
  return { line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

function describeFindings(result: CaseResult): string {
  if (result.findings.length === 0) return 'no finding';
  return result.findings
    .map((finding) => {
      const at = span(result.texts, finding.relativeFile, finding.range);
      const data = finding.data ? ` ${JSON.stringify(finding.data)}` : '';
      return `${finding.messageId}${data} at ${finding.relativeFile}:${at.line}:${at.column}-${at.endLine}:${at.endColumn}`;
    })
    .join('; ');
}

export function checkValidCase(rule: Rule, testCase: ValidCase): void {
  const result = resultOf(rule, asCase(testCase));
  assert.equal(
    result.findings.length,
    0,
    `${rule.id} should give no finding here, but gives: ${describeFindings(result)}`,
  );
}

export function checkInvalidCase(rule: Rule, testCase: InvalidCase): void {
  const result = resultOf(rule, testCase);
  const { errors } = testCase;
  const count = typeof errors === 'number' ? errors : errors.length;
  assert.ok(count > 0, 'an invalid case expects at least one finding');
  assert.equal(
    result.findings.length,
    count,
    `${rule.id} should give ${count} finding(s), but gives ${result.findings.length}: ${describeFindings(result)}`,
  );
  if (typeof errors !== 'number') {
    errors.forEach((expected, index) => checkError(result, result.findings[index]!, expected, `finding #${index + 1}`));
  }
  if (!isChartCase(testCase)) checkFixes(rule, testCase as InvalidFileCase, result);
}

function checkError(result: CaseResult, finding: CaseFinding, expected: ExpectedError, which: string): void {
  const at = span(result.texts, finding.relativeFile, finding.range);
  const shown = `${which} (${describeFindings({ ...result, findings: [finding] })}; message: ${finding.message})`;
  assert.equal(finding.messageId, expected.messageId, `${shown}: messageId`);
  for (const [key, value] of Object.entries(expected.data ?? {})) {
    assert.equal(finding.data?.[key], value, `${shown}: data.${key}`);
  }
  assert.equal(finding.relativeFile, expected.file ?? result.defaultFile, `${shown}: file`);
  assert.deepEqual(
    { line: at.line, column: at.column },
    { line: expected.line, column: expected.column },
    `${shown}: start line and column`,
  );
  if (expected.endLine !== undefined) assert.equal(at.endLine, expected.endLine, `${shown}: end line`);
  if (expected.endColumn !== undefined) assert.equal(at.endColumn, expected.endColumn, `${shown}: end column`);
  if (expected.severity !== undefined) assert.equal(finding.severity, expected.severity, `${shown}: severity`);
  for (const fact of expected.help ?? []) assert.match(finding.help, fact, `${shown}: the help states ${fact}`);
  if (expected.related) checkRelated(result, finding, expected.related, shown);
}

function checkRelated(result: CaseResult, finding: CaseFinding, expected: ExpectedRelated[], shown: string): void {
  const root = finding.file.slice(0, finding.file.length - finding.relativeFile.length);
  const actual = finding.related.map((related) => {
    const file = related.file.startsWith(root) ? related.file.slice(root.length) : related.file;
    const at = span(result.texts, file, related.range);
    return { file, line: at.line, column: at.column, message: related.message };
  });
  assert.deepEqual(
    actual.map(({ file, line, column }) => ({ file, line, column })),
    expected.map(({ file, line, column }) => ({ file: file ?? finding.relativeFile, line, column })),
    `${shown}: related locations`,
  );
  expected.forEach((related, index) => {
    for (const fact of related.message ?? []) {
      assert.match(actual[index]!.message, fact, `${shown}: related #${index + 1} states ${fact}`);
    }
  });
}

/** The text after the case's safe fixes, applied and linted again until nothing changes. */
function fixedText(rule: Rule, testCase: InvalidFileCase): string {
  const path = testCase.filename ?? TEST_FILE;
  const lintText = (text: string) => ({ text, findings: resultOf(rule, { ...testCase, code: text }).findings });
  const { linted, stable } = fixUntilStable(path, lintText(testCase.code), lintText);
  assert.ok(stable, `the safe fixes did not converge in ${MAX_FIX_PASSES} passes`);
  return linted.text;
}

function checkFixes(rule: Rule, testCase: InvalidFileCase, result: CaseResult): void {
  const fixed = fixedText(rule, testCase);
  if (typeof testCase.output === 'string') {
    assert.notEqual(testCase.output, testCase.code, 'output equals code: write output: null for a case without fixes');
    assert.equal(fixed, testCase.output, 'the code after its safe fixes (output)');
  } else {
    assert.equal(fixed, testCase.code, 'the case yields safe fixes: give their result as output');
  }
  const unsafe = result.findings.flatMap((finding) => finding.fixes.filter((fix) => !fix.safe));
  const suggestions = testCase.suggestions ?? [];
  assert.ok(unsafe.length === 0 || testCase.suggestions, 'the case yields unsafe fixes: list them as suggestions');
  assert.equal(unsafe.length, suggestions.length, `unsafe fixes: ${unsafe.map((fix) => fix.title).join('; ')}`);
  suggestions.forEach((suggestion, index) => {
    const fix = unsafe[index]!;
    if (suggestion.title !== undefined) assert.equal(fix.title, suggestion.title, `suggestion #${index + 1}: title`);
    assert.equal(applyEdits(testCase.code, fix.edits), suggestion.output, `suggestion #${index + 1}: output`);
  });
}

function invalidFileCases(tests: RuleTests): InvalidFileCase[] {
  return tests.invalid.filter((testCase): testCase is InvalidFileCase => !isChartCase(testCase));
}

export function checkMessageIds(rule: Rule, tests: RuleTests): void {
  const used = new Set<string>();
  for (const testCase of tests.invalid) {
    for (const finding of resultOf(rule, testCase).findings) {
      used.add(finding.messageId);
    }
  }
  const unused = Object.keys(rule.messages).filter((id) => !used.has(id));
  assert.deepEqual(unused, [], `message ids of ${rule.id} that no invalid case reports: ${unused.join(', ')}`);
}

export function checkFixable(rule: Rule, tests: RuleTests): void {
  const fixing = tests.invalid.find((testCase) =>
    resultOf(rule, testCase).findings.some((finding) => finding.fixes.length > 0),
  );
  if (rule.fixable) assert.ok(fixing, `${rule.id} says fixable: true, but no invalid case yields a fix`);
  else assert.ok(!fixing, `${rule.id} says fixable: false, but "${fixing && caseName(fixing)}" yields a fix`);
}

/** Neither a hook nor anything a hook reads: a document no rule should care about. */
const UNRELATED_DOCUMENT = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: unrelated', 'data: {}', ''].join(
  '\n',
);

/** What a finding says and where, its ranges moved back by `shift`: what must not depend on its neighbours. */
function shifted(finding: Finding, shift: number): unknown {
  const move = (range: { start: number; end: number }) => ({ start: range.start - shift, end: range.end - shift });
  return {
    messageId: finding.messageId,
    data: finding.data,
    message: finding.message,
    help: finding.help,
    severity: finding.severity,
    range: move(finding.range),
    related: finding.related.map((related) => ({ ...related, range: move(related.range) })),
    fixes: finding.fixes.map((fix) => ({
      ...fix,
      edits: fix.edits.map((edit) => ({ ...edit, range: move(edit.range) })),
    })),
  };
}

/**
 * reads: 'document' promises that a document's findings follow from its own text: with an unrelated document put
 * before and after it in the same file, each invalid file case must give the same findings, moved with its text.
 */
export function checkReadsDocument(rule: Rule, tests: RuleTests): void {
  for (const testCase of invalidFileCases(tests)) {
    const alone = resultOf(rule, testCase).findings.map((finding) => shifted(finding, 0));
    const code = testCase.code.endsWith('\n') ? testCase.code : `${testCase.code}\n`;
    const prefix = `${UNRELATED_DOCUMENT}---\n`;
    const before = resultOf(rule, { ...testCase, code: prefix + code }).findings;
    const after = resultOf(rule, { ...testCase, code: `${code}---\n${UNRELATED_DOCUMENT}` }).findings;
    const name = caseName(testCase);
    assert.deepEqual(
      before.map((finding) => shifted(finding, prefix.length)),
      alone,
      `${rule.id} says reads: 'document', but "${name}" gives other findings after an unrelated document`,
    );
    assert.deepEqual(
      after.map((finding) => shifted(finding, 0)),
      alone,
      `${rule.id} says reads: 'document', but "${name}" gives other findings before an unrelated document`,
    );
  }
}

/** A file case as a chart's one template, linted through the evaluated view: the message ids it gives, sorted. */
function renderedMessageIds(rule: Rule, testCase: FileCase): string[] {
  const name = (testCase.filename ?? TEST_FILE).replace(/^.*\//, '');
  const { helmVersion, targets, rules } = testCase.options ?? {};
  const options = { ...(helmVersion && { helmVersion }), ...(targets && { targets }), ...(rules && { rules }) };
  return sortedIds(evaluatedCaseFindings(rule, { [`templates/${name}`]: testCase.code }, options));
}

function sortedIds(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.messageId).sort();
}

/** A case Helm renders as a template of its own: a YAML file without actions (a `.tpl` file renders nothing). */
function rendersAsWritten(testCase: FileCase): boolean {
  return !testCase.code.includes('{{') && !/\.tpl$/.test(testCase.filename ?? TEST_FILE);
}

/**
 * A rule that is not syntaxOnly runs on the documents Helm renders too (the evaluated view). Each invalid file case
 * without template actions renders to its own text, so that view must give it the same message ids.
 */
export function checkRendersLikeWritten(rule: Rule, tests: RuleTests): void {
  for (const testCase of invalidFileCases(tests)) {
    if (!rendersAsWritten(testCase) || testCase.renderedDiffers) continue;
    const written = sortedIds(resultOf(rule, testCase).findings);
    assert.deepEqual(
      renderedMessageIds(rule, testCase),
      written,
      `${rule.id} is not syntaxOnly, but "${caseName(testCase)}" gives other message ids through the rendered view ` +
        'than as written (give renderedDiffers with the reason if Helm really renders it otherwise)',
    );
  }
}

/**
 * syntaxOnly says the rule reads what only the template as written has (actions, text the render drops). Run on the
 * rendered view anyway, some invalid file case must lose a finding there: else the rule reads what Helm renders and
 * the flag only hides its findings from the evaluated view.
 */
export function checkSyntaxOnly(rule: Rule, tests: RuleTests): void {
  const onRendered: Rule = { ...rule, syntaxOnly: false };
  const templates = invalidFileCases(tests).filter((testCase) => !/\.tpl$/.test(testCase.filename ?? TEST_FILE));
  const lost = templates.some((testCase) => {
    const written = sortedIds(resultOf(rule, testCase).findings);
    const rendered = renderedMessageIds(onRendered, testCase);
    return written.some((id) => !rendered.includes(id));
  });
  assert.ok(
    lost,
    `${rule.id} says syntaxOnly: true, but every invalid case gives its message ids through the rendered view too: ` +
      'add a case about template syntax, or drop syntaxOnly',
  );
}

/**
 * The rule's documented bad example gives a finding and its good one none: as a file, as a chart's one template, or
 * (a rule that reads only the loaded chart) as the chart's Chart.yaml, beside `docsFiles`. A rule of one deployer is
 * linted with that deployer as the target.
 */
export function checkDocsExamples(rule: Rule, docsFiles: RuleTests['docsFiles'] = {}): void {
  const targets = rule.target ? { targets: [rule.target] } : {};
  const path = rule.checkLoadedChart && !rule.checkChart ? 'Chart.yaml' : 'templates/example.yaml';
  const asCase = (text: string, files: Record<string, string> = {}): FileCase | ChartCase =>
    rule.check
      ? { code: text, options: targets }
      : { files: { [path]: text, 'values.yaml': 'password: secret\n', ...files }, options: targets };
  const bad = resultOf(rule, asCase(rule.docs.bad, docsFiles.bad));
  assert.ok(bad.findings.length > 0, `the bad example of ${rule.id} is reported`);
  const good = resultOf(rule, asCase(rule.docs.good, docsFiles.good));
  assert.equal(good.findings.length, 0, `the good example of ${rule.id} is clean, but gives ${describeFindings(good)}`);
}
