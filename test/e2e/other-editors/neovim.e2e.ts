// An independent LSP client: Neovim (Debian's 0.7) in headless mode starts `node dist/server.js --stdio` through the
// configuration of helm-hooks.lua, the one the README shows, opens a chart template as a `yaml` buffer and prints
// the diagnostics it receives. Needs `nvim` (scripts/e2e/install.sh) and `npm run build`.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/paths';

const HERE = join(REPO_ROOT, 'test', 'e2e', 'other-editors');
const SERVER = join(REPO_ROOT, 'dist', 'server.js');

function nvimDiagnostics(template: string): { status: number | null; lines: string[] } {
  assert.ok(existsSync(SERVER), `${SERVER} is missing: run npm run build`);
  const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-nvim-'));
  try {
    cpSync(join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'web'), join(scratch, 'web'), { recursive: true });
    const result = spawnSync(
      'nvim',
      [
        '--headless',
        '--clean',
        '--cmd',
        `luafile ${join(HERE, 'helm-hooks.lua')}`,
        '-c',
        `luafile ${join(HERE, 'lsp-probe.lua')}`,
        join(scratch, 'web', 'templates', template),
      ],
      {
        encoding: 'utf8',
        timeout: 60_000,
        // Neovim writes its log and swap files under these even with --clean.
        env: {
          ...process.env,
          HELM_HOOKS_SERVER: SERVER,
          XDG_CACHE_HOME: scratch,
          XDG_DATA_HOME: scratch,
          XDG_STATE_HOME: scratch,
          XDG_CONFIG_HOME: scratch,
        },
      },
    );
    assert.equal(result.error, undefined, 'nvim runs (apt-get install neovim, or scripts/e2e/install.sh)');
    return { status: result.status, lines: result.stdout.split('\n').filter((line) => line !== '') };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

test('Neovim receives the unquoted-weight error from the server over stdio, at the weight', () => {
  const { status, lines } = nvimDiagnostics('db-migrate-job.yaml');
  assert.equal(status, 0, lines.join('\n'));
  assert.equal(lines[0], 'client helm-hooks');
  assert.equal(lines[1], 'diagnostics 1');
  // Line 8 is `    helm.sh/hook-weight: -5`; -5 starts at column 4 + 21 + 1.
  assert.match(lines[2] ?? '', /^8:26 error unquoted-hook-weight \S/);
});

test('Neovim receives an empty diagnostic list for a correct hook template', () => {
  const { status, lines } = nvimDiagnostics('preflight-job.yaml');
  assert.equal(status, 0, lines.join('\n'));
  assert.deepEqual(lines, ['client helm-hooks', 'diagnostics 0']);
});

test('the README shows the Neovim configuration these tests use, unchanged', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const config = readFileSync(join(HERE, 'helm-hooks.lua'), 'utf8');
  assert.ok(
    readme.includes(`\`\`\`lua\n${config}\`\`\``),
    'README "In other editors" holds test/e2e/other-editors/helm-hooks.lua',
  );
});
