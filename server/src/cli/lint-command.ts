import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Target } from '../engine/chart/discover';
import { discover, DiscoveryError, displayPath, describeFsError, isHelmIgnored } from '../engine/chart/discover';
import type { HelmHooksConfig, LoadedConfig } from '../engine/core/config';
import { findConfigFile, loadConfig } from '../engine/core/config';
import { ChartLint } from '../engine/lint/chart-lint';
import { EngineCaches } from '../engine/core/caches';
import type { RenderedLiteral } from '../engine/lint/findings';
import { mergeFindings } from '../engine/lint/findings';
import type { TemplateFile } from '../engine/analysis/file';
import { analyzeTemplate } from '../engine/analysis/file';
import { fixUntilStable } from '../engine/lint/fix';
import type { LintOptions } from '../engine/lint/lint';
import { lintFile } from '../engine/lint/lint';
import { HOOK_KEY } from '../engine/model/hook';
import { lastEntry } from '../engine/model/document';
import type { LocatedSource } from '../engine/lint/rendered';
import { lintRenderedSource, renderedChartFindings, splitRenderedStream } from '../engine/lint/rendered';
import type { RuleDocs } from '../engine/rules/docs';
import type { Finding, HelmVersion, RuleSetting } from '../engine/rules/rule';
import { LineIndex } from '../engine/core/text';
import type { ChartEvaluationJob, ChartEvaluationResult } from '../engine/lint/chart-evaluation';
import { ChartEvaluationPool, defaultThreads, evaluatorScript } from './chart-evaluation';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { formatText } from './format/text';
import type { FileResult, LintRun } from './results';
import { summarize } from './results';

import type { DeployTarget } from '../engine/deployers/targets';
import { DEFAULT_TARGETS } from '../engine/deployers/targets';

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface LintCommandOptions {
  paths: string[];
  format: OutputFormat;
  helmVersion?: HelmVersion;
  rules: Record<string, RuleSetting>;
  configPath?: string;
  fix: boolean;
  maxWarnings?: number;
  color: boolean;
  toolVersion: string;
  /** The rules' docs installed with the CLI, which SARIF links each rule to. */
  ruleDocs: RuleDocs;
  /** `-f/--values`, after the config file's `values:`. */
  valuesFiles?: string[];
  releaseName?: string;
  /** Lint this `helm template` output (a file, or `-` for stdin) instead of evaluating the charts. */
  rendered?: string;
  /** How many charts to evaluate at once on other threads; 0 evaluates on the main thread. */
  jobs?: number;
  /** `--target`: wins over the config file's `targets:`. */
  targets?: DeployTarget[];
}

export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A failure the user can act on: printed as one line, exit status 2. */
export class UsageError extends Error {}

/** One target of a lint run: the configuration that applies to it, and its chart's evaluation once asked for. */
interface TargetPlan {
  target: Target;
  loaded: LoadedConfig | undefined;
  config: HelmHooksConfig;
  lintOptions: LintOptions;
  /** Its files' findings, from what the run linted and, once they are known, the chart's evaluated findings. */
  lint: ChartLint;
  /** The files this target's lint read; a file an earlier target shares is left to it. */
  linted: string[];
  evaluation?: Promise<ChartEvaluationResult>;
  /** The evaluation's findings, once it has answered with them. */
  evaluated?: Finding[];
  /** Where the evaluation found the templates' literal text rendered (see mergeFindings). */
  rendered?: RenderedLiteral;
}

export async function runLint(options: LintCommandOptions, io: CommandIO): Promise<number> {
  if (options.rendered !== undefined) return runRendered(options, io);
  const targets = options.paths.flatMap((path) => {
    try {
      return discover(path);
    } catch (error) {
      if (error instanceof DiscoveryError) throw new UsageError(error.message);
      throw error;
    }
  });
  const explicitConfig = options.configPath ? readConfig(options.configPath) : undefined;
  const configs = new Map<string, LoadedConfig | undefined>();
  // What the engine keeps while this run evaluates charts on this thread; freed when the run ends.
  const caches = new EngineCaches();
  const results: FileResult[] = [];
  const resultOf = new Map<string, FileResult>();
  const texts = new Map<string, string>();
  let unreadable = false;
  const seen = new Set<string>();
  const lintedTexts: LintedTexts = new Map();
  const charts = targets.filter((target) => target.kind === 'chart').length;
  // A thread costs its start (loading the engine again); it pays when another chart's lint goes on meanwhile.
  const pool = new ChartEvaluationPool(
    evaluatorScript(__dirname),
    Math.min(options.jobs ?? Math.min(defaultThreads(), charts - 1), charts),
    caches,
  );
  const plans = targets.map((target): TargetPlan => {
    const base = target.kind === 'chart' ? target.chart.directory : dirname(target.path);
    const loaded = explicitConfig ?? configNear(base, configs);
    const config = loaded?.config ?? {};
    const lintOptions: LintOptions = {
      helmVersion: options.helmVersion ?? config.helmVersion ?? 4,
      rules: { ...(config.rules ?? {}), ...options.rules },
      targets: options.targets ?? config.targets ?? [...DEFAULT_TARGETS],
    };
    const plan: TargetPlan = {
      target,
      loaded,
      config,
      lintOptions,
      // What the run holds for a file: as written, and for a file an earlier chart shares, that chart's evaluated
      // findings too, so that both charts' count.
      lint: new ChartLint(
        {
          asWritten: (path) => resultOf.get(path)?.findings ?? [],
          evaluated: () => plan.evaluated,
          rendered: () => plan.rendered,
        },
        loaded,
      ),
      linted: [],
    };
    return plan;
  });
  const evaluate = (plan: TargetPlan) => {
    const { target, loaded, config, lintOptions } = plan;
    if (target.kind !== 'chart') return;
    const valuesFiles = [
      ...(config.values ?? []).map((file) => resolve(dirname(loaded!.path), file)),
      ...(options.valuesFiles ?? []),
    ];
    const job = chartEvaluationJob(target.chart.directory, valuesFiles, {
      ...lintOptions,
      ...(options.releaseName !== undefined ? { releaseName: options.releaseName } : {}),
    });
    plan.evaluation = pool.evaluate(job);
  };

  try {
    // The largest charts go first, so that the threads do not end on one of them while the others wait.
    if (!options.fix)
      for (const plan of [...plans].sort((a, b) => templateCount(b.target) - templateCount(a.target))) evaluate(plan);
    for (const plan of plans) {
      const { target, lintOptions } = plan;
      for (const path of filesOf(target)) {
        if (seen.has(path) || plan.lint.ignores(path)) continue;
        seen.add(path);
        const read = readTemplate(path, target.kind === 'file', io);
        if (read === 'unreadable') unreadable = true;
        if (typeof read !== 'object') continue;
        const { text } = read;
        const linted = options.fix
          ? summaryOf(fixFile(path, text, lintOptions, io))
          : lintCopy(path, text, lintOptions, lintedTexts);
        texts.set(path, linted.text);
        addResult(results, resultOf, {
          path,
          display: displayPath(path),
          lines: linted.lines,
          findings: linted.findings,
          hooks: linted.hooks,
        });
        plan.linted.push(path);
        // Lets a thread that finished a chart get the next one.
        if (pool.usesThreads) await new Promise(setImmediate);
      }
      // The evaluated view reads the templates from disk: with --fix, only once they are fixed, and before the next
      // chart's fixes (a chart's subcharts may be targets of their own).
      if (options.fix) {
        evaluate(plan);
        await plan.evaluation;
      }
    }

    for (const plan of plans) {
      if (!plan.evaluation) continue;
      const result = await plan.evaluation;
      if ('valuesProblem' in result)
        throw new UsageError(`values file ${displayPath(result.valuesProblem.path)}: ${result.valuesProblem.message}`);
      if ('failure' in result) {
        // The as-written findings stand on their own; an evaluator failure must not hide them.
        io.stderr(
          `helm-hooks: ${displayPath(plan.target.kind === 'chart' ? plan.target.chart.directory : plan.target.path)}: not evaluated: ${result.failure}\n`,
        );
        continue;
      }
      plan.evaluated = result.findings;
      plan.rendered = result.rendered;
      for (const [path, findings] of plan.lint.findingsByFile(plan.linted))
        setFindings(results, resultOf, texts, path, findings);
    }
  } finally {
    await pool.close();
    caches.dispose();
  }

  const lineCache = new Map<string, LineIndex>(results.map((result) => [result.path, result.lines]));
  const run: LintRun = {
    files: results,
    charts,
    linesOf: (path) => {
      const cached = lineCache.get(path);
      if (cached) return cached;
      try {
        const index = new LineIndex(texts.get(path) ?? readFileSync(path, 'utf8'));
        lineCache.set(path, index);
        return index;
      } catch {
        return undefined;
      }
    },
    displayOf: (path) => displayPath(path),
  };

  return report(run, options, io, unreadable);
}

function report(run: LintRun, options: LintCommandOptions, io: CommandIO, unreadable: boolean): number {
  if (options.format === 'json') io.stdout(formatJson(run));
  else if (options.format === 'sarif') io.stdout(formatSarif(run, options.toolVersion, options.ruleDocs));
  else io.stdout(formatText(run, options.color));

  if (unreadable) return 2;
  const summary = summarize(run);
  if (summary.errors > 0) return 1;
  if (options.maxWarnings !== undefined && summary.warnings > options.maxWarnings) {
    io.stderr(`helm-hooks: ${summary.warnings} warnings exceed --max-warnings ${options.maxWarnings}\n`);
    return 1;
  }
  return 0;
}

/**
 * What evaluating a chart on disk needs. A values file that cannot be read is a usage error here, as it is for
 * `helm template -f`; one that cannot be parsed comes back from the evaluation as one.
 */
function chartEvaluationJob(
  directory: string,
  givenValuesFiles: string[],
  options: LintOptions & { releaseName?: string },
): ChartEvaluationJob {
  // The loader reports problems under absolute paths.
  const valuesFiles = givenValuesFiles.map((file) => resolve(file));
  for (const file of valuesFiles) {
    try {
      readFileSync(file);
    } catch (error) {
      throw new UsageError(`values file ${displayPath(file)}: ${describeFsError(error)}`);
    }
  }
  return { directory, valuesFiles, options };
}

function addResult(results: FileResult[], resultOf: Map<string, FileResult>, result: FileResult): void {
  results.push(result);
  resultOf.set(result.path, result);
}

/** Sets a file's findings; a file the run did not lint (a values file) gets a result of its own, if it can be read. */
function setFindings(
  results: FileResult[],
  resultOf: Map<string, FileResult>,
  texts: Map<string, string>,
  path: string,
  findings: Finding[],
): void {
  const result = resultOf.get(path);
  if (result) {
    result.findings = findings;
    return;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return;
  }
  texts.set(path, text);
  addResult(results, resultOf, { path, display: displayPath(path), lines: new LineIndex(text), findings, hooks: 0 });
}

/** `--rendered`: lints `helm template` output, each document under the template its `# Source:` comment names. */
function runRendered(options: LintCommandOptions, io: CommandIO): number {
  if (options.fix) throw new UsageError('--fix cannot be used with --rendered: fix the templates, then render again');
  let stream: string;
  try {
    stream = readFileSync(options.rendered === '-' ? 0 : options.rendered!, 'utf8');
  } catch (error) {
    throw new UsageError(`${options.rendered}: ${describeFsError(error)}`);
  }
  const chartDirectory = resolve(options.paths[0] ?? '.');
  const loaded = options.configPath ? readConfig(options.configPath) : configNear(chartDirectory);
  const config = loaded?.config ?? {};
  const lintOptions: LintOptions = {
    helmVersion: options.helmVersion ?? config.helmVersion ?? 4,
    rules: { ...(config.rules ?? {}), ...options.rules },
    targets: options.targets ?? config.targets ?? [...DEFAULT_TARGETS],
  };
  const results: FileResult[] = [];
  const sources: LocatedSource[] = [];
  for (const rendered of splitRenderedStream(stream)) {
    const path = sourceFile(chartDirectory, rendered.source);
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      text = undefined;
    }
    sources.push({ rendered, sourcePath: path, sourceText: text });
    const findings = lintRenderedSource(rendered, path, text, lintOptions);
    const hooks = (rendered.text.match(/^[ \t]*["']?helm\.sh\/hook["']?[ \t]*:/gm) ?? []).length;
    results.push({ path, display: displayPath(path), lines: new LineIndex(text ?? ''), findings, hooks });
  }
  for (const finding of renderedChartFindings(sources, lintOptions)) {
    const result = results.find((candidate) => candidate.path === finding.file);
    if (result) result.findings = mergeFindings(result.findings, [finding]);
  }
  const run: LintRun = {
    files: results,
    charts: 0,
    linesOf: (path) => results.find((result) => result.path === path)?.lines,
    displayOf: (path) => displayPath(path),
  };
  return report(run, options, io, false);
}

/**
 * The template a `# Source: <chart>/templates/x.yaml` line names, under the chart directory given (or its parent):
 * the first that exists, else the first candidate.
 */
function sourceFile(chartDirectory: string, source: string): string {
  if (source === '') return join(chartDirectory, '<no # Source: comment>');
  const withinChart = join(chartDirectory, source.split('/').slice(1).join('/'));
  const fromParent = join(chartDirectory, source);
  for (const candidate of [withinChart, fromParent]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      continue;
    }
  }
  return withinChart;
}

export function readConfig(path: string): LoadedConfig {
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig(path);
  } catch (error) {
    throw new UsageError(`${path}: ${describeFsError(error)}`);
  }
  if (loaded.problems.length > 0) {
    const first = loaded.problems[0]!;
    const others = loaded.problems.length - 1;
    const more = others > 0 ? ` (and ${others} more problem${others === 1 ? '' : 's'})` : '';
    throw new UsageError(`${displayPath(path)}:${first.line}:${first.column}: ${first.message}${more}`);
  }
  return loaded;
}

/** The config file nearest above `directory`, read once per path into `kept` (a run's; by default nothing is kept). */
export function configNear(
  directory: string,
  kept = new Map<string, LoadedConfig | undefined>(),
): LoadedConfig | undefined {
  const path = findConfigFile(directory);
  if (!path) return undefined;
  if (!kept.has(path)) kept.set(path, readConfig(path));
  return kept.get(path);
}

function templateCount(target: Target): number {
  return target.kind === 'chart' ? target.chart.templates.length : 0;
}

/** A template file given by name that its chart's `.helmignore` leaves out is none of Helm's: it gets no findings. */
function filesOf(target: Target): string[] {
  if (target.kind === 'chart') return target.chart.templates;
  return isHelmIgnored(target.path) ? [] : [target.path];
}

/**
 * A binary file inside a chart is skipped (not linted, not counted) and an unreadable one noted (exit 2 after the
 * report); a file given by name that cannot be linted is a usage error.
 */
function readTemplate(path: string, explicit: boolean, io: CommandIO): { text: string } | 'unreadable' | 'skipped' {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if (explicit) throw new UsageError(`${displayPath(path)}: ${describeFsError(error)}`);
    io.stderr(`helm-hooks: ${displayPath(path)}: ${describeFsError(error)}\n`);
    return 'unreadable';
  }
  if (bytes.subarray(0, 8000).includes(0)) {
    if (explicit) throw new UsageError(`${displayPath(path)}: not a text file`);
    io.stderr(`helm-hooks: skipped ${displayPath(path)}: not a text file\n`);
    return 'skipped';
  }
  return { text: bytes.toString('utf8') };
}

/** What a run keeps of a template's lint: its text, lines, hook count and findings, not its syntax trees. */
interface LintedTemplate {
  text: string;
  lines: LineIndex;
  hooks: number;
  findings: Finding[];
}

function summaryOf({ file, findings }: { file: TemplateFile; findings: Finding[] }): LintedTemplate {
  return { text: file.text, lines: file.lines, hooks: countHooks(file), findings };
}

/** Templates linted in this run by text, then file name and options, with the path they were linted under. */
type LintedTexts = Map<string, Map<string, { path: string; linted: LintedTemplate }>>;

/**
 * A library chart vendored into several charts (bitnami's `common`, say) holds the same templates in each: a template
 * whose file name, text and options were linted before gets that lint's findings, moved to its own path. Rules read a
 * template's path only for its file name.
 */
function lintCopy(path: string, text: string, options: LintOptions, lintedTexts: LintedTexts): LintedTemplate {
  const key = `${basename(path)}\0${JSON.stringify(options)}`;
  let sameText = lintedTexts.get(text);
  const earlier = sameText?.get(key);
  if (earlier)
    return {
      ...earlier.linted,
      findings: earlier.linted.findings.map((finding) => movedTo(finding, earlier.path, path)),
    };
  const linted = summaryOf(lintOnce(path, text, options));
  if (!sameText) lintedTexts.set(text, (sameText = new Map()));
  sameText.set(key, { path, linted });
  return linted;
}

function movedTo(finding: Finding, from: string, to: string): Finding {
  const place = (file: string) => (file === from ? to : file);
  return {
    ...finding,
    file: place(finding.file),
    related: finding.related.map((location) => ({ ...location, file: place(location.file) })),
    fixes: finding.fixes.map((fix) => ({
      ...fix,
      edits: fix.edits.map((edit) => ({ ...edit, file: place(edit.file) })),
    })),
  };
}

function lintOnce(path: string, text: string, options: LintOptions) {
  const file = analyzeTemplate(path, text, { hookDocumentsOnly: true });
  return { text, file, findings: lintFile(file, options) };
}

/** Applies safe fixes until none is left (each pass re-analyses the changed text), then writes the file once. */
function fixFile(path: string, original: string, options: LintOptions, io: CommandIO) {
  const linted = lintOnce(path, original, options);
  if (!isLosslessUtf8(path, original)) {
    io.stderr(`helm-hooks: not fixing ${displayPath(path)}: it is not valid UTF-8\n`);
    return linted;
  }
  const fixed = fixUntilStable(path, linted, (text) => lintOnce(path, text, options)).linted;
  if (fixed.text !== original) {
    try {
      writeFileSync(path, fixed.text, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot write ${displayPath(path)}: ${describeFsError(error)}`);
    }
  }
  return fixed;
}

function isLosslessUtf8(path: string, text: string): boolean {
  return Buffer.from(text, 'utf8').equals(readFileSync(path));
}

function countHooks(file: TemplateFile): number {
  return file.model.annotationSets.filter((set) => set.origin === 'object' && lastEntry(set.mapping, HOOK_KEY)).length;
}
