import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { binaryPath } from '../test/support/helm';
import { CLI, SHARED } from '../test/support/paths';
import { GNU_TIME, measureCli } from './cli';
import { measureEngine } from './engine';
import { measureChartWide, measureLatency, measureMemory } from './lsp';
import { LspSession, SERVER } from './lsp-client';
import { SERVER_NODE_OPTIONS } from '../server/src/protocol';

/**
 * `npm run bench`: every ratio measured in this one process (the CLI and `helm template` as child processes), each
 * printed beside its target from issues 9 and 17. Exit status 1 when a measured target is missed.
 */
interface Row {
  measure: string;
  value: string;
  target: string;
  met: boolean | undefined;
}

const rows: Row[] = [];
const notes: string[] = [];

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

function ratio(value: number): string {
  return `${value.toFixed(2)}×`;
}

function print(): void {
  const header: Row = { measure: 'measure', value: 'measured', target: 'target', met: undefined };
  const all = [header, ...rows];
  const width = (key: 'measure' | 'value' | 'target') => Math.max(...all.map((row) => row[key].length));
  const line = (row: Row, status: string) =>
    `${row.measure.padEnd(width('measure'))}  ${row.value.padEnd(width('value'))}  ${row.target.padEnd(width('target'))}  ${status}`;
  console.log(line(header, 'status'));
  for (const row of rows) console.log(line(row, row.met === undefined ? '-' : row.met ? 'met' : 'MISSED'));
  for (const note of notes) console.log(`note: ${note}`);
}

async function main(): Promise<number> {
  const corpus = join(SHARED, 'corpus');
  const corpusCharts = join(corpus, 'charts');
  const haveCorpus = existsSync(corpusCharts);
  console.log(
    `helm-hooks bench: node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), load ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );
  if (!haveCorpus) notes.push(`corpus not found at ${corpusCharts}: corpus measures skipped`);

  // (1) engine analysis vs yaml.parseAllDocuments of the same text.
  for (const result of measureEngine(haveCorpus ? corpusCharts : undefined)) {
    const value = result.engineMs / result.parseMs;
    rows.push({
      measure: `(1) engine / parseAllDocuments, ${result.label}`,
      value: `${ratio(value)} (${ms(result.engineMs)} / ${ms(result.parseMs)}, ${result.files} files, ${(result.bytes / 1e6).toFixed(2)} MB)`,
      target: '≤ 1.50×',
      met: value <= 1.5,
    });
  }

  // (2) LSP change→diagnostics latency and (4) server memory, against the bundled server.
  if (LspSession.available()) {
    // Typing: each text new, and every document after the edited one moved (none at the end).
    for (const place of ['top', 'middle', 'end'] as const) {
      const typing = await measureLatency(100, place);
      rows.push({
        measure: `(2) LSP change→diagnostics typing at the ${place}, 2,000 lines, p50 / p95`,
        value: `${ms(typing.p50Ms)} / ${ms(typing.p95Ms)} (p95 ${ratio(typing.p95Ms / typing.parseMs)} parse ${ms(typing.parseMs)}), n=${typing.samples}`,
        target: 'p95 ≤ 16 ms',
        met: typing.p95Ms <= 16,
      });
    }
    const memory = await measureMemory();
    rows.push({
      measure: `(4) server RSS, ${memory.templates} open templates (node ${SERVER_NODE_OPTIONS.join(' ')}, as VS Code starts it)`,
      value: `${(memory.rssBytes / 1024 / 1024).toFixed(0)} MB (all checked in ${(memory.openMs / 1000).toFixed(1)} s)`,
      target: '≤ 120 MB',
      met: memory.rssBytes <= 120 * 1024 * 1024,
    });
    // (5) The whole chart in Problems: every file of the corpus's largest chart checked with one of its templates open.
    if (haveCorpus) {
      const whole = await measureChartWide(corpusCharts);
      const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
      const label = `${whole.chart.replace(/^.*__/, '')} (${whole.templates} templates, ${mb(whole.textBytes)})`;
      rows.push({
        measure: `(5) whole chart in Problems, ${label}, one open: all files reported`,
        value: `as written ${(whole.firstPassMs / 1000).toFixed(1)} s, evaluated ${(whole.evaluatedMs / 1000).toFixed(1)} s; ${whole.files} files with findings`,
        target: '-',
        met: undefined,
      });
      rows.push({
        measure: '(5) the same, a later pass over every file (another one opened), p50',
        value: ms(whole.passMs),
        target: '-',
        met: undefined,
      });
      rows.push({
        measure: '(5) the same, server heap kept after GC (RSS), beside scope openFiles',
        value: `${mb(whole.heapBytes)} (${mb(whole.rssBytes)}); openFiles ${mb(whole.openFiles.heapBytes)} (${mb(whole.openFiles.rssBytes)})`,
        target: '≤ openFiles + 8 MB',
        met: whole.heapBytes <= whole.openFiles.heapBytes + 8 * 1024 * 1024,
      });
    }
  } else {
    notes.push(`${SERVER} not found: run npm run build for the LSP measures (2), (4) and (5)`);
  }

  // (3) whole-process helm-hooks lint vs helm template of the same charts: CPU (all threads) and peak memory.
  const helm = binaryPath('helm4');
  if (!haveCorpus) {
    notes.push('(3) needs the corpus');
  } else if (!existsSync(helm) || !existsSync(CLI)) {
    notes.push(`(3) needs ${helm} (npm run helm:fetch) and ${CLI} (npm run build)`);
  } else {
    const cli = measureCli(corpus, CLI, helm, 2);
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
    const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
    const ok = cli.failures.length === 0;
    // "Whole-process": one helm-hooks process lints every chart, as a CI job does; helm renders one chart per process.
    if (Number.isNaN(cli.lintAllCpuMs)) {
      notes.push(`(3) CPU and memory need GNU time at ${GNU_TIME} (apt-get install time): only wall times measured`);
    } else {
      const cpuRatio = cli.lintAllCpuMs / cli.helmCpuMs;
      rows.push({
        measure: `(3) CPU: helm-hooks lint (one process) / helm template, ${cli.charts} charts`,
        value: `${ratio(cpuRatio)} (${seconds(cli.lintAllCpuMs)} / ${seconds(cli.helmCpuMs)} user+sys)`,
        target: '≤ 0.50×',
        met: cpuRatio <= 0.5 && ok,
      });
      rows.push({
        measure: '(3) peak RSS of that helm-hooks lint process',
        value: `${mb(cli.lintAllMaxRssBytes)} (helm template: ${mb(cli.helmMaxRssBytes)} at most per chart)`,
        target: '≤ 150 MB',
        met: cli.lintAllMaxRssBytes <= 150 * 1024 * 1024 && ok,
      });
    }
    rows.push({
      measure: '(3) wall: helm-hooks lint (one process) / helm template',
      value: `${ratio(cli.lintAllMs / cli.helmMs)} (${ms(cli.lintAllMs)} / ${ms(cli.helmMs)})`,
      target: '-',
      met: undefined,
    });
    rows.push({
      measure: '(3) wall: the same, one helm-hooks process per chart',
      value: `${ratio(cli.lintMs / cli.helmMs)} (${ms(cli.lintMs)}; Node start-up ~120 ms per process)`,
      target: '-',
      met: undefined,
    });
    for (const failure of cli.failures) notes.push(`(3) failed: ${failure}`);
  }
  print();
  return rows.some((row) => row.met === false) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    print();
    console.error(error instanceof Error ? error.stack : String(error));
    process.exitCode = 2;
  },
);
