import type { EngineCaches } from '../core/caches';
import type { DocumentsModel } from '../model/document';
import { buildDocuments } from '../model/document';
import type { ScanResult } from '../template/scanner';
import { scanTemplate } from '../template/scanner';
import { LineIndex } from '../core/text';

/** One template file, analysed as written: its actions, masked text and YAML documents. */
export interface TemplateFile {
  path: string;
  text: string;
  lines: LineIndex;
  scan: ScanResult;
  model: DocumentsModel;
  /** A file Helm never outputs (its name starts with `_`): only its `define`s matter. */
  isPartial: boolean;
}

export function isPartialTemplate(path: string): boolean {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.startsWith('_');
}

export interface AnalyzeOptions {
  /**
   * Where to keep, and find again, the scan and the YAML parse of the pieces of text seen before
   * (template/scanner.ts, model/yaml-documents.ts) and the models built from them: for the language server, which
   * analyses a file again on every keystroke. Without, nothing is kept. Such an analysis holds until the next one of
   * the same path: the documents and models composed for that path are moved in place when an edit above them moves
   * them, as the server keeps no older analysis of a file.
   */
  caches?: EngineCaches;
  /**
   * Parse and model only the documents that hold hook-related text, the only ones the file rules report on
   * (model/hook-text.ts): for a batch run over many templates, the CLI's. An editor's open file needs every document.
   */
  hookDocumentsOnly?: boolean;
}

export function analyzeTemplate(path: string, text: string, options: AnalyzeOptions = {}): TemplateFile {
  const lines = new LineIndex(text);
  const scan = scanTemplate(text, options.caches);
  const isPartial = isPartialTemplate(path);
  const model = buildDocuments(text, scan, lines, isPartial, options.caches, options.hookDocumentsOnly ?? false, path);
  return { path, text, lines, scan, model, isPartial };
}
