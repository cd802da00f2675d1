import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * The `helm-hooks` command (dist/cli.js): runs the CLI bundle, dist/cli-main.js, with V8's code cache of its last run.
 * A run compiles most of the bundle's functions as it first calls them, which for one small chart is about a quarter
 * of its CPU; the cache, written after a run with every function that run compiled, spares the next run that work.
 * (Caches made when the script is compiled, as the v8-compile-cache package makes them, hold only the top-level code
 * of a bundle and saved a third as much when measured.) The cache is kept per user, named by the bundle's content and
 * V8's version; HELM_HOOKS_CACHE_DIR moves it and HELM_HOOKS_NO_CODE_CACHE=1 turns it off. Nothing here may fail a
 * run: a cache that cannot be read, written or used is only not used.
 */

interface CliMain {
  runCommandLine(): void;
}

const bundlePath = join(__dirname, 'cli-main.js');
const source = readFileSync(bundlePath, 'utf8');
const cacheFile = process.env.HELM_HOOKS_NO_CODE_CACHE ? undefined : codeCacheFile(source);
const cached = cacheFile === undefined ? undefined : readIfPresent(cacheFile);
const script = new Script(Module.wrap(source), { filename: bundlePath, cachedData: cached });
if (cacheFile !== undefined)
  process.once('exit', () => saveCodeCache(cacheFile, cached, script.cachedDataRejected === true));

const bundle = new Module(bundlePath);
bundle.filename = bundlePath;
const run = script.runInThisContext() as (...args: unknown[]) => void;
run.call(bundle.exports, bundle.exports, require, bundle, bundlePath, dirname(bundlePath));
(bundle.exports as CliMain).runCommandLine();

/** `<cache dir>/cli-<bundle hash>-<V8 version>-<arch>.v8cache`, or undefined when there is no place for it. */
function codeCacheFile(text: string): string | undefined {
  const folder = cacheFolder();
  if (folder === undefined) return undefined;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return join(folder, `cli-${hash}-${process.versions.v8}-${process.arch}.v8cache`);
}

/** HELM_HOOKS_CACHE_DIR, else the user's cache folder: %LOCALAPPDATA% on Windows, $XDG_CACHE_HOME or ~/.cache. */
function cacheFolder(): string | undefined {
  const { HELM_HOOKS_CACHE_DIR, LOCALAPPDATA, XDG_CACHE_HOME } = process.env;
  if (HELM_HOOKS_CACHE_DIR) return HELM_HOOKS_CACHE_DIR;
  if (process.platform === 'win32' && LOCALAPPDATA) return join(LOCALAPPDATA, 'helm-hooks', 'Cache');
  if (XDG_CACHE_HOME) return join(XDG_CACHE_HOME, 'helm-hooks');
  try {
    const home = homedir();
    return home ? join(home, '.cache', 'helm-hooks') : undefined;
  } catch {
    return undefined;
  }
}

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Writes the cache of every function this run compiled or took from the cache, when there was none, V8 refused it, or
 * this run compiled more (after `helm-hooks --version`, a lint compiles most of the bundle). Caches of other builds
 * beside it are removed, so one build in use keeps the folder small. Written under a temporary name and renamed, so
 * that a run that reads it meanwhile reads all of it or none.
 */
function saveCodeCache(path: string, cached: Buffer | undefined, rejected: boolean): void {
  try {
    const data = script.createCachedData();
    // A few bytes either way are the same functions: only a cache that grew by a tenth is worth the write.
    if (cached !== undefined && !rejected && data.length <= cached.length * 1.1) return;
    const folder = dirname(path);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, path);
    const own = path.slice(folder.length + 1);
    for (const name of readdirSync(folder))
      if (name !== own && /^cli-.*\.v8cache$/.test(name)) rmSync(join(folder, name), { force: true });
  } catch {
    // A folder that cannot be written (read-only home, full disk): the next run compiles again.
  }
}
