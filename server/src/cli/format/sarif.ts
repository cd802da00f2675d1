import { pathToFileURL } from 'node:url';
import { ALL_RULES } from '../../engine/rules';
import type { RuleDocs } from '../../engine/rules/docs';
import type { Finding, Rule, Severity } from '../../engine/rules/rule';
import { splitTemplate } from '../../engine/rules/messages';
import { escapeMarkdown } from '../../engine/core/markdown';
import type { TextRange } from '../../engine/core/text';
import type { LintRun } from '../results';
import { oneBased } from '../results';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'recommendation' };

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}

/** A rule message as a SARIF message string, and the `data` names its arguments come from, by index. */
interface SarifMessageString {
  text: string;
  argumentNames: string[];
}

/**
 * A rule message written as a SARIF 2.1.0 message string (§3.11.5): each `{{name}}` placeholder becomes `{n}`,
 * numbered in the order the names first appear, and a literal brace is doubled (`"{{"` becomes `"{{{{"`).
 */
function sarifMessageString(template: string): SarifMessageString {
  const { literals, placeholders } = splitTemplate(template);
  const argumentNames = [...new Set(placeholders)];
  const escape = (literal: string) => literal.replace(/[{}]/g, '$&$&');
  const text = placeholders.reduce(
    (written, name, index) => `${written}{${argumentNames.indexOf(name)}}${escape(literals[index + 1]!)}`,
    escape(literals[0]!),
  );
  return { text, argumentNames };
}

function sarifMessageStrings(rule: Rule): Record<string, SarifMessageString> {
  return Object.fromEntries(Object.entries(rule.messages).map(([id, template]) => [id, sarifMessageString(template)]));
}

/**
 * A result's message: its `text` as every viewer shows it, and its `id` in the rule's `messageStrings` (§3.11.10,
 * §3.49.11) with the `arguments` that fill its placeholders (§3.11.11), for viewers that group or translate by id.
 */
function resultMessage(finding: Finding, messageStrings: Record<string, SarifMessageString> | undefined) {
  const text = finding.message;
  const markdown = `${escapeMarkdown(finding.message)}\n\n${escapeMarkdown(finding.help)}`;
  const messageString =
    messageStrings && Object.hasOwn(messageStrings, finding.messageId) ? messageStrings[finding.messageId]! : undefined;
  const data = finding.data ?? {};
  // Findings are formatted from their rule's messages (formatMessage), so both hold; one made otherwise keeps its text.
  if (!messageString || !messageString.argumentNames.every((name) => Object.hasOwn(data, name))) {
    return { text, markdown };
  }
  const args = messageString.argumentNames.map((name) => String(data[name]));
  return { text, markdown, id: finding.messageId, ...(args.length > 0 ? { arguments: args } : {}) };
}

/**
 * SARIF 2.1.0, as GitHub code scanning accepts it: rules with help, locations, related locations and fixes. Each
 * rule's `helpUri` is its section of `ruleDocs`, the docs installed with the CLI.
 */
export function formatSarif(
  run: LintRun,
  toolVersion: string,
  ruleDocs: RuleDocs,
  cwd: string = process.cwd(),
): string {
  const ruleIndex = new Map(ALL_RULES.map((rule, index) => [rule.id, index]));
  const messageStringsByRule = new Map(ALL_RULES.map((rule) => [rule.id, sarifMessageStrings(rule)]));
  const region = (path: string, range: TextRange) => {
    const lines = run.linesOf(path);
    if (!lines) return { startLine: 1, startColumn: 1 };
    const start = oneBased(lines, range.start);
    const end = oneBased(lines, range.end);
    return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
  };
  // A rule without a section in the docs gets no link rather than a broken one.
  const helpUriOf = (id: string) => {
    const link = ruleDocs.link(id);
    return link === undefined ? {} : { helpUri: link };
  };
  const artifact = (path: string) => ({ uri: encodeURI(run.displayOf(path)), uriBaseId: '%SRCROOT%' });
  const results = run.files.flatMap((file) =>
    file.findings.map((finding) => ({
      ruleId: finding.rule,
      ruleIndex: ruleIndex.get(finding.rule) ?? 0,
      level: LEVEL[finding.severity],
      // Viewers that render Markdown show the help under the message; the others show the short message alone.
      message: resultMessage(finding, messageStringsByRule.get(finding.rule)),
      locations: [
        { physicalLocation: { artifactLocation: artifact(finding.file), region: region(finding.file, finding.range) } },
      ],
      ...(finding.related.length > 0
        ? {
            relatedLocations: finding.related.map((related, index) => ({
              id: index + 1,
              message: { text: related.message },
              physicalLocation: {
                artifactLocation: artifact(related.file),
                region: region(related.file, related.range),
              },
            })),
          }
        : {}),
      ...(finding.fixes.length > 0
        ? {
            fixes: finding.fixes.map((fix) => ({
              description: { text: fix.safe ? fix.title : `${fix.title} (review: may change behaviour)` },
              artifactChanges: groupByFile(fix.edits).map(([path, edits]) => ({
                artifactLocation: artifact(path),
                replacements: edits.map((edit) => ({
                  deletedRegion: region(path, edit.range),
                  insertedContent: { text: edit.newText },
                })),
              })),
            })),
          }
        : {}),
    })),
  );
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'helm-hooks',
            version: toolVersion,
            semanticVersion: toolVersion,
            rules: ALL_RULES.map((rule) => ({
              id: rule.id,
              name: pascalCase(rule.id),
              shortDescription: { text: stripMarkdown(rule.summary) },
              fullDescription: { text: stripMarkdown(rule.docs.description) },
              help: {
                text: `${stripMarkdown(rule.docs.description)}\n\nHelm: ${stripMarkdown(rule.docs.helmFact)}`,
                markdown: `${rule.docs.description}\n\n**Helm:** ${rule.docs.helmFact}\n\nBad:\n\n\`\`\`yaml\n${rule.docs.bad}\n\`\`\`\n\nGood:\n\n\`\`\`yaml\n${rule.docs.good}\n\`\`\``,
              },
              ...helpUriOf(rule.id),
              // The templates a result's message.id names (§3.49.11), for viewers that look messages up by id.
              messageStrings: Object.fromEntries(
                Object.entries(messageStringsByRule.get(rule.id)!).map(([id, { text }]) => [id, { text }]),
              ),
              defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
              properties: {
                tags: ['helm', 'kubernetes', 'hooks'],
                precision: 'very-high',
                'problem.severity': SECURITY_SEVERITY[rule.defaultSeverity],
              },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith('/') ? cwd : cwd + '/').href } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

function groupByFile<T extends { file: string }>(edits: T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const edit of edits) groups.set(edit.file, [...(groups.get(edit.file) ?? []), edit]);
  return [...groups.entries()];
}

function stripMarkdown(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\((https?:[^)]+)\)/g, '$1 ($2)')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1');
}
