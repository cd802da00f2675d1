// Bundles the CLI (and, as they land, the language server and the VS Code client) into dist/ with esbuild.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const entries = [
  // The command (launch.ts) runs the CLI bundle with V8's code cache.
  { in: 'server/src/cli/launch.ts', out: 'cli', banner: '#!/usr/bin/env node' },
  { in: 'server/src/cli/main.ts', out: 'cli-main' },
  { in: 'server/src/server.ts', out: 'server' },
  // The server's chart evaluation thread, loaded from beside dist/server.js.
  { in: 'server/src/evaluator.ts', out: 'evaluator' },
  { in: 'client/src/extension.ts', out: 'client', external: ['vscode'] },
].filter((entry) => existsSync(entry.in));

await Promise.all(
  entries.map((entry) =>
    build({
      entryPoints: { [entry.out]: entry.in },
      outdir: 'dist',
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: !minify,
      minify,
      external: entry.external ?? [],
      define: { HELM_HOOKS_VERSION: JSON.stringify(version) },
      banner: entry.banner ? { js: entry.banner } : undefined,
      logLevel: watch ? 'info' : 'warning',
    }),
  ),
);
