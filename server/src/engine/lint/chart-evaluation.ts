import { loadChart } from '../chart/load';
import type { Finding } from '../rules/rule';
import type { EvaluatedLintOptions } from './evaluated-lint';
import { evaluateLint } from './evaluated-lint';
import type { RenderedLiteral } from './findings';

/**
 * A chart's evaluated findings as one job of plain data, so that `helm-hooks lint` can hand charts to evaluation
 * threads (the worker, dist/evaluator.js) and the worker needs nothing from the CLI.
 */

/** One chart to evaluate, as plain data a thread can receive. */
export interface ChartEvaluationJob {
  directory: string;
  /** Absolute paths, merged over values.yaml in order. */
  valuesFiles: string[];
  options: EvaluatedLintOptions;
}

export type ChartEvaluationResult =
  | { findings: Finding[]; rendered: RenderedLiteral }
  /** A values file given by the user that Helm could not read either: a usage error. */
  | { valuesProblem: { path: string; message: string } }
  /** The evaluator failed; the as-written findings stand on their own. */
  | { failure: string };

/** The evaluated findings of a chart on disk, on whichever thread calls it. */
export function evaluateChart(job: ChartEvaluationJob): ChartEvaluationResult {
  try {
    const chart = loadChart(job.directory, { valuesFiles: job.valuesFiles });
    const broken = chart.problems.find((problem) => job.valuesFiles.includes(problem.path));
    if (broken) return { valuesProblem: { path: broken.path, message: broken.message } };
    return evaluateLint(chart, job.options);
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) };
  }
}

/** The message the evaluation thread (dist/evaluator.js) tells from the language server's requests. */
export interface ChartEvaluationMessage {
  chartEvaluation: ChartEvaluationJob;
}

export function isChartEvaluationMessage(message: unknown): message is ChartEvaluationMessage {
  return typeof message === 'object' && message !== null && 'chartEvaluation' in message;
}
