import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ALL_RULES } from '../../server/src/engine/rules/index';
import { REPO_ROOT } from '../support/paths';

// The public-chart scan's committed verdict table and figures (test/scan/README.md). The charts are not in the
// repository, so this checks the table itself: its form, that every rule is a rule of this engine, that no
// error is judged false, and that the committed figures are the table's own counts.

const SCAN = join(REPO_ROOT, 'test', 'scan');
const COLUMNS = ['chart', 'file', 'line', 'rule', 'severity', 'verdict', 'evidence'];
const VERDICTS = new Set(['true', 'false', 'unsure']);

function rows(file: string): string[][] {
  return readFileSync(join(SCAN, file), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

interface Figures {
  hookTemplates: number;
  findings: number;
  falseErrors: number;
  falseWarnings: number;
  unsure: number;
  perRule: Record<string, { true: number; false: number; unsure: number }>;
}

describe('public-chart scan verdict table', () => {
  const [header, ...table] = rows('verdicts.tsv');
  const figures = JSON.parse(readFileSync(join(SCAN, 'figures.json'), 'utf8')) as Figures;
  const ruleIds = new Set(ALL_RULES.map((rule) => rule.id));

  it('has the columns chart, file, line, rule, severity, verdict, evidence', () => {
    assert.deepEqual(header, COLUMNS);
    assert.ok(table.length > 0, 'the table has rows');
    for (const row of table) assert.equal(row.length, COLUMNS.length, `row ${row.join(' | ')}`);
  });

  it('names only rules of this engine, errors and warnings, and verdicts true, false or unsure', () => {
    for (const [chart, file, line, rule, severity, verdict, evidence] of table) {
      const where = `${chart} ${file}:${line}`;
      assert.ok(ruleIds.has(rule), `${where}: unknown rule ${rule}`);
      assert.ok(severity === 'error' || severity === 'warning', `${where}: severity ${severity}`);
      assert.ok(VERDICTS.has(verdict), `${where}: verdict ${verdict}`);
      assert.match(line, /^[1-9]\d*$/, `${where}: line`);
      assert.ok(
        /^templates\/|^charts\/|^Chart\.yaml$|^requirements\.yaml$/.test(file),
        `${where}: file inside the chart`,
      );
      assert.ok(evidence.trim().length > 10, `${where}: evidence`);
    }
  });

  it('has one row per chart, file, line and rule', () => {
    const keys = table.map((row) => row.slice(0, 4).join('\t'));
    assert.equal(new Set(keys).size, keys.length);
  });

  it('judges no error false', () => {
    const falseErrors = table.filter((row) => row[4] === 'error' && row[5] === 'false');
    assert.deepEqual(
      falseErrors.map((row) => row.slice(0, 4).join(' ')),
      [],
    );
  });

  it('states the figures the table holds', () => {
    const count = (severity: string, verdict: string) =>
      table.filter((row) => row[4] === severity && row[5] === verdict).length;
    assert.equal(figures.findings, table.length);
    assert.equal(figures.falseErrors, count('error', 'false'));
    assert.equal(figures.falseWarnings, count('warning', 'false'));
    assert.equal(figures.unsure, table.filter((row) => row[5] === 'unsure').length);
    const perRule: Figures['perRule'] = {};
    for (const row of table) {
      const key = `${row[3]} (${row[4]})`;
      perRule[key] ??= { true: 0, false: 0, unsure: 0 };
      perRule[key][row[5] as 'true' | 'false' | 'unsure']++;
    }
    assert.deepEqual(figures.perRule, perRule);
    assert.ok(figures.hookTemplates > 0);
  });
});
