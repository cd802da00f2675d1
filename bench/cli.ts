import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { corpusScenarios } from '../test/support/shared';
import { median } from './stats';

export interface CliMeasure {
  charts: number;
  /** Median over rounds of the summed wall time of one `helm-hooks lint CHART` process per chart. */
  lintMs: number;
  /** The same for `helm template` with the chart's first corpus scenario. */
  helmMs: number;
  /** One `helm-hooks lint` process over the whole corpus folder. */
  lintAllMs: number;
  failures: string[];
}

interface Scenario {
  chart: string;
  valuesFiles: string[];
}

/** The first scenario of every chart in manifest.tsv, the one `render.sh` renders first. */
function scenarios(corpus: string): Scenario[] {
  const seen = new Set<string>();
  return corpusScenarios(corpus)
    .filter((scenario) => !seen.has(scenario.chart) && seen.add(scenario.chart))
    .map((scenario) => ({ chart: join(corpus, 'charts', scenario.chart), valuesFiles: scenario.valuesFiles }));
}

function wallMs(command: string, args: readonly string[], failures: string[], okCodes: readonly number[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error || !okCodes.includes(result.status ?? -1)) {
    failures.push(
      `${[command, ...args].join(' ')}: exit ${result.status} ${(result.error?.message ?? result.stderr).split('\n')[0]}`,
    );
  }
  return elapsed;
}

export function measureCli(corpus: string, cli: string, helm: string, rounds: number): CliMeasure {
  const failures: string[] = [];
  const list = scenarios(corpus);
  for (const scenario of list)
    if (!existsSync(join(scenario.chart, 'Chart.yaml'))) failures.push(`${scenario.chart}: no Chart.yaml`);
  const lint = (chart: string) => wallMs(process.execPath, [cli, 'lint', chart, '--format', 'json'], failures, [0, 1]);
  const render = (scenario: Scenario) =>
    wallMs(
      helm,
      [
        'template',
        'rel',
        scenario.chart,
        '--namespace',
        'corpus',
        ...scenario.valuesFiles.flatMap((file) => ['-f', file]),
      ],
      failures,
      [0],
    );
  const lintTotals: number[] = [];
  const helmTotals: number[] = [];
  const lintAll: number[] = [];
  // One warm-up round fills the page cache for both tools.
  for (let round = 0; round <= rounds; round++) {
    let lintTotal = 0;
    let helmTotal = 0;
    for (const scenario of list) {
      lintTotal += lint(scenario.chart);
      helmTotal += render(scenario);
    }
    const all = lint(join(corpus, 'charts'));
    if (round === 0) continue;
    lintTotals.push(lintTotal);
    helmTotals.push(helmTotal);
    lintAll.push(all);
  }
  return {
    charts: list.length,
    lintMs: median(lintTotals),
    helmMs: median(helmTotals),
    lintAllMs: median(lintAll),
    failures: [...new Set(failures)],
  };
}
