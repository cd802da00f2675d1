import { EntryModel } from '../model/document';
import { eventOf, HOOK_KEY, splitList } from '../model/hook';
import { helmEntry, hookAnnotationSets } from './support/helpers';
import { duplicateItems, removeItemEdit } from './support/list-items';
import { defineRule, FileRuleContext, Report } from './rule';

export const duplicateHookEvent = defineRule({
  id: 'duplicate-hook-event',
  defaultSeverity: 'warning',
  summary: 'The same event twice in `helm.sh/hook`: the hook runs twice.',
  fixable: true,
  reads: 'document',
  docs: {
    description:
      'Helm keeps every item of `helm.sh/hook`, duplicates included, and runs a hook once per occurrence of an ' +
      'event. With `pre-install,pre-install` the hook is created and waited for, deleted by the default ' +
      '`before-hook-creation` policy, then created and run again in the same phase: a migration Job runs twice. ' +
      'Items count as the same after Helm trims and lower-cases them (`pre-install,PRE-INSTALL`), and `test-success` ' +
      'is an alias of `test`. The safe fix removes the repeated item and its comma.',
    helmFact:
      'manifest_sorter.go `(*manifestFile).sort` keeps events in annotation order, duplicates included; ' +
      'hooks.go `execHookWithDelayedShutdown` selects the hook once per matching event: a `pre-install,pre-install` ' +
      'Job was created, completed, deleted and created again in one install (reference/helm-hooks.md §0.11, §1.2, ' +
      '§1.3, vectors E17, R5).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install,pre-upgrade,pre-install',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install,pre-upgrade',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    for (const set of hookAnnotationSets(context.file)) {
      const entry = helmEntry(set, HOOK_KEY);
      if (entry) checkDuplicates(context, entry);
    }
  },
});

function checkDuplicates(context: FileRuleContext, entry: EntryModel): void {
  const value = entry.value;
  if (value.kind !== 'scalar') return;
  const list = splitList(value, context.file.text);
  for (const duplicate of duplicateItems(list, value, (item) => eventOf(item.raw))) {
    const item = list.items[duplicate.index]!;
    const written = item.raw.trim();
    const firstWritten = duplicate.first.raw.trim();
    const same =
      item.normalized === duplicate.first.normalized
        ? `"${written}" is already listed in helm.sh/hook`
        : `"${written}" and "${firstWritten}" are the same event (test-success is an alias of test)`;
    const phase = duplicate.name === 'test' ? '`helm test` creates it and waits for it' : `in the ${duplicate.name} phase Helm creates it and waits for it`;
    const report: Report = {
      range: item.range ?? value.range,
      message: `${same}: Helm keeps duplicate events and runs the hook once per occurrence, so ${phase} twice. Remove the duplicate.`,
    };
    const edit = item.range ? removeItemEdit(list, duplicate.index) : undefined;
    if (edit) report.fixes = [{ title: `Remove the duplicate "${written}"`, safe: true, edits: [edit] }];
    context.report(report);
  }
}
