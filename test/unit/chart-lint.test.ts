import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../../server/src/engine/core/config';
import type { ChartViews } from '../../server/src/engine/lint/chart-lint';
import { ChartLint, lintChart } from '../../server/src/engine/lint/chart-lint';
import { compareFindings } from '../../server/src/engine/lint/findings';
import type { Finding, Severity } from '../../server/src/engine/rules/rule';
import { FIXTURES } from '../support/paths';

const CHART = '/charts/shop';
const JOB = `${CHART}/templates/job.yaml`;
const HELPERS = `${CHART}/templates/_helpers.tpl`;
const VALUES = `${CHART}/values.yaml`;

function finding(file: string, start: number, rule: string, severity: Severity, message = 'sample'): Finding {
  return {
    rule,
    severity,
    file,
    range: { start, end: start + 5 },
    message,
    messageId: 'sample',
    help: 'sample help',
    related: [],
    fixes: [],
  };
}

/** Views over fixed findings; `evaluated` undefined stands for a chart not evaluated yet. */
function views(asWritten: Record<string, Finding[]>, evaluated?: Finding[]): ChartViews & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    asWritten: (path) => {
      asked.push(path);
      return asWritten[path] ?? [];
    },
    evaluated: () => evaluated,
  };
}

const summary = (findings: Finding[]) =>
  findings.map((found) => `${found.file.slice(CHART.length + 1)}:${found.range.start} ${found.rule} ${found.message}`);

describe('ChartLint', () => {
  it("merges a file's as-written findings with the evaluated ones in it: one per rule and range, the more severe, on a tie the as-written", () => {
    const lint = new ChartLint(
      views(
        {
          [JOB]: [
            finding(JOB, 10, 'unknown-hook-event', 'warning', 'as written'),
            finding(JOB, 20, 'unquoted-hook-weight', 'error', 'as written'),
          ],
        },
        [
          finding(JOB, 10, 'unknown-hook-event', 'error', 'evaluated'),
          finding(JOB, 20, 'unquoted-hook-weight', 'error', 'evaluated'),
          finding(JOB, 5, 'hook-fixed-name', 'warning', 'evaluated'),
          finding(HELPERS, 1, 'unknown-hook-event', 'error', 'evaluated'),
        ],
      ),
    );
    assert.deepEqual(summary(lint.findingsOf(JOB)), [
      'templates/job.yaml:5 hook-fixed-name evaluated',
      'templates/job.yaml:10 unknown-hook-event evaluated',
      'templates/job.yaml:20 unquoted-hook-weight as written',
    ]);
  });

  it('gives the as-written findings alone while the chart is not evaluated, and adds the evaluated ones once it is', () => {
    let evaluated: Finding[] | undefined;
    const lint = new ChartLint({
      asWritten: () => [finding(JOB, 10, 'unknown-hook-event', 'error', 'as written')],
      evaluated: () => evaluated,
    });
    assert.deepEqual(summary(lint.findingsOf(JOB)), ['templates/job.yaml:10 unknown-hook-event as written']);
    evaluated = [finding(JOB, 30, 'hook-left-behind', 'warning', 'evaluated')];
    assert.deepEqual(summary(lint.findingsOf(JOB)), [
      'templates/job.yaml:10 unknown-hook-event as written',
      'templates/job.yaml:30 hook-left-behind evaluated',
    ]);
  });

  it('asks for the as-written findings of the one file it is asked about', () => {
    const given = views({}, [
      finding(HELPERS, 1, 'unknown-hook-event', 'error'),
      finding(VALUES, 2, 'unquoted-hook-weight', 'error'),
    ]);
    new ChartLint(given).findingsOf(JOB);
    assert.deepEqual(given.asked, [JOB]);
  });

  it('lists the templates given, in order, then each other file the evaluated findings point into', () => {
    const lint = new ChartLint(
      views({ [JOB]: [finding(JOB, 1, 'unknown-hook-event', 'error')] }, [
        finding(VALUES, 2, 'unquoted-hook-weight', 'error'),
        finding(HELPERS, 3, 'unknown-hook-event', 'error'),
      ]),
    );
    const byFile = lint.findingsByFile([JOB, `${CHART}/templates/clean.yaml`]);
    assert.deepEqual(
      [...byFile].map(([path, findings]) => [path.slice(CHART.length + 1), findings.length]),
      [
        ['templates/job.yaml', 1],
        ['templates/clean.yaml', 0],
        ['values.yaml', 1],
        ['templates/_helpers.tpl', 1],
      ],
    );
  });

  it("leaves out the files the configuration's ignore globs name, as written and evaluated, without linting them", () => {
    const configFile = parseConfig('ignore:\n  - "templates/_*.tpl"\n  - values.yaml\n', `${CHART}/.helm-hooks.yaml`);
    const given = views(
      {
        [JOB]: [finding(JOB, 1, 'unknown-hook-event', 'error')],
        [HELPERS]: [finding(HELPERS, 1, 'unknown-hook-event', 'error')],
      },
      [finding(VALUES, 2, 'unquoted-hook-weight', 'error'), finding(HELPERS, 3, 'unknown-hook-event', 'error')],
    );
    const lint = new ChartLint(given, configFile);
    assert.equal(lint.ignores(HELPERS), true);
    assert.equal(lint.ignores(JOB), false);
    assert.deepEqual(lint.findingsOf(HELPERS), []);
    assert.deepEqual([...lint.findingsByFile([JOB, HELPERS]).keys()], [JOB]);
    assert.deepEqual(given.asked, [JOB]);
  });

  it('ignores nothing without a configuration file', () => {
    const lint = new ChartLint(views({}, [finding(VALUES, 2, 'unquoted-hook-weight', 'error')]));
    assert.equal(lint.ignores(HELPERS), false);
    assert.deepEqual([...lint.findingsByFile([]).keys()], [VALUES]);
  });
});

describe('lintChart', () => {
  it("gives a chart on disk's findings in file and position order, values files' among them, as-written fixes kept", () => {
    const chart = join(FIXTURES, 'evaluated', 'shared-define');
    const findings = lintChart(chart);
    assert.deepEqual(findings, [...findings].sort(compareFindings));
    assert.deepEqual(
      findings.map(
        (found) =>
          `${found.file.slice(chart.length + 1)} ${found.rule} ${found.fixes.some((fix) => fix.safe) ? 'fixable' : 'not fixable'}`,
      ),
      [
        'templates/_helpers.tpl unknown-hook-event fixable',
        'templates/_helpers.tpl unknown-hook-event not fixable',
        'templates/literal.yaml unknown-hook-event fixable',
      ],
    );
  });

  it('reports a values file the evaluated view points into', () => {
    const chart = join(FIXTURES, 'evaluated', 'values-annotations');
    assert.deepEqual(
      [...new Set(lintChart(chart).map((found) => found.file.slice(chart.length + 1)))],
      ['values.yaml'],
    );
  });
});
