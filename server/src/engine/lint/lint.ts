import type { TemplateFile } from '../analysis/file';
import { analyzeTemplate } from '../analysis/file';
import type { AnnotationSet, ResourceDocument } from '../model/document';
import { pieceStarts } from '../model/yaml-documents';
import { ALL_RULES } from '../rules';
import type { HookEvent } from '../model/hook';
import type { ChartObject, ChartReport } from '../rules/support/chart-objects';
import { formatMessage } from '../rules/messages';
import type { Finding, HelmVersion, RelatedLocation, Report, Rule, RuleSetting, Severity } from '../rules/rule';
import { findSuppressions, isSuppressed } from '../analysis/suppress';
import { actionRunsAcross, firstActionEndingAfter } from '../template/scanner';
import type { TextRange } from '../core/text';
import type { DeployTarget } from '../deployers/targets';
import { DEFAULT_TARGETS } from '../deployers/targets';

export interface LintOptions {
  helmVersion: HelmVersion;
  /** Severity per rule id, overriding the rule's default; `off` disables it. */
  rules: Readonly<Record<string, RuleSetting>>;
  /** Who deploys the chart (default: helm); a rule for a deployer runs only when it is among them. */
  targets?: readonly DeployTarget[];
}

/** Whether a rule runs with these options: not turned off, and its deployer (if it has one) is a target. */
export function ruleApplies(rule: Rule, options: LintOptions): boolean {
  if (options.rules[rule.id] === 'off') return false;
  return rule.target === undefined || (options.targets ?? DEFAULT_TARGETS).includes(rule.target);
}

export const DEFAULT_LINT_OPTIONS: LintOptions = { helmVersion: 4, rules: {} };

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

function lower(a: Severity, b: Severity): Severity {
  return RANK[a] <= RANK[b] ? a : b;
}

export function effectiveSeverity(
  rule: Rule,
  setting: RuleSetting | undefined,
  report: Pick<Report, 'severity' | 'uncertain'>,
): Severity | undefined {
  if (setting === 'off') return undefined;
  const configured = setting ?? rule.defaultSeverity;
  let severity = report.severity ? lower(report.severity, configured) : configured;
  if (report.uncertain) severity = lower(severity, 'warning');
  return severity;
}

/** Where a chart finding (or, without `rule`, a related location) lands in the user's files; undefined drops it. */
export type ChartPlacer = (
  object: ChartObject,
  range: TextRange,
  rule?: string,
) => { file: string; range: TextRange } | undefined;

/** Runs the chart rules over the objects of one rendering of a chart; `place` moves each finding to its source. */
export function lintChartObjects(
  objects: readonly ChartObject[],
  events: ReadonlySet<HookEvent>,
  options: LintOptions,
  place: ChartPlacer,
  rules: readonly Rule[] = ALL_RULES,
): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    const setting = options.rules[rule.id];
    if (!rule.checkChart || !ruleApplies(rule, options)) continue;
    const report = (reported: ChartReport) => {
      const severity = effectiveSeverity(rule, setting, reported);
      if (!severity) return;
      const at = place(reported.object, reported.range, rule.id);
      if (!at) return;
      const related: RelatedLocation[] = [];
      for (const location of reported.related ?? []) {
        const target = place(location.object, location.range);
        if (target) related.push({ ...target, message: location.message });
      }
      findings.push({
        rule: rule.id,
        severity,
        file: at.file,
        range: at.range,
        ...formatMessage(rule, reported),
        help: reported.help,
        related,
        fixes: [],
      });
    };
    rule.checkChart({
      objects,
      events,
      helmVersion: options.helmVersion,
      targets: options.targets ?? DEFAULT_TARGETS,
      report,
    });
  }
  return findings;
}

/** Runs the file rules on one analysed template; findings are sorted by position, one per rule and range. */
export function lintFile(
  file: TemplateFile,
  options: LintOptions = DEFAULT_LINT_OPTIONS,
  rules: readonly Rule[] = ALL_RULES,
): Finding[] {
  return settle(
    file,
    activeRules(rules, options).map((rule) => runRule(rule, file, options)),
  );
}

function activeRules(rules: readonly Rule[], options: LintOptions): Rule[] {
  return rules.filter((rule) => rule.check && ruleApplies(rule, options));
}

/** What one rule reports on a file (or a view of some of its documents), before suppressions. */
function runRule(rule: Rule, file: TemplateFile, options: LintOptions): Finding[] {
  const setting = options.rules[rule.id];
  const findings: Finding[] = [];
  // Ranges are copied: a rule may report a range of the model, which the language server moves in place after an
  // edit above it (model/document.ts), while the findings kept for the next keystroke are moved apart (lintFileReusing).
  const report = (reported: Report) => {
    const severity = effectiveSeverity(rule, setting, reported);
    if (!severity) return;
    findings.push({
      rule: rule.id,
      severity,
      file: file.path,
      range: copied(reported.range),
      ...formatMessage(rule, reported),
      help: reported.help,
      related: (reported.related ?? []).map((related) => ({ ...related, range: copied(related.range) })),
      fixes: (reported.fixes ?? []).map((fix) => ({
        title: fix.title,
        safe: fix.safe,
        edits: fix.edits.map((edit) => ({
          file: edit.file ?? file.path,
          range: copied(edit.range),
          newText: edit.newText,
        })),
      })),
    });
  };
  try {
    rule.check!({ file, helmVersion: options.helmVersion, targets: options.targets ?? DEFAULT_TARGETS, report });
  } catch (error) {
    throw new Error(`rule ${rule.id} failed on ${file.path}: ${(error as Error).message}`, { cause: error });
  }
  return findings;
}

/** The findings of each rule, in rule order: the first per rule and range that no comment suppresses, by position. */
function settle(file: TemplateFile, byRule: readonly Finding[][]): Finding[] {
  const suppressions = findSuppressions(file.text, file.lines);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const reported of byRule) {
    for (const finding of reported) {
      const key = `${finding.rule}:${finding.range.start}:${finding.range.end}`;
      if (seen.has(key)) continue;
      if (isSuppressed(suppressions, file.lines.position(finding.range.start).line, finding.rule)) continue;
      seen.add(key);
      findings.push(finding);
    }
  }
  return findings.sort(
    (a, b) => a.range.start - b.range.start || a.range.end - b.range.end || a.rule.localeCompare(b.rule),
  );
}

/** The per-document rules' findings on one piece of a template, per rule, with the piece's text and offset. */
interface PieceFindings {
  text: string;
  at: number;
  byRule: (readonly Finding[])[];
}

/**
 * Most rules find nothing in most pieces: one shared empty list stands for all of those in the memos the language
 * server keeps of every open file (a list per rule and piece was a tenth of its heap with 1,000 files open).
 */
const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

function orNone(findings: readonly Finding[]): readonly Finding[] {
  return findings.length === 0 ? NO_FINDINGS : findings;
}

/** What lintFileReusing keeps of one file's lint for the next: the findings on each of its pieces, in order. */
export interface LintMemo {
  optionsKey: string;
  pieces: PieceFindings[];
}

/**
 * The same findings as lintFile with every rule, reusing from `previous` (the memo of an earlier text of the same
 * file) the per-document rules' findings on each piece that the edits since left alone, moved to where the piece is
 * now. Returns the memo for the next call.
 */
export function lintFileReusing(
  file: TemplateFile,
  options: LintOptions,
  previous: LintMemo | undefined,
): { findings: Finding[]; memo: LintMemo } {
  const optionsKey = JSON.stringify(options);
  const split = splitIntoPieces(file);
  if (!split) return { findings: lintFile(file, options), memo: { optionsKey, pieces: [] } };
  const active = activeRules(ALL_RULES, options);
  const perDocument = active.filter((rule) => rule.reads === 'document');
  const unchanged = unchangedPieces(split.pieces, previous?.optionsKey === optionsKey ? previous.pieces : []);
  const perDocumentFindings = perDocument.map((): Finding[] => []);
  const pieces = split.pieces.map((piece, index): PieceFindings => {
    let found = unchanged[index];
    if (!found) {
      const view = viewOf(file, piece, piece.documents, piece.annotationSets);
      const byRule = perDocument.map((rule) => orNone(runRule(rule, view, options)));
      found = { text: piece.text, at: piece.start, byRule };
    } else if (found.at !== piece.start) {
      const delta = piece.start - found.at;
      const byRule = found.byRule.map((findings) =>
        orNone(findings.map((finding) => moved(finding, file.path, delta))),
      );
      found = { text: piece.text, at: piece.start, byRule };
    }
    found.byRule.forEach((findings, rule) => perDocumentFindings[rule]!.push(...findings));
    return found;
  });
  const whole = { start: 0, end: file.text.length };
  const defines = split.defineSets.length > 0 ? viewOf(file, whole, [], split.defineSets) : undefined;
  const byRule = active.map((rule) => {
    const index = perDocument.indexOf(rule);
    if (index < 0) return runRule(rule, file, options);
    const findings = perDocumentFindings[index]!;
    return defines ? [...findings, ...runRule(rule, defines, options)] : findings;
  });
  return { findings: settle(file, byRule), memo: { optionsKey, pieces } };
}

/**
 * The kept findings of each piece that the edits left alone, found by comparing texts from either end: the pieces
 * before the edited ones are where they were, those after have moved by what the edits added or removed.
 */
function unchangedPieces(pieces: readonly Piece[], kept: readonly PieceFindings[]): (PieceFindings | undefined)[] {
  const found = new Array<PieceFindings | undefined>(pieces.length);
  let front = 0;
  while (front < pieces.length && front < kept.length && pieces[front]!.text === kept[front]!.text) {
    found[front] = kept[front];
    front++;
  }
  const remaining = Math.min(pieces.length, kept.length) - front;
  for (
    let back = 1;
    back <= remaining && pieces[pieces.length - back]!.text === kept[kept.length - back]!.text;
    back++
  ) {
    found[pieces.length - back] = kept[kept.length - back];
  }
  return found;
}

interface Piece extends TextRange {
  text: string;
  documents: ResourceDocument[];
  annotationSets: AnnotationSet[];
}

/**
 * The template cut where its YAML documents start, as the language server parses it (pieceStarts), with each piece's
 * documents and their annotation sets; the sets of `define`s, which belong to no document, apart. Undefined when a
 * piece's findings might depend on text outside it: a partial template, a `\r` anywhere (one `\r\n` changes the line
 * breaks of fixes everywhere, and a lone `\r` starts a line for offsets but not for YAML), a template action that runs
 * across the start of a piece, or a YAML document that does (the lexer read on through its `---`).
 */
function splitIntoPieces(file: TemplateFile): { pieces: Piece[]; defineSets: AnnotationSet[] } | undefined {
  if (file.isPartial || file.text.includes('\r')) return undefined;
  const starts = pieceStarts(file.model.yamlText);
  if (!starts || starts.some((start) => actionRunsAcross(file.scan.actions, start))) return undefined;
  const pieces: Piece[] = starts.map((start, index) => {
    const end = index + 1 < starts.length ? starts[index + 1]! : file.text.length;
    return { start, end, text: file.text.slice(start, end), documents: [], annotationSets: [] };
  });
  const pieceAt = (offset: number) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return pieces[low]!;
  };
  for (const document of file.model.documents) {
    const piece = pieceAt(document.range.start);
    if (document.range.end > piece.end) return undefined;
    piece.documents.push(document);
  }
  const defineSets: AnnotationSet[] = [];
  for (const set of file.model.annotationSets) {
    if (set.resource) pieceAt(set.resource.range.start).annotationSets.push(set);
    else defineSets.push(set);
  }
  return { pieces, defineSets };
}

/**
 * The file as the rules see it, with only these documents and annotation sets, and only the template actions inside
 * `range`: a per-document rule has no need of others (and a walk over every action of the file per hook costs).
 */
function viewOf(
  file: TemplateFile,
  range: TextRange,
  documents: ResourceDocument[],
  annotationSets: AnnotationSet[],
): TemplateFile {
  const actions = file.scan.actions;
  const first = firstActionEndingAfter(actions, range.start);
  const end = firstActionEndingAfter(actions, range.end);
  const inside = first === 0 && end === actions.length ? actions : actions.slice(first, end);
  return { ...file, scan: { ...file.scan, actions: inside }, model: { ...file.model, documents, annotationSets } };
}

function copied(range: TextRange): TextRange {
  return { start: range.start, end: range.end };
}

function moved(finding: Finding, path: string, delta: number): Finding {
  const move = (range: TextRange): TextRange => ({ start: range.start + delta, end: range.end + delta });
  return {
    ...finding,
    range: move(finding.range),
    related: finding.related.map((related) =>
      related.file === path ? { ...related, range: move(related.range) } : related,
    ),
    fixes: finding.fixes.map((fix) => ({
      ...fix,
      edits: fix.edits.map((edit) => (edit.file === path ? { ...edit, range: move(edit.range) } : edit)),
    })),
  };
}

/** Convenience for tests and the CLI: analyse and lint a template's text. */
export function lintText(
  path: string,
  text: string,
  options: LintOptions = DEFAULT_LINT_OPTIONS,
  rules: readonly Rule[] = ALL_RULES,
): Finding[] {
  return lintFile(analyzeTemplate(path, text), options, rules);
}
