// A real VS Code workbench on this machine: code-server (VS Code 1.139 server + web client, from npm) run by the
// Node 24 that scripts/e2e/install.sh puts in .tools/, shown in Debian's chromium driven by playwright-core.
// Shared by the test host (code-server-test-host.mjs) and the screenshot driver (screenshots.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOOLS = join(REPO_ROOT, '.tools');
export const NODE24 = process.env.NODE24_BIN ?? join(TOOLS, 'node24', 'bin', 'node');
export const CODE_SERVER =
  process.env.CODE_SERVER_BIN ?? join(TOOLS, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Fails with the command that fixes it when the install script has not run. */
export function requireTools() {
  const missing = [NODE24, CODE_SERVER, CHROMIUM].filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}: run scripts/e2e/install.sh first`);
  }
}

/**
 * Settings that keep the workbench quiet and the pictures clean: no welcome page, no trust prompt, no update or
 * gallery checks, and no Chat view in a secondary side bar (VS Code 1.139 opens one by default).
 */
export const WORKBENCH_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.colorTheme': 'Default Light Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'editor.minimap.enabled': false,
  'window.commandCenter': false,
};

export function writeUserSettings(userDataDir, extra = {}) {
  const file = join(userDataDir, 'User', 'settings.json');
  if (existsSync(file)) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...WORKBENCH_SETTINGS, ...extra }, null, 2)}\n`);
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * code-server and chromium write into the home directory even with --user-data-dir; these variables keep every
 * write inside the scratch folder.
 */
export function scratchEnv(scratch, extra = {}) {
  const home = join(scratch, 'home');
  for (const dir of ['config', 'data', 'cache']) mkdirSync(join(home, dir), { recursive: true });
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CACHE_HOME: join(home, 'cache'),
    PATH: `${dirname(NODE24)}:${process.env.PATH}`,
    ...extra,
  };
}

/** Installs a .vsix into an extensions folder, as `code --install-extension` does. */
/** The .vsix to test: the one given, or a fresh `npm run package` into `scratch`. */
export function vsixToTest(given, scratch) {
  if (given) return given;
  const packaged = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'package-vsix.mjs'), '--out', scratch], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (packaged.status !== 0) throw new Error('npm run package failed');
  return join(
    scratch,
    readdirSync(scratch).find((name) => name.endsWith('.vsix')),
  );
}

export function installVsix(vsix, { scratch, extensionsDir, userDataDir }) {
  const result = spawnSync(
    NODE24,
    [CODE_SERVER, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix],
    { env: scratchEnv(scratch), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
  if (result.status !== 0)
    throw new Error(`installing ${vsix} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
}

async function until(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((next) => setTimeout(next, 100));
  }
}

/**
 * Starts code-server on a free port in its own process group and waits until it answers. `smokeTestDriver` makes
 * the workbench honour the `extensionDevelopmentPath` / `extensionTestsPath` entries of the URL payload.
 */
export async function startCodeServer({
  scratch,
  extensionsDir,
  userDataDir,
  folder,
  smokeTestDriver = false,
  env = {},
}) {
  const port = await freePort();
  const config = join(scratch, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    CODE_SERVER,
    '--config',
    config,
    '--extensions-dir',
    extensionsDir,
    '--user-data-dir',
    userDataDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    // A closed browser would otherwise keep its extension host alive for three hours.
    '--reconnection-grace-time',
    '5',
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(folder ? [folder] : []),
  ];
  const child = spawn(NODE24, args, {
    env: scratchEnv(scratch, env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit(code ?? signal)));
  let exitCode;
  void exited.then((code) => (exitCode = code));

  const stop = async () => {
    if (exitCode !== undefined) return;
    const signalGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    // Children (file watcher, extension host, language servers) may outlive the leader by a moment.
    signalGroup('SIGKILL');
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await until('code-server to answer /healthz', 30_000, async () => {
      if (exitCode !== undefined) throw new Error(`code-server exited with ${exitCode}`);
      try {
        return (await fetch(`${url}/healthz`)).ok;
      } catch {
        return false;
      }
    });
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n--- code-server log ---\n${log}`, { cause: error });
  }
  return { port, url, stop, log: () => log };
}

/** Debian's chromium through playwright-core (no browser download), headless, in a throwaway profile. */
export async function launchBrowser({ scratch, viewport = { width: 1280, height: 800 } }) {
  const { chromium } = createRequire(import.meta.url)('playwright-core');
  const profile = join(scratch, 'chromium');
  mkdirSync(profile, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    deviceScaleFactor: 1,
    env: { ...process.env, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile, HOME: profile },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close: () => context.close().catch(() => undefined) };
}

/** The workbench URL: `payload` is the list of [name, value] pairs the smoke-test driver reads. */
export function workbenchUrl(base, { folder, payload }) {
  const query = [];
  if (payload && payload.length > 0) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  query.push(folder ? `folder=${encodeURIComponent(folder)}` : 'ew=true');
  return `${base}/?${query.join('&')}`;
}
