// `npm run screenshots [-- --out DIR] [-- --vsix FILE]`: what a user sees, photographed in a real VS Code workbench
// (code-server, chromium through playwright-core) with the packaged extension installed, for the README.
// Before each picture the driver checks in the page's DOM that the state it shows is there (the squiggle, the hover
// text, the quick-fix title, the completion labels, the tree rows); a missing piece fails the run instead of
// producing a picture of a broken state.
/* global document -- the callbacks of page.waitForFunction and page.$$eval run in the page */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  installVsix,
  launchBrowser,
  REPO_ROOT,
  requireTools,
  startCodeServer,
  vsixToTest,
  workbenchUrl,
  writeUserSettings,
} from './workbench.mjs';

const TIMEOUT_MS = 20_000;
const HOOK_ORDER_ROWS = '[id="workbench.view.extension.helmHooks"] .monaco-list-row';

function option(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? resolve(process.argv[index + 1] ?? '') : undefined;
}

const started = Date.now();
function step(message) {
  console.log(`[screenshots ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

/** Waits until the texts of the elements matching `selector` satisfy `accept`; returns them (editor lines use no-break spaces). */
async function texts(page, selector, what, accept) {
  try {
    await page.waitForFunction(
      ({ selector, source }) => {
        const found = [...document.querySelectorAll(selector)].map((node) =>
          (node.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
        );
        return new Function('found', `return (${source})(found)`)(found);
      },
      { selector, source: accept.toString() },
      { timeout: TIMEOUT_MS, polling: 100 },
    );
  } catch (error) {
    const last = await page
      .$$eval(selector, (nodes) => nodes.map((node) => (node.textContent ?? '').replace(/\u00a0/g, ' ').trim()))
      .catch(() => []);
    throw new Error(`${what}: not shown within ${TIMEOUT_MS} ms (${selector} holds ${JSON.stringify(last)})`, {
      cause: error,
    });
  }
  return page.$$eval(selector, (nodes) => nodes.map((node) => (node.textContent ?? '').replace(/\u00a0/g, ' ').trim()));
}

/** Types into the open quick input and accepts; waits for a row holding `rowText` first when one is named. */
async function quickInput(page, text, rowText) {
  await page.locator('.quick-input-widget input').fill(text);
  if (rowText)
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: rowText })
      .first()
      .waitFor({ timeout: TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: TIMEOUT_MS });
}

/** Puts the cursor at `line:column` with Go to Line, which clamps the column to the line's end. */
async function goTo(page, where) {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await quickInput(page, `:${where}`);
}

async function shoot(page, dir, name) {
  const path = join(dir, name);
  // The caret blinks: hide it so that two runs of the same state give the same picture.
  await page.addStyleTag({ content: '.monaco-editor .cursors-layer .cursor { visibility: hidden !important; }' });
  await page.screenshot({ path });
  step(`wrote ${path}`);
}

async function main() {
  requireTools();
  const outDir = option('--out') ?? join(REPO_ROOT, 'docs');
  mkdirSync(outDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-screenshots-'));
  let server;
  let browser;
  try {
    const vsix = vsixToTest(option('--vsix'), scratch);
    const extensionsDir = join(scratch, 'ext');
    const userDataDir = join(scratch, 'user');
    installVsix(vsix, { scratch, extensionsDir, userDataDir });
    writeUserSettings(userDataDir, {
      'editor.fontSize': 14,
      'editor.hover.delay': 100,
      'workbench.activityBar.location': 'default',
    });
    const folder = join(scratch, 'workspace', 'web');
    cpSync(join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'web'), folder, { recursive: true });

    server = await startCodeServer({ scratch, extensionsDir, userDataDir });
    browser = await launchBrowser({ scratch });
    const { page } = browser;
    step('browser up');
    try {
      await page.goto(workbenchUrl(server.url, { folder }));
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
      step('workbench loaded');

      // Open the template through Quick Open: the explorer compacts `templates` rows, which makes clicks unreliable.
      await page.locator('.monaco-workbench .part.editor').click();
      await page.keyboard.press('Control+P');
      await quickInput(page, 'templates/db-migrate-job.yaml', 'db-migrate-job.yaml');
      await page.getByRole('tab', { name: /db-migrate-job\.yaml/ }).waitFor({ timeout: TIMEOUT_MS });
      await texts(page, '.statusbar-item', 'the Helm language in the status bar', (found) => found.includes('Helm'));

      // 1. The squiggle under the unquoted weight, with its hover.
      const squiggle = page.locator('.monaco-editor .squiggly-error').first();
      await squiggle.waitFor({ timeout: TIMEOUT_MS });
      const box = await squiggle.boundingBox();
      if (!box) throw new Error('the squiggle has no box');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await texts(page, '.monaco-hover', 'the hover with the diagnostic', (found) =>
        found.some(
          (text) =>
            text.includes('the weight -5 is a number, not a string') &&
            text.includes('Quote it: "-5"') &&
            text.includes('unquoted-hook-weight'),
        ),
      );
      step('squiggle and hover');
      await shoot(page, outDir, 'vscode-diagnostic-hover.png');

      // 2. The quick fix menu on the weight.
      await page.keyboard.press('Escape');
      await page.mouse.move(box.x + box.width / 2, box.y + 200);
      await page.locator('.monaco-hover').first().waitFor({ state: 'hidden', timeout: TIMEOUT_MS });
      await goTo(page, '8:26');
      await page.keyboard.press('Control+.');
      await texts(page, '.action-widget .monaco-list-row', 'the quick fix menu', (found) =>
        found.some((text) => text.includes('Quote the weight: "-5"')),
      );
      step('quick fix menu');
      await shoot(page, outDir, 'vscode-quick-fix.png');
      await page.keyboard.press('Escape');

      // 3. The Hook Order view after "Helm Hooks: Show Hook Order".
      await page.keyboard.press('F1');
      await quickInput(page, '>Helm Hooks: Show Hook Order', 'Show Hook Order');
      await texts(
        page,
        `${HOOK_ORDER_ROWS} .label-name`,
        'the Hook Order rows',
        (found) =>
          found.join('|') ===
          [
            'install',
            'pre-install',
            'release-name-preflight',
            'release-name-db-migrate',
            'release resources created',
            'post-install',
            'upgrade',
            'rollback',
            'uninstall',
            'test',
          ].join('|'),
      );
      // Wide enough for the hooks' descriptions (kind, place, weight), which a default-width side bar cuts off.
      const sidebar = await page.locator('.part.sidebar').boundingBox();
      if (!sidebar) throw new Error('the side bar has no box');
      await page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + 300);
      await page.mouse.down();
      await page.mouse.move(sidebar.x + sidebar.width + 240, sidebar.y + 300, { steps: 10 });
      await page.mouse.up();
      // Off the sash, whose highlight would otherwise be in the picture.
      await page.mouse.move(sidebar.x + sidebar.width + 600, sidebar.y + 650);
      await page.waitForFunction(() => !document.querySelector('.monaco-sash.hover, .monaco-sash.active'), undefined, {
        timeout: TIMEOUT_MS,
      });
      await texts(page, `${HOOK_ORDER_ROWS} .label-description`, 'the hook descriptions', (found) =>
        found.some((text) => text.startsWith('Job: 1st of 2, weight -10')),
      );
      step('hook order view');
      await shoot(page, outDir, 'vscode-hook-order.png');

      // 4. Completion after `helm.sh/hook: pre-install,` (line 7 of the template, whose `pre-upgrade` goes).
      await goTo(page, '7:100');
      for (let i = 0; i < 'pre-upgrade'.length; i++) await page.keyboard.press('Backspace');
      await texts(page, '.monaco-editor .view-line', 'the edited hook line', (found) =>
        found.some((text) => /helm\.sh\/hook: pre-install,$/.test(text)),
      );
      await page.keyboard.press('Control+Space');
      const labels = await texts(
        page,
        '.suggest-widget .monaco-list-row .label-name',
        'the event completions',
        (found) =>
          ['post-install', 'pre-upgrade', 'post-upgrade', 'pre-delete', 'test'].every((event) =>
            found.includes(event),
          ) && !found.includes('pre-install'),
      );
      step(`completion list: ${labels.join(', ')}`);
      await shoot(page, outDir, 'vscode-completion.png');
      await page.keyboard.press('Escape');
    } catch (error) {
      const failure = join(tmpdir(), 'helm-hooks-screenshots-failure.png');
      await page.screenshot({ path: failure }).catch(() => undefined);
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n(the page at the failure: ${failure})`,
        { cause: error },
      );
    }
  } finally {
    await browser?.close();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  () => step('done'),
  (error) => {
    console.error(`screenshots FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
