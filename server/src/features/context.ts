import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { RuleDocs } from '../engine/rules/docs';
import type { Configuration } from './configuration';
import type { Workspace } from './workspace';

/** What every feature needs: the connection, the documents, the workspace model and the configuration. */
export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  workspace: Workspace;
  configuration: Configuration;
  capabilities: { codeLensRefresh: boolean; relatedInformation: boolean; codeDescription: boolean };
  /** Where each rule's diagnostics link to: its section of the docs shipped with the server. */
  ruleDocs: RuleDocs;
  /** What the server does, in the output channel at its default level: one line per start, evaluation or order. */
  log(message: string): void;
  /** A failure with its cause. */
  error(message: string): void;
  /** Logs only when `helmHooks.trace.server` is `verbose`. */
  trace(message: string): void;
}

/**
 * Runs a handler so that an exception becomes a logged error and `fallback`, never a crash of the server. The
 * protocol still gets an answer, so the editor keeps working.
 */
export async function guard<T>(
  context: Pick<ServerContext, 'error'>,
  name: string,
  fallback: T,
  run: () => T | Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    context.error(`${name} failed: ${detail}`);
    return fallback;
  }
}
