import type { AnnotationSet, EntryModel } from '../model/document';
import { normalizeItem, OUTPUT_LOG_POLICIES, OUTPUT_LOG_POLICY_KEY, splitList } from '../model/hook';
import { hookAnnotationSets, shown, valueOrKeyRange } from './support/helpers';
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
import type { FileRuleContext } from './rule';
import { defineRule } from './rule';

/** The kinds whose logs Helm reads (hooks.go outputLogsByPolicy): a Job's pods and a Pod. */
const LOGGED_KINDS = ['Job', 'Pod'];

const SPEC: ListSpec = {
  key: OUTPUT_LOG_POLICY_KEY,
  noun: 'output log policy',
  plural: 'output log policies',
  listing: `Output log policies are ${OUTPUT_LOG_POLICIES.join(', ')}`,
  names: OUTPUT_LOG_POLICIES,
  isKnown: isOutputLogPolicy,
  example: 'hook-failed',
};

function isOutputLogPolicy(item: string): boolean {
  return (OUTPUT_LOG_POLICIES as readonly string[]).includes(normalizeItem(item));
}

export const unknownOutputLogPolicy = defineRule({
  id: 'unknown-output-log-policy',
  defaultSeverity: 'error',
  summary: 'An item of `helm.sh/hook-output-log-policy` Helm does not know.',
  fixable: true,
  messages: {
    notLogged:
      'helm.sh/hook-output-log-policy does nothing here: Helm prints hook logs only from Job and Pod hooks, not from a {{kind}}.',
    notLoggedWithoutKind:
      'helm.sh/hook-output-log-policy does nothing here: Helm prints hook logs only from Job and Pod hooks, not from a resource without a kind.',
    empty: 'Helm prints no logs of this hook: helm.sh/hook-output-log-policy is empty.',
    nonString: NON_STRING_MESSAGE,
    collection: collectionMessage(SPEC),
    ...itemMessages(SPEC, 'noLogs', 'Helm prints no hook logs for this item', NAMED_ITEM_PROBLEMS),
    ...itemMessages(SPEC, 'ignored', 'Helm ignores it', EMPTY_ITEM_PROBLEMS),
  },
  target: 'helm',
  reads: 'document',
  docs: {
    description:
      "`helm.sh/hook-output-log-policy` (Helm 3.18+ and 4, not in the helm.sh docs) asks Helm to print a hook's " +
      'container logs when it succeeds (`hook-succeeded`), fails (`hook-failed`) or both. Helm splits the value on ' +
      'commas, trims and lower-cases each item and stores unknown items without a word, then ignores them: with ' +
      '`on-failure` or `hook-failure` no logs are printed, which you notice only when a hook fails and its output is ' +
      'missing. Helm reads logs only from Job and Pod hooks, so on any other kind the annotation has no effect ' +
      '(reported as info). Fixes: the nearest policy, removing a stray comma, commas instead of other separators, ' +
      'joining a list.',
    helmFact:
      '[manifest_sorter.go `operateAnnotationValues`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L237) keeps every item; [hooks.go `outputLogsByPolicy`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L250) prints logs only ' +
      'for a listed `hook-succeeded` / `hook-failed` and only for kind Job (pods labelled `job-name`) and Pod; the ' +
      'default is no log output ([hook.go `HookOutputLogPolicy`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/hook.go#L55); added by [HIP-0019](https://github.com/helm/community/blob/main/hips/hip-0019.md)).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      '    helm.sh/hook-output-log-policy: hook-failure',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      '    helm.sh/hook-output-log-policy: hook-failed',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    for (const set of hookAnnotationSets(context.file)) {
      const entry = hookOnlyEntry(set, OUTPUT_LOG_POLICY_KEY);
      if (entry) checkOutputLogPolicy(context, set, entry);
    }
  },
});

function checkOutputLogPolicy(context: FileRuleContext, set: AnnotationSet, entry: EntryModel): void {
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

  const kind = set.resource?.kind;
  const kindText = kind && kind.kind === 'scalar' && !kind.templated ? kind.helmString : undefined;
  if (kindText !== undefined && !LOGGED_KINDS.includes(kindText)) {
    context.report({
      range: valueOrKeyRange(entry),
      severity: 'info',
      ...(kindText
        ? { messageId: 'notLogged', data: { kind: shown(kindText, 30) } }
        : { messageId: 'notLoggedWithoutKind' }),
      help: 'Remove the annotation, or put it on the Job or Pod whose logs you want.',
    });
    return;
  }

  if (!value.templated && (value.helmString ?? '').trim() === '') {
    context.report({
      range: valueOrKeyRange(entry),
      severity: 'info',
      messageId: 'empty',
      help: 'Name when to print them ("hook-failed", "hook-succeeded" or both), or remove the annotation. An empty policy prints nothing, as without the annotation.',
    });
    return;
  }

  const list = splitList(value, file.text);
  // An empty item asks for nothing: Helm prints exactly what the other items ask for.
  const ignored: ItemOutcome = { id: 'ignored', explanation: 'Helm stores the empty item and ignores it.' };
  const noLogs: ItemOutcome = {
    id: 'noLogs',
    explanation: 'Helm stores an unknown policy without complaint and ignores it.',
  };
  list.items.forEach((item, index) => {
    if (!item.certain || isOutputLogPolicy(item.raw)) return;
    if (item.normalized === '') {
      context.report({ ...unknownItemReport(list, index, value.range, SPEC, ignored), severity: 'info' });
      return;
    }
    context.report(unknownItemReport(list, index, value.range, SPEC, noLogs));
  });
}
