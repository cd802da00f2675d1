import { loadChart } from '../chart/load';
import { LoadedChart, LoadOptions } from '../chart/types';
import { isInArchive } from '../chart/archive';
import { analyzeTemplate } from '../analysis/file';
import { DEFAULT_LINT_OPTIONS, lintFile } from './lint';
import { Finding } from '../rules/rule';
import { evaluatedFindings, EvaluatedLintOptions } from './evaluated-lint';
import { mergeFindings } from './findings';

export interface ChartLintOptions extends EvaluatedLintOptions, LoadOptions {}

/**
 * The as-written findings of every template of a chart on disk plus the evaluated findings they do not already
 * hold. Where both report one rule at one range, the more severe is kept (the evaluated view knows a value the
 * as-written view could only warn about); on a tie the as-written one, which carries the safe fixes.
 */
export function lintChart(directory: string, options: ChartLintOptions = DEFAULT_LINT_OPTIONS): Finding[] {
  const chart = loadChart(directory, options);
  const asWritten: Finding[] = [];
  const visit = (current: LoadedChart) => {
    for (const template of current.templates) {
      if (isInArchive(template.absolutePath)) continue;
      asWritten.push(...lintFile(analyzeTemplate(template.absolutePath, template.text), options));
    }
    current.subcharts.forEach(visit);
  };
  visit(chart);
  return mergeFindings(asWritten, evaluatedFindings(chart, options));
}
