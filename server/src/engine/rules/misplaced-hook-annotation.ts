import type { Pair, YAMLMap } from 'yaml';
import { isMap, isScalar, isSeq } from '../core/yaml-nodes';
import type { ResourceDocument } from '../model/document';
import { lastEntry, literalText } from '../model/document';
import { HOOK_KEY, HOOK_KEYS } from '../model/hook';
import type { TextRange } from '../core/text';
import { capitalize, shown, thisResource } from './support/helpers';
import { argoCdOnly } from './support/targets';
import { ARGOCD_HOOK_KEY } from '../deployers/argocd';
import { defineRule } from './rule';

const KEYS: readonly string[] = HOOK_KEYS;
/** Values handed to another Helm release (Flux `spec.values`, Argo CD `valuesObject`) may rightly hold hook annotations. */
const CHART_VALUES_KEYS = new Set(['values', 'valuesObject']);

interface Misplaced {
  key: string;
  range: TextRange;
  /** Where it stands, in the user's terms. */
  where: string;
}

export const misplacedHookAnnotation = defineRule({
  id: 'misplaced-hook-annotation',
  defaultSeverity: 'error',
  summary:
    "Hook annotations under labels or a pod template instead of the object's own annotations: the object is not a hook.",
  fixable: false,
  messages: {
    misplaced: '{{subject}} runs as a normal resource, not as a hook: {{key}} is {{where}}.',
  },
  reads: 'document',
  docs: {
    description:
      'Helm decides whether a document is a hook by looking for `helm.sh/hook` in its own `metadata.annotations`, and ' +
      'nowhere else. Hook annotations written under `metadata.labels`, under a pod template (`spec.template.metadata`, ' +
      '`spec.jobTemplate…`), directly under `metadata`, or in an `annotations:` key outside `metadata` are never read: ' +
      'the object is installed with the release as a normal resource. A migration Job then runs alongside the new ' +
      'version instead of before it, and a later upgrade that changes its pod template fails with ' +
      "`spec.template: field is immutable`. Move the annotations to the object's `metadata.annotations`. Reported " +
      'only when those annotations have no `helm.sh/hook` and are fully visible (not built by `toYaml` or `include`). ' +
      "Argo CD also reads only the object's own annotations; with the `argocd` target alone the rule is silent where " +
      'they hold `argocd.argoproj.io/hook`, which makes the object an Argo CD hook.',
    helmFact:
      'A document is a hook if and only if its `metadata.annotations` has the exact key `helm.sh/hook`; only the ' +
      'top-level `metadata` counts, not `spec.template.metadata`, not labels ([manifest_sorter.go `(*manifestFile).sort`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L139)). Users met it as a Job ' +
      'run as a normal resource, whose upgrade fails with `spec.template: field is immutable` ' +
      '([raystack/charts#56](https://github.com/raystack/charts/issues/56), [volcano-sh/volcano#3496](https://github.com/volcano-sh/volcano/issues/3496), [apache/airflow#27561](https://github.com/apache/airflow/issues/27561)).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      'spec:',
      '  template:',
      '    metadata:',
      '      annotations:',
      '        helm.sh/hook: pre-upgrade',
      '    spec:',
      '      restartPolicy: Never',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
    ].join('\n'),
  },
  check(context) {
    const { file } = context;
    // Most documents hold no hook key at all, and a large CRD is not worth walking for nothing.
    let nextHookKey = -1;
    for (const resource of file.model.documents) {
      if (nextHookKey < resource.range.start) nextHookKey = file.text.indexOf(HOOK_KEY, resource.range.start);
      if (nextHookKey < 0) break;
      if (nextHookKey >= resource.range.end) continue;
      if (
        resource.metadataUnknown ||
        resource.annotations?.hasUnknownEntries ||
        lastEntry(resource.annotations, HOOK_KEY) ||
        // Argo CD alone: its own hook annotation makes the object a hook (gitops-engine/pkg/sync/hook/hook.go:23-29).
        (argoCdOnly(context.targets) && lastEntry(resource.annotations, ARGOCD_HOOK_KEY))
      )
        continue;
      for (const found of misplacedKeys(resource)) {
        context.report({
          range: found.range,
          messageId: 'misplaced',
          data: { subject: capitalize(thisResource(resource)), key: found.key, where: shown(found.where, 70) },
          help:
            `Move the hook annotations to metadata.annotations. Helm reads hook annotations only from the object's own ` +
            `metadata.annotations, which have no ${HOOK_KEY} here, so it installs the object with the release.${jobConsequence(resource)}`,
        });
      }
    }
  },
});

/** What running a Job as a release resource breaks. */
function jobConsequence(resource: ResourceDocument): string {
  if ((resource.kind && literalText(resource.kind)) !== 'Job') return '';
  return ' The Job runs alongside the release, and an upgrade that changes its pod template fails with "spec.template: field is immutable".';
}

function misplacedKeys(resource: ResourceDocument): Misplaced[] {
  const root = resource.doc.contents;
  if (!isMap(root)) return [];
  const found: Misplaced[] = [];
  const collect = (map: YAMLMap, where: string) => {
    for (const pair of map.items) {
      const key = keyOf(pair);
      if (key !== undefined && KEYS.includes(key) && isScalar(pair.key) && pair.key.range) {
        found.push({ key, range: { start: pair.key.range[0], end: pair.key.range[1] }, where });
      }
    }
  };
  const metadata = (map: YAMLMap, path: string, own: boolean) => {
    collect(map, `directly under ${path}`);
    for (const pair of map.items) {
      const key = keyOf(pair);
      if (!isMap(pair.value)) continue;
      if (key === 'labels') collect(pair.value, `under ${path}.labels`);
      else if (key === 'annotations' && !own) collect(pair.value, `under ${path}.annotations`);
    }
  };
  const descend = (node: unknown, path: string) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyOf(pair);
        if (key === undefined || CHART_VALUES_KEYS.has(key)) continue;
        const childPath = `${path}.${key}`;
        if (key === 'metadata' && isMap(pair.value)) metadata(pair.value, childPath, false);
        else descend(pair.value, childPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => descend(item, `${path}[${index}]`));
    }
  };

  collect(root, 'at the top level of the document');
  for (const pair of root.items) {
    const key = keyOf(pair);
    if (key === undefined) continue;
    if (key === 'metadata') {
      if (isMap(pair.value)) metadata(pair.value, 'metadata', true);
    } else if (key === 'annotations') {
      if (isMap(pair.value)) collect(pair.value, 'in a top-level "annotations:" key');
    } else if (!CHART_VALUES_KEYS.has(key)) {
      descend(pair.value, key);
    }
  }
  return found;
}

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}
