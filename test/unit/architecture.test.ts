import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { REPO_ROOT } from '../support/paths';

/**
 * The layers of docs/architecture.md, held by reading every import with the TypeScript parser: the engine is plain
 * TypeScript any host can run (CLI, language server, worker, tests), so it reaches nothing outside itself but Node and
 * npm packages, and no editor package; the language server's adapters and its worker never reach into the CLI.
 */

const SERVER = join(REPO_ROOT, 'server', 'src');
const ENGINE = join(SERVER, 'engine');
const CLI_DIR = join(SERVER, 'cli');

interface Import {
  /** The importing file, relative to the repository root. */
  file: string;
  specifier: string;
  /** For a relative specifier, the absolute path it names (without extension). */
  target?: string;
}

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every `import`, `export … from`, `import()` and `require()` of a file, as the compiler's pre-processor finds them. */
function importsOf(file: string): Import[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map(({ fileName: specifier }) => ({
    file: relative(REPO_ROOT, file),
    specifier,
    ...(specifier.startsWith('.') ? { target: resolve(dirname(file), specifier) } : {}),
  }));
}

function inside(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory + sep);
}

/** Editor packages: `vscode` itself and the language server/client libraries built on its protocol. */
function isEditorPackage(specifier: string): boolean {
  return /^vscode($|[-/])/.test(specifier);
}

/** The imports among `files` that break the layer rule `forbidden`, as `file -> specifier` lines. */
function violations(files: string[], forbidden: (entry: Import) => boolean): string[] {
  return files
    .flatMap(importsOf)
    .filter(forbidden)
    .map((entry) => `${entry.file} -> ${entry.specifier}`);
}

/**
 * What a module of the engine keeps at its top level that could hold state between calls: a `Map` or `Set` made there,
 * and any `let` or `var`, as `file#name`. Caches belong in an EngineCaches (engine/core/caches.ts), which the host
 * that runs the engine owns and disposes; a WeakMap keyed by the engine's own objects frees itself and is not listed.
 */
function moduleState(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const mutable = (statement.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) !== ts.NodeFlags.Const;
    for (const declaration of statement.declarationList.declarations) {
      let initializer = declaration.initializer;
      while (initializer && (ts.isAsExpression(initializer) || ts.isParenthesizedExpression(initializer)))
        initializer = initializer.expression;
      const collection =
        initializer !== undefined &&
        ts.isNewExpression(initializer) &&
        ts.isIdentifier(initializer.expression) &&
        ['Map', 'Set'].includes(initializer.expression.text);
      if (mutable || collection)
        found.push(`${relative(ENGINE, file).split(sep).join('/')}#${declaration.name.getText(source)}`);
    }
  }
  return found;
}

/**
 * Module-level maps, sets and variables of the engine that keep nothing between runs: lookup tables built once from
 * constants (never added to after); the pointer to the caches of the `EngineCaches.run` under way, which that call
 * restores; and the counter that stamps each map the evaluator makes, which only orders maps (never read as a count).
 */
const ALLOWED_MODULE_STATE = [
  'analysis/rendered-document.ts#OBJECT_KEYS',
  'analysis/rendered-document.ts#POD_SPEC_KINDS',
  'analysis/rendered-document.ts#READ_KINDS',
  'chart/discover.ts#SKIPPED_DIRECTORIES',
  'core/caches.ts#active',
  'eval/functions.ts#FUNCTIONS_TABLE',
  'eval/parse.ts#KEYWORDS',
  'eval/value.ts#generation',
  'lifecycle/manifest.ts#SCHEME_GROUPS',
  'lifecycle/model.ts#CLUSTER_SCOPED_KINDS',
  'lint/chart-lint.ts#NO_FINDINGS',
  'lint/evaluated-lint.ts#ALL_EVENTS',
  'lint/evaluated-lint.ts#INSTALL_EVENTS',
  'lint/evaluated-lint.ts#UPGRADE_EVENTS',
  'lint/evaluated-rules.ts#LIFECYCLE_IDS',
  'lint/findings.ts#READ_RENDERED',
  'model/scalar.ts#FALSES',
  'model/scalar.ts#NULLS',
  'model/scalar.ts#SPECIAL_FLOATS',
  'model/scalar.ts#TRUES',
  'rules/misplaced-hook-annotation.ts#CHART_VALUES_KEYS',
  'rules/non-string-annotation.ts#BUILT_IN_GROUPS',
  'rules/non-string-annotation.ts#KEYS_WITH_OWN_RULES',
  'rules/non-string-annotation.ts#KINDS_WITH_POD_TEMPLATE_METADATA',
  'rules/non-string-annotation.ts#POLICY_KEYS',
  'rules/support/dependency-helpers.ts#WAITED_KINDS',
  'rules/unquoted-hook-weight.ts#PASS_THROUGH_FUNCTIONS',
  'rules/workload-as-hook.ts#WORKLOAD_KINDS',
  'template/scanner.ts#CONTROL_KEYWORDS',
  'template/scanner.ts#OPENING_KEYWORDS',
];

const leavesEngine = (entry: Import) => entry.target !== undefined && !inside(entry.target, ENGINE);
const reachesCli = (entry: Import) => entry.target !== undefined && inside(entry.target, CLI_DIR);

describe('architecture boundaries', () => {
  const engineFiles = typeScriptFiles(ENGINE);

  it('reads imports of every form, so that the checks below see them all', () => {
    const source = [
      "import a from './a';",
      "import type { B } from 'vscode-languageserver';",
      "export { c } from '../c';",
      "const d = require('vscode');",
      "void import('./e');",
    ].join('\n');
    const found = ts.preProcessFile(source, true, true).importedFiles.map((entry) => entry.fileName);
    assert.deepEqual(found.sort(), ['../c', './a', './e', 'vscode', 'vscode-languageserver']);
    assert.ok(
      isEditorPackage('vscode') && isEditorPackage('vscode-languageserver/node') && !isEditorPackage('vscodex'),
    );
  });

  it('the engine imports no editor package', () => {
    assert.ok(engineFiles.length > 50, `found ${engineFiles.length} engine files`);
    assert.deepEqual(
      violations(engineFiles, (entry) => isEditorPackage(entry.specifier)),
      [],
    );
  });

  it('the engine imports no file outside server/src/engine (no features/, cli/, server or worker)', () => {
    assert.deepEqual(violations(engineFiles, leavesEngine), []);
  });

  it('the language server features and the worker import nothing from cli/', () => {
    const files = [
      ...typeScriptFiles(join(SERVER, 'features')),
      join(SERVER, 'evaluator.ts'),
      join(SERVER, 'server.ts'),
    ];
    assert.deepEqual(violations(files, reachesCli), []);
  });

  it('finds module-level state of every form: a Map or Set made at the top level, a let, a var', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-architecture-'));
    try {
      const file = join(scratch, 'probe.ts');
      writeFileSync(
        file,
        [
          'const kept = new Map<string, number>();',
          'const typed = new Set() as ReadonlySet<string>;',
          'let last = 0;',
          'var older = 1;',
          'const freed = new WeakMap<object, number>();',
          'const TABLE = [1, 2];',
          'function inner() { const local = new Map(); let count = 0; return [local, count]; }',
        ].join('\n'),
      );
      const found = moduleState(file).map((entry) => entry.slice(entry.indexOf('#') + 1));
      assert.deepEqual(found, ['kept', 'typed', 'last', 'older']);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('the engine keeps no state at module level: caches live in an EngineCaches its host owns', () => {
    const found = engineFiles.flatMap(moduleState).sort();
    assert.deepEqual(
      found.filter((entry) => !ALLOWED_MODULE_STATE.includes(entry)),
      [],
      'a module-level cache: make it a CacheSlot (engine/core/caches.ts); a constant table: add it to the allow-list',
    );
    assert.deepEqual(
      ALLOWED_MODULE_STATE.filter((entry) => !found.includes(entry)),
      [],
      'allowed entries that no longer exist',
    );
  });

  it('the engine compiles on its own, with Node types and without the vscode types', () => {
    const config = join(ENGINE, 'tsconfig.json');
    const options = JSON.parse(readFileSync(config, 'utf8')) as { compilerOptions: { types: string[] } };
    assert.deepEqual(options.compilerOptions.types, ['node']);
    const compiler = join(REPO_ROOT, 'node_modules', 'typescript7', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [compiler, '-p', config], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, `tsc -p server/src/engine/tsconfig.json failed:\n${result.stdout}${result.stderr}`);
  });
});
