import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { minimatch } from 'minimatch';
import { REPO_ROOT } from '../../support/paths';

/**
 * The editor contributions in package.json (languages, grammars, snippets) and those of the e2e stand-in extensions:
 * every file they name exists and parses, and the ids and scopes agree with each other and with the client.
 */

interface Language {
  id: string;
  aliases?: string[];
  extensions?: string[];
  filenamePatterns?: string[];
  configuration?: string;
}
interface Grammar {
  language?: string;
  scopeName: string;
  path: string;
  injectTo?: string[];
}
interface Manifest {
  main?: string;
  activationEvents?: string[];
  contributes?: { languages?: Language[]; grammars?: Grammar[]; snippets?: Array<{ language: string; path: string }> };
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

const manifest = readJson<Manifest>(join(REPO_ROOT, 'package.json'));
const contributes = manifest.contributes ?? {};

/** The language id the client's document selector serves (client/src/client.ts, read as text: it imports vscode). */
function clientSelector(): { languages: string[]; templatePattern: string } {
  const source = readFileSync(join(REPO_ROOT, 'client', 'src', 'client.ts'), 'utf8');
  const selector = /export const documentSelector[^=]*=\s*\[([\s\S]*?)\n\];/.exec(source)?.[1];
  assert.ok(selector, 'client/src/client.ts no longer exports a documentSelector array');
  const languages = [...selector.matchAll(/language:\s*'([^']+)'/g)].map((match) => match[1]!);
  const templatePattern = [...selector.matchAll(/pattern:\s*'([^']+)'/g)]
    .map((match) => match[1]!)
    .find((pattern) => pattern.includes('templates'));
  assert.ok(templatePattern, 'the client selects no templates/ pattern');
  return { languages, templatePattern };
}

const TEMPLATE_PATHS = [
  'chart/templates/job.yaml',
  'chart/templates/hooks/pre/migrate.yml',
  'chart/templates/_helpers.tpl',
  'charts/sub/templates/x.yaml',
];
const OTHER_PATHS = [
  'chart/values.yaml',
  'chart/Chart.yaml',
  'chart/templates/NOTES.txt',
  'chart/crds/crd.yaml',
  '.github/workflows/ci.yaml',
];

describe('package.json editor contributions', () => {
  it("contributes the helm language for templates/**/*.yaml|yml|tpl and nothing else, merging with vscode-kubernetes-tools' id", () => {
    assert.deepEqual(
      contributes.languages?.map((language) => language.id),
      ['helm'],
    );
    const helm = contributes.languages![0]!;
    assert.equal(helm.extensions, undefined, 'file extensions would claim every .yaml file, not only templates');
    const patterns = helm.filenamePatterns ?? [];
    for (const path of TEMPLATE_PATHS)
      assert.ok(
        patterns.some((pattern) => minimatch(path, pattern, { dot: true })),
        `${path} is not helm`,
      );
    for (const path of OTHER_PATHS)
      assert.ok(!patterns.some((pattern) => minimatch(path, pattern, { dot: true })), `${path} would become helm`);
    const configuration = readJson<{ comments?: { lineComment?: string } }>(resolve(REPO_ROOT, helm.configuration!));
    assert.equal(configuration.comments?.lineComment, '#');
  });

  it('binds grammar source.helm-hooks to helm and injects into source.helm only, each file a grammar with that scope', () => {
    const grammars = contributes.grammars ?? [];
    assert.deepEqual(
      grammars.map(({ language, scopeName, injectTo }) => ({ language, scopeName, injectTo })),
      [
        { language: 'helm', scopeName: 'source.helm-hooks', injectTo: undefined },
        { language: undefined, scopeName: 'helm-hooks.injection', injectTo: ['source.helm'] },
      ],
    );
    for (const grammar of grammars) {
      const file = resolve(REPO_ROOT, grammar.path);
      assert.ok(existsSync(file), `${grammar.path} is missing`);
      const parsed = readJson<{ scopeName?: string; injectionSelector?: string; patterns?: unknown[] }>(file);
      assert.equal(parsed.scopeName, grammar.scopeName);
      assert.ok(Array.isArray(parsed.patterns) && parsed.patterns.length > 0);
      if (grammar.injectTo) assert.match(parsed.injectionSelector ?? '', /^L:source\.helm\b/);
    }
  });

  it('contributes the hook snippets for the helm language from a file that parses', () => {
    assert.deepEqual(
      contributes.snippets?.map((snippet) => snippet.language),
      ['helm'],
    );
    const snippets = readJson<Record<string, { prefix: unknown; body: unknown }>>(
      resolve(REPO_ROOT, contributes.snippets![0]!.path),
    );
    assert.ok(Object.keys(snippets).length >= 7);
  });

  it('agrees with the client: its selector serves our language id and the same template files', () => {
    const { languages, templatePattern } = clientSelector();
    assert.ok(languages.includes('helm'), `the client selects ${languages.join(', ')}`);
    const ours = contributes.languages![0]!.filenamePatterns ?? [];
    for (const path of [...TEMPLATE_PATHS, ...OTHER_PATHS]) {
      assert.equal(
        minimatch(path, templatePattern, { dot: true }),
        ours.some((pattern) => minimatch(path, pattern, { dot: true })),
        path,
      );
    }
  });
});

describe('e2e stand-in extensions', () => {
  const STAND_INS = join(REPO_ROOT, 'test', 'e2e', 'stand-ins');

  it('vscode-kubernetes-tools stand-in: language helm for **/templates/** with its own grammar source.helm, not an injection', () => {
    const standIn = readJson<Manifest>(join(STAND_INS, 'kubernetes-tools', 'package.json'));
    assert.deepEqual(
      standIn.contributes?.languages?.map((language) => [
        language.id,
        language.aliases?.[0],
        language.filenamePatterns,
      ]),
      [['helm', 'helm-template', ['**/templates/**']]],
    );
    const grammar = standIn.contributes?.grammars?.[0];
    assert.deepEqual([grammar?.language, grammar?.scopeName, grammar?.injectTo], ['helm', 'source.helm', undefined]);
    const file = join(STAND_INS, 'kubernetes-tools', grammar!.path);
    assert.equal(readJson<{ scopeName: string }>(file).scopeName, 'source.helm');
  });

  it('vscode-yaml stand-in: a yaml language server whose client selects yaml documents only', () => {
    const dir = join(STAND_INS, 'vscode-yaml');
    const standIn = readJson<Manifest>(join(dir, 'package.json'));
    assert.deepEqual(standIn.activationEvents, ['onLanguage:yaml']);
    assert.deepEqual(
      standIn.contributes?.languages?.map((language) => language.id),
      ['yaml'],
    );
    const main = resolve(dir, standIn.main!);
    assert.ok(existsSync(main) && existsSync(join(dirname(main), 'server.js')));
    assert.match(readFileSync(main, 'utf8'), /documentSelector: \[\{ language: 'yaml' \}\]/);
  });
});
