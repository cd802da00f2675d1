import type { AnnotationSet, EntryModel } from '../model/document';
import type { SplitList } from '../model/hook';
import { DELETE_POLICIES, DELETE_POLICY_KEY, normalizeItem, splitList } from '../model/hook';
import { capitalize, hookAnnotationSets, thisResource, valueOrKeyRange } from './support/helpers';
import type { ItemOutcome, ListSpec } from './support/list-items';
import {
  collectionMessage,
  collectionReport,
  EMPTY_ITEM_PROBLEMS,
  hookOnlyEntry,
  itemMessages,
  NAMED_ITEM_PROBLEMS,
  NON_STRING_MESSAGE,
  nonStringPolicyReport,
  unknownItemReport,
} from './support/list-items';
import type { FileRuleContext, HelmVersion } from './rule';
import { defineRule } from './rule';

const SPEC: ListSpec = {
  key: DELETE_POLICY_KEY,
  noun: 'delete policy',
  plural: 'delete policies',
  listing: `Delete policies are ${DELETE_POLICIES.join(', ')}`,
  names: DELETE_POLICIES,
  isKnown: isDeletePolicy,
  example: 'before-hook-creation,hook-succeeded',
};

const NEVER_DELETED = '{{subject}} is never deleted, and its next run meets the old one';

export function isDeletePolicy(item: string): boolean {
  return (DELETE_POLICIES as readonly string[]).includes(normalizeItem(item));
}

export const unknownDeletePolicy = defineRule({
  id: 'unknown-delete-policy',
  defaultSeverity: 'error',
  summary: 'An item of `helm.sh/hook-delete-policy` Helm does not know: it still turns off the default.',
  fixable: true,
  messages: {
    empty: `${NEVER_DELETED}: helm.sh/hook-delete-policy is empty.`,
    nonString: NON_STRING_MESSAGE,
    collection: collectionMessage(SPEC),
    ...itemMessages(SPEC, 'neverDeleted', NEVER_DELETED),
    ...itemMessages(SPEC, 'deletesNothing', 'Helm deletes nothing for this item', NAMED_ITEM_PROBLEMS),
    ...itemMessages(SPEC, 'ignored', 'Helm ignores it', EMPTY_ITEM_PROBLEMS),
  },
  target: 'helm',
  reads: 'document',
  docs: {
    description:
      'Helm splits `helm.sh/hook-delete-policy` on commas, trims and lower-cases each item and stores every item ' +
      'without checking it. Only `before-hook-creation`, `hook-succeeded` and `hook-failed` ever delete anything, so ' +
      'a typo such as `hook-success` never deletes the hook. Worse, the default `before-hook-creation` applies only ' +
      'when the annotation is absent: any value, an unknown or empty one included, turns it off. The hook object ' +
      'then stays in the cluster and the next run of the hook meets it (Helm 3: "already exists"; Helm 4 applies ' +
      'over it in place, so a Job that already completed does not run again). The same holds for an empty value, ' +
      'policies separated by `;` or spaces, and an unquoted `true` (which Kubernetes also refuses to decode). ' +
      'A YAML list makes the chart fail to render. Fixes: the nearest policy, removing a stray comma, commas ' +
      'instead of other separators, joining a list. Helm ignores the annotation on a resource without ' +
      '`helm.sh/hook`; orphan-hook-annotation reports that.',
    helmFact:
      '[manifest_sorter.go `operateAnnotationValues`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L237) keeps every item, unknown and empty ones included, with no log; ' +
      '[hooks.go `hookSetDeletePolicy`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L237) adds `before-hook-creation` only when the list is empty. Verified: ' +
      '`hook-success` → `["hook-success"]`, `""` → `[""]`, and an upgrade sent no DELETE for such hooks. Users ' +
      'met it as `already exists` ([helm/community#257](https://github.com/helm/community/issues/257), [yugabyte/charts#195](https://github.com/yugabyte/charts/issues/195)).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      '    helm.sh/hook-delete-policy: before-hook-creation,hook-success',
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
      if (entry) checkDeletePolicy(context, set, entry);
    }
  },
});

function checkDeletePolicy(context: FileRuleContext, set: AnnotationSet, entry: EntryModel): void {
  const { file } = context;
  const value = entry.value;
  if (value.kind === 'seq' || value.kind === 'map') {
    context.report(collectionReport(file, set, entry, SPEC));
    return;
  }
  if (value.kind !== 'scalar') return;

  const nonString = nonStringPolicyReport(set, value, SPEC);
  if (nonString) {
    context.report(nonString);
    return;
  }
  const subject = capitalize(thisResource(set.resource));
  if (!value.templated && (value.helmString ?? '').trim() === '') {
    context.report({
      range: valueOrKeyRange(entry),
      messageId: 'empty',
      data: { subject },
      help:
        `Remove the annotation to get the default, or name the policies, for example "${SPEC.example}". Helm stores the empty ` +
        `policy, which deletes nothing, and because the annotation is set, its default before-hook-creation no longer applies: ` +
        `${leftBehind(context.helmVersion)}.`,
    });
    return;
  }

  const list = splitList(value, file.text);
  const defaultLost = list.certain && !list.items.some((item) => isDeletePolicy(item.raw));
  const neverDeleted: ItemOutcome = {
    id: 'neverDeleted',
    data: { subject },
    explanation:
      'Helm stores an unknown policy without complaint and never deletes the hook for it; and because the annotation is set, ' +
      `the default before-hook-creation no longer applies: ${leftBehind(context.helmVersion)}.`,
  };
  const deletesNothing: ItemOutcome = {
    id: 'deletesNothing',
    explanation: 'Helm stores an unknown policy without complaint and never deletes the hook for it.',
  };
  const ignored: ItemOutcome = {
    id: 'ignored',
    explanation: 'Helm stores the empty item, which deletes nothing, so removing the comma changes nothing.',
  };
  list.items.forEach((item, index) => {
    if (!item.certain || isDeletePolicy(item.raw)) return;
    if (item.normalized === '') {
      // With no other text the list names no policy (an uncertain item has text), so the default is lost.
      const report = hasOtherItems(list, index)
        ? { ...unknownItemReport(list, index, value.range, SPEC, ignored), severity: 'info' as const }
        : unknownItemReport(list, index, value.range, SPEC, neverDeleted);
      context.report(report);
      return;
    }
    context.report(unknownItemReport(list, index, value.range, SPEC, defaultLost ? neverDeleted : deletesNothing));
  });
}

/** Whether an item other than `index` has text, so an empty item adds nothing to what the others already decide. */
function hasOtherItems(list: SplitList, index: number): boolean {
  return list.items.some((other, otherIndex) => otherIndex !== index && other.raw.trim() !== '');
}

function leftBehind(helmVersion: HelmVersion): string {
  const meets =
    helmVersion === 4
      ? 'Helm 4 applies the new one over it in place, so a Job that already completed does not run again'
      : 'Helm 3 fails with "… already exists"';
  return `this hook object is never deleted, and the next run of the hook meets the old one (${meets})`;
}
