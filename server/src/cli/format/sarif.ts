import { pathToFileURL } from 'node:url';
import { ALL_RULES } from '../../engine/rules';
import type { RuleDocs } from '../../engine/rules/docs';
import type { Severity } from '../../engine/rules/rule';
import { escapeMarkdown } from '../../engine/core/markdown';
import type { TextRange } from '../../engine/core/text';
import type { LintRun } from '../results';
import { oneBased } from '../results';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'recommendation' };

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
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
      message: {
        text: finding.message,
        markdown: `${escapeMarkdown(finding.message)}\n\n${escapeMarkdown(finding.help)}`,
      },
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
