import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describeFsError, DiscoveryError, displayPath } from '../engine/chart/discover';
import { loadChart } from '../engine/chart/load';
import type { LoadedConfig } from '../engine/core/config';
import type { ChartHookOrder, Operation, OrderJson, OrderView } from '../engine/order/chart-order';
import { chartHookOrder, isOperation } from '../engine/order/chart-order';
import { describeDeleted } from '../engine/order/order';
import type { HelmVersion } from '../engine/rules/rule';
import type { CommandIO } from './lint-command';
import { configNear, readConfig, UsageError } from './lint-command';
import type { DeployTarget } from '../engine/deployers/targets';
import type { LoadedChart } from '../engine/chart/types';
import { argoSyncOrder } from '../engine/order/argocd-order';
import { formatArgoOrderText } from './argocd-order-format';
import type { OrderFormat } from './order-output';
import { writeOrderOutput } from './order-output';
import { EngineCaches } from '../engine/core/caches';

export { isOperation };

export interface OrderCommandOptions {
  chart: string;
  format: OrderFormat;
  operation?: Operation;
  /** `--check FILE` and `--update`: see order-output.ts. */
  check?: string;
  update?: boolean;
  /** Default: the config file's `helmVersion`, else 4. */
  helmVersion?: HelmVersion;
  /** `-f` files, merged in order over values.yaml, after the config file's `values:`. */
  valuesFiles?: string[];
  /** Order for this release only; by default positions are claimed only where they hold for any release name. */
  releaseName?: string;
  /** Default: the nearest `.helm-hooks.yaml` from the chart upward. */
  configPath?: string;
  /** Whose run to print: `--target`, else the config file's `targets:` when it names one deployer, else helm. */
  target?: DeployTarget;
}

/** One run of `helm-hooks order`, with the engine caches of this run, freed when it ends. */
export function runOrder(options: OrderCommandOptions, io: CommandIO): number {
  const caches = new EngineCaches();
  try {
    return caches.run(() => printOrder(options, io));
  } finally {
    caches.dispose();
  }
}

function printOrder(options: OrderCommandOptions, io: CommandIO): number {
  const directory = options.chart;
  if (!isFile(join(directory, 'Chart.yaml'))) {
    if (!exists(directory)) throw new UsageError(`${directory}: no such file or directory`);
    throw new UsageError(`${directory}: not a chart directory (no Chart.yaml)`);
  }
  const loaded: LoadedConfig | undefined =
    options.configPath !== undefined ? readConfig(options.configPath) : configNear(directory);
  const configValues = (loaded?.config.values ?? []).map((file) => resolve(dirname(loaded!.path), file));
  const valuesFiles = [...configValues, ...(options.valuesFiles ?? [])].map((file) => resolve(file));
  for (const file of valuesFiles) {
    try {
      readFileSync(file);
    } catch (error) {
      throw new UsageError(`values file ${displayPath(file)}: ${describeFsError(error)}`);
    }
  }
  const chart = loadChart(directory, { valuesFiles });
  // A values file Helm cannot parse is a usage error, as it is for `helm template -f`.
  const broken = chart.problems.find((problem) => valuesFiles.includes(problem.path));
  if (broken) throw new UsageError(`values file ${displayPath(broken.path)}: ${broken.message}`);
  const configTargets = loaded?.config.targets;
  if ((options.target ?? (configTargets?.length === 1 ? configTargets[0] : 'helm')) === 'argocd')
    return printArgoOrder(chart, options, io);
  const helmVersion = options.helmVersion ?? loaded?.config.helmVersion ?? 4;
  let result: ChartHookOrder;
  try {
    result = chartHookOrder(chart, {
      helmVersion,
      ...(options.operation ? { operations: [options.operation] } : {}),
      ...(options.releaseName !== undefined ? { releaseName: options.releaseName } : {}),
    });
  } catch (error) {
    if (error instanceof DiscoveryError) throw new UsageError(error.message);
    throw error;
  }
  if (result.notEvaluated !== undefined)
    io.stderr(
      `helm-hooks: ${displayPath(directory)}: not evaluated (${result.notEvaluated}): showing the hooks as written\n`,
    );
  for (const { path, reason } of result.unreadable) io.stderr(`helm-hooks: ${displayPath(path)}: ${reason}\n`);
  return writeOrderOutput(
    result.order,
    {
      format: options.format,
      helmVersion,
      view: result.view,
      ...(options.operation ? { operation: options.operation } : {}),
      ...(options.check !== undefined ? { check: options.check } : {}),
      ...(options.update ? { update: true } : {}),
    },
    io,
  );
}

/** `order --target argocd`: Argo CD's sync instead of Helm's operations. */
function printArgoOrder(chart: LoadedChart, options: OrderCommandOptions, io: CommandIO): number {
  if (options.operation !== undefined)
    throw new UsageError('--operation does not apply to --target argocd: every Argo CD sync runs the same steps');
  if (options.format === 'mermaid' || options.check !== undefined)
    throw new UsageError(
      "--target argocd prints text or json; --format mermaid and --check draw and compare Helm's order",
    );
  const result = argoSyncOrder(chart, options.releaseName !== undefined ? { releaseName: options.releaseName } : {});
  if (result.notEvaluated !== undefined)
    io.stderr(
      `helm-hooks: ${displayPath(options.chart)}: not evaluated (${result.notEvaluated}): showing the objects as written\n`,
    );
  io.stdout(
    options.format === 'json'
      ? `${JSON.stringify(result.order, null, 2)}\n`
      : formatArgoOrderText(result.order, result.view),
  );
  return 0;
}

const OPERATION_NOTES: Record<Operation, string> = {
  install: 'release resources created',
  upgrade: 'release resources updated',
  rollback: "release resources rolled back (the hooks are the target revision's)",
  uninstall: 'release resources deleted',
  test: '',
};

export function formatOrderText(result: OrderJson, helmVersion: HelmVersion, view: OrderView): string {
  const source =
    view === 'evaluated' ? `as Helm renders it with these values (release ${result.releaseName})` : 'as written';
  // Null is a templated value as written, a value the evaluator could not know otherwise.
  const notKnown = view === 'evaluated' ? 'unknown' : 'templated';
  const out: string[] = [
    `Chart ${result.chart}: hooks ${source}, in Helm ${helmVersion}'s order (weight, then name, then kind)`,
  ];
  for (const { operation, steps } of result.operations) {
    out.push('', `${operation}`);
    for (const step of steps) {
      if ('resources' in step) {
        out.push(`  ${OPERATION_NOTES[operation]}: ${step.resources.length}`);
        for (const resource of step.resources)
          out.push(`      ${resource.kind ?? '?'} ${resource.name ?? '?'}  ${resource.file}:${resource.line}`);
        continue;
      }
      out.push(`  ${step.event}${step.hooks.length === 0 ? ': no hooks' : ''}`);
      for (const hook of step.hooks) {
        const place = hook.position === null ? '?.' : `${hook.position}.`;
        const weight = hook.weight === null ? `weight ${notKnown}` : `weight ${hook.weight}`;
        const deleted = hook.deleted === null ? `delete policy ${notKnown}` : describeDeleted(hook.deleted);
        out.push(
          `    ${place} ${weight}  ${hook.kind ?? '?'} ${hook.name ?? '?'}  ${hook.file}:${hook.line}  ${deleted}`,
        );
        for (const read of hook.reads)
          if (read.present === false)
            out.push(`        missing when it runs: ${read.kind} ${read.name} (${read.via}): ${read.why}`);
      }
    }
  }
  if (result.unknown.length > 0) {
    out.push('', 'Unknown (not placed above; positions next to them are not claimed)');
    for (const entry of result.unknown) out.push(`  ${entry.file}:${entry.line}  ${entry.reason}`);
  }
  return `${out.join('\n')}\n`;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
