import type { AnnotationSet, EntryModel } from '../model/document';
import { eventOf, HOOK_EVENTS, HOOK_KEY, splitList } from '../model/hook';
import { isNonString } from '../model/scalar';
import { dropLogLine, helmEntry, hookAnnotationSets, shown, subjectOf, valueOrKeyRange } from './support/helpers';
import type { ItemOutcome, ListSpec } from './support/list-items';
import { collectionMessage, collectionReport, itemMessages, unknownItemReport } from './support/list-items';
import type { FileRuleContext } from './rule';
import { defineRule } from './rule';

const SPEC: ListSpec = {
  key: HOOK_KEY,
  noun: 'hook event',
  plural: 'events',
  listing: `Events are ${HOOK_EVENTS.join(', ')}`,
  names: [...HOOK_EVENTS, 'test-success'],
  isKnown: (item) => eventOf(item) !== undefined,
  example: 'pre-install,pre-upgrade',
};

const DROPPED = 'Helm silently drops {{subject}}';

export const unknownHookEvent = defineRule({
  id: 'unknown-hook-event',
  defaultSeverity: 'error',
  summary: 'An item of `helm.sh/hook` that Helm does not know: Helm drops the whole resource.',
  fixable: true,
  messages: {
    empty: `${DROPPED}: helm.sh/hook is empty.`,
    nonString: `${DROPPED}: YAML reads {{value}} as {{type}}, and "{{event}}" is not a hook event.`,
    crdInstall: `${DROPPED}: the crd-install hook was removed in Helm 3.`,
    testFailure: `${DROPPED}: the test-failure hook was removed in Helm 3.`,
    collection: collectionMessage(SPEC),
    ...itemMessages(SPEC, 'dropped', DROPPED),
  },
  reads: 'document',
  docs: {
    description:
      'Helm splits `helm.sh/hook` on commas, trims and lower-cases each item and looks it up among the nine events ' +
      '(`pre-install`, `post-install`, `pre-upgrade`, `post-upgrade`, `pre-rollback`, `post-rollback`, `pre-delete`, ' +
      '`post-delete`, `test`, plus the alias `test-success`). If **any** item is unknown, the whole document is ' +
      'dropped: it is neither run as a hook nor installed as a normal resource, and on an upgrade a previously ' +
      'installed copy is deleted. Helm logs one INFO line and exits 0; `helm lint` says nothing. Typos, an empty ' +
      'value, a trailing or double comma, spaces or `;` instead of commas, YAML booleans such as `on`, and the Helm 2 ' +
      'names `crd-install` and `test-failure` all do this. A YAML list (`[pre-install]`) is worse: `helm template` and ' +
      '`helm install` fail to decode the annotations. Fixes: the nearest event, removing a stray separator, joining ' +
      'a list with commas.',
    helmFact:
      'An unknown item makes Helm skip the document with ' +
      '`level=INFO msg="skipping unknown hooks"` (Helm 4) or `info: skipping unknown hook` (Helm 3); a sequence value ' +
      'fails with `cannot unmarshal array into Go struct field .metadata.annotations of type string` ' +
      '([manifest_sorter.go `(*manifestFile).sort`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L139), [manifest_sorter.go `events`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L54)). Users met it as [helm/charts#19890](https://github.com/helm/charts/issues/19890), ' +
      '[open-policy-agent/gatekeeper#846](https://github.com/open-policy-agent/gatekeeper/issues/846) and [argoproj/argo-helm#169](https://github.com/argoproj/argo-helm/issues/169).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-instal,pre-upgrade',
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
      if (entry) checkHookValue(context, set, entry);
    }
  },
});

function checkHookValue(context: FileRuleContext, set: AnnotationSet, entry: EntryModel): void {
  const { file } = context;
  const value = entry.value;
  const subject = { subject: subjectOf(set) };
  const why = `Helm drops the whole resource (neither run as a hook nor installed) and only logs ${dropLogLine(context.helmVersion)}.`;

  if (value.kind === 'seq' || value.kind === 'map') {
    context.report(collectionReport(file, set, entry, SPEC));
    return;
  }
  if (value.kind !== 'scalar') return;

  if (!value.templated && value.kubeType && isNonString(value.kubeType)) {
    const event = shown(value.helmString ?? '');
    context.report({
      range: value.range,
      messageId: 'nonString',
      data: {
        ...subject,
        value: shown(value.source),
        type: value.kubeType === 'bool' ? 'a boolean' : 'a number',
        event,
      },
      help: `Write the events as a quoted string, for example "${SPEC.example}". Helm reads the event "${event}", which it does not know: ${why}`,
    });
    return;
  }
  if (!value.templated && (value.helmString ?? '').trim() === '') {
    context.report({
      range: valueOrKeyRange(entry),
      messageId: 'empty',
      data: subject,
      help: `Name the events, for example "${SPEC.example}". An empty event is one Helm does not know: ${why}`,
    });
    return;
  }

  const list = splitList(value, file.text);
  const dropped: ItemOutcome = { id: 'dropped', data: subject, explanation: why };
  list.items.forEach((item, index) => {
    if (!item.certain || eventOf(item.raw)) return;
    const range = item.range ?? value.range;
    if (item.normalized === 'crd-install') {
      context.report({
        range,
        messageId: 'crdInstall',
        data: subject,
        help: `Move this CustomResourceDefinition to the chart's crds/ directory, which Helm installs before anything else. ${why}`,
      });
      return;
    }
    if (item.normalized === 'test-failure') {
      context.report({
        range,
        messageId: 'testFailure',
        data: subject,
        help: `Use "test": since Helm 3 a test passes when its Pod succeeds. ${why}`,
        fixes: item.range ? [{ title: 'Replace with "test"', safe: false, edits: [{ range, newText: 'test' }] }] : [],
      });
      return;
    }
    context.report(unknownItemReport(list, index, value.range, SPEC, dropped));
  });
}
