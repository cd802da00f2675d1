import type { EntryModel } from '../model/document';
import { DELETE_POLICY_KEY, splitList } from '../model/hook';
import { hookAnnotationSets, shown } from './support/helpers';
import { duplicateItems, hookOnlyEntry, removeItemEdit } from './support/list-items';
import type { FileRuleContext, Report } from './rule';
import { defineRule } from './rule';
import { isDeletePolicy } from './unknown-delete-policy';

export const duplicateDeletePolicy = defineRule({
  id: 'duplicate-delete-policy',
  defaultSeverity: 'info',
  summary: 'The same delete policy twice.',
  fixable: true,
  messages: {
    duplicate: 'This second "{{policy}}" changes nothing: it is already listed in helm.sh/hook-delete-policy.',
  },
  reads: 'document',
  docs: {
    description:
      'Helm trims and lower-cases each item of `helm.sh/hook-delete-policy` and only asks whether a policy is in ' +
      'the list, so naming one twice (`hook-succeeded,Hook-Succeeded`) changes nothing. It is noise that hides what ' +
      'the list means, and often a slip for another policy (`hook-succeeded,hook-succeeded` where `hook-failed` was ' +
      'meant). The safe fix removes the repeated item and its comma.',
    helmFact:
      '[manifest_sorter.go `operateAnnotationValues`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L237) splits on commas, trims and lower-cases; ' +
      '[hooks.go `hookHasDeletePolicy`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L229) only tests whether the list contains a policy.',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      '    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded,before-hook-creation',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      '    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    for (const set of hookAnnotationSets(context.file)) {
      const entry = hookOnlyEntry(set, DELETE_POLICY_KEY);
      if (entry) checkDuplicates(context, entry);
    }
  },
});

function checkDuplicates(context: FileRuleContext, entry: EntryModel): void {
  const value = entry.value;
  if (value.kind !== 'scalar') return;
  const list = splitList(value, context.file.text);
  for (const duplicate of duplicateItems(list, value, (item) =>
    isDeletePolicy(item.raw) ? item.normalized : undefined,
  )) {
    const item = list.items[duplicate.index]!;
    const written = shown(item.raw.trim());
    const report: Report = {
      range: item.range ?? value.range,
      messageId: 'duplicate',
      data: { policy: written },
      help: 'Remove it, or write the policy you meant. Helm only checks whether a policy is in the list, so naming one twice has no effect.',
    };
    if (duplicate.first.range) {
      report.related = [
        {
          file: context.file.path,
          range: duplicate.first.range,
          message: `"${shown(duplicate.first.raw.trim())}" is listed first here`,
        },
      ];
    }
    const edit = item.range ? removeItemEdit(list, duplicate.index) : undefined;
    if (edit) report.fixes = [{ title: `Remove the duplicate "${written}"`, safe: true, edits: [edit] }];
    context.report(report);
  }
}
