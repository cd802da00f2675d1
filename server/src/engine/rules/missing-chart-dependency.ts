import { parseDocument } from 'yaml';
import { isMap, isScalar, isSeq } from '../core/yaml-nodes';
import type { TextRange } from '../core/text';
import { defineRule } from './rule';

const HELM_SOURCE = 'https://github.com/helm/helm/blob/v4.1.4';

export const missingChartDependency = defineRule({
  id: 'missing-chart-dependency',
  defaultSeverity: 'warning',
  summary: 'A dependency of `Chart.yaml` with no chart or archive under `charts/`: Helm will not render the chart.',
  fixable: false,
  messages: {
    missingDependency:
      'Helm will not render this chart: dependency "{{name}}" is not in charts/ (run helm dependency build).',
  },
  target: 'helm',
  docs: {
    description:
      'Every entry of `dependencies` in `Chart.yaml` (in `requirements.yaml` for an `apiVersion: v1` chart) must be ' +
      "in the chart's `charts/` directory, unpacked or as a `.tgz` archive, before Helm renders the chart: " +
      '`helm template`, `helm install` and `helm upgrade` stop with "found in Chart.yaml, but missing in charts/ ' +
      'directory" and render nothing, hooks included. This holds for every entry, even one whose `condition` or ' +
      '`tags` turn it off: Helm checks the list before it reads any values. Run `helm dependency build` (or ' +
      '`helm dependency update`) to fetch them; in CI, run it before linting. The hooks of the chart itself are still ' +
      'checked, with the subcharts that are there.',
    helmFact:
      `\`helm template\` and \`helm install\` call action.CheckDependencies before rendering ` +
      `([pkg/cmd/install.go, runInstall](${HELM_SOURCE}/pkg/cmd/install.go)); it compares each dependency's \`name\` ` +
      `with the names of the charts loaded from \`charts/\` ([pkg/action/install.go, CheckDependencies]` +
      `(${HELM_SOURCE}/pkg/action/install.go)), which the loader reads from directories and \`.tgz\` archives ` +
      `([pkg/chart/v2/loader/load.go, LoadFiles](${HELM_SOURCE}/pkg/chart/v2/loader/load.go)). \`helm lint\` only warns ` +
      '"chart directory is missing these dependencies".',
    bad: [
      'apiVersion: v2',
      'name: shop',
      'version: 1.0.0',
      'dependencies:',
      '  - name: postgresql',
      '    version: 16.x.x',
      '    repository: oci://registry-1.docker.io/bitnamicharts',
      '    condition: postgresql.enabled',
    ].join('\n'),
    good: [
      'apiVersion: v2',
      'name: shop',
      'version: 1.0.0',
      '# charts/postgresql-16.7.4.tgz, fetched by helm dependency build',
      'dependencies:',
      '  - name: postgresql',
      '    version: 16.x.x',
      '    repository: oci://registry-1.docker.io/bitnamicharts',
      '    condition: postgresql.enabled',
    ].join('\n'),
  },
  checkLoadedChart(context) {
    const missing = context.chart.missingDependencies;
    if (!missing) return;
    const entries = dependencyNames(missing.text);
    for (const name of new Set(missing.names)) {
      const ranges = entries.filter((entry) => entry.name === name).map((entry) => entry.range);
      for (const range of ranges.length > 0 ? ranges : [{ start: 0, end: 0 }]) {
        context.report({
          file: missing.path,
          range,
          messageId: 'missingDependency',
          data: { name },
          help:
            `Run "helm dependency build" to fetch "${name}" into charts/ before helm template, install or upgrade. Helm ` +
            'refuses a chart whose dependencies are not all under charts/ (unpacked or as a .tgz archive), whatever ' +
            'their condition or tags, and renders none of it.',
        });
      }
    }
  },
});

/** Each `dependencies` entry's `name` value, with its range in the text. */
function dependencyNames(text: string): Array<{ name: string; range: TextRange }> {
  const document = parseDocument(text);
  const root = document.contents;
  if (!isMap(root)) return [];
  const list = root.get('dependencies', true);
  if (!isSeq(list)) return [];
  const names: Array<{ name: string; range: TextRange }> = [];
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const name = item.get('name', true);
    if (isScalar(name) && name.range)
      names.push({ name: String(name.value), range: { start: name.range[0], end: name.range[1] } });
  }
  return names;
}
