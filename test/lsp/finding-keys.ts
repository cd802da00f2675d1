import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import type { JsonFinding } from '../unit/cli/cli-harness';

/**
 * A finding as `path line:column-line:column severity rule` (0-based, UTF-16 columns), whether `helm-hooks lint
 * --format json` printed it or the language server sent it: what the editor and the CLI must agree on.
 */
export function cliFindingKey(directory: string, finding: JsonFinding): string {
  return `${join(directory, finding.file)} ${finding.line - 1}:${finding.column - 1}-${finding.endLine - 1}:${finding.endColumn - 1} ${finding.severity} ${finding.rule}`;
}

const SEVERITY_NAMES: Record<number, string> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
};

export function diagnosticKey(uri: string, diagnostic: Diagnostic): string {
  const { start, end } = diagnostic.range;
  return `${fileURLToPath(uri)} ${start.line}:${start.character}-${end.line}:${end.character} ${SEVERITY_NAMES[diagnostic.severity!]} ${String(diagnostic.code)}`;
}
