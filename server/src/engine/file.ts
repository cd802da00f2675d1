import { buildDocuments, DocumentsModel } from './model/document';
import { scanTemplate, ScanResult } from './template/scanner';
import { LineIndex } from './text';

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

export function analyzeTemplate(path: string, text: string): TemplateFile {
  const lines = new LineIndex(text);
  const scan = scanTemplate(text);
  const isPartial = isPartialTemplate(path);
  const model = buildDocuments(text, scan, lines, isPartial);
  return { path, text, lines, scan, model, isPartial };
}
