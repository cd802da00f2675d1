import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';
import { lintChart } from '../../../server/src/engine/lint/chart-lint';
import { missingChartDependency } from '../../../server/src/engine/rules/missing-chart-dependency';
import { chartFindings, ScratchCharts, where } from '../../support/chart-tester';

const RULE = 'missing-chart-dependency';

const SUBCHART = (name: string) => ({
  [`charts/${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`,
});

function chartYaml(dependencies: string[]): string {
  return ['apiVersion: v2', 'name: app', 'version: 1.0.0', 'dependencies:', ...dependencies, ''].join('\n');
}

describe(RULE, () => {
  const charts = new ScratchCharts();
  after(() => charts.remove());

  it('reports each dependency charts/ does not hold at its name in Chart.yaml, naming it and helm dependency build', () => {
    const chart = charts.write({
      'Chart.yaml': chartYaml([
        '  - name: redis',
        '    version: 17.x.x',
        '  - name: common',
        '    version: 2.x.x',
        '  - name: postgresql',
        '    version: 16.x.x',
      ]),
      ...SUBCHART('common'),
    });
    const findings = chartFindings(chart, RULE);
    assert.deepEqual(
      findings.map((finding) => where(chart, finding)),
      ['Chart.yaml:5 "redis"', 'Chart.yaml:9 "postgresql"'],
    );
    assert.equal(findings[0]!.severity, 'warning');
    assert.match(findings[0]!.message, /dependency "redis" is not in charts\/ \(run helm dependency build\)/);
  });

  it('reports a dependency whose condition turns it off, as Helm checks the list before reading values', () => {
    const chart = charts.write({
      'Chart.yaml': chartYaml(['  - name: redis', '    version: 17.x.x', '    condition: redis.enabled']),
      'values.yaml': 'redis:\n  enabled: false\n',
    });
    assert.deepEqual(
      chartFindings(chart, RULE).map((finding) => where(chart, finding)),
      ['Chart.yaml:5 "redis"'],
    );
  });

  it('matches by the chart name in charts/, not the directory or the alias, and counts .tgz archives', () => {
    const aliased = charts.write({
      'Chart.yaml': chartYaml(['  - name: redis', '    version: 17.x.x', '    alias: cache']),
      'charts/redis-17.0.0/Chart.yaml': 'apiVersion: v2\nname: redis\nversion: 17.0.0\n',
    });
    assert.deepEqual(chartFindings(aliased, RULE), []);
    const misnamed = charts.write({
      'Chart.yaml': chartYaml(['  - name: redis', '    version: 17.x.x']),
      'charts/redis/Chart.yaml': 'apiVersion: v2\nname: valkey\nversion: 1.0.0\n',
    });
    assert.deepEqual(
      chartFindings(misnamed, RULE).map((finding) => where(misnamed, finding)),
      ['Chart.yaml:5 "redis"'],
    );
    const packed = charts.write({
      'Chart.yaml': chartYaml(['  - name: redis', '    version: 17.x.x']),
      'pack/redis/Chart.yaml': 'apiVersion: v2\nname: redis\nversion: 17.0.0\n',
    });
    mkdirSync(join(packed, 'charts'));
    execFileSync('tar', ['-czf', join(packed, 'charts', 'redis-17.0.0.tgz'), '-C', join(packed, 'pack'), 'redis']);
    assert.deepEqual(chartFindings(packed, RULE), []);
  });

  it('reports on requirements.yaml when an apiVersion v1 chart lists its dependencies there', () => {
    const chart = charts.write({
      'Chart.yaml': 'apiVersion: v1\nname: app\nversion: 1.0.0\n',
      'requirements.yaml': 'dependencies:\n  - name: mysql\n    version: 1.x.x\n',
    });
    assert.deepEqual(
      chartFindings(chart, RULE).map((finding) => where(chart, finding)),
      ['requirements.yaml:2 "mysql"'],
    );
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

  it('documents a bad Chart.yaml it reports and a good one, with the dependency in charts/, that it does not', () => {
    const bad = charts.write({ 'Chart.yaml': missingChartDependency.docs.bad });
    assert.equal(chartFindings(bad, RULE).length, 1);
    const good = charts.write({ 'Chart.yaml': missingChartDependency.docs.good, ...SUBCHART('postgresql') });
    assert.deepEqual(chartFindings(good, RULE), []);
  });
});
