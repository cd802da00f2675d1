#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }). No desktop VS Code
// or Electron can be installed from npm or Debian here, so this runs the same extension tests in code-server's real
// workbench: it starts code-server with the smoke-test driver on, opens the workbench in chromium with the
// development paths and the tests path in the URL payload, prints what the extension host logs, and exits with the
// code the tests report.
//
// It also serves the tests a read-only view of the workbench's DOM (HELM_HOOKS_E2E_WORKBENCH, POST /dom with
// {"selector": "…"}), because what a tree view shows is rendered outside the extension host and no VS Code API reads it.
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import {
  freePort,
  launchBrowser,
  requireTools,
  startCodeServer,
  workbenchUrl,
  writeUserSettings,
} from './workbench.mjs';

const TIMEOUT_MS = Number(process.env.TEST_HOST_TIMEOUT_MS ?? 300_000);
const VALUE_FLAGS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir']);

/** The subset of VS Code's command line that test-electron passes; desktop-only flags are ignored. */
function parseArgs(argv) {
  const options = { extensionDevelopmentPath: [], folder: undefined, disableExtensions: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      options.folder = resolve(arg);
      continue;
    }
    const [flag, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (flag === 'disable-extensions') options.disableExtensions = true;
    if (!VALUE_FLAGS.has(flag)) continue;
    const value = resolve(inline ?? argv[++i]);
    if (flag === 'extensionDevelopmentPath') options.extensionDevelopmentPath.push(value);
    else options[flag] = value;
  }
  return options;
}

/** Answers POST /dom {"selector"} with the text and aria-label of every element that matches, in document order. */
function serveDom(getPage) {
  return createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', async () => {
      const reply = (status, value) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      const page = getPage();
      if (request.method !== 'POST' || request.url !== '/dom') return reply(404, { error: 'POST /dom only' });
      if (!page) return reply(503, { error: 'the workbench is not open yet' });
      try {
        const { selector } = JSON.parse(body);
        const elements = await page.$$eval(selector, (nodes) =>
          nodes.map((node) => ({ text: (node.textContent ?? '').trim(), ariaLabel: node.getAttribute('aria-label') })),
        );
        reply(200, elements);
      } catch (error) {
        reply(400, { error: error instanceof Error ? error.message : String(error) });
      }
    });
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options.extensionTestsPath || options.extensionDevelopmentPath.length === 0) {
    console.error('code-server-test-host: --extensionTestsPath and --extensionDevelopmentPath are required');
    return 2;
  }
  requireTools();
  const scratch = mkdtempSync(resolve(tmpdir(), 'helm-hooks-test-host-'));
  const userDataDir = options['user-data-dir'] ?? resolve(scratch, 'user');
  const extensionsDir = options['extensions-dir'] ?? resolve(scratch, 'ext');
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir);

  let page;
  const dom = serveDom(() => page);
  const domPort = await freePort();
  await new Promise((listening) => dom.listen(domPort, '127.0.0.1', listening));

  let server;
  let browser;
  try {
    server = await startCodeServer({
      scratch,
      extensionsDir,
      userDataDir,
      smokeTestDriver: true,
      env: { HELM_HOOKS_E2E_WORKBENCH: `http://127.0.0.1:${domPort}` },
    });
    const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
    const payload = [
      ...options.extensionDevelopmentPath.map((path) => ['extensionDevelopmentPath', remote(path)]),
      ['extensionTestsPath', remote(options.extensionTestsPath)],
      ...(options.disableExtensions ? [['disableExtensions', 'true']] : []),
    ];
    browser = await launchBrowser({ scratch });
    let reportExit;
    const exitCode = new Promise((resolveExit) => (reportExit = resolveExit));
    // The workbench forwards the extension host's console and the tests' exit code to these two functions.
    await browser.page.exposeFunction('codeAutomationLog', (_type, args) =>
      console.log(...(Array.isArray(args) ? args : [args])),
    );
    await browser.page.exposeFunction('codeAutomationExit', (code) => reportExit(Number(code)));
    page = browser.page;
    await page.goto(workbenchUrl(server.url, { folder: options.folder, payload }));
    let timer;
    const timeout = new Promise((resolveTimeout) => {
      timer = setTimeout(() => {
        console.error(`code-server-test-host: no exit code from the tests within ${TIMEOUT_MS} ms`);
        resolveTimeout(124);
      }, TIMEOUT_MS);
    });
    const code = await Promise.race([exitCode, timeout]);
    clearTimeout(timer);
    if (code !== 0 && process.env.HELM_HOOKS_E2E_FAILURE_SHOT) {
      await page.screenshot({ path: process.env.HELM_HOOKS_E2E_FAILURE_SHOT }).catch(() => undefined);
    }
    return code;
  } finally {
    page = undefined;
    await browser?.close();
    await server?.stop();
    dom.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`code-server-test-host: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
