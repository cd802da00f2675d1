import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';

/**
 * How the engine reads files: chart loading (chart/load.ts) and config files (core/config.ts) read through this, so
 * that a host can give them the disk (`nodeFiles`) or files held in memory (`memoryFiles`, which tests use to load
 * charts without writing folders). Each method throws, as Node's do, an error whose `code` says why (`ENOENT`,
 * `EISDIR`, `ENOTDIR`, `EACCES`): chart/discover.ts's describeFsError turns it into the user's message.
 */
export interface FileAccess {
  /** A file's bytes. */
  readFile(path: string): Buffer;
  /** The names in a directory, in no particular order. */
  readDirectory(path: string): string[];
  /** What is at a path, symbolic links followed. */
  stat(path: string): FileStat;
  /** The path with its symbolic links resolved; the same path where there are none. */
  realPath(path: string): string;
}

/** What stat tells: the part of Node's fs.Stats that loading uses. */
export interface FileStat {
  isFile(): boolean;
  isDirectory(): boolean;
  size: number;
}

/** The disk, through node:fs. */
export const nodeFiles: FileAccess = {
  readFile: (path) => readFileSync(path),
  readDirectory: (path) => readdirSync(path),
  stat: (path) => statSync(path),
  realPath: (path) => realpathSync(path),
};

/** Whether anything (a file or a directory) is at the path. */
export function fileExists(files: FileAccess, path: string): boolean {
  try {
    files.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The file's text, UTF-8. */
export function readTextFile(files: FileAccess, path: string): string {
  return files.readFile(path).toString('utf8');
}

/** Files held in memory, by absolute path; directories are the folders above them. There are no symbolic links. */
export class MemoryFiles implements FileAccess {
  private readonly contents = new Map<string, Buffer>();
  private readonly directories = new Map<string, Set<string>>();

  /** `root`: where relative paths given to `write` are put. */
  constructor(readonly root: string = resolve(sep, 'memory')) {
    if (!this.directories.has(root)) this.directories.set(root, new Set());
    this.linkToParents(root);
  }

  /** Puts a file at `path` (absolute, or relative to the root with `/` separators), with the folders above it. */
  write(path: string, content: string | Uint8Array): string {
    const absolute = isAbsolute(path) ? resolve(path) : join(this.root, ...path.split('/'));
    if (this.directories.has(absolute)) throw fileError('EISDIR', 'open', absolute);
    this.linkToParents(absolute);
    this.contents.set(absolute, typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content));
    return absolute;
  }

  /** Makes each folder above `path` list the next one down. */
  private linkToParents(path: string): void {
    for (let child = path, parent = dirname(child); parent !== child; child = parent, parent = dirname(parent)) {
      if (this.contents.has(parent)) throw fileError('ENOTDIR', 'mkdir', parent);
      let names = this.directories.get(parent);
      if (!names) this.directories.set(parent, (names = new Set()));
      names.add(basename(child));
    }
  }

  readFile(path: string): Buffer {
    const absolute = resolve(path);
    const content = this.contents.get(absolute);
    if (content) return content;
    throw fileError(this.directories.has(absolute) ? 'EISDIR' : this.missing(absolute), 'open', absolute);
  }

  readDirectory(path: string): string[] {
    const absolute = resolve(path);
    const names = this.directories.get(absolute);
    if (names) return [...names];
    throw fileError(this.contents.has(absolute) ? 'ENOTDIR' : this.missing(absolute), 'scandir', absolute);
  }

  stat(path: string): FileStat {
    const absolute = resolve(path);
    const content = this.contents.get(absolute);
    const isDirectory = this.directories.has(absolute);
    if (!content && !isDirectory) throw fileError(this.missing(absolute), 'stat', absolute);
    return { isFile: () => content !== undefined, isDirectory: () => isDirectory, size: content?.length ?? 0 };
  }

  realPath(path: string): string {
    this.stat(path);
    return resolve(path);
  }

  /** ENOTDIR when a file stands where a folder of the path should be, as the disk says; else ENOENT. */
  private missing(absolute: string): string {
    for (let parent = dirname(absolute); parent !== dirname(parent); parent = dirname(parent))
      if (this.contents.has(parent)) return 'ENOTDIR';
    return 'ENOENT';
  }
}

/** Files in memory from a map of paths (relative to `root`, `/` separators) to texts or bytes. */
export function memoryFiles(tree: Record<string, string | Uint8Array>, root?: string): MemoryFiles {
  const files = new MemoryFiles(root);
  for (const [path, content] of Object.entries(tree)) files.write(path, content);
  return files;
}

/** An error as Node's fs gives one: the code first in its message, and in `code`. */
function fileError(code: string, syscall: string, path: string): Error {
  const messages: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EISDIR: 'illegal operation on a directory',
    ENOTDIR: 'not a directory',
  };
  return Object.assign(new Error(`${code}: ${messages[code] ?? code}, ${syscall} '${path}'`), { code, syscall, path });
}
