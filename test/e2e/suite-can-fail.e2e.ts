// The e2e suite is worth running only if it can fail: with the installed language server replaced by one that
// starts but publishes nothing (test/e2e/silent-server), the run must exit non-zero because the first test that
// needs the server, the diagnostic one, timed out waiting for the diagnostic.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { REPO_ROOT } from '../support/paths';

test('the VS Code e2e suite fails against a language server that publishes nothing', () => {
  const vsix = process.env.HELM_HOOKS_E2E_VSIX;
  const result = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'scripts', 'e2e', 'run-vscode-tests.mjs'),
      '--server',
      join(REPO_ROOT, 'test', 'e2e', 'silent-server', 'server.js'),
      ...(vsix ? ['--vsix', vsix] : []),
    ],
    { encoding: 'utf8', timeout: 240_000 },
  );
  const output = stripVTControlCharacters(`${result.stdout}\n${result.stderr}`);
  assert.equal(result.signal, null, output);
  assert.equal(result.status, 1, output);
  assert.match(output, /language server replaced by .*silent-server/);
  // The extension itself loaded (the first test passed), so the failure is the server's silence.
  assert.match(output, /✔ the extension runs from its installed \.vsix/);
  assert.match(output, /1\) an unquoted hook weight is reported as an error on the weight/);
  assert.match(output, /timed out after \d+ ms waiting for the unquoted-hook-weight diagnostic/);
  assert.match(output, /1 failing/);
});
