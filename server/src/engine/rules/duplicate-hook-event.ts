import type { EntryModel } from '../model/document';
import { eventOf, HOOK_KEY, splitList } from '../model/hook';
import { helmEntry, hookAnnotationSets, shown } from './support/helpers';
import { duplicateItems, removeItemEdit } from './support/list-items';
import type { FileRuleContext, Report } from './rule';
import { defineRule } from './rule';

export const duplicateHookEvent = defineRule({
  id: 'duplicate-hook-event',
  defaultSeverity: 'warning',
  summary: 'The same event twice in `helm.sh/hook`: the hook runs twice.',
  fixable: true,
  messages: {
    eventTwiceListed: 'Helm runs this hook twice at {{event}}: "{{written}}" is already listed in helm.sh/hook.',
    testTwiceListed: 'helm test runs this hook twice: "{{written}}" is already listed in helm.sh/hook.',
    testTwiceAliased: 'helm test runs this hook twice: "{{written}}" and "{{first}}" are the same event.',
  },
  target: 'helm',
  reads: 'document',
  docs: {
    description:
      'Helm keeps every item of `helm.sh/hook`, duplicates included, and runs a hook once per occurrence of an ' +
      'event. With `pre-install,pre-install` the hook is created and waited for, deleted by the default ' +
      '`before-hook-creation` policy, then created and run again in the same phase: a migration Job runs twice. ' +
      'Items count as the same after Helm trims and lower-cases them (`pre-install,PRE-INSTALL`), and `test-success` ' +
      'is an alias of `test`. The safe fix removes the repeated item and its comma.',
    helmFact:
      '[manifest_sorter.go `(*manifestFile).sort`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L139) keeps events in annotation order, duplicates included; ' +
      '[hooks.go `execHookWithDelayedShutdown`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L59) selects the hook once per matching event: a `pre-install,pre-install` ' +
      'Job was created, completed, deleted and created again in one install.',
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
    const written = shown(item.raw.trim());
    const firstWritten = shown(duplicate.first.raw.trim());
    const aliased = item.normalized !== duplicate.first.normalized;
    const report: Report = {
      range: item.range ?? value.range,
      // The only alias Helm knows is test-success, of test: no other event can be written two ways.
      messageId: duplicate.name === 'test' ? (aliased ? 'testTwiceAliased' : 'testTwiceListed') : 'eventTwiceListed',
      data: { event: duplicate.name, written, first: firstWritten },
      help:
        'Remove the duplicate. Helm keeps duplicate events and runs the hook once per occurrence: it creates the hook and waits ' +
        'for it, deletes it (before-hook-creation), then creates it and waits for it again in the same phase.' +
        (aliased ? ' test-success is an alias of test.' : ''),
    };
    if (duplicate.first.range)
      report.related = [
        { file: context.file.path, range: duplicate.first.range, message: `"${firstWritten}" is listed first here` },
      ];
    const edit = item.range ? removeItemEdit(list, duplicate.index) : undefined;
    if (edit) report.fixes = [{ title: `Remove the duplicate "${written}"`, safe: true, edits: [edit] }];
    context.report(report);
  }
}
