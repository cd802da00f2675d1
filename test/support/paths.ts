import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function findRepoRoot(): string {
  let directory = __dirname;
  for (;;) {
    if (existsSync(join(directory, 'package.json')) && existsSync(join(directory, 'server', 'src'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) return process.cwd();
    directory = parent;
  }
}

/** The repository root, wherever the compiled tests run from. */
export const REPO_ROOT = findRepoRoot();
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
/** ../shared beside the clone (DESIGN: tests read the corpus in place). */
export const SHARED = resolve(REPO_ROOT, '..', 'shared');
export const CLI = join(REPO_ROOT, 'dist', 'cli.js');
