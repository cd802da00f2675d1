import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

  it('the engine compiles on its own, with Node types and without the vscode types', () => {
    const config = join(ENGINE, 'tsconfig.json');
    const options = JSON.parse(readFileSync(config, 'utf8')) as { compilerOptions: { types: string[] } };
    assert.deepEqual(options.compilerOptions.types, ['node']);
    const compiler = join(REPO_ROOT, 'node_modules', 'typescript7', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [compiler, '-p', config], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, `tsc -p server/src/engine/tsconfig.json failed:\n${result.stdout}${result.stderr}`);
  });
});
