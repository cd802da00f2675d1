import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusScenarios } from '../test/support/shared';
import { median } from './stats';

/**
 * CPU time and peak memory of child processes come from GNU time (`/usr/bin/time -f`): it reads the child's rusage when
 * it is reaped, so it counts every thread of a process (the CLI's evaluation threads too) and gives that one process's
 * peak RSS, for `helm` (a Go binary, which a Node `--require` preload cannot instrument) and `node` alike. The
 * alternative, /proc/self/stat's cutime/cstime around spawnSync, gives CPU but no per-child peak RSS.
 */
export const GNU_TIME = '/usr/bin/time';

export function haveGnuTime(): boolean {
  if (!existsSync(GNU_TIME)) return false;
  const probe = spawnSync(GNU_TIME, ['-f', '%U', 'true'], { encoding: 'utf8' });
  return probe.status === 0 && /^\d/.test(probe.stderr.trim());
}

/** What one child process cost. */
interface Usage {
  wallMs: number;
  /** User plus system CPU time of the process and all its threads; NaN without GNU time. */
  cpuMs: number;
  /** Peak resident set size; NaN without GNU time. */
  maxRssBytes: number;
}

export interface CliMeasure {
  charts: number;
  /** Median over rounds of the summed wall time of one `helm-hooks lint CHART` process per chart. */
  lintMs: number;
  /** The same for `helm template` with the chart's first corpus scenario. */
  helmMs: number;
  /** Median summed CPU time of `helm template` over the charts (NaN without GNU time). */
  helmCpuMs: number;
  /** Largest peak RSS of one `helm template` process (NaN without GNU time). */
  helmMaxRssBytes: number;
  /** One `helm-hooks lint` process over the whole corpus folder: median wall, CPU and peak RSS. */
  lintAllMs: number;
  lintAllCpuMs: number;
  lintAllMaxRssBytes: number;
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

function run(
  command: string,
  args: readonly string[],
  failures: string[],
  okCodes: readonly number[],
  usageFile: string | undefined,
): Usage {
  const [file, argv] = usageFile
    ? [GNU_TIME, ['-o', usageFile, '-f', '%U %S %M', command, ...args]]
    : [command, [...args]];
  const start = process.hrtime.bigint();
  const result = spawnSync(file, argv, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error || !okCodes.includes(result.status ?? -1)) {
    failures.push(
      `${[command, ...args].join(' ')}: exit ${result.status} ${(result.error?.message ?? result.stderr).split('\n')[0]}`,
    );
  }
  if (!usageFile) return { wallMs, cpuMs: NaN, maxRssBytes: NaN };
  // GNU time writes "Command exited with non-zero status N" before the format's line when the child fails.
  const line = readFileSync(usageFile, 'utf8').trim().split('\n').pop() ?? '';
  const [user, system, maxRssKb] = line.split(' ').map(Number);
  return { wallMs, cpuMs: (user! + system!) * 1000, maxRssBytes: maxRssKb! * 1024 };
}

export function measureCli(corpus: string, cli: string, helm: string, rounds: number): CliMeasure {
  const failures: string[] = [];
  const list = scenarios(corpus);
  for (const scenario of list)
    if (!existsSync(join(scenario.chart, 'Chart.yaml'))) failures.push(`${scenario.chart}: no Chart.yaml`);
  const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-bench-'));
  const usageFile = haveGnuTime() ? join(scratch, 'usage') : undefined;
  const lint = (chart: string) =>
    run(process.execPath, [cli, 'lint', chart, '--format', 'json'], failures, [0, 1], usageFile);
  const render = (scenario: Scenario) =>
    run(
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
      usageFile,
    );
  const lintTotals: number[] = [];
  const helmTotals: number[] = [];
  const helmCpuTotals: number[] = [];
  let helmMaxRss = 0;
  const lintAll: Usage[] = [];
  try {
    // One warm-up round fills the page cache for both tools.
    for (let round = 0; round <= rounds; round++) {
      let lintTotal = 0;
      let helmTotal = 0;
      let helmCpu = 0;
      for (const scenario of list) {
        lintTotal += lint(scenario.chart).wallMs;
        const rendered = render(scenario);
        helmTotal += rendered.wallMs;
        helmCpu += rendered.cpuMs;
        if (round > 0) helmMaxRss = Math.max(helmMaxRss, rendered.maxRssBytes);
      }
      const all = lint(join(corpus, 'charts'));
      if (round === 0) continue;
      lintTotals.push(lintTotal);
      helmTotals.push(helmTotal);
      helmCpuTotals.push(helmCpu);
      lintAll.push(all);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return {
    charts: list.length,
    lintMs: median(lintTotals),
    helmMs: median(helmTotals),
    helmCpuMs: median(helmCpuTotals),
    helmMaxRssBytes: helmMaxRss,
    lintAllMs: median(lintAll.map((usage) => usage.wallMs)),
    lintAllCpuMs: median(lintAll.map((usage) => usage.cpuMs)),
    lintAllMaxRssBytes: median(lintAll.map((usage) => usage.maxRssBytes)),
    failures: [...new Set(failures)],
  };
}
