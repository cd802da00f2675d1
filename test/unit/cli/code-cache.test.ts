import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, REPO_ROOT } from '../../support/paths';

/** The command (dist/cli.js) runs the CLI bundle with V8's code cache of its last run: server/src/cli/launch.ts. */

const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-code-cache-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const EXAMPLE = join(REPO_ROOT, 'examples', 'shop');

function lint(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete environment.NODE_OPTIONS;
  delete environment.HELM_HOOKS_NO_CODE_CACHE;
  const result = spawnSync(process.execPath, [CLI, 'lint', EXAMPLE, '--format', 'json'], {
    env: { ...environment, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function cacheFiles(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.endsWith('.v8cache'));
}

describe('the code cache of helm-hooks', () => {
  const uncached = lint({ HELM_HOOKS_NO_CODE_CACHE: '1', HELM_HOOKS_CACHE_DIR: join(scratch, 'never') });

  it('is off with HELM_HOOKS_NO_CODE_CACHE=1, and the lint runs all the same', () => {
    assert.equal(uncached.status, 1, 'the example chart has errors');
    assert.equal(uncached.stderr, '');
    assert.ok((JSON.parse(uncached.stdout) as { findings: unknown[] }).findings.length > 0);
    assert.throws(() => readdirSync(join(scratch, 'never')), /ENOENT/);
  });

  it('is written by a first run, one file named by the bundle and V8, and a second run reads it and prints the same', () => {
    const folder = join(scratch, 'reused');
    const first = lint({ HELM_HOOKS_CACHE_DIR: folder });
    assert.deepEqual([first.status, first.stderr, first.stdout], [uncached.status, '', uncached.stdout]);
    const [file, ...others] = cacheFiles(folder);
    assert.deepEqual(others, []);
    assert.match(
      file!,
      new RegExp(`^cli-[0-9a-f]{16}-${process.versions.v8.replace(/\./g, '\\.')}-${process.arch}\\.v8cache$`),
    );
    const written = statSync(join(folder, file!));
    assert.ok(written.size > 100_000, `a cache of the compiled linter, not of its first lines: ${written.size} bytes`);
    const second = lint({ HELM_HOOKS_CACHE_DIR: folder });
    assert.deepEqual([second.status, second.stderr, second.stdout], [uncached.status, '', uncached.stdout]);
    // V8 took the cache, so it was not written again.
    assert.equal(statSync(join(folder, file!)).mtimeMs, written.mtimeMs);
  });

  it('replaces a cache V8 refuses (garbage) and removes the caches of other builds', () => {
    const folder = join(scratch, 'replaced');
    lint({ HELM_HOOKS_CACHE_DIR: folder });
    const [file] = cacheFiles(folder);
    writeFileSync(join(folder, file!), 'not a code cache');
    writeFileSync(join(folder, 'cli-0000000000000000-1.2.3-x64.v8cache'), 'an older build');
    writeFileSync(join(folder, 'notes.txt'), 'not ours');
    const run = lint({ HELM_HOOKS_CACHE_DIR: folder });
    assert.deepEqual([run.status, run.stderr, run.stdout], [uncached.status, '', uncached.stdout]);
    assert.deepEqual(cacheFiles(folder), [file]);
    assert.ok(statSync(join(folder, file!)).size > 100_000, 'the garbage was replaced by a cache');
    assert.deepEqual(readdirSync(folder).sort(), [file, 'notes.txt'].sort());
  });

  it('is skipped without a word where its folder cannot be made (a file is in the way)', () => {
    const blocker = join(scratch, 'a-file');
    writeFileSync(blocker, '');
    const run = lint({ HELM_HOOKS_CACHE_DIR: join(blocker, 'cache') });
    assert.deepEqual([run.status, run.stderr, run.stdout], [uncached.status, '', uncached.stdout]);
  });
});
