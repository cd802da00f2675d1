// `node scripts/e2e/run-vscode-tests.mjs [--vsix FILE] [--server FILE]`: the extension's integration tests
// (out/test/e2e/suite, compiled by `npm run compile`) inside a real VS Code workbench, through
// @vscode/test-electron's runTests with code-server-test-host.mjs as the "VS Code executable".
//
// The extension under test is the packaged .vsix (built here unless --vsix names one), installed into a scratch
// extensions folder: that proves what users install — the bundled client and server, the manifest's file list,
// no node_modules — rather than the development tree. The two stand-ins of test/e2e/stand-ins (the `helm` language
// and grammar of vscode-kubernetes-tools, a YAML language server like vscode-yaml's) run beside it as development
// extensions, so the tests see the extension coexist with them.
//
// --server FILE replaces the installed language server with FILE: the failure proof uses a server that publishes
// nothing, and expects this script to exit non-zero.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { installVsix, REPO_ROOT, requireTools, vsixToTest } from './workbench.mjs';

const { runTests } = createRequire(import.meta.url)('@vscode/test-electron');

function option(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? resolve(process.argv[index + 1] ?? '') : undefined;
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

async function main() {
  requireTools();
  // HELM_HOOKS_E2E_OUT: a private tsc output folder, for runs beside others who compile into out/.
  const testsPath = join(
    resolve(process.env.HELM_HOOKS_E2E_OUT ?? join(REPO_ROOT, 'out')),
    'test',
    'e2e',
    'suite',
    'index.js',
  );
  if (!existsSync(testsPath)) throw new Error(`${testsPath} is missing: run npm run compile first`);
  const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-e2e-'));
  try {
    const vsix = vsixToTest(option('--vsix'), scratch);
    const extensionsDir = join(scratch, 'ext');
    const userDataDir = join(scratch, 'user');
    installVsix(vsix, { scratch, extensionsDir, userDataDir });
    console.log(`[e2e ${elapsed()}] installed ${vsix}`);

    const server = option('--server');
    if (server) {
      const installed = readdirSync(extensionsDir).find((name) => name.startsWith('helm-hooks.helm-hooks-'));
      cpSync(server, join(extensionsDir, installed, 'dist', 'server.js'));
      console.log(`[e2e ${elapsed()}] language server replaced by ${server}`);
    }

    const workspace = join(scratch, 'workspace', 'web');
    cpSync(join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'web'), workspace, { recursive: true });
    const standIns = join(REPO_ROOT, 'test', 'e2e', 'stand-ins');
    await runTests({
      vscodeExecutablePath: join(REPO_ROOT, 'scripts', 'e2e', 'code-server-test-host.mjs'),
      extensionDevelopmentPath: [join(standIns, 'kubernetes-tools'), join(standIns, 'vscode-yaml')],
      extensionTestsPath: testsPath,
      launchArgs: [workspace, `--extensions-dir=${extensionsDir}`, `--user-data-dir=${userDataDir}`],
      extensionTestsEnv: server ? { HELM_HOOKS_E2E_BAIL: '1' } : {},
    });
    console.log(`[e2e ${elapsed()}] passed`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`[e2e ${elapsed()}] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
