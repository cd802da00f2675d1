import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../../support/paths';
import { ruleLinkTarget } from '../../support/rule-docs';

const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-pack-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function npm(args: string[], cwd: string) {
  const result = spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
  });
  assert.equal(result.status, 0, `npm ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

describe('the npm package', () => {
  it('declares no runtime dependencies, so the bundled CLI installs without fetching anything', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.dependencies, undefined);
    assert.deepEqual(manifest.bin, { 'helm-hooks': 'dist/cli.js' });
  });

  it('packs into a tarball that installs globally, runs helm-hooks lint on the example chart and links rules to its own docs', () => {
    const packed = JSON.parse(
      npm(['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], REPO_ROOT),
    ) as { filename: string; files: { path: string }[] }[];
    const files = packed[0]!.files.map((file) => file.path).sort();
    assert.ok(files.includes('dist/cli.js'), 'the command is in the tarball');
    assert.ok(files.includes('dist/cli-main.js'), 'the bundle it runs is in the tarball');
    assert.ok(files.includes('dist/evaluator.js'), 'the evaluation thread is in the tarball');
    assert.ok(files.includes('README.md') && files.includes('LICENSE'));
    assert.ok(files.includes('docs/rules.md'), 'the rule docs are in the tarball');
    assert.ok(
      !files.some((path) => path.startsWith('server/') || path.startsWith('test/')),
      `only the bundle ships: ${files.join(', ')}`,
    );

    const prefix = join(scratch, 'global');
    npm(['install', '-g', '--offline', '--prefix', prefix, join(scratch, packed[0]!.filename)], scratch);
    const cli = join(prefix, 'bin', 'helm-hooks');
    const version = spawnSync(cli, ['--version'], { encoding: 'utf8' });
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
    const lint = (jobs: string) =>
      spawnSync(cli, ['lint', join(REPO_ROOT, 'examples', 'shop'), '--format', 'json', '--jobs', jobs], {
        encoding: 'utf8',
      });
    const onThread = lint('1');
    assert.equal(onThread.status, 1, 'the example chart has errors');
    const findings = (JSON.parse(onThread.stdout) as { findings: Array<{ rule: string }> }).findings;
    assert.ok(
      findings.some((finding) => finding.rule === 'hook-dependency-unavailable'),
      'the evaluation thread ran from the installed package',
    );
    assert.equal(onThread.stderr, '');
    assert.equal(onThread.stdout, lint('0').stdout);

    // The CLI resolves its docs from the real path of the installed dist/cli.js.
    const installedDocs = realpathSync(join(prefix, 'lib', 'node_modules', 'helm-hooks', 'docs', 'rules.md'));
    const sarif = spawnSync(cli, ['lint', join(REPO_ROOT, 'examples', 'shop'), '--format', 'sarif'], {
      encoding: 'utf8',
    });
    const rules = (
      JSON.parse(sarif.stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri?: string }[] } } }[] }
    ).runs[0]!.tool.driver.rules;
    for (const rule of rules)
      assert.deepEqual(ruleLinkTarget(rule.helpUri ?? ''), { path: installedDocs, line: `## ${rule.id}` }, rule.id);
    const help = spawnSync(cli, ['--help'], { encoding: 'utf8' }).stdout;
    assert.ok(help.includes(`how to fix it: ${installedDocs}\n`), help);
  });
});
