import type { AnnotationSet, EntryModel, ResourceDocument } from '../model/document';
import { lastEntry } from '../model/document';
import { holdsHookRelatedText } from '../model/hook-text';
import { DELETE_POLICY_KEY, HOOK_KEY, OUTPUT_LOG_POLICY_KEY, WEIGHT_KEY } from '../model/hook';
import { describeKind, nonStringKind, rejection } from './support/annotation-values';
import { doubleQuoted, shown } from './support/helpers';
import { hookOnlyEntry } from './support/list-items';
import type { Report } from './rule';
import { defineRule } from './rule';

/** Checked by unknown-hook-event and unquoted-hook-weight wherever Helm reads them. */
const KEYS_WITH_OWN_RULES = new Set<string>([HOOK_KEY, WEIGHT_KEY]);
const POLICY_KEYS = new Set<string>([DELETE_POLICY_KEY, OUTPUT_LOG_POLICY_KEY]);

/**
 * The event and weight keys always have their own rules; the policy rules report a non-string value (with the
 * Kubernetes rejection) wherever Helm reads the policy, so this rule covers a policy key only where they are silent.
 */
function hasOwnRule(set: AnnotationSet, entry: EntryModel): boolean {
  return KEYS_WITH_OWN_RULES.has(entry.key) || (POLICY_KEYS.has(entry.key) && hookOnlyEntry(set, entry.key) === entry);
}

/**
 * Built-in kinds whose nested `metadata` (pod template, job template, claim templates) is a typed ObjectMeta. A
 * custom resource's nested metadata is checked against its CRD's schema, which may accept anything.
 */
export const KINDS_WITH_POD_TEMPLATE_METADATA: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'PodTemplate',
]);
const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'extensions']);

export const nonStringAnnotation = defineRule({
  id: 'non-string-annotation',
  defaultSeverity: 'error',
  summary: 'An annotation value Kubernetes decodes as a number, bool, list or map: the object is rejected.',
  fixable: true,
  messages: {
    notString: '{{rejection}}: the annotation {{key}} is {{kind}}, not a string.',
  },
  reads: 'document',
  docs: {
    description:
      'Annotation values must be strings. Kubernetes decodes a manifest with YAML 1.1 rules, so an unquoted `8080`, ' +
      '`1.5`, `true`, `yes` or `on` is a number or a boolean, and the object is rejected at install with ' +
      '`json: cannot unmarshal number into Go struct field ObjectMeta.metadata.annotations of type string` — after ' +
      '`helm template`, `helm lint` and `helm install --dry-run=client` all passed. For a hook, the install fails ' +
      "inside Helm's own client before anything is created and the release is marked failed. A list or mapping is " +
      "worse: Helm cannot even read the object's annotations, so `helm template` fails. The same applies to the " +
      'annotations of a Deployment, StatefulSet, DaemonSet, Job or CronJob pod template, which the API server ' +
      'rejects. An empty (null) value is accepted. Fix: quote the value as typed (`8080` → `"8080"`). ' +
      '`helm.sh/hook` and `helm.sh/hook-weight` have their own rules (`unknown-hook-event`, `unquoted-hook-weight`). ' +
      'Only documents that hold hook-related text (a `helm.sh/` or `argocd.argoproj.io/` key, in the YAML or in a ' +
      'template action) are checked: the other objects are not hooks, and are left to Kubernetes schema validation.',
    helmFact:
      "Helm reads each document's annotations into `map[string]string`, converting numbers and bools but failing on a " +
      'list (`cannot unmarshal array into Go struct field .metadata.annotations of type string`); kubectl, the API ' +
      "server and, for hooks, Helm's kube client reject a number or bool with `cannot unmarshal number|bool into Go " +
      'struct field ObjectMeta.metadata.annotations of type string` ([manifest_sorter.go `(*manifestFile).sort`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L139), [client.go `Build`](https://github.com/helm/helm/blob/v4.1.4/pkg/kube/client.go#L546); ' +
      '[apollographql/router#1881](https://github.com/apollographql/router/issues/1881), [influxdata/helm-charts#839](https://github.com/influxdata/helm-charts/issues/839)).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    prometheus.io/port: 9102',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    prometheus.io/port: "9102"',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    const { text } = context.file;
    for (const set of context.file.model.annotationSets) {
      if (!decodedAsAnnotations(set)) continue;
      const resource = set.resource?.range;
      if (resource && !holdsHookRelatedText(text.slice(resource.start, resource.end))) continue;
      for (const entry of set.mapping.entries) {
        if (entry.keyTemplated || lastEntry(set.mapping, entry.key) !== entry) continue;
        if (set.origin !== 'nested' && hasOwnRule(set, entry)) continue;
        const value = entry.value;
        const kind = nonStringKind(value);
        if (!kind) continue;
        const { short, detail } = rejection(value, kind, set);
        const key = shown(entry.key, 60);
        if (kind === 'array' || kind === 'object') {
          context.report({
            range: value.range,
            messageId: 'notString',
            data: { rejection: short, key, kind: describeKind(kind) },
            help: `Write the value as one quoted string (a JSON text, if it is structured). Annotation values must be strings: ${detail}.`,
          });
          continue;
        }
        const quoted = doubleQuoted(value.source);
        const why = `Annotation values must be strings, and YAML reads an unquoted ${shown(value.source)} as ${describeKind(kind)}: ${detail}.`;
        const report: Report = {
          range: value.range,
          messageId: 'notString',
          data: { rejection: short, key, kind: describeKind(kind) },
          // With an explicit tag (`!!int 5`) quoting would not make the value a string.
          help: value.tag
            ? `Write the value as a quoted string, without its explicit tag. ${why}`
            : `Quote it: ${shown(quoted)}. ${why}`,
        };
        if (!value.tag)
          report.fixes = [
            { title: `Quote the value: ${quoted}`, safe: true, edits: [{ range: value.range, newText: quoted }] },
          ];
        context.report(report);
      }
    }
  },
});

function decodedAsAnnotations(set: AnnotationSet): boolean {
  switch (set.origin) {
    case 'object':
      return true;
    case 'nested':
      return set.resource !== undefined && hasTypedTemplates(set.resource);
    case 'define':
      // A fragment whose only helm.sh/ key is the helm.sh/chart label is a labels block, not annotations.
      return set.mapping.entries.some((entry) => entry.key.startsWith('helm.sh/') && entry.key !== 'helm.sh/chart');
  }
}

function hasTypedTemplates(resource: ResourceDocument): boolean {
  const { apiVersion, kind } = resource;
  if (!apiVersion || !kind || apiVersion.templated || kind.templated || apiVersion.decoded === undefined) return false;
  const group = apiVersion.decoded.includes('/') ? apiVersion.decoded.split('/')[0]! : '';
  return BUILT_IN_GROUPS.has(group) && KINDS_WITH_POD_TEMPLATE_METADATA.has(kind.decoded ?? '');
}
