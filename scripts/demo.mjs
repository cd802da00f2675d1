// `npm run demo`: lints the bundled example chart, then shows what `--fix` changes on a copy of it.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const chart = 'examples/shop';
const cli = (args, options = {}) =>
  spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit', ...options });
const bold = (text) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text);
const heading = (text) => console.log(`\n${bold(`── ${text}`)}\n`);

heading(`helm-hooks lint ${chart}`);
cli(['lint', chart]);

const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-demo-'));
try {
  const copy = join(scratch, 'shop');
  cpSync(chart, copy, { recursive: true });
  heading('helm-hooks lint --fix (on a copy): the safe fixes it applied');
  cli(['lint', '--fix', copy], { stdio: 'ignore' });
  const diff = spawnSync('diff', ['-ru', chart, copy], { encoding: 'utf8' });
  console.log(diff.error ? '(install diffutils to see the changes)' : diff.stdout.replaceAll(copy, `${chart} (fixed)`));
  heading('What is left after --fix: findings that need a decision');
  cli(['lint', copy]);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
