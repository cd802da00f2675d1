import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { lintChart } from '../../../server/src/engine/lint/chart-lint';
import type { ExpectedError } from '../../support/rule-tester';
import { ruleTester } from '../../support/rule-tester';
import { chartFindings, ScratchCharts } from '../../support/chart-tester';

const RULE = 'missing-chart-dependency';

const subchart = (name: string, directory = name) => ({
  [`charts/${directory}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`,
});

/** A Chart.yaml whose dependencies start on line 5: each `  - name: X` names X from column 11. */
function chartYaml(dependencies: string[]): string {
  return ['apiVersion: v2', 'name: app', 'version: 1.0.0', 'dependencies:', ...dependencies, ''].join('\n');
}

/** The finding at a dependency's name (Chart.yaml unless `file` says otherwise), as Helm's error names it. */
function missing(name: string, line: number, file?: string): ExpectedError {
  return {
    messageId: 'missingDependency',
    data: { name },
    ...(file && { file }),
    line,
    column: 11,
    endLine: line,
    endColumn: 11 + name.length,
    severity: 'warning',
    help: [/helm dependency build/, /whatever their condition or tags/],
  };
}

ruleTester.run(RULE, {
  valid: [
    {
      name: 'matched by the chart name in charts/, not the directory or the alias',
      files: {
        'Chart.yaml': chartYaml(['  - name: redis', '    version: 17.x.x', '    alias: cache']),
        ...subchart('redis', 'redis-17.0.0'),
      },
    },
    { name: 'no dependencies', files: { 'Chart.yaml': chartYaml([]) } },
  ],
  invalid: [
    {
      name: 'each dependency charts/ does not hold, at its name in Chart.yaml',
      files: {
        'Chart.yaml': chartYaml([
          '  - name: redis',
          '    version: 17.x.x',
          '  - name: common',
          '    version: 2.x.x',
          '  - name: postgresql',
          '    version: 16.x.x',
        ]),
        ...subchart('common'),
      },
      errors: [missing('redis', 5), missing('postgresql', 9)],
    },
    {
      name: 'a dependency whose condition turns it off: Helm checks the list before reading values',
      files: {
        'Chart.yaml': chartYaml(['  - name: redis', '    version: 17.x.x', '    condition: redis.enabled']),
        'values.yaml': 'redis:\n  enabled: false\n',
      },
      errors: [missing('redis', 5)],
    },
    {
      name: 'a directory named like the dependency holding another chart',
      files: { 'Chart.yaml': chartYaml(['  - name: redis', '    version: 17.x.x']), ...subchart('valkey', 'redis') },
      errors: [missing('redis', 5)],
    },
    {
      name: 'requirements.yaml of an apiVersion v1 chart',
      files: {
        'Chart.yaml': 'apiVersion: v1\nname: app\nversion: 1.0.0\n',
        'requirements.yaml': 'dependencies:\n  - name: mysql\n    version: 1.x.x\n',
      },
      errors: [missing('mysql', 2, 'requirements.yaml')],
    },
  ],
  docsFiles: { good: subchart('postgresql') },
});

// Beyond the table: a .tgz archive (chart cases are text files) and a lint of every rule (the table runs one).
const charts = new ScratchCharts();
after(() => charts.remove());

it('counts a .tgz archive in charts/ as the dependency', () => {
  const packed = charts.write({
    'Chart.yaml': chartYaml(['  - name: redis', '    version: 17.x.x']),
    'pack/redis/Chart.yaml': 'apiVersion: v2\nname: redis\nversion: 17.0.0\n',
  });
  assert.equal(chartFindings(packed, RULE).length, 1, 'the positive control: reported before the archive is there');
  mkdirSync(join(packed, 'charts'));
  execFileSync('tar', ['-czf', join(packed, 'charts', 'redis-17.0.0.tgz'), '-C', join(packed, 'pack'), 'redis']);
  assert.deepEqual(chartFindings(packed, RULE), []);
});

it('still lints the rest of the chart: the hooks of its own templates are reported', () => {
  const chart = charts.write({
    'Chart.yaml': chartYaml(['  - name: redis', '    version: 17.x.x']),
    'templates/job.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-x\n  annotations:\n    helm.sh/hook: pre-instal\n',
  });
  assert.deepEqual(
    lintChart(chart)
      .map((finding) => finding.rule)
      .sort(),
    [RULE, 'unknown-hook-event'],
  );
});
