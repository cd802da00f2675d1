import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as yauzl from 'yauzl';
import { REPO_ROOT } from '../../support/paths';

const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-vsix-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const vsixPath = join(scratch, `${manifest.name}-${manifest.version}.vsix`);

/** Every file of the zip by its path. */
async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true }, (error, file) => (error ? reject(error) : resolve(file))),
  );
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          files.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return files;
}

/** One LSP message over stdio, framed with Content-Length. */
function frame(message: object): string {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Resolves with the response to request `id`, or rejects when the process ends or `timeoutMs` passes. */
function response(
  child: ChildProcess,
  id: number,
  timeoutMs: number,
): Promise<{ result?: { capabilities?: object; serverInfo?: { name: string } } }> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error(`no response to request ${id} in ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before answering`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const headerEnd = buffer.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
        if (buffer.length < headerEnd + 4 + length) return;
        const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')) as {
          id?: number;
        };
        buffer = buffer.subarray(headerEnd + 4 + length);
        if (message.id === id) {
          clearTimeout(timer);
          resolve(message as never);
        }
      }
    });
  });
}

describe('the .vsix from npm run package', { timeout: 180_000 }, () => {
  let files: Map<string, Buffer>;

  before(async () => {
    const packaged = spawnSync('npm', ['run', 'package', '--', '--out', scratch], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 170_000,
    });
    assert.equal(packaged.status, 0, `npm run package failed:\n${packaged.stdout}\n${packaged.stderr}`);
    files = await readZip(vsixPath);
  });

  it('holds the bundled client and server, the manifest, the docs, the licence and the icon', (t) => {
    const size = statSync(vsixPath).size;
    t.diagnostic(`vsix size: ${(size / 1024).toFixed(1)} KiB, ${files.size} files`);
    console.log(`helm-hooks vsix: ${size} bytes (${(size / 1024).toFixed(1)} KiB), ${files.size} files`);
    // vsce stores README.md, CHANGELOG.md and LICENSE under these names.
    for (const path of [
      'dist/client.js',
      'dist/server.js',
      'dist/evaluator.js',
      'package.json',
      'readme.md',
      'changelog.md',
      'LICENSE.txt',
      'images/icon.png',
      'docs/rules.md',
    ]) {
      assert.ok(files.has(`extension/${path}`), `${path} is in the vsix: ${[...files.keys()].join(', ')}`);
    }
    assert.equal(
      files.get('extension/images/icon.png')!.compare(readFileSync(join(REPO_ROOT, 'images', 'icon.png'))),
      0,
    );
    // Beside dist/, where the server looks for the rule docs its diagnostics link to.
    assert.equal(files.get('extension/docs/rules.md')!.compare(readFileSync(join(REPO_ROOT, 'docs', 'rules.md'))), 0);
  });

  it('ships no node_modules, no sources, no tests and no CLI', () => {
    const unwanted = [...files.keys()].filter(
      (path) => /(^|\/)(node_modules|src|test)\//.test(path) || path.endsWith('.map') || path.endsWith('/dist/cli.js'),
    );
    assert.deepEqual(unwanted, []);
  });

  it('holds every file its manifest points to', () => {
    const packaged = JSON.parse(files.get('extension/package.json')!.toString('utf8')) as {
      main: string;
      icon: string;
      contributes: {
        languages?: { configuration?: string }[];
        grammars?: { path: string }[];
        snippets?: { path: string }[];
        viewsContainers?: { activitybar?: { icon: string }[] };
      };
    };
    const pointed = [
      packaged.main,
      packaged.icon,
      ...(packaged.contributes.languages ?? []).flatMap((language) =>
        language.configuration ? [language.configuration] : [],
      ),
      ...(packaged.contributes.grammars ?? []).map((grammar) => grammar.path),
      ...(packaged.contributes.snippets ?? []).map((snippet) => snippet.path),
      ...(packaged.contributes.viewsContainers?.activitybar ?? []).map((container) => container.icon),
    ];
    for (const path of pointed)
      assert.ok(files.has(`extension/${path.replace(/^\.\//, '')}`), `${path} is in the vsix`);
  });

  it('bundles the client so that it needs only Node built-ins and the vscode module at run time', () => {
    const client = files.get('extension/dist/client.js')!.toString('utf8');
    const required = new Set([...client.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]!));
    assert.ok(required.has('vscode'));
    const builtins = new Set(builtinModules);
    const outside = [...required].filter((name) => name !== 'vscode' && !builtins.has(name.replace(/^node:/, '')));
    assert.deepEqual(outside, []);
  });

  it('runs its language server from the unpacked vsix, with no node_modules anywhere above it', async () => {
    const root = join(scratch, 'unpacked');
    for (const [path, content] of files) {
      const target = join(root, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    for (let directory = root; ; directory = dirname(directory)) {
      assert.ok(!existsSync(join(directory, 'node_modules')), `${directory} has no node_modules`);
      if (dirname(directory) === directory) break;
    }
    // NODE_PATH would let the bundle find this checkout's packages.
    const env = { ...process.env };
    delete env['NODE_PATH'];
    // The chart evaluation thread's script loads there too (outside a worker it waits for nothing and exits).
    const evaluator = spawnSync(process.execPath, [join(root, 'extension', 'dist', 'evaluator.js')], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(evaluator.status, 0, evaluator.stderr);
    const server = spawn(process.execPath, [join(root, 'extension', 'dist', 'server.js'), '--stdio'], {
      cwd: root,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      const answer = response(server, 1, 20_000);
      server.stdin!.write(
        frame({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } }),
      );
      const initialized = await answer;
      assert.ok(initialized.result?.capabilities, 'the server answers initialize with its capabilities');
      const shutdown = response(server, 2, 10_000);
      server.stdin!.write(frame({ id: 2, method: 'shutdown' }));
      await shutdown;
      server.stdin!.write(frame({ method: 'exit' }));
    } finally {
      server.kill();
    }
  });
});
