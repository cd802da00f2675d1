import { readFileSync, writeFileSync } from 'node:fs';
import { describeFsError, displayPath } from '../engine/chart/discover';
import type { Operation, OrderJson, OrderView } from '../engine/order/chart-order';
import { compareOrders, currentOrder, parseSavedOrder, SavedOrderError } from '../engine/order/compare';
import type { HelmVersion } from '../engine/rules/rule';
import { formatOrderComparison } from './format/order-check';
import { formatOrderMermaid } from './format/order-mermaid';
import type { CommandIO } from './lint-command';
import { UsageError } from './lint-command';
import { formatOrderText } from './order-command';

export type OrderFormat = 'text' | 'json' | 'mermaid';

export interface OrderOutputOptions {
  format: OrderFormat;
  helmVersion: HelmVersion;
  view: OrderView;
  operation?: Operation;
  /** `--check FILE`: compare with this saved `order --format json`. */
  check?: string;
  /** `--update`: rewrite the `--check` file with the current order instead. */
  update?: boolean;
}

/**
 * Prints an order, or, under `--check`, how it differs from the saved one (exit 1 when it does), or saves it
 * under `--update`. A saved file that cannot be read is bad input: exit 2 through UsageError.
 */
export function writeOrderOutput(order: OrderJson, options: OrderOutputOptions, io: CommandIO): number {
  const json = `${JSON.stringify(order, null, 2)}\n`;
  if (options.check === undefined) {
    io.stdout(
      options.format === 'json'
        ? json
        : options.format === 'mermaid'
          ? formatOrderMermaid(order)
          : formatOrderText(order, options.helmVersion, options.view),
    );
    return 0;
  }
  const path = options.check;
  if (options.update) {
    try {
      writeFileSync(path, json);
    } catch (error) {
      throw new UsageError(`${displayPath(path)}: cannot write: ${describeFsError(error)}`);
    }
    io.stdout(`Saved the hook order in ${displayPath(path)}.\n`);
    return 0;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError(
      `${displayPath(path)}: ${describeFsError(error)}${missing ? ' (save the order first with --check FILE --update)' : ''}`,
    );
  }
  let saved;
  try {
    saved = parseSavedOrder(text);
  } catch (error) {
    if (error instanceof SavedOrderError) throw new UsageError(`${displayPath(path)}: ${error.message}`);
    throw error;
  }
  const comparison = compareOrders(saved, currentOrder(order), options.operation ? [options.operation] : undefined);
  io.stdout(
    options.format === 'mermaid'
      ? formatOrderMermaid(order, comparison)
      : formatOrderComparison(comparison, displayPath(path)),
  );
  return comparison.same ? 0 : 1;
}
