import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import type { JsonFinding } from './cli-harness';
import {
  assertNoStackTrace,
  assertUsageFailure,
  CHART_YAML,
  CHARTS,
  copyFixture,
  hookConfigMap,
  lintJson,
  removeTempDirs,
  runCli,
  tempDir,
  where,
  writeFiles,
} from './cli-harness';

after(removeTempDirs);

const MISTAKES = join(CHARTS, 'hooks-with-mistakes');
const HELM4_DROP = 'level=INFO msg="skipping unknown hooks"';
const HELM3_DROP = 'info: skipping unknown hook';

/**
 * What hooks-with-mistakes holds, worked out by hand from the fixture text (columns count UTF-16 code units):
 * - configmap.yaml line 6 `    example.com/retries: 3`: the value starts after 4 + 19 + 2 = 25 units;
 * - job.yaml line 6 `    helm.sh/hook: pre-instal,post-upgrade`: `pre-instal` is units 19..28;
 * - job.yaml line 7 `    helm.sh/hook-weight: -5`: `-5` is units 26..27;
 * - tests/legacy-test.yaml line 6 `    helm.sh/hook: test-failure`: units 19..30, a Helm 2 name whose fix is not safe;
 * - unicode.yaml line 5 `  annotations: {note: "🚀 café ✓", helm.sh/hook: pre-upgrad, …}`: 15 units of indentation
 *   and key, `{note: ` 7, the quoted note 11 (🚀 is two UTF-16 units; é and ✓ one each), `, helm.sh/hook: ` 16, so
 *   `pre-upgrad` starts at unit 50 (49 code points, 55 UTF-8 bytes) and ends before unit 60.
 */
const EXPECTED_MISTAKES = [
  {
    file: 'templates/configmap.yaml',
    line: 6,
    column: 26,
    endLine: 6,
    endColumn: 27,
    rule: 'non-string-annotation',
    newText: '"3"',
    safe: true,
  },
  {
    file: 'templates/job.yaml',
    line: 6,
    column: 19,
    endLine: 6,
    endColumn: 29,
    rule: 'unknown-hook-event',
    newText: 'pre-install',
    safe: true,
  },
  {
    file: 'templates/job.yaml',
    line: 7,
    column: 26,
    endLine: 7,
    endColumn: 28,
    rule: 'unquoted-hook-weight',
    newText: '"-5"',
    safe: true,
  },
  {
    file: 'templates/tests/legacy-test.yaml',
    line: 6,
    column: 19,
    endLine: 6,
    endColumn: 31,
    rule: 'unknown-hook-event',
    newText: 'test',
    safe: false,
  },
  {
    file: 'templates/unicode.yaml',
    line: 5,
    column: 50,
    endLine: 5,
    endColumn: 60,
    rule: 'unknown-hook-event',
    newText: 'pre-upgrade',
    safe: true,
  },
];

const EXPECTED_MESSAGES: RegExp[][] = [
  [/example\.com\/retries/, /\bnumber\b/, /strings?\b/, /"3"/],
  [/"pre-instal" is not a hook event \(did you mean "pre-install"\?\)/, /drops the whole resource/],
  [/weight/, /-5/, /\bnumber\b/, /"-5"/],
  [/test-failure/, /Helm 3/, /"test"/],
  [/"pre-upgrad" is not a hook event \(did you mean "pre-upgrade"\?\)/],
];

/** Only the rule every test here can rely on; the others of the fixture are silenced where they do not matter. */
const ONLY_EVENTS = ['--rule', 'unquoted-hook-weight=off', '--rule', 'non-string-annotation=off'];

function readTree(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(root, path).split('\\').join('/'), readFileSync(path));
    }
  };
  walk(root);
  return files;
}

/** `text` with `from` replaced by `to`, where `from` occurs exactly once. */
function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  assert.ok(at >= 0 && text.indexOf(from, at + 1) < 0, `"${from}" occurs once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

function withBomAndCrlf(text: string): string {
  return '\ufeff' + text.replace(/\n/g, '\r\n');
}

/** The fixture's templates after `--fix`, derived by hand: each safe fix's edit and nothing else. */
function expectedAfterFix(original: Map<string, Buffer>, skip: string[] = []): Map<string, string> {
  const text = (path: string) => original.get(path)!.toString('utf8');
  const edits: Record<string, [string, string][]> = {
    'templates/configmap.yaml': [['example.com/retries: 3\n', 'example.com/retries: "3"\n']],
    'templates/job.yaml': [
      ['helm.sh/hook: pre-instal,', 'helm.sh/hook: pre-install,'],
      ['helm.sh/hook-weight: -5\n', 'helm.sh/hook-weight: "-5"\n'],
    ],
    'templates/unicode.yaml': [['helm.sh/hook: pre-upgrad,', 'helm.sh/hook: pre-upgrade,']],
  };
  const result = new Map<string, string>();
  for (const path of original.keys()) {
    let current = text(path);
    for (const [from, to] of edits[path] ?? []) {
      if (skip.some((part) => from.includes(part))) continue;
      current = replaceOnce(current, from, to);
    }
    result.set(path, current);
  }
  return result;
}

function assertTreeEquals(
  root: string,
  expected: Map<string, string>,
  transform: (text: string) => string = (text) => text,
): void {
  const actual = readTree(root);
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), 'no file added or removed');
  for (const [path, text] of expected) {
    const want = Buffer.from(transform(text), 'utf8');
    assert.ok(
      actual.get(path)!.equals(want),
      `${path} is byte for byte as expected:\n${actual.get(path)!.toString('utf8')}\n---\n${transform(text)}`,
    );
  }
}

describe('helm-hooks lint: exit status', () => {
  it('exits 0 on a chart whose hooks are right, and says so', () => {
    const result = runCli(['lint'], join(CHARTS, 'clean'));
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /No hook problems found \(1 chart, 5 files/);
    assert.equal(result.stderr, '');
  });

  it('exits 1 when there is at least one error finding', () => {
    assert.equal(runCli(['lint'], MISTAKES).status, 1);
  });

  it('exits 0 when the findings are warnings or infos only', () => {
    const chart = writeFiles(tempDir(), {
      'Chart.yaml': CHART_YAML,
      'templates/hook.yaml': hookConfigMap('a', 'pre-instal'),
    });
    assert.equal(runCli(['lint', '--rule', 'unknown-hook-event=warning'], chart).status, 0);
    assert.equal(runCli(['lint', '--rule', 'unknown-hook-event=info'], chart).status, 0);
    assert.equal(runCli(['lint'], chart).status, 1);
  });

  it('exits 2 with one stderr line for bad usage', () => {
    assertUsageFailure(
      runCli(['lint', '--format', 'xml'], MISTAKES),
      /--format must be text, json or sarif, not "xml"/,
    );
    assertUsageFailure(runCli([], MISTAKES), /missing command/);
  });

  it('prints the version and the help with exit 0', () => {
    const version = runCli(['--version'], MISTAKES);
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\S*\n$/);
    const help = runCli(['--help'], MISTAKES);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: helm-hooks lint \[PATH\.\.\.\]/);
  });
});

describe('helm-hooks lint: text output', () => {
  it('prints `file:line:col severity message [rule]` per finding, grouped by file, then a summary line', () => {
    const result = runCli(['lint', 'hooks-with-mistakes'], CHARTS);
    assert.equal(result.status, 1);
    // eslint-disable-next-line no-control-regex -- ESC opens every colour sequence
    assert.doesNotMatch(result.stdout, /\u001b\[/, 'no colour when stdout is not a terminal');
    const lines = result.stdout.trimEnd().split('\n');
    const summary = lines.pop()!;
    const findingLines = lines.filter((line) => line !== '' && !line.startsWith(' '));
    const pattern = /^(\S+):(\d+):(\d+) (error|warning|info) (.+) \[([a-z0-9-]+)\]$/;
    for (const line of findingLines) assert.match(line, pattern);
    assert.deepEqual(
      findingLines.map((line) => {
        const [, file, row, column, severity, , rule] = pattern.exec(line)!;
        return `${file}:${row}:${column} ${severity} [${rule}]`;
      }),
      EXPECTED_MISTAKES.map(
        (finding) => `hooks-with-mistakes/${finding.file}:${finding.line}:${finding.column} error [${finding.rule}]`,
      ),
    );
    // A blank line closes each file's group: four files have findings.
    assert.equal(lines.filter((line) => line === '').length, 4);
    assert.match(summary, /5 errors, 0 warnings, 0 infos/);
    assert.match(summary, /\(1 chart, 4 files, 4 hooks\)/);
    assert.match(summary, /4 fixable with --fix/);
  });

  it("prints each finding's help under it as indented help: lines, wrapped within 100 columns, as JSON gives it", () => {
    const lines = runCli(['lint'], MISTAKES).stdout.split('\n');
    const helps: string[] = [];
    lines.forEach((line, index) => {
      if (!/^\S+:\d+:\d+ /.test(line)) return;
      assert.match(lines[index + 1]!, /^ {4}help: \S/, `a help line follows ${line}`);
      const block = [lines[index + 1]!];
      for (let next = index + 2; lines[next]!.startsWith(' '.repeat(10)); next++) block.push(lines[next]!);
      for (const helpLine of block) assert.ok(helpLine.length <= 100, `${helpLine.length} columns: ${helpLine}`);
      helps.push(
        block
          .map((helpLine) => helpLine.trim())
          .join(' ')
          .replace(/^help: /, ''),
      );
    });
    assert.deepEqual(
      helps,
      lintJson([], MISTAKES).output.findings.map((finding) => finding.help),
    );
  });
});

describe('helm-hooks lint: JSON output', () => {
  it('has exactly the documented shape: version, findings, summary', () => {
    const { result, output } = lintJson([], MISTAKES);
    assert.equal(result.status, 1);
    assert.deepEqual(Object.keys(output), ['version', 'findings', 'summary']);
    assert.equal(output.version, 1);
    assert.deepEqual(Object.keys(output.summary), ['charts', 'files', 'hooks', 'errors', 'warnings', 'infos']);
    assert.deepEqual(output.summary, { charts: 1, files: 4, hooks: 4, errors: 5, warnings: 0, infos: 0 });
    for (const finding of output.findings) {
      assert.deepEqual(Object.keys(finding), [
        'file',
        'line',
        'column',
        'endLine',
        'endColumn',
        'severity',
        'rule',
        'message',
        'help',
        'related',
        'fixes',
      ]);
      assert.deepEqual(finding.related, []);
      for (const fix of finding.fixes) {
        assert.deepEqual(Object.keys(fix), ['title', 'safe', 'edits']);
        for (const edit of fix.edits)
          assert.deepEqual(Object.keys(edit), ['file', 'line', 'column', 'endLine', 'endColumn', 'newText']);
      }
    }
  });

  it('reports each mistake at its hand-counted 1-based, end-exclusive, UTF-16 position with its fix', () => {
    const { output } = lintJson([], MISTAKES);
    assert.equal(output.findings.length, EXPECTED_MISTAKES.length, JSON.stringify(where(output)));
    output.findings.forEach((finding: JsonFinding, index) => {
      const expected = EXPECTED_MISTAKES[index]!;
      const span = {
        line: expected.line,
        column: expected.column,
        endLine: expected.endLine,
        endColumn: expected.endColumn,
      };
      assert.deepEqual(
        {
          file: finding.file,
          line: finding.line,
          column: finding.column,
          endLine: finding.endLine,
          endColumn: finding.endColumn,
          severity: finding.severity,
          rule: finding.rule,
        },
        { file: expected.file, ...span, severity: 'error', rule: expected.rule },
      );
      for (const pattern of EXPECTED_MESSAGES[index]!) assert.match(`${finding.message} ${finding.help}`, pattern);
      assert.equal(
        finding.fixes.length >= 1,
        true,
        `${expected.rule} at ${expected.file}:${expected.line} offers a fix`,
      );
      const fix = finding.fixes[0]!;
      assert.ok(fix.title.length > 0);
      assert.equal(fix.safe, expected.safe, `safety of "${fix.title}"`);
      assert.deepEqual(fix.edits, [{ file: expected.file, ...span, newText: expected.newText }]);
    });
  });

  it('counts columns in UTF-16 code units after an emoji and accented letters on the same line', () => {
    const { output } = lintJson(['templates/unicode.yaml'], MISTAKES);
    assert.deepEqual(
      output.findings.map((finding) => [finding.line, finding.column, finding.endColumn]),
      [[5, 50, 60]],
      'neither code points (49) nor UTF-8 bytes (55)',
    );
  });

  it('names files relative to the current directory with / separators', () => {
    const fromParent = lintJson(['hooks-with-mistakes'], CHARTS).output;
    assert.deepEqual(
      [...new Set(fromParent.findings.map((finding) => finding.file))],
      [
        'hooks-with-mistakes/templates/configmap.yaml',
        'hooks-with-mistakes/templates/job.yaml',
        'hooks-with-mistakes/templates/tests/legacy-test.yaml',
        'hooks-with-mistakes/templates/unicode.yaml',
      ],
    );
    const fromTemplates = lintJson(['../..'], join(MISTAKES, 'templates', 'tests')).output;
    assert.deepEqual(
      [...new Set(fromTemplates.findings.map((finding) => finding.file))],
      ['../configmap.yaml', '../job.yaml', 'legacy-test.yaml', '../unicode.yaml'],
    );
    for (const finding of [...fromParent.findings, ...fromTemplates.findings]) {
      assert.doesNotMatch(finding.file, /\\/);
      assert.ok(!finding.file.startsWith('/'), 'not absolute');
    }
  });

  it('prints an empty findings list and a zero summary for a clean chart', () => {
    const { result, output } = lintJson([], join(CHARTS, 'clean'));
    assert.equal(result.status, 0);
    assert.deepEqual(output.findings, []);
    assert.equal(output.summary.charts, 1);
    assert.equal(output.summary.files, 5, '_helpers.tpl and four manifests; NOTES.txt is not a manifest');
    assert.deepEqual([output.summary.errors, output.summary.warnings, output.summary.infos], [0, 0, 0]);
  });
});

describe('helm-hooks lint --rule', () => {
  it('turns a rule off with ID=off', () => {
    const { result, output } = lintJson(['--rule', 'unknown-hook-event=off'], MISTAKES);
    assert.deepEqual(where(output), [
      'templates/configmap.yaml:6:26 non-string-annotation',
      'templates/job.yaml:7:26 unquoted-hook-weight',
    ]);
    assert.equal(result.status, 1);
    const allOff = lintJson(['--rule', 'unknown-hook-event=off', ...ONLY_EVENTS], MISTAKES);
    assert.deepEqual(allOff.output.findings, []);
    assert.equal(allOff.result.status, 0);
  });

  it("changes a rule's severity with ID=warning and ID=info, and the summary counts follow", () => {
    const warning = lintJson(['--rule', 'unknown-hook-event=warning', ...ONLY_EVENTS], MISTAKES);
    assert.deepEqual(
      warning.output.findings.map((finding) => finding.severity),
      ['warning', 'warning', 'warning'],
    );
    assert.deepEqual(
      [warning.output.summary.errors, warning.output.summary.warnings, warning.output.summary.infos],
      [0, 3, 0],
    );
    assert.equal(warning.result.status, 0);
    const info = lintJson(['--rule', 'unknown-hook-event=info', ...ONLY_EVENTS], MISTAKES);
    assert.deepEqual(
      info.output.findings.map((finding) => finding.severity),
      ['info', 'info', 'info'],
    );
    assert.equal(info.output.summary.infos, 3);
  });

  it('rejects a malformed --rule, an unknown setting and an unknown rule id with exit 2', () => {
    assertUsageFailure(
      runCli(['lint', '--rule', 'unknown-hook-event'], MISTAKES),
      /--rule must be ID=off\|info\|warning\|error/,
    );
    assertUsageFailure(
      runCli(['lint', '--rule', 'unknown-hook-event=loud'], MISTAKES),
      /--rule must be ID=off\|info\|warning\|error, not "unknown-hook-event=loud"/,
    );
    assertUsageFailure(
      runCli(['lint', '--rule', 'unknwon-hook-event=off'], MISTAKES),
      /unknown rule id "unknwon-hook-event"/,
    );
  });
});

describe('helm-hooks lint --helm-version', () => {
  it("names Helm 4's log line by default and Helm 3's with --helm-version 3", () => {
    const helm4 = lintJson(['templates/job.yaml'], MISTAKES).output.findings.filter(
      (finding) => finding.rule === 'unknown-hook-event',
    );
    assert.equal(helm4.length, 1);
    assert.ok(helm4[0]!.help.includes(HELM4_DROP), helm4[0]!.help);
    const helm3 = lintJson(['--helm-version', '3', 'templates/job.yaml'], MISTAKES).output.findings.filter(
      (finding) => finding.rule === 'unknown-hook-event',
    );
    assert.equal(helm3.length, 1);
    assert.ok(helm3[0]!.help.includes(HELM3_DROP), helm3[0]!.help);
    assert.ok(!helm3[0]!.help.includes('level=INFO'), 'no Helm 4 log line under Helm 3');
  });

  it('rejects a Helm version other than 3 or 4', () => {
    assertUsageFailure(runCli(['lint', '--helm-version', '2'], MISTAKES), /--helm-version must be 3 or 4, not "2"/);
  });

  it('takes helmVersion from the config file, and the flag wins over it', () => {
    const chart = writeFiles(tempDir(), {
      'Chart.yaml': CHART_YAML,
      '.helm-hooks.yaml': 'helmVersion: 3\n',
      'templates/hook.yaml': hookConfigMap('a', 'pre-instal'),
    });
    assert.ok(lintJson([], chart).output.findings[0]!.help.includes(HELM3_DROP));
    assert.ok(lintJson(['--helm-version', '4'], chart).output.findings[0]!.help.includes(HELM4_DROP));
  });
});

describe('helm-hooks lint: configuration', () => {
  const WITH_CONFIG = join(CHARTS, 'with-config');

  it("reads the chart's .helm-hooks.yaml: a rule turned off and an ignored directory give no findings", () => {
    const { result, output } = lintJson([], WITH_CONFIG);
    assert.deepEqual(output.findings, []);
    assert.equal(output.summary.files, 1, 'the ignored template is not linted');
    assert.equal(result.status, 0);
  });

  it("finds the chart's config from the chart upward, not from the current directory", () => {
    assert.deepEqual(lintJson(['with-config'], CHARTS).output.findings, []);
    assert.deepEqual(
      lintJson(['with-config/templates/job.yaml'], CHARTS).output.findings,
      [],
      'also for a template given by name',
    );
    const elsewhere = tempDir();
    assert.deepEqual(lintJson([WITH_CONFIG], elsewhere).output.findings, []);
  });

  it('lets --rule win over the config file', () => {
    const { result, output } = lintJson(['--rule', 'unknown-hook-event=error'], WITH_CONFIG);
    assert.deepEqual(where(output), ['templates/job.yaml:6:19 unknown-hook-event']);
    assert.equal(result.status, 1);
  });

  it('uses the nearest .helm-hooks.yaml above the chart, the nearest one only', () => {
    const root = writeFiles(tempDir(), {
      '.helm-hooks.yaml': 'rules:\n  unknown-hook-event: warning\n',
      'team/app/Chart.yaml': CHART_YAML,
      'team/app/templates/hook.yaml': hookConfigMap('a', 'pre-instal'),
    });
    const app = join(root, 'team', 'app');
    const far = lintJson([], app);
    assert.deepEqual(
      far.output.findings.map((finding) => finding.severity),
      ['warning'],
    );
    assert.equal(far.result.status, 0);
    writeFiles(root, { 'team/.helm-hooks.yaml': 'rules:\n  unknown-hook-event: info\n' });
    assert.deepEqual(
      lintJson([], app).output.findings.map((finding) => finding.severity),
      ['info'],
    );
  });

  it('uses --config FILE instead of the nearest config', () => {
    const directory = writeFiles(tempDir(), { 'strict.yaml': 'rules:\n  unknown-hook-event: error\n' });
    const { result, output } = lintJson(['--config', join(directory, 'strict.yaml')], WITH_CONFIG);
    assert.deepEqual(where(output), [
      'templates/ignored/typo.yaml:6:19 unknown-hook-event',
      'templates/job.yaml:6:19 unknown-hook-event',
    ]);
    assert.equal(result.status, 1);
  });

  it('accepts a rules key whose entries are all commented out', () => {
    const chart = writeFiles(tempDir(), {
      'Chart.yaml': CHART_YAML,
      '.helm-hooks.yaml': 'rules:\n#  unknown-hook-event: off\n',
      'templates/hook.yaml': hookConfigMap('a', 'pre-instal'),
    });
    const { result, output } = lintJson([], chart);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(where(output), ['templates/hook.yaml:6:19 unknown-hook-event']);
  });

  describe('problems in the config file: exit 2 with one line naming file:line:col', () => {
    const cases: { name: string; config: string; expected: RegExp }[] = [
      {
        name: 'an unknown key',
        config: 'helmVersion: 4\nrulez:\n  unknown-hook-event: off\n',
        expected: /^helm-hooks: \.helm-hooks\.yaml:2:1: unknown key "rulez"/,
      },
      {
        name: 'an unknown rule id',
        config: 'rules:\n  unknown-hook-event: off\n  no-such-rule: error\n',
        expected: /^helm-hooks: \.helm-hooks\.yaml:3:3: unknown rule id "no-such-rule"$/,
      },
      {
        name: 'a bad setting',
        config: 'rules:\n  unknown-hook-event: loud\n',
        expected: /^helm-hooks: \.helm-hooks\.yaml:2:23: .*"loud" is not one of off, info, warning, error$/,
      },
      {
        name: 'a bad Helm version',
        config: 'helmVersion: 5\n',
        expected: /^helm-hooks: \.helm-hooks\.yaml:1:14: helmVersion must be 3 or 4/,
      },
      {
        name: 'ignore that is not a list',
        config: 'ignore: templates/x.yaml\n',
        expected: /^helm-hooks: \.helm-hooks\.yaml:1:9: ignore must be a list of strings$/,
      },
      {
        name: 'invalid YAML',
        config: 'rules: [unknown-hook-event\n',
        expected: /^helm-hooks: \.helm-hooks\.yaml:\d+:\d+: \S/,
      },
      {
        name: 'several problems, in one line',
        config: 'rulez: {}\nhelmVersion: 2\n',
        expected: /^helm-hooks: \.helm-hooks\.yaml:1:1: unknown key "rulez".* \(and 1 more problem\)$/,
      },
    ];
    for (const { name, config, expected } of cases) {
      it(`reports ${name}`, () => {
        const chart = writeFiles(tempDir(), {
          'Chart.yaml': CHART_YAML,
          '.helm-hooks.yaml': config,
          'templates/hook.yaml': hookConfigMap('a', 'pre-install'),
        });
        const result = runCli(['lint'], chart);
        assertUsageFailure(result, expected);
        assert.equal(result.stdout, '', 'no report is printed with a broken config');
      });
    }

    it("reports a problem in a --config file by that file's path", () => {
      const directory = writeFiles(tempDir(), {
        'bad.yaml': 'rules:\n  unknown-hook-event: off\n  no-such-rule: error\n',
      });
      assertUsageFailure(
        runCli(['lint', '--config', 'bad.yaml', MISTAKES], directory),
        /^helm-hooks: bad\.yaml:3:3: unknown rule id "no-such-rule"$/,
      );
    });

    it('reports a --config file that does not exist', () => {
      assertUsageFailure(
        runCli(['lint', '--config', 'missing.yaml'], MISTAKES),
        /missing\.yaml: no such file or directory/,
      );
    });
  });
});

describe('helm-hooks lint --max-warnings', () => {
  const chart = () =>
    writeFiles(tempDir(), {
      'Chart.yaml': CHART_YAML,
      'templates/a.yaml': hookConfigMap('a', 'pre-instal'),
      'templates/b.yaml': hookConfigMap('b', 'post-instal'),
    });
  const asWarnings = ['--rule', 'unknown-hook-event=warning'];

  it('exits 0 while the warnings do not exceed N and 1 with one stderr line when they do', () => {
    const directory = chart();
    assert.equal(runCli(['lint', ...asWarnings], directory).status, 0);
    assert.equal(runCli(['lint', ...asWarnings, '--max-warnings', '2'], directory).status, 0);
    for (const limit of ['1', '0']) {
      const result = runCli(['lint', ...asWarnings, '--max-warnings', limit], directory);
      assert.equal(result.status, 1);
      assert.equal(result.stderr, `helm-hooks: 2 warnings exceed --max-warnings ${limit}\n`);
    }
  });

  it('still exits 1 on errors however many warnings are allowed', () => {
    assert.equal(runCli(['lint', '--max-warnings', '100'], chart()).status, 1);
  });

  it('rejects a limit that is not a whole number', () => {
    assertUsageFailure(
      runCli(['lint', ...asWarnings, '--max-warnings', 'many'], chart()),
      /--max-warnings must be a whole number, not "many"/,
    );
    assertUsageFailure(
      runCli(['lint', ...asWarnings, '--max-warnings=-1'], chart()),
      /--max-warnings must be a whole number, not "-1"/,
    );
  });
});

describe('helm-hooks lint --fix', () => {
  it('applies every safe fix and nothing else; a second run changes nothing; then only the unsafe one is left', () => {
    const chart = copyFixture('hooks-with-mistakes');
    const original = readTree(chart);
    const expected = expectedAfterFix(original);

    const first = lintJson(['--fix'], chart);
    assert.equal(first.result.status, 1, 'the finding without a safe fix is still an error');
    assertNoStackTrace(first.result);
    assert.deepEqual(
      where(first.output),
      ['templates/tests/legacy-test.yaml:6:19 unknown-hook-event'],
      'what is left is reported',
    );
    assertTreeEquals(chart, expected);

    const second = lintJson(['--fix'], chart);
    assert.equal(second.result.status, 1);
    assertTreeEquals(chart, expected);

    const after = lintJson([], chart);
    assert.deepEqual(where(after.output), ['templates/tests/legacy-test.yaml:6:19 unknown-hook-event']);
    assert.equal(after.output.findings[0]!.fixes[0]!.safe, false);
  });

  it('keeps a UTF-8 BOM and CRLF line endings and every byte outside the edits', () => {
    const chart = copyFixture('hooks-with-mistakes');
    const lf = readTree(chart);
    for (const [path, bytes] of lf) writeFileSync(join(chart, path), withBomAndCrlf(bytes.toString('utf8')));
    const before = lintJson([], chart).output;
    assert.deepEqual(
      where(before),
      EXPECTED_MISTAKES.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.rule}`),
      'same positions as with LF',
    );

    const first = runCli(['lint', '--fix'], chart);
    assert.equal(first.status, 1);
    assertTreeEquals(chart, expectedAfterFix(lf), withBomAndCrlf);
    runCli(['lint', '--fix'], chart);
    assertTreeEquals(chart, expectedAfterFix(lf), withBomAndCrlf);
    assert.deepEqual(where(lintJson([], chart).output), ['templates/tests/legacy-test.yaml:6:19 unknown-hook-event']);
  });

  it('applies no fix of a rule that is turned off', () => {
    const chart = copyFixture('hooks-with-mistakes');
    const original = readTree(chart);
    runCli(['lint', '--fix', '--rule', 'unquoted-hook-weight=off'], chart);
    assertTreeEquals(chart, expectedAfterFix(original, ['hook-weight']));
  });

  it('fixes only the template given by name', () => {
    const chart = copyFixture('hooks-with-mistakes');
    const original = readTree(chart);
    const result = runCli(['lint', '--fix', ...ONLY_EVENTS, 'templates/unicode.yaml'], chart);
    assert.equal(result.status, 0, result.stdout);
    const expected = new Map([...original].map(([path, bytes]) => [path, bytes.toString('utf8')]));
    expected.set(
      'templates/unicode.yaml',
      replaceOnce(expected.get('templates/unicode.yaml')!, 'pre-upgrad,', 'pre-upgrade,'),
    );
    assertTreeEquals(chart, expected);
  });

  it("leaves a clean chart's files untouched", () => {
    const chart = copyFixture('clean');
    const original = readTree(chart);
    assert.equal(runCli(['lint', '--fix'], chart).status, 0);
    assertTreeEquals(chart, new Map([...original].map(([path, bytes]) => [path, bytes.toString('utf8')])));
  });
});

describe('helm-hooks lint: inline suppressions', () => {
  it('silences the named rule on the next line, in YAML comments and template comments, and nothing else', () => {
    const { result, output } = lintJson([], join(CHARTS, 'suppressed'));
    // Of five misspelled events, only the one whose comment names another rule is reported (hooks.yaml line 37).
    assert.deepEqual(where(output), ['templates/hooks.yaml:37:19 unknown-hook-event']);
    assert.equal(output.summary.hooks, 5);
    assert.equal(result.status, 1);
  });

  it('silences every rule when the comment names none, and only on the next line', () => {
    const chart = writeFiles(tempDir(), {
      'Chart.yaml': CHART_YAML,
      'templates/hook.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name }}-a',
        '  annotations:',
        '    # helm-hooks-disable-next-line',
        '    helm.sh/hook: pre-instal',
        '    helm.sh/hook-weight: 010',
        '    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
        'data: {}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(where(lintJson([], chart).output), ['templates/hook.yaml:8:26 unquoted-hook-weight']);
  });
});

describe('helm-hooks lint PATH', () => {
  it('reports a template vendored into two charts in each, with its own path in findings and fixes', () => {
    const repo = tempDir();
    const helper = '{{- define "common.hook" -}}\nhelm.sh/hook: pre-instal\nhelm.sh/hook-weight: 5\n{{- end }}\n';
    for (const chart of ['api', 'web']) {
      writeFiles(repo, {
        [`${chart}/Chart.yaml`]: CHART_YAML,
        [`${chart}/charts/common/Chart.yaml`]: 'apiVersion: v2\nname: common\nversion: 1.0.0\ntype: library\n',
        [`${chart}/charts/common/templates/_hooks.tpl`]: helper,
      });
    }
    const { output } = lintJson(['.'], repo);
    assert.deepEqual(where(output), [
      'api/charts/common/templates/_hooks.tpl:2:15 unknown-hook-event',
      'api/charts/common/templates/_hooks.tpl:3:22 unquoted-hook-weight',
      'web/charts/common/templates/_hooks.tpl:2:15 unknown-hook-event',
      'web/charts/common/templates/_hooks.tpl:3:22 unquoted-hook-weight',
    ]);
    for (const finding of output.findings) {
      for (const fix of finding.fixes) for (const edit of fix.edits) assert.equal(edit.file, finding.file);
      assert.ok(finding.fixes.length > 0);
    }
  });

  it('lints a chart directory', () => {
    const { output } = lintJson(['hooks-with-mistakes'], CHARTS);
    assert.equal(output.summary.charts, 1);
    assert.equal(output.findings.length, EXPECTED_MISTAKES.length);
  });

  it('lints one template file', () => {
    const { output } = lintJson(['templates/unicode.yaml'], MISTAKES);
    assert.deepEqual(where(output), ['templates/unicode.yaml:5:50 unknown-hook-event']);
    assert.equal(output.summary.files, 1);
  });

  it('searches a directory for charts, skipping node_modules and .git', () => {
    const repo = tempDir();
    copyFixture('clean', join(repo, 'charts'));
    copyFixture('hooks-with-mistakes', join(repo, 'charts'));
    copyFixture('hooks-with-mistakes', join(repo, 'node_modules', 'dependency'));
    copyFixture('hooks-with-mistakes', join(repo, '.git', 'stash'));
    for (const args of [[], ['.'], ['charts']]) {
      const { output } = lintJson(args, repo);
      assert.equal(output.summary.charts, 2, `charts found by ${JSON.stringify(args)}`);
      assert.equal(output.summary.files, 9);
      assert.deepEqual(
        [...new Set(output.findings.map((finding) => finding.file.split('/templates/')[0]))],
        ['charts/hooks-with-mistakes'],
      );
    }
  });

  it('lints the current directory by default', () => {
    const { output } = lintJson([], MISTAKES);
    assert.deepEqual(
      where(output),
      EXPECTED_MISTAKES.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.rule}`),
    );
  });

  it('lints several paths, and a file named twice only once', () => {
    const { output } = lintJson(['clean', 'hooks-with-mistakes', 'hooks-with-mistakes/templates/job.yaml'], CHARTS);
    assert.equal(output.summary.charts, 2);
    assert.equal(output.summary.files, 9);
    assert.equal(output.findings.length, EXPECTED_MISTAKES.length);
  });
});
