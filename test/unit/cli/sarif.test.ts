import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { formatJson } from '../../../server/src/cli/format/json';
import { formatSarif } from '../../../server/src/cli/format/sarif';
import type { LintRun } from '../../../server/src/cli/results';
import { ALL_RULES } from '../../../server/src/engine/rules';
import { RuleDocs } from '../../../server/src/engine/rules/docs';
import type { Finding } from '../../../server/src/engine/rules/rule';
import { LineIndex } from '../../../server/src/engine/core/text';
import { REPO_ROOT } from '../../support/paths';
import { ruleLinkTarget } from '../../support/rule-docs';
import { assertValidSarif, uri, validateSarif as validate } from '../../support/sarif';
import {
  CHART_YAML,
  CHARTS,
  hookConfigMap,
  lintJson,
  removeTempDirs,
  runCli,
  tempDir,
  writeFiles,
} from './cli-harness';

after(removeTempDirs);

// Minimal structural types of the parts of SARIF this file reads.
interface Region {
  startLine: number;
  startColumn: number;
  endLine?: number;
  endColumn?: number;
}
interface PhysicalLocation {
  artifactLocation: { uri: string; uriBaseId?: string };
  region: Region;
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string; markdown?: string; id?: string; arguments?: string[] };
  locations: { physicalLocation: PhysicalLocation }[];
  relatedLocations?: { id: number; message: { text: string }; physicalLocation: PhysicalLocation }[];
  fixes?: {
    description: { text: string };
    artifactChanges: {
      artifactLocation: { uri: string };
      replacements: { deletedRegion: Region; insertedContent: { text: string } }[];
    }[];
  }[];
}
interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  help?: { text: string; markdown?: string };
  helpUri?: string;
  defaultConfiguration?: { level: string };
  messageStrings?: Record<string, { text: string }>;
}
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version?: string; rules: SarifRule[] } };
    originalUriBaseIds?: Record<string, { uri: string }>;
    columnKind?: string;
    results: SarifResult[];
  }[];
}

/** What a SARIF consumer shows for a message string and its arguments (SARIF 2.1.0 §3.11.5). */
function formatSarifMessage(template: string, args: string[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (token, index: string | undefined) => {
    if (index === undefined) return token[0]!;
    const value = args[Number(index)];
    assert.ok(value !== undefined, `an argument for {${index}} in ${template}`);
    return value;
  });
}

function lintSarif(args: string[], cwd: string): { status: number | null; log: SarifLog; stderr: string } {
  const result = runCli(['lint', '--format', 'sarif', ...args], cwd);
  return { status: result.status, log: JSON.parse(result.stdout) as SarifLog, stderr: result.stderr };
}

describe('SARIF output', () => {
  it('the schema validator rejects a broken SARIF log (positive control)', () => {
    const { log } = lintSarif([], join(CHARTS, 'hooks-with-mistakes'));
    assertValidSarif(log);
    const broken: Array<[string, (copy: SarifLog) => void]> = [
      ['no version', (copy) => delete (copy as Partial<SarifLog>).version],
      ['an unknown level', (copy) => (copy.runs[0]!.results[0]!.level = 'fatal')],
      ['a result without a message', (copy) => delete (copy.runs[0]!.results[0]! as Partial<SarifResult>).message],
      ['a zero start line', (copy) => (copy.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0)],
      ['a helpUri that is not a URI', (copy) => (copy.runs[0]!.tool.driver.rules[0]!.helpUri = 'not a uri')],
      ['an unknown property', (copy) => ((copy.runs[0]! as unknown as Record<string, unknown>).findings = [])],
    ];
    for (const [name, breakIt] of broken) {
      const copy = JSON.parse(JSON.stringify(log)) as SarifLog;
      breakIt(copy);
      assert.equal(validate(copy), false, `the schema rejects ${name}`);
    }
  });

  it('validates against the SARIF 2.1.0 schema for a chart with findings and for a clean chart', () => {
    const mistakes = lintSarif([], join(CHARTS, 'hooks-with-mistakes'));
    assert.equal(mistakes.status, 1);
    assertValidSarif(mistakes.log);
    assert.equal(mistakes.log.version, '2.1.0');
    const clean = lintSarif([], join(CHARTS, 'clean'));
    assert.equal(clean.status, 0);
    assertValidSarif(clean.log);
    assert.deepEqual(clean.log.runs[0]!.results, []);
  });

  it('describes every rule with a short description, help text and a help URI of its section in the docs installed with the CLI', () => {
    const { log } = lintSarif([], join(CHARTS, 'clean'));
    const rules = log.runs[0]!.tool.driver.rules;
    assert.equal(log.runs[0]!.tool.driver.name, 'helm-hooks');
    assert.deepEqual(
      rules.map((rule) => rule.id),
      ALL_RULES.map((rule) => rule.id),
    );
    for (const rule of rules) {
      assert.ok(rule.shortDescription.text.length > 10, `${rule.id} has a short description`);
      assert.ok((rule.help?.text ?? '').length > 40, `${rule.id} has help text`);
      assert.ok((rule.help?.markdown ?? '').length > 40, `${rule.id} has help markdown`);
      assert.doesNotMatch(rule.help?.text ?? '', /\]\(https?:/, `${rule.id}'s plain help text has no Markdown links`);
      assert.ok(rule.helpUri && uri(rule.helpUri), `${rule.id} has a help URI`);
      // dist/cli.js runs from the checkout, so the installed docs are its docs/rules.md.
      assert.deepEqual(
        ruleLinkTarget(rule.helpUri),
        { path: join(REPO_ROOT, 'docs', 'rules.md'), line: `## ${rule.id}` },
        `${rule.id}'s help URI`,
      );
      assert.ok(
        ['error', 'warning', 'note'].includes(rule.defaultConfiguration?.level ?? ''),
        `${rule.id} has a default level`,
      );
    }
  });

  it('gives each result its rule, level, message and a location relative to %SRCROOT% in UTF-16 columns', () => {
    const cwd = join(CHARTS, 'hooks-with-mistakes');
    const { log } = lintSarif([], cwd);
    const run = log.runs[0]!;
    assert.equal(run.columnKind, 'utf16CodeUnits');
    const root = run.originalUriBaseIds?.['%SRCROOT%']?.uri ?? '';
    assert.equal(root, pathToFileURL(cwd + '/').href);
    assert.ok(root.endsWith('/'), 'a base URI ends with a slash');
    const summary = run.results.map((result) => {
      const { artifactLocation, region } = result.locations[0]!.physicalLocation;
      assert.equal(artifactLocation.uriBaseId, '%SRCROOT%');
      assert.equal(run.tool.driver.rules[result.ruleIndex]!.id, result.ruleId, 'ruleIndex points at the rule');
      assert.ok(result.message.text.length > 0);
      return `${artifactLocation.uri}:${region.startLine}:${region.startColumn}-${region.endLine}:${region.endColumn} ${result.level} ${result.ruleId}`;
    });
    // Positions counted by hand in cli.test.ts (EXPECTED_MISTAKES).
    assert.deepEqual(summary, [
      'templates/configmap.yaml:6:26-6:27 error non-string-annotation',
      'templates/job.yaml:6:19-6:29 error unknown-hook-event',
      'templates/job.yaml:7:26-7:28 error unquoted-hook-weight',
      'templates/tests/legacy-test.yaml:6:19-6:31 error unknown-hook-event',
      'templates/unicode.yaml:5:50-5:60 error unknown-hook-event',
    ]);
  });

  it('gives each result the short message as text, and the message with its help as Markdown, as JSON has them', () => {
    const cwd = join(CHARTS, 'hooks-with-mistakes');
    const results = lintSarif([], cwd).log.runs[0]!.results;
    const findings = lintJson([], cwd).output.findings;
    assert.equal(results.length, findings.length);
    results.forEach((result, index) => {
      const { message, help } = findings[index]!;
      assert.equal(result.message.text, message);
      const unescaped = (result.message.markdown ?? '').replace(/\\(.)/g, '$1');
      assert.equal(unescaped, `${message}\n\n${help}`);
    });
  });

  it("gives each result its message id and arguments, which fill its rule's messageStrings to the message text", () => {
    const root = writeFiles(tempDir(), {
      'chart/Chart.yaml': CHART_YAML,
      'chart/templates/hook.yaml': hookConfigMap('a', 'pre-instal'),
      // Messages with literal braces: an unclosed action, and a block whose action and end are placeholders.
      'chart/templates/unclosed.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name\n',
      'chart/templates/open-if.yaml':
        '{{ if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
    });
    const { log } = lintSarif(['chart'], root);
    assertValidSarif(log);
    const run = log.runs[0]!;
    assert.deepEqual(
      run.results.map((result) => `${result.ruleId} ${result.message.id}`),
      [
        'unknown-hook-event droppedMisspelled',
        'unclosed-template-action blockWithoutEnd',
        'unclosed-template-action unclosedAction',
      ],
    );
    for (const result of run.results) {
      const template = run.tool.driver.rules[result.ruleIndex]!.messageStrings?.[result.message.id!]?.text;
      assert.ok(template !== undefined, `${result.ruleId} declares the message string ${result.message.id}`);
      assert.equal(formatSarifMessage(template, result.message.arguments ?? []), result.message.text);
    }
    const blockWithoutEnd = run.results.find((result) => result.message.id === 'blockWithoutEnd');
    assert.deepEqual(blockWithoutEnd?.message.arguments, ['"{{ if }}"', '"{{ end }}"']);
    assert.equal(
      run.tool.driver.rules.find((rule) => rule.id === 'unclosed-template-action')?.messageStrings?.unclosedAction
        ?.text,
      'Helm cannot render the chart: this "{{{{" has no closing "}}}}".',
    );
  });

  it("writes every rule's messages as messageStrings: placeholders numbered by first use, literal braces doubled", () => {
    const rules = lintSarif([], join(CHARTS, 'clean')).log.runs[0]!.tool.driver.rules;
    for (const rule of ALL_RULES) {
      const written = rules.find((candidate) => candidate.id === rule.id)?.messageStrings ?? {};
      assert.deepEqual(Object.keys(written), Object.keys(rule.messages), `${rule.id} lists each of its messages`);
      for (const [id, template] of Object.entries(rule.messages)) {
        const text = written[id]!.text;
        assert.doesNotMatch(text.replace(/\{\{|\}\}|\{\d+\}/g, ''), /[{}]/, `${rule.id}.${id}: no lone brace`);
        // Filling each placeholder with its own name in braces gives back the rule's template.
        const names = [...template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]!);
        const byFirstUse = [...new Set(names)].map((name) => `{{${name}}}`);
        assert.equal(formatSarifMessage(text, byFirstUse), template.replace(/\{\{\s*(\w+)\s*\}\}/g, '{{$1}}'));
      }
    }
  });

  it('maps warning to warning and info to note', () => {
    const cwd = join(CHARTS, 'hooks-with-mistakes');
    const warning = lintSarif(['--rule', 'unknown-hook-event=warning', 'templates/unicode.yaml'], cwd);
    assert.deepEqual(
      warning.log.runs[0]!.results.map((result) => result.level),
      ['warning'],
    );
    const info = lintSarif(['--rule', 'unknown-hook-event=info', 'templates/unicode.yaml'], cwd);
    assert.deepEqual(
      info.log.runs[0]!.results.map((result) => result.level),
      ['note'],
    );
    assertValidSarif(info.log);
  });

  it('carries fixes as artifactChanges that replace the reported region', () => {
    const { log } = lintSarif([], join(CHARTS, 'hooks-with-mistakes'));
    const fixes = log.runs[0]!.results.map((result) => {
      assert.equal(result.fixes?.length, 1, `${result.ruleId} carries its fix`);
      const fix = result.fixes![0]!;
      assert.ok(fix.description.text.length > 0);
      assert.equal(fix.artifactChanges.length, 1);
      const change = fix.artifactChanges[0]!;
      assert.equal(change.artifactLocation.uri, result.locations[0]!.physicalLocation.artifactLocation.uri);
      assert.equal(change.replacements.length, 1);
      assert.deepEqual(change.replacements[0]!.deletedRegion, result.locations[0]!.physicalLocation.region);
      return change.replacements[0]!.insertedContent.text;
    });
    assert.deepEqual(fixes, ['"3"', 'pre-install', '"-5"', 'test', 'pre-upgrade']);
    const unsafe = log.runs[0]!.results[3]!.fixes![0]!;
    assert.match(unsafe.description.text, /review/i, 'a fix that may change behaviour says so');
  });

  it('percent-encodes a path with spaces in the artifact URI', () => {
    const root = writeFiles(tempDir(), {
      'my chart/Chart.yaml': CHART_YAML,
      'my chart/templates/hook.yaml': hookConfigMap('a', 'pre-instal'),
    });
    const { log } = lintSarif(['my chart'], root);
    assertValidSarif(log);
    assert.equal(
      log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri,
      'my%20chart/templates/hook.yaml',
    );
  });
});

describe('related locations (formatters, since no file rule reports one yet)', () => {
  const root = '/charts/app';
  const jobPath = `${root}/templates/job.yaml`;
  const secretPath = `${root}/templates/secret.yaml`;
  const jobText = [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: migrate',
    '  annotations:',
    '    helm.sh/hook: pre-install',
    '',
  ].join('\n');
  const secretText = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: db', ''].join('\n');
  const offsetOf = (text: string, needle: string) => {
    const at = text.indexOf(needle);
    assert.ok(at >= 0);
    return { start: at, end: at + needle.length };
  };
  const finding: Finding = {
    rule: 'unknown-hook-event',
    severity: 'error',
    file: jobPath,
    range: offsetOf(jobText, 'pre-install'),
    message: 'The hook reads Secret db, which does not exist yet when pre-install hooks run.',
    messageId: 'notCreatedYet',
    help: 'Run the hook post-install, or name the Secret {{ include "<chart>.fullname" . }}-db_v2 and give it a *lower* weight.',
    related: [{ file: secretPath, range: offsetOf(secretText, 'db'), message: 'created here' }],
    fixes: [
      {
        title: 'Run it post-install',
        safe: false,
        edits: [{ file: jobPath, range: offsetOf(jobText, 'pre-install'), newText: 'post-install' }],
      },
    ],
  };
  const lines = new Map([
    [jobPath, new LineIndex(jobText)],
    [secretPath, new LineIndex(secretText)],
  ]);
  const run: LintRun = {
    files: [
      { path: jobPath, display: 'templates/job.yaml', lines: lines.get(jobPath)!, findings: [finding], hooks: 1 },
    ],
    charts: 1,
    linesOf: (path) => lines.get(path),
    displayOf: (path) => path.slice(root.length + 1),
  };

  it('SARIF lists them as relatedLocations with an id, a message and a region, and still validates', () => {
    const log = JSON.parse(
      formatSarif(run, '1.2.3', RuleDocs.read(join(REPO_ROOT, 'docs', 'rules.md')), root),
    ) as SarifLog;
    assertValidSarif(log);
    assert.deepEqual(log.runs[0]!.results[0]!.relatedLocations, [
      {
        id: 1,
        message: { text: 'created here' },
        // `  name: db`: line 4, columns 9..10, end exclusive.
        physicalLocation: {
          artifactLocation: { uri: 'templates/secret.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 4, startColumn: 9, endLine: 4, endColumn: 11 },
        },
      },
    ]);
  });

  it('SARIF escapes what Markdown would read as markup in the help: <chart>, * and _ show as written', () => {
    const markdown = (
      JSON.parse(formatSarif(run, '1.2.3', RuleDocs.read(join(REPO_ROOT, 'docs', 'rules.md')), root)) as SarifLog
    ).runs[0]!.results[0]!.message.markdown;
    assert.ok(
      markdown?.endsWith('{{ include "\\<chart\\>.fullname" . }}-db\\_v2 and give it a \\*lower\\* weight.'),
      markdown,
    );
  });

  it('JSON lists them as related: file, line, column, message', () => {
    const output = JSON.parse(formatJson(run)) as { findings: { related: unknown[] }[] };
    assert.deepEqual(output.findings[0]!.related, [
      { file: 'templates/secret.yaml', line: 4, column: 9, message: 'created here' },
    ]);
  });
});
