import { join } from 'node:path';
import { REPO_ROOT } from '../test/support/paths';

/**
 * Runs the bundled language server in this process (started with `--expose-gc` and an IPC channel beside stdio),
 * and answers the parent's `memory` message with the heap in use after a forced full GC, which no LSP request can
 * report. The server itself talks LSP over stdin/stdout as `node dist/server.js --stdio` does.
 */
const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (message) => {
  if (message !== 'memory') return;
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  process.send?.({ heapUsed: usage.heapUsed, rss: usage.rss, gc: gc !== undefined });
});

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the server to measure is named at run time
require(process.env.HELM_HOOKS_SERVER ?? join(REPO_ROOT, 'dist', 'server.js'));
