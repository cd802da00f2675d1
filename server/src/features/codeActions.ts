import { pathToFileURL } from 'node:url';
import type { CodeAction, CodeActionParams, Diagnostic, WorkspaceEdit } from 'vscode-languageserver/node';
import { CodeActionKind, TextEdit } from 'vscode-languageserver/node';
import { analyzeTemplate } from '../engine/analysis/file';
import { fixUntilStable } from '../engine/lint/fix';
import type { LintOptions } from '../engine/lint/lint';
import { lintFile } from '../engine/lint/lint';
import type { Finding } from '../engine/rules/rule';
import { isIgnored } from '../engine/core/config';
import type { LineIndex } from '../engine/core/text';
import { FIX_ALL_KIND } from '../protocol';
import type { ServerContext } from './context';
import { overlapsOrTouches, toLspRange } from './ranges';
import { uriToPath } from './workspace';

/** Fixes of this rule come first: an unquoted weight fails the install outright and its quoting is always safe. */
const FIRST_RULE = 'unquoted-hook-weight';

export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, FIX_ALL_KIND];

export async function codeActions(context: ServerContext, params: CodeActionParams): Promise<CodeAction[]> {
  const document = context.documents.get(params.textDocument.uri);
  const path = uriToPath(params.textDocument.uri);
  if (!document || path === undefined || !context.workspace.isTemplate(path)) return [];
  const chart = context.workspace.chartOf(path)!;
  const config = await context.configuration.effective(chart.directory, pathToFileURL(chart.directory).href);
  if (isIgnored(path, config.file)) return [];
  const analysed = context.workspace.analysis(path, document.getText());
  if (!analysed) return [];
  const file = analysed.file;
  const findings = context.workspace.lints.findingsFor(file, config.lint);
  const only = params.context.only;
  const wants = (kind: string) =>
    !only || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));

  const actions: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) {
    const start = file.lines.offset(params.range.start);
    const end = file.lines.offset(params.range.end);
    const here = findings
      .filter((finding) => overlapsOrTouches(finding.range, { start, end }))
      .sort((a, b) => Number(b.rule === FIRST_RULE) - Number(a.rule === FIRST_RULE));
    for (const finding of here)
      actions.push(...quickFixes(context, file.lines, params.textDocument.uri, finding, params.context.diagnostics));
    actions.push(...disableActions(file.text, file.lines, params.textDocument.uri, here, params.context.diagnostics));
  }
  if (wants(FIX_ALL_KIND)) {
    const fixAll = fixAllAction(params.textDocument.uri, path, file.text, file.lines, config.lint, findings);
    if (fixAll) actions.push(fixAll);
  }
  return actions;
}

function matchingDiagnostics(finding: Finding, lines: LineIndex, diagnostics: Diagnostic[]): Diagnostic[] {
  const range = toLspRange(lines, finding.range);
  return diagnostics.filter(
    (diagnostic) =>
      diagnostic.code === finding.rule &&
      diagnostic.range.start.line === range.start.line &&
      diagnostic.range.start.character === range.start.character &&
      diagnostic.range.end.line === range.end.line &&
      diagnostic.range.end.character === range.end.character,
  );
}

function quickFixes(
  context: ServerContext,
  lines: LineIndex,
  uri: string,
  finding: Finding,
  diagnostics: Diagnostic[],
): CodeAction[] {
  const related = matchingDiagnostics(finding, lines, diagnostics);
  const preferred = finding.fixes.find((fix) => fix.safe);
  return finding.fixes.map((fix) => {
    const changes: WorkspaceEdit['changes'] = {};
    for (const edit of fix.edits) {
      const editLines = edit.file === finding.file ? lines : context.workspace.analysis(edit.file)?.file.lines;
      if (!editLines) continue;
      const editUri = edit.file === finding.file ? uri : context.workspace.uriOf(edit.file);
      (changes[editUri] ??= []).push(TextEdit.replace(toLspRange(editLines, edit.range), edit.newText));
    }
    const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, edit: { changes } };
    if (related.length > 0) action.diagnostics = related;
    if (fix === preferred) action.isPreferred = true;
    return action;
  });
}

const SUPPRESSION = /^(\s*)#\s*helm-hooks-disable-next-line\b(.*)$/;

/**
 * "Disable RULE for this line": a `# helm-hooks-disable-next-line RULE` comment above the finding's line, indented
 * like it, or the rule added to such a comment already there.
 */
function disableActions(
  text: string,
  lines: LineIndex,
  uri: string,
  findings: Finding[],
  diagnostics: Diagnostic[],
): CodeAction[] {
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    const line = lines.position(finding.range.start).line;
    const key = `${finding.rule}:${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const lineStart = lines.lineStart(line);
    const indent = /^[ \t]*/.exec(text.slice(lineStart, lines.lineEnd(line)))![0];
    const previous = line > 0 ? SUPPRESSION.exec(text.slice(lines.lineStart(line - 1), lines.lineEnd(line - 1))) : null;
    let edit: TextEdit;
    if (previous) {
      const end = { line: line - 1, character: lines.lineEnd(line - 1) - lines.lineStart(line - 1) };
      const trimmedEnd = {
        line: line - 1,
        character: end.character - (previous[0].length - previous[0].trimEnd().length),
      };
      edit = TextEdit.insert(trimmedEnd, `, ${finding.rule}`);
    } else {
      const eol = /\r\n?|\n/.exec(text)?.[0] ?? '\n';
      edit = TextEdit.insert({ line, character: 0 }, `${indent}# helm-hooks-disable-next-line ${finding.rule}${eol}`);
    }
    const action: CodeAction = {
      title: `Disable ${finding.rule} for this line`,
      kind: CodeActionKind.QuickFix,
      edit: { changes: { [uri]: [edit] } },
    };
    const related = matchingDiagnostics(finding, lines, diagnostics);
    if (related.length > 0) action.diagnostics = related;
    actions.push(action);
  }
  return actions;
}

/** Every safe fix of the file, applied as the CLI's --fix does, as one edit over the part of the text that changes. */
export function fixAllEdits(
  path: string,
  text: string,
  lines: LineIndex,
  options: LintOptions,
  findings: Finding[],
): TextEdit[] {
  const current = fixUntilStable(path, { text, findings }, (next) => ({
    text: next,
    findings: lintFile(analyzeTemplate(path, next), options),
  })).linted.text;
  if (current === text) return [];
  let prefix = 0;
  while (prefix < text.length && prefix < current.length && text.charCodeAt(prefix) === current.charCodeAt(prefix))
    prefix++;
  let suffix = 0;
  while (
    suffix < text.length - prefix &&
    suffix < current.length - prefix &&
    text.charCodeAt(text.length - 1 - suffix) === current.charCodeAt(current.length - 1 - suffix)
  )
    suffix++;
  return [
    TextEdit.replace(
      toLspRange(lines, { start: prefix, end: text.length - suffix }),
      current.slice(prefix, current.length - suffix),
    ),
  ];
}

function fixAllAction(
  uri: string,
  path: string,
  text: string,
  lines: LineIndex,
  options: LintOptions,
  findings: Finding[],
): CodeAction | undefined {
  const edits = fixAllEdits(path, text, lines, options, findings);
  if (edits.length === 0) return undefined;
  return { title: 'Fix all safe Helm hook problems', kind: FIX_ALL_KIND, edit: { changes: { [uri]: edits } } };
}
