// `npm run package [-- --out DIR]`: the VS Code extension as helm-hooks-<version>.vsix, with the client and the
// server bundled and minified, so that it runs without node_modules.
//
// package.json `files` is the npm tarball's list (the CLI only), and vsce both honours `files` and refuses it next to
// a .vscodeignore. So the extension is packaged from a staging folder whose copy of the manifest lists the extension's
// files instead. The minified bundles are built inside that folder, which leaves the development build in dist/ as it is.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const outDir = resolve(outIndex >= 0 && process.argv[outIndex + 1] ? process.argv[outIndex + 1] : root);

/** What the extension needs at run time, besides package.json; README.md is added by vsce itself. */
const BUNDLES = ['dist/client.js', 'dist/server.js', 'dist/evaluator.js'];
/** docs/rules.md is what each diagnostic's rule link opens. */
const ASSETS = ['images', 'snippets', 'syntaxes', 'docs/rules.md', 'README.md', 'CHANGELOG.md', 'LICENSE'];
/** Linked into the staging folder for the build only, so that scripts/build.mjs runs there unchanged. */
const BUILD_INPUTS = ['scripts', 'client', 'server', 'node_modules'];

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function unlinkBuildInputs(stage) {
  for (const input of BUILD_INPUTS) {
    const link = join(stage, input);
    if (existsSync(link) && lstatSync(link).isSymbolicLink()) unlinkSync(link);
  }
}

/** A folder only counts once something is in it: snippets/ and syntaxes/ start empty. */
function present(path) {
  return existsSync(path) && (!statSync(path).isDirectory() || readdirSync(path).length > 0);
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) fail(`${[command, ...args].join(' ')} exited with ${result.status ?? result.signal}`);
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const stage = mkdtempSync(join(tmpdir(), 'helm-hooks-vsix-'));
try {
  for (const input of BUILD_INPUTS) symlinkSync(join(root, input), join(stage, input));
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
  run(process.execPath, ['scripts/build.mjs', '--minify'], stage);
  unlinkBuildInputs(stage);
  for (const bundle of BUNDLES) {
    if (!existsSync(join(stage, bundle)))
      fail(`${bundle} was not built: does ${bundle.replace('dist/', '*/src/').replace('.js', '.ts')} exist?`);
  }
  for (const cli of ['cli.js', 'cli-main.js']) rmSync(join(stage, 'dist', cli), { force: true });

  const assets = ASSETS.filter((asset) => present(join(root, asset)));
  for (const asset of assets) cpSync(join(root, asset), join(stage, asset), { recursive: true });
  const staged = { ...manifest, files: [...BUNDLES, ...assets] };
  delete staged.scripts;
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`);

  mkdirSync(outDir, { recursive: true });
  const vsix = join(outDir, `${manifest.name}-${manifest.version}.vsix`);
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  // The project has no public repository yet: the README's relative links stay relative instead of pointing at one.
  run(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix],
    stage,
  );
  console.log(`package: ${vsix} (${(statSync(vsix).size / 1024).toFixed(1)} KiB)`);
} finally {
  unlinkBuildInputs(stage);
  rmSync(stage, { recursive: true, force: true });
}
