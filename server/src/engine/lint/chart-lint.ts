import { loadChart } from '../chart/load';
import type { LoadedChart, LoadOptions } from '../chart/types';
import { isInArchive } from '../chart/archive';
import { analyzeTemplate } from '../analysis/file';
import type { LoadedConfig } from '../core/config';
import { isIgnored } from '../core/config';
import { DEFAULT_LINT_OPTIONS, lintFile } from './lint';
import type { Finding } from '../rules/rule';
import type { EvaluatedLintOptions } from './evaluated-lint';
import { evaluateLint } from './evaluated-lint';
import type { RenderedLiteral } from './findings';
import { compareFindings, mergeFindings } from './findings';

/**
 * A chart's two views as its caller makes them. When and where each is computed is the caller's: the CLI evaluates
 * charts on other threads while it lints the templates; the language server lints open files as they change and
 * hears from its evaluation thread later.
 */
export interface ChartViews {
  /** The as-written findings of a file of the chart; [] for a file that is not a template. */
  asWritten(path: string): readonly Finding[];
  /** The chart's evaluated findings, or undefined while there are none to go by (not evaluated yet, or failed). */
  evaluated(): readonly Finding[] | undefined;
  /**
   * Where the same evaluation found Helm's render to hold the templates' own literal text (see mergeFindings): the
   * as-written findings there that it did not confirm are dropped. Undefined, or absent, keeps them all.
   */
  rendered?(): RenderedLiteral | undefined;
}

/**
 * The findings of a chart's files, made from its two views: a file's as-written findings plus the evaluated ones they
 * do not already hold. Where both report one rule at one range, the more severe is kept (the evaluated view knows a
 * value the as-written view could only warn about); on a tie the as-written one, which carries the safe fixes. The
 * configuration's `ignore` leaves files out altogether.
 */
export class ChartLint {
  constructor(
    private readonly views: ChartViews,
    /** The `.helm-hooks.yaml` in force, if any. */
    private readonly configFile?: LoadedConfig,
  ) {}

  /** Whether the configuration leaves a file out: it gets no findings, so it need not be linted. */
  ignores(path: string): boolean {
    return isIgnored(path, this.configFile);
  }

  /** One file's findings (a template, or a values file the evaluated view points into). */
  findingsOf(path: string): Finding[] {
    return this.ignores(path) ? [] : this.merged(path);
  }

  /**
   * The findings of every file that is not left out: the templates given, in their order, then each other file the
   * evaluated findings point into (a values file, say), in theirs.
   */
  findingsByFile(templates: Iterable<string>): Map<string, Finding[]> {
    return new Map(this.files(templates).map((path) => [path, this.merged(path)]));
  }

  /** The files `findingsByFile` reports, in its order, for a caller that takes them one at a time. */
  files(templates: Iterable<string>): string[] {
    const files = new Set(templates);
    for (const path of evaluatedByFile(this.views.evaluated()).keys()) files.add(path);
    return [...files].filter((path) => !this.ignores(path));
  }

  private merged(path: string): Finding[] {
    const evaluated = this.views.evaluated();
    return mergeFindings(
      this.views.asWritten(path),
      evaluatedByFile(evaluated).get(path) ?? [],
      evaluated && this.views.rendered?.()?.[path],
    );
  }
}

const NO_FINDINGS: ReadonlyMap<string, Finding[]> = new Map();
const groupedEvaluations = new WeakMap<readonly Finding[], ReadonlyMap<string, Finding[]>>();

/** A chart's evaluated findings by file, grouped once per evaluation however many files ask for theirs. */
function evaluatedByFile(findings: readonly Finding[] | undefined): ReadonlyMap<string, Finding[]> {
  if (!findings) return NO_FINDINGS;
  let byFile = groupedEvaluations.get(findings);
  if (!byFile) {
    const grouping = new Map<string, Finding[]>();
    for (const finding of findings) {
      const inFile = grouping.get(finding.file);
      if (inFile) inFile.push(finding);
      else grouping.set(finding.file, [finding]);
    }
    groupedEvaluations.set(findings, (byFile = grouping));
  }
  return byFile;
}

export interface ChartLintOptions extends EvaluatedLintOptions, LoadOptions {}

/** Every finding of a chart on disk, in file and position order: ChartLint over all its templates, here and now. */
export function lintChart(directory: string, options: ChartLintOptions = DEFAULT_LINT_OPTIONS): Finding[] {
  const chart = loadChart(directory, options);
  const templates = new Map<string, string>();
  const visit = (current: LoadedChart) => {
    for (const template of current.templates)
      if (!isInArchive(template.absolutePath)) templates.set(template.absolutePath, template.text);
    current.subcharts.forEach(visit);
  };
  visit(chart);
  const evaluation = evaluateLint(chart, options);
  const lint = new ChartLint({
    asWritten: (path) => {
      const text = templates.get(path);
      return text === undefined ? [] : lintFile(analyzeTemplate(path, text, { hookDocumentsOnly: true }), options);
    },
    evaluated: () => evaluation.findings,
    rendered: () => evaluation.rendered,
  });
  return [...lint.findingsByFile(templates.keys()).values()].flat().sort(compareFindings);
}
