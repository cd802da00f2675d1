import { EntryModel } from '../model/document';
import { eventOf, HOOK_EVENTS, HOOK_KEY, ListItem, splitList } from '../model/hook';
import { isNonString } from '../model/scalar';
import { nearest, TextRange } from '../text';
import { dropLogLine, helmEntry, hookAnnotationSets, literalSequenceItems, replaceValueEdit, valueOrKeyRange } from './helpers';
import { defineRule, FileRuleContext, Report } from './rule';

const EVENT_NAMES: readonly string[] = [...HOOK_EVENTS, 'test-success'];

export const unknownHookEvent = defineRule({
  id: 'unknown-hook-event',
  defaultSeverity: 'error',
  summary: 'An item of `helm.sh/hook` that Helm does not know: Helm drops the whole resource.',
  fixable: true,
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
      'manifest_sorter.go `(*manifestFile).sort`: an unknown item makes Helm skip the document with ' +
      '`level=INFO msg="skipping unknown hooks"` (Helm 4) or `info: skipping unknown hook` (Helm 3); a sequence value ' +
      'fails with `cannot unmarshal array into Go struct field .metadata.annotations of type string` ' +
      '(reference/helm-hooks.md §1.2, §1.3, vectors E06–E16, E20, Y11).',
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
      if (entry) checkHookValue(context, entry);
    }
  },
});

function checkHookValue(context: FileRuleContext, entry: EntryModel): void {
  const { file } = context;
  const value = entry.value;
  const dropped = `Helm drops this whole resource (neither a hook nor installed) and only logs ${dropLogLine(context.helmVersion)}`;

  if (value.kind === 'seq' || value.kind === 'map') {
    const items = literalSequenceItems(value, file);
    const report: Report = {
      range: value.range,
      message:
        `helm.sh/hook is a YAML ${value.kind === 'seq' ? 'list' : 'mapping'}, but annotation values must be strings: ` +
        '`helm template` and `helm install` fail with "cannot unmarshal ' + (value.kind === 'seq' ? 'array' : 'object') +
        ' into Go struct field .metadata.annotations of type string" (`helm lint` passes it). Write the events as one comma-separated string.',
    };
    if (items && items.length > 0) {
      const joined = items.map((item) => item.trim()).join(',');
      const safe = items.every((item) => eventOf(item) !== undefined);
      report.fixes = [{ title: `Join the events: ${joined}`, safe, edits: [replaceValueEdit(file, entry, joined)] }];
    }
    context.report(report);
    return;
  }
  if (value.kind !== 'scalar') return;

  if (!value.templated && value.kubeType && isNonString(value.kubeType)) {
    context.report({
      range: value.range,
      message: `YAML reads ${value.source} as ${value.kubeType === 'bool' ? 'a boolean' : 'a number'}, so Helm sees the event "${value.helmString}", which it does not know: ${dropped}.`,
    });
    return;
  }
  if (!value.templated && (value.helmString ?? '').trim() === '') {
    context.report({
      range: valueOrKeyRange(entry),
      message: `helm.sh/hook is empty: ${dropped}. Name the events, for example "pre-install,pre-upgrade".`,
    });
    return;
  }

  const list = splitList(value, file.text);
  const items = list.items;
  items.forEach((item, index) => {
    if (!item.certain || eventOf(item.raw)) return;
    const whole = !item.range;
    const range = item.range ?? value.range;
    if (item.normalized === '') {
      reportEmptyItem(context, items, index, list.commas, value.range, dropped);
      return;
    }
    if (item.normalized === 'crd-install') {
      context.report({
        range,
        message: `crd-install was removed in Helm 3: ${dropped}. Move this CustomResourceDefinition to the chart's crds/ directory, which Helm installs before anything else.`,
      });
      return;
    }
    if (item.normalized === 'test-failure') {
      context.report({
        range,
        message: `test-failure was removed in Helm 3: ${dropped}. Use "test"; a Helm 3 test passes when its Pod succeeds.`,
        fixes: whole ? [] : [{ title: 'Replace with "test"', safe: false, edits: [{ range, newText: 'test' }] }],
      });
      return;
    }
    const parts = item.normalized.split(/[\s;]+/).filter((part) => part !== '');
    if (parts.length > 1 && parts.every((part) => eventOf(part))) {
      const separator = item.normalized.includes(';') ? '";"' : 'spaces';
      const joined = parts.join(',');
      context.report({
        range,
        message: `Helm separates events with commas only, so "${item.raw.trim()}" (separated by ${separator}) is one unknown event: ${dropped}.`,
        fixes: whole ? [] : [{ title: `Separate with commas: ${joined}`, safe: true, edits: [{ range, newText: joined }] }],
      });
      return;
    }
    const suggestion = nearest(item.normalized, EVENT_NAMES);
    const hint = suggestion ? ` (did you mean "${suggestion.value}"?)` : '';
    const report: Report = {
      range,
      message: `Helm does not know the hook event "${item.raw.trim()}"${hint}: ${dropped}. Events are ${HOOK_EVENTS.join(', ')}.`,
    };
    if (suggestion && !whole) {
      report.fixes = [{ title: `Change to "${suggestion.value}"`, safe: suggestion.unique && suggestion.distance <= 2, edits: [{ range, newText: suggestion.value }] }];
    }
    context.report(report);
  });
}

function reportEmptyItem(context: FileRuleContext, items: ListItem[], index: number, commas: number[], valueRange: TextRange, dropped: string): void {
  const item = items[index]!;
  const isLast = index === items.length - 1;
  const isFirst = index === 0;
  // The comma that makes this item empty: the one before it (trailing / double comma) or, for a leading comma, after it.
  const commaOffset = isFirst ? commas[0] : commas[index - 1];
  if (commaOffset === undefined || !item.span) {
    context.report({ range: valueRange, message: `helm.sh/hook has an empty event: ${dropped}.` });
    return;
  }
  const comma = { start: commaOffset, end: commaOffset + 1 };
  const where = isLast ? 'A trailing comma' : isFirst ? 'A leading comma' : 'A double comma';
  const removal = isLast || !isFirst ? { start: commaOffset, end: item.span.end } : { start: item.span.start, end: commaOffset + 1 };
  context.report({
    range: comma,
    message: `${where} leaves an empty event in helm.sh/hook: ${dropped}.`,
    fixes: [{ title: 'Remove the stray comma', safe: true, edits: [{ range: removal, newText: '' }] }],
  });
}
