import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocuments } from 'vscode-languageserver/node';
import { chartIgnoreRules, chartTemplates, isHelmIgnored } from '../engine/chart/discover';
import type { IgnoreRules } from '../engine/chart/helmignore';
import type { TemplateFile } from '../engine/analysis/file';
import { analyzeTemplate } from '../engine/analysis/file';
import { EngineCaches } from '../engine/core/caches';
import type { LintMemo, LintOptions } from '../engine/lint/lint';
import { lintFileReusing } from '../engine/lint/lint';
import type { Finding } from '../engine/rules/rule';

/** A chart as the server sees it: the release root whose hooks share one order (subcharts included). */
export interface Chart {
  directory: string;
  name: string;
}

interface Analysed {
  text: string;
  file: TemplateFile;
}

/** Files larger than this are not read from disk for the chart's order: no hook is that large, CRDs are. */
const MAX_DISK_BYTES = 4 * 1024 * 1024;
const TEMPLATE_FILE = /\.(ya?ml|tpl)$/i;

/**
 * The path of each URI seen: every pass over a chart looks for its files among the open documents by path, and
 * parsing a URL for each open document each time made that pass quadratic in them.
 */
const pathsOfUris = new Map<string, string | undefined>();
const MAX_KEPT_PATHS = 10_000;

export function uriToPath(uri: string): string | undefined {
  if (pathsOfUris.has(uri)) return pathsOfUris.get(uri);
  const path = fileUriToPath(uri);
  if (pathsOfUris.size >= MAX_KEPT_PATHS) pathsOfUris.clear();
  pathsOfUris.set(uri, path);
  return path;
}

function fileUriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/**
 * Chart association, file texts (open buffers over disk) and per-file analysis cached by content. Disk reads are
 * cached until a watched-file notification says the file changed.
 */
export class Workspace {
  private readonly analyses = new Map<string, Analysed>();
  private readonly diskTexts = new Map<string, string | undefined>();
  private readonly templateLists = new Map<string, string[]>();
  private readonly chartOfDirectory = new Map<string, Chart | undefined>();
  /** Each chart directory's `.helmignore` rules, read once until the file changes. */
  private readonly ignoreRules = new Map<string, IgnoreRules>();
  /** The scans and parses of pieces of text kept for reuse while files are edited: this workspace's own. */
  readonly caches = new EngineCaches();
  /** The as-written findings of each open file, kept while its text and options stay the same. */
  readonly lints = new FileLints();

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  /**
   * The chart a template belongs to: the nearest Chart.yaml above its `templates/` folder; for a subchart under a
   * parent's `charts/`, the parent, since the subchart's hooks run in the parent's release. Undefined outside a chart.
   */
  chartOf(path: string): Chart | undefined {
    let directory = dirname(path);
    for (;;) {
      if (basename(directory) === 'templates') {
        const chart = this.chartAt(dirname(directory));
        if (chart) return this.releaseRoot(chart);
      }
      const parent = dirname(directory);
      if (parent === directory) return undefined;
      directory = parent;
    }
  }

  /** A chart directory given directly (for the hook-order request on a folder). */
  chartAt(directory: string): Chart | undefined {
    if (!this.chartOfDirectory.has(directory)) {
      const chart = isFile(join(directory, 'Chart.yaml')) ? { directory, name: basename(directory) } : undefined;
      this.chartOfDirectory.set(directory, chart);
    }
    return this.chartOfDirectory.get(directory);
  }

  private releaseRoot(chart: Chart): Chart {
    const charts = dirname(chart.directory);
    if (basename(charts) !== 'charts') return chart;
    const parent = this.chartAt(dirname(charts));
    return parent ? this.releaseRoot(parent) : chart;
  }

  /** Whether a path is a template of the chart (under its or a subchart's `templates/`). */
  isTemplate(path: string): boolean {
    return (
      TEMPLATE_FILE.test(path) &&
      basename(path) !== 'NOTES.txt' &&
      this.chartOf(path) !== undefined &&
      !this.isHelmIgnored(path)
    );
  }

  /**
   * Whether Helm never loads the file: the `.helmignore` of the outermost chart holding it leaves it out (a
   * subchart's own `.helmignore` is not read when the parent is loaded).
   */
  private isHelmIgnored(path: string): boolean {
    return isHelmIgnored(
      path,
      (chart) => this.ignoreRulesOf(chart),
      (directory) => this.chartAt(directory) !== undefined,
    );
  }

  private ignoreRulesOf(chart: string): IgnoreRules {
    let rules = this.ignoreRules.get(chart);
    if (!rules) {
      rules = chartIgnoreRules(chart);
      this.ignoreRules.set(chart, rules);
    }
    return rules;
  }

  openDocument(path: string): TextDocument | undefined {
    for (const document of this.documents.all()) if (uriToPath(document.uri) === path) return document;
    return undefined;
  }

  uriOf(path: string): string {
    return this.openDocument(path)?.uri ?? pathToFileURL(path).href;
  }

  /**
   * The chart whose values a file sets: `values.yaml` or `Chart.yaml` at a chart's root (for a subchart, the release's
   * chart, as for its templates). Undefined for other files.
   */
  chartOfValues(path: string): Chart | undefined {
    if (basename(path) !== 'values.yaml' && basename(path) !== 'Chart.yaml') return undefined;
    const chart = this.chartAt(dirname(path));
    return chart ? this.releaseRoot(chart) : undefined;
  }

  /** The open documents of a chart that its evaluation reads: its templates, values.yaml and Chart.yaml files. */
  openChartFiles(chart: Chart): TextDocument[] {
    return this.documents.all().filter((document) => {
      const path = uriToPath(document.uri);
      return path !== undefined && (this.chartOf(path) ?? this.chartOfValues(path))?.directory === chart.directory;
    });
  }

  /** The open documents of a chart. */
  openDocumentsOf(chart: Chart): TextDocument[] {
    return this.documents.all().filter((document) => {
      const path = uriToPath(document.uri);
      return path !== undefined && this.chartOf(path)?.directory === chart.directory;
    });
  }

  /** The current text: the open buffer, else the file on disk; undefined when unreadable, binary or too large. */
  textOf(path: string): string | undefined {
    const open = this.openDocument(path);
    if (open) return open.getText();
    if (!this.diskTexts.has(path)) this.diskTexts.set(path, readText(path));
    return this.diskTexts.get(path);
  }

  /** The analysis of a file's current text, reused while the text is unchanged. */
  analysis(path: string, text: string | undefined = this.textOf(path)): Analysed | undefined {
    if (text === undefined) return undefined;
    const cached = this.analyses.get(path);
    if (cached && cached.text === text) return cached;
    const analysed: Analysed = { text, file: analyzeTemplate(path, text, { caches: this.caches }) };
    this.analyses.set(path, analysed);
    return analysed;
  }

  /** Every template of the chart: on disk, plus open buffers not yet saved. */
  templatesOf(chart: Chart): string[] {
    let listed = this.templateLists.get(chart.directory);
    if (!listed) {
      try {
        listed = chartTemplates(chart.directory);
      } catch {
        listed = [];
      }
      this.templateLists.set(chart.directory, listed);
    }
    const paths = new Set(listed);
    for (const document of this.openDocumentsOf(chart)) {
      const path = uriToPath(document.uri)!;
      if (this.isTemplate(path)) paths.add(path);
    }
    return [...paths].sort();
  }

  /** Forgets texts read from disk that no one needs now: the files of a chart no longer worked on. */
  forgetDiskTexts(paths: Iterable<string>): void {
    for (const path of paths) this.diskTexts.delete(path);
  }

  /** A watched file changed on disk: forget what was read. Returns the chart it belongs to, if any. */
  fileChanged(path: string, created: boolean, deleted: boolean): Chart | undefined {
    this.diskTexts.delete(path);
    if (basename(path) === 'Chart.yaml' || basename(path) === '.helmignore') {
      this.chartOfDirectory.clear();
      this.templateLists.clear();
      this.ignoreRules.clear();
    }
    const chart = this.chartOf(path) ?? this.chartOfValues(path);
    if (chart && (created || deleted)) this.templateLists.delete(chart.directory);
    if (deleted && !this.openDocument(path)) this.analyses.delete(path);
    return chart;
  }

  /**
   * A buffer closed: its disk text may differ from what was open, and the buffer's analysis (a 10 MB file's model is
   * hundreds of MB) must not outlive it, nor the scans and parses kept for reuse while it was edited: the open files
   * that still need theirs scan and parse once more on their next change.
   */
  documentClosed(path: string): void {
    this.diskTexts.delete(path);
    this.analyses.delete(path);
    this.lints.forget(path);
    this.caches.clear();
  }

  /**
   * The settings or a config file changed: the pieces kept so far were kept for the files edited under the old ones,
   * and every file is linted again anyway. The analyses, which hold no setting, stay.
   */
  configurationChanged(): void {
    this.caches.clear();
  }

  /** The server shuts down: nothing kept is needed again. */
  dispose(): void {
    this.analyses.clear();
    this.lints.clear();
    this.diskTexts.clear();
    this.caches.dispose();
  }
}

interface KeptLint {
  text: string;
  findings: Finding[];
  memo: LintMemo;
}

/**
 * The findings of each file's current text under the current options, kept until either changes; after a change,
 * the findings of the documents it did not touch are reused.
 */
export class FileLints {
  private readonly kept = new Map<string, KeptLint>();

  findingsFor(file: TemplateFile, options: LintOptions): Finding[] {
    const cached = this.kept.get(file.path);
    if (cached && cached.text === file.text && cached.memo.optionsKey === JSON.stringify(options))
      return cached.findings;
    const { findings, memo } = lintFileReusing(file, options, cached?.memo);
    this.kept.set(file.path, { text: file.text, findings, memo });
    return findings;
  }

  forget(path: string): void {
    this.kept.delete(path);
  }

  clear(): void {
    this.kept.clear();
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readText(path: string): string | undefined {
  try {
    if (statSync(path).size > MAX_DISK_BYTES) return undefined;
    const bytes = readFileSync(path);
    if (bytes.subarray(0, 8000).includes(0)) return undefined;
    return bytes.toString('utf8');
  } catch {
    return undefined;
  }
}
