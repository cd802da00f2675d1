import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HOOK_ORDER_STATES } from '../../../client/src/hookOrderModel';
import { COMMANDS } from '../../../client/src/protocol';
import { presentStatus } from '../../../client/src/statusModel';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../../server/src/features/configuration';
import { REPO_ROOT } from '../../support/paths';

interface Command {
  command: string;
  title: string;
  category?: string;
}

interface Setting {
  type: string;
  default: unknown;
  enum?: unknown[];
  additionalProperties?: { enum?: unknown[] };
  description?: string;
  markdownDescription?: string;
}

interface Manifest {
  main: string;
  icon: string;
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | string }; virtualWorkspaces: boolean };
  contributes: {
    commands: Command[];
    configuration: { properties: Record<string, Setting> };
    views: Record<string, { id: string; name: string }[]>;
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    viewsWelcome: { view: string; when: string; contents: string }[];
    menus: Record<string, { command: string }[]>;
    snippets: { language: string; path: string }[];
    configurationDefaults?: Record<string, Record<string, unknown>>;
  };
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const CLIENT_SRC = join(REPO_ROOT, 'client', 'src');
const sources = readdirSync(CLIENT_SRC)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => readFileSync(join(CLIENT_SRC, file), 'utf8'));

/** Command ids the client registers, read from its source: each registerCommand call names its id literally. */
function registeredCommands(): string[] {
  const calls = sources.flatMap((source) => source.match(/registerCommand\(/g) ?? []);
  const ids = sources.flatMap((source) =>
    [...source.matchAll(/registerCommand\(\s*'([^']+)'/g)].map((match) => match[1]!),
  );
  assert.equal(ids.length, calls.length, 'every registerCommand call names its command with a string literal');
  return ids;
}

/** `1.91.0` → [1, 91, 0]. */
function version(text: string): number[] {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  assert.ok(match, `${text} is a plain version`);
  return match.slice(1).map(Number);
}

function compare(a: number[], b: number[]): number {
  for (let index = 0; index < 3; index++) if (a[index] !== b[index]) return a[index]! - b[index]!;
  return 0;
}

/** Whether a caret range (`^1.91.0`, the only form VS Code documents for engines.vscode) admits `candidate`. */
function caretAccepts(range: string, candidate: string): boolean {
  assert.match(range, /^\^\d+\.\d+\.\d+$/);
  const minimum = version(range.slice(1));
  const wanted = version(candidate);
  return wanted[0] === minimum[0] && compare(wanted, minimum) >= 0;
}

describe('the extension manifest', () => {
  it('contributes exactly the commands the client registers', () => {
    const contributed = manifest.contributes.commands.map((command) => command.command).sort();
    assert.deepEqual(registeredCommands().sort(), contributed);
  });

  it('registers the commands the server names in its code lenses and protocol', () => {
    const registered = registeredCommands();
    for (const id of Object.values(COMMANDS)) assert.ok(registered.includes(id), `${id} is registered`);
  });

  it('files every command under the "Helm Hooks" category', () => {
    for (const command of manifest.contributes.commands) assert.equal(command.category, 'Helm Hooks', command.command);
  });

  it('refers, in menus and welcome texts, only to commands it contributes', () => {
    const contributed = new Set(manifest.contributes.commands.map((command) => command.command));
    const fromMenus = Object.values(manifest.contributes.menus).flatMap((entries) =>
      entries.map((entry) => entry.command),
    );
    const fromLinks = manifest.contributes.viewsWelcome.flatMap((entry) =>
      [...entry.contents.matchAll(/\(command:([\w.]+)\)/g)].map((match) => match[1]!),
    );
    assert.ok(fromLinks.length > 0);
    for (const id of [...fromMenus, ...fromLinks]) assert.ok(contributed.has(id), `${id} is contributed`);
  });

  it('names the restart command in the status tooltip as the command palette shows it', () => {
    const restart = manifest.contributes.commands.find((command) => command.command === COMMANDS.restartServer)!;
    assert.match(presentStatus('failed').tooltip, new RegExp(`"${restart.category}: ${restart.title}"`));
  });

  it("contributes exactly the settings the language server reads, with the server's defaults", () => {
    const flatten = (value: Record<string, unknown>, prefix: string): [string, unknown][] =>
      Object.entries(value).flatMap(([key, inner]): [string, unknown][] =>
        inner !== null && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(inner).length > 0
          ? flatten(inner as Record<string, unknown>, `${prefix}${key}.`)
          : [[`${prefix}${key}`, inner]],
      );
    const serverDefaults = Object.fromEntries(
      flatten(DEFAULT_SETTINGS as unknown as Record<string, unknown>, 'helmHooks.'),
    );
    const properties = manifest.contributes.configuration.properties;
    assert.deepEqual(Object.keys(properties).sort(), Object.keys(serverDefaults).sort());
    for (const [key, setting] of Object.entries(properties)) {
      assert.deepEqual(setting.default, serverDefaults[key], `${key} default`);
      assert.ok(
        (setting.markdownDescription ?? setting.description ?? '').length > 40,
        `${key} is described for users`,
      );
    }
  });

  it("lists every setting it contributes in the README's settings table, with its default", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const [key, setting] of Object.entries(manifest.contributes.configuration.properties)) {
      // The table is generated from package.json (npm run docs); defaults are shown as JSON, strings quoted.
      const shown = JSON.stringify(setting.default);
      assert.ok(readme.includes(`| \`${key}\` | \`${shown}\` |`), `README row for ${key} with default ${shown}`);
    }
  });

  it('offers only setting values the server accepts', () => {
    const properties = manifest.contributes.configuration.properties;
    for (const helmVersion of properties['helmHooks.helmVersion']!.enum!) {
      const { settings, problems } = normalizeSettings({ helmVersion });
      assert.deepEqual(problems, []);
      assert.equal(settings.helmVersion, helmVersion);
    }
    for (const severity of properties['helmHooks.rules']!.additionalProperties!.enum!) {
      const { settings, problems } = normalizeSettings({ rules: { 'unknown-hook-event': severity } });
      assert.deepEqual(problems, []);
      assert.equal(settings.rules['unknown-hook-event'], severity);
    }
    for (const server of properties['helmHooks.trace.server']!.enum!) {
      assert.equal(normalizeSettings({ trace: { server } }).settings.trace.server, server);
    }
    for (const scope of properties['helmHooks.diagnostics.scope']!.enum!) {
      const { settings, problems } = normalizeSettings({ diagnostics: { scope } });
      assert.deepEqual(problems, []);
      assert.equal(settings.diagnostics.scope, scope);
    }
  });

  it('keeps the default diagnostics scope for a value it does not know, and says so', () => {
    const { settings, problems } = normalizeSettings({ diagnostics: { scope: 'workspace' } });
    assert.equal(settings.diagnostics.scope, 'chart');
    assert.deepEqual(problems, ['helmHooks.diagnostics.scope must be "chart" or "openFiles", not "workspace"']);
  });

  it("lists the hook snippets after the server's completions in helm files, where the snippets are contributed", () => {
    // VS Code sorts by match quality first otherwise, so a `helm-hook-…` prefix can rank above an annotation value.
    assert.deepEqual([...new Set(manifest.contributes.snippets.map((snippet) => snippet.language))], ['helm']);
    assert.equal(manifest.contributes.configurationDefaults?.['[helm]']?.['editor.snippetSuggestions'], 'bottom');
  });

  it('activates on charts and the helm language, never on every start-up', () => {
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.ok(manifest.activationEvents.includes('workspaceContains:**/Chart.yaml'));
    assert.ok(manifest.activationEvents.includes('onLanguage:helm'));
  });

  it('accepts VS Code 1.139.1 (the code-server used for end-to-end tests) and types no newer than its minimum', () => {
    assert.ok(caretAccepts(manifest.engines.vscode, '1.139.1'));
    const engineMinimum = version(manifest.engines.vscode.slice(1));
    const installed = JSON.parse(
      readFileSync(join(REPO_ROOT, 'node_modules', '@types', 'vscode', 'package.json'), 'utf8'),
    ) as { version: string };
    assert.ok(
      compare(version(installed.version), engineMinimum) <= 0,
      `@types/vscode ${installed.version} <= ${manifest.engines.vscode}`,
    );
    // A caret or open range would let a fresh install pick types newer than the engine, which vsce refuses.
    assert.match(manifest.devDependencies['@types/vscode']!, /^~?\d+\.\d+\.\d+$/);
    assert.ok(compare(version(manifest.devDependencies['@types/vscode']!.replace('~', '')), engineMinimum) <= 0);
  });

  it('declares untrusted workspaces supported (it only reads files) and virtual ones not (the server reads the disk)', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, true);
    assert.equal(manifest.capabilities.virtualWorkspaces, false);
  });

  it('starts from the bundled client and shows a 128×128 PNG icon', () => {
    assert.equal(manifest.main, './dist/client.js');
    const icon = readFileSync(join(REPO_ROOT, manifest.icon));
    assert.deepEqual([...icon.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(icon.toString('latin1', 12, 16), 'IHDR');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128]);
    for (const container of manifest.contributes.viewsContainers.activitybar)
      assert.ok(existsSync(join(REPO_ROOT, container.icon)), container.icon);
  });

  it('contributes the view the client fills, with a welcome text for every state without a tree', () => {
    const viewId = /HOOK_ORDER_VIEW_ID = '([^']+)'/.exec(sources.join('\n'))?.[1];
    assert.ok(viewId);
    const views = Object.values(manifest.contributes.views).flat();
    assert.ok(views.some((view) => view.id === viewId));
    for (const state of HOOK_ORDER_STATES.filter((state) => state !== 'ready')) {
      assert.ok(
        manifest.contributes.viewsWelcome.some(
          (entry) => entry.view === viewId && entry.when.includes(`helmHooks.hookOrder.state == ${state}`),
        ),
        `welcome text for ${state}`,
      );
    }
  });
});
