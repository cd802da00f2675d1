import type { EntryModel } from '../model/document';
import { lastEntry } from '../model/document';
import {
  DELETE_POLICY_KEY,
  HOOK_KEY,
  HOOK_ONLY_KEYS,
  normalizeItem,
  OUTPUT_LOG_POLICY_KEY,
  RESOURCE_POLICY_KEY,
  WEIGHT_KEY,
} from '../model/hook';
import { renameKeyEdit } from './support/annotation-keys';
import { thisResource } from './support/helpers';
import type { Report } from './rule';
import { defineRule } from './rule';

const HOOK_ONLY: readonly string[] = HOOK_ONLY_KEYS;

const IGNORED: Readonly<Record<string, string>> = {
  [WEIGHT_KEY]: 'the weight',
  [DELETE_POLICY_KEY]: 'the delete policy',
  [OUTPUT_LOG_POLICY_KEY]: 'the output log policy',
};

export const orphanHookAnnotation = defineRule({
  id: 'orphan-hook-annotation',
  defaultSeverity: 'warning',
  summary: 'Hook weight or policy on a resource without `helm.sh/hook`: Helm ignores it.',
  fixable: true,
  messages: {
    uselessLine: 'This line does nothing: {{notASetting}}, and Helm ignores it without {{hookKey}}.',
    deletedOnUninstall: 'helm uninstall deletes {{subject}} like any other release resource: {{notASetting}}.',
    notAHook: 'Helm ignores {{annotation}} here: {{subject}} has no {{hookKey}} annotation, so it is not a hook.',
  },
  target: 'helm',
  reads: 'document',
  docs: {
    description:
      '`helm.sh/hook-weight`, `helm.sh/hook-delete-policy` and `helm.sh/hook-output-log-policy` only mean something ' +
      'on a hook, that is on a resource whose own `metadata.annotations` hold `helm.sh/hook`. Without it the resource is ' +
      'installed with the release and these annotations are ignored: the weight orders nothing and no delete policy ' +
      'ever deletes it. Usually `helm.sh/hook` was forgotten, misspelled or left in a values-dependent branch. A ' +
      'common variant is `helm.sh/hook-delete-policy: keep`, meant as `helm.sh/resource-policy: keep`, which keeps a ' +
      'resource when the release is uninstalled; the fix renames the key (not applied automatically: it changes what ' +
      '`helm uninstall` does). Silent when the annotations or the metadata are partly built by templates.',
    helmFact:
      'A document is a hook only when its `metadata.annotations` has the key `helm.sh/hook`; weight, delete and output ' +
      'log policies on any other resource are ignored ([manifest_sorter.go `(*manifestFile).sort`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L139)). ' +
      '`helm.sh/resource-policy: keep` keeps a release resource on uninstall ([resource_policy.go `filterManifestsToKeep`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/resource_policy.go#L26)).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook-weight: "-5"',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      '    helm.sh/hook-weight: "-5"',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    for (const set of context.file.model.annotationSets) {
      const resource = set.resource;
      if (set.origin !== 'object' || !resource) continue;
      if (set.mapping.hasUnknownEntries || resource.metadataUnknown || lastEntry(set.mapping, HOOK_KEY)) continue;
      for (const entry of set.mapping.entries) {
        if (!HOOK_ONLY.includes(entry.key)) continue;
        if (entry.key === DELETE_POLICY_KEY && isKeep(entry)) {
          const notASetting = `"${DELETE_POLICY_KEY}: keep" is not a Helm setting`;
          if (lastEntry(set.mapping, RESOURCE_POLICY_KEY)) {
            context.report({
              range: entry.keyRange,
              messageId: 'uselessLine',
              data: { notASetting, hookKey: HOOK_KEY },
              help: `Remove this line: ${RESOURCE_POLICY_KEY}, set here too, decides what helm uninstall does.`,
            });
            continue;
          }
          const report: Report = {
            range: entry.keyRange,
            messageId: 'deletedOnUninstall',
            data: { subject: thisResource(resource), notASetting },
            help:
              `To keep it, write "${RESOURCE_POLICY_KEY}: keep". Helm reads ${DELETE_POLICY_KEY} only on hooks, and this resource has ` +
              `no ${HOOK_KEY}, so Helm ignores the line.`,
          };
          const edit = renameKeyEdit(context.file, entry, RESOURCE_POLICY_KEY);
          if (edit) report.fixes = [{ title: `Change to "${RESOURCE_POLICY_KEY}"`, safe: false, edits: [edit] }];
          context.report(report);
          continue;
        }
        context.report({
          range: entry.keyRange,
          messageId: 'notAHook',
          data: { annotation: IGNORED[entry.key]!, subject: thisResource(resource), hookKey: HOOK_KEY },
          help:
            `Add ${HOOK_KEY} with the events it should run on, or remove this annotation. Without ${HOOK_KEY}, Helm installs the ` +
            `resource as a normal release resource and ignores ${IGNORED[entry.key]}.`,
        });
      }
    }
  },
});

/** Helm's uninstall trims and lower-cases `helm.sh/resource-policy`, so "Keep" counts as what was meant. */
function isKeep(entry: EntryModel): boolean {
  const text = entry.value.helmString;
  return text !== undefined && normalizeItem(text) === 'keep';
}
