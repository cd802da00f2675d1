// `helm-hooks order --format mermaid` is for GitHub to render: here the `mermaid` package renders it in a real
// browser (Debian's chromium through playwright-core, as scripts/e2e/ drives it), for every chart and scenario of the
// public corpus, and the SVG must name every hook the JSON order lists. A diagram Mermaid cannot parse, or a label
// that lost a name to escaping, fails here rather than in a reader's pull request.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { formatOrderMermaid } from '../../server/src/cli/format/order-mermaid';
import { loadChart } from '../../server/src/engine/chart/load';
import type { OrderJson } from '../../server/src/engine/order/chart-order';
import { chartHookOrder } from '../../server/src/engine/order/chart-order';
import { compareOrders, currentOrder } from '../../server/src/engine/order/compare';
import { CORPUS_CHARTS, corpusScenarios, requireShared } from '../support/shared';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const MERMAID = require.resolve('mermaid/dist/mermaid.min.js');

/** Skips, saying why, when chromium is not installed; under CI=true fails instead, as CI installs it. */
function requireChromium(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `chromium not found at ${CHROMIUM} (set CHROMIUM, or run scripts/e2e/install.sh): the Mermaid output is not rendered`;
  if (process.env.CI === 'true') assert.fail(message);
  t.skip(message);
  return false;
}

/** The order as `helm-hooks order` computes it, in process: one evaluation gives both the JSON and the diagram. */
function orderOf(chart: string, valuesFiles: string[]): OrderJson {
  return chartHookOrder(loadChart(join(CORPUS_CHARTS, chart), { valuesFiles })).order;
}

/** "Kind name" of every hook, as the diagram's label line writes it. */
function hookNames(order: OrderJson): string[] {
  const hooks = order.operations.flatMap((operation) =>
    operation.steps.flatMap((step) => ('hooks' in step ? step.hooks : [])),
  );
  return [...new Set(hooks.map((hook) => `${hook.kind ?? '?'} ${hook.name ?? '?'}`))];
}

/** The bits of the page's globals these tests use (the compiled tests have no DOM types). */
interface PageGlobals {
  mermaid: { initialize(config: object): void; render(id: string, text: string): Promise<{ svg: string }> };
  document: {
    getElementById(
      id: string,
    ): { innerHTML: string; querySelector(selector: string): { textContent: string | null } | null } | null;
  };
}

/** Renders Mermaid text in the page; returns the SVG's text. */
async function svgTextOf(page: Page, id: string, source: string): Promise<string> {
  return page.evaluate(
    async ({ id, source }) => {
      const globals = globalThis as unknown as PageGlobals;
      const { svg } = await globals.mermaid.render(id, source);
      const out = globals.document.getElementById('out')!;
      out.innerHTML = svg;
      const element = out.querySelector('svg');
      return element ? (element.textContent ?? '') : '';
    },
    { id, source },
  );
}

test('the Mermaid order of every corpus chart renders in a browser to an SVG that names every hook', async (t) => {
  if (!requireShared(t) || !requireChromium(t)) return;
  const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-mermaid-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, HOME: scratch, XDG_CONFIG_HOME: scratch, XDG_CACHE_HOME: scratch },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
    await page.addScriptTag({ path: MERMAID });
    // GitHub renders with its defaults and a strict security level; nothing here widens what a diagram may do.
    await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }),
    );
    let rendered = 0;
    let hooks = 0;
    // The order whose busiest event has the most hooks, for the marked diagram below.
    let busiest: { order: OrderJson; hooks: number } | undefined;
    for (const [index, scenario] of corpusScenarios().entries()) {
      await t.test(`${scenario.chart} (${scenario.name})`, async () => {
        const order = orderOf(scenario.chart, scenario.valuesFiles);
        const names = hookNames(order);
        const text = formatOrderMermaid(order);
        const svgText = await svgTextOf(page, `diagram${index}`, text);
        assert.ok(svgText.length > 0, 'an SVG with text');
        assert.doesNotMatch(svgText, /Syntax error/);
        const missing = names.filter((name) => !svgText.includes(name));
        assert.deepEqual(missing, [], `every hook named in the SVG (${names.length} hooks)`);
        rendered += 1;
        hooks += names.length;
        const most = Math.max(
          0,
          ...order.operations.flatMap((operation) =>
            operation.steps.map((step) => ('hooks' in step ? step.hooks.length : 0)),
          ),
        );
        if (most > (busiest?.hooks ?? 0)) busiest = { order, hooks: most };
      });
    }
    await t.test('with --check marks, the busiest event renders its added, moved and removed hooks', async () => {
      assert.ok(busiest && busiest.hooks >= 4, 'a corpus event with at least four hooks');
      const current = currentOrder(busiest.order);
      const first = current.entries.findIndex((entry, i) => entry.index === 0 && current.entries[i + 3]?.index === 3);
      const [added, moved] = [current.entries[first]!, current.entries[first + 1]!];
      // Saved before: without the first hook, with the second one last, and with a hook that is gone since.
      const saved = {
        ...current,
        entries: [
          ...current.entries
            .filter((entry) => entry !== added)
            .map((entry) => (entry === moved ? { ...entry, index: 1000 } : entry)),
          {
            ...added,
            kind: 'Job',
            name: 'gone-before-this-change',
            file: 'templates/gone.yaml',
            index: 99,
            position: 99,
          },
        ],
      };
      const comparison = compareOrders(saved, current);
      const svgText = await svgTextOf(page, 'marked', formatOrderMermaid(busiest.order, comparison));
      assert.ok(svgText.includes(`${added.kind} ${added.name}added`), `${added.name} marked added`);
      assert.ok(svgText.includes(`${moved.kind} ${moved.name}moved: `), `${moved.name} marked moved`);
      assert.match(svgText, /removed: Job gone-before-this-change: was 99th/);
    });
    await t.test('control: a label whose quote is not escaped does not render', async () => {
      const failed = await page.evaluate(async () => {
        try {
          await (globalThis as unknown as PageGlobals).mermaid.render('control', 'flowchart LR\n  n1["Job a"b"]\n');
          return false;
        } catch {
          return true;
        }
      });
      assert.equal(failed, true);
    });
    assert.ok(rendered > 0 && hooks > 0, 'the corpus gave diagrams with hooks to check');
    t.diagnostic(`${rendered} diagrams rendered, ${hooks} hook names found in their SVGs`);
  } finally {
    await browser.close();
    rmSync(scratch, { recursive: true, force: true });
  }
});
