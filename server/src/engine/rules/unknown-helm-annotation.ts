import type { TemplateFile } from '../analysis/file';
import type { AnnotationSet, EntryModel } from '../model/document';
import { lastEntry } from '../model/document';
import {
  DELETE_POLICY_KEY,
  HOOK_KEY,
  HOOK_KEYS,
  KNOWN_HELM_KEYS,
  OUTPUT_LOG_POLICY_KEY,
  RESOURCE_POLICY_KEY,
  WEIGHT_KEY,
} from '../model/hook';
import { nearest } from '../core/text';
import { renameKeyEdit } from './support/annotation-keys';
import { capitalize, shown, thisResource } from './support/helpers';
import type { FileRuleContext, MessageData, Report } from './rule';
import { defineRule } from './rule';

const PREFIX = 'helm.sh/';
const KNOWN: readonly string[] = KNOWN_HELM_KEYS;
/** The annotations Helm acts on; `helm.sh/chart` is only a label convention. */
const READ_KEYS: readonly string[] = [...HOOK_KEYS, RESOURCE_POLICY_KEY];
const KNOWN_NAMES: readonly string[] = KNOWN.map((key) => key.slice(PREFIX.length));

const IGNORED = 'Helm ignores "{{key}}"';

/**
 * The messages for a key that Helm ignores and that looks like `{{meant}}`, by id `<id>WrongCase` (only the case
 * differs) and `<id>Misspelled`, led by `effect`: what follows from Helm not reading the key the user meant.
 */
function suggestionMessages(id: string, effect?: string): Record<string, string> {
  const lead = effect ? `${effect}: ${IGNORED}` : IGNORED;
  return {
    [`${id}WrongCase`]: `${lead} (annotation keys are case-sensitive).`,
    [`${id}Misspelled`]: `${lead} (did you mean "{{meant}}"?).`,
  };
}

/** What follows from Helm not reading the key the user meant: the message ids it leads and their data. */
interface Effect {
  id: string;
  data?: MessageData;
}

interface KeySuggestion {
  key: string;
  safe: boolean;
  caseOnly: boolean;
}

export const unknownHelmAnnotation = defineRule({
  id: 'unknown-helm-annotation',
  defaultSeverity: 'warning',
  summary: 'A `helm.sh/` annotation key Helm does not read.',
  fixable: true,
  messages: {
    notRead: `${IGNORED}: it is not an annotation Helm reads.`,
    alreadySet: `${IGNORED}: "{{meant}}" is already set here.`,
    ...suggestionMessages('ignored'),
    ...suggestionMessages('notHook', '{{subject}} runs as a normal resource, not as a hook'),
    ...suggestionMessages('notHookInDefine', 'Objects that include this run as normal resources, not as hooks'),
    ...suggestionMessages('weightZero', '{{hook}} runs with weight 0'),
    ...suggestionMessages('defaultDeletePolicy', '{{hook}} gets the default delete policy, before-hook-creation'),
    ...suggestionMessages('noLogs', 'Helm prints no logs of {{hook}}'),
    ...suggestionMessages('deletedOnUninstall', 'helm uninstall deletes {{subject}}'),
  },
  reads: 'document',
  docs: {
    description:
      'Helm looks up its annotations by exact, case-sensitive key: `helm.sh/hook`, `helm.sh/hook-weight`, ' +
      '`helm.sh/hook-delete-policy`, `helm.sh/hook-output-log-policy` and `helm.sh/resource-policy` (`helm.sh/chart` ' +
      'is the usual chart label). Any other `helm.sh/` key, such as `helm.sh/hooks`, `helm.sh/hook-weights`, ' +
      '`helm.sh/delete-policy` or `Helm.sh/hook`, is silently ignored, and `helm lint` says nothing. A misspelled ' +
      '`helm.sh/hook` turns the hook into a normal release resource: a migration Job meant to run before the upgrade ' +
      'runs alongside it, and the next upgrade that changes its pod template fails. Keys in a `define` are checked when ' +
      'the same file includes that define. Fix: the nearest key Helm reads.',
    helmFact:
      '[manifest_sorter.go `(*manifestFile).sort`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L139) reads `metadata.annotations` into a `map[string]string` and looks up the exact key ' +
      '`helm.sh/hook`; `Helm.sh/hook` and `helm.sh/hooks` leave the resource a normal release resource. The only ' +
      'hook keys Helm reads are `helm.sh/hook`, `helm.sh/hook-weight`, `helm.sh/hook-delete-policy` and ' +
      '`helm.sh/hook-output-log-policy` ([manifest_sorter.go `(*manifestFile).sort`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L139)); no other `helm.sh/hook-*` key exists. ' +
      'Users met it as [helm/helm#2995](https://github.com/helm/helm/issues/2995), a weight under a key Helm does ' +
      'not read.',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hooks: pre-upgrade',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    const { file } = context;
    for (const set of file.model.annotationSets) {
      if (set.origin === 'define' && !isIncludedDefine(file, set)) continue;
      for (const entry of set.mapping.entries) {
        if (entry.keyTemplated || !entry.key.toLowerCase().startsWith(PREFIX) || KNOWN.includes(entry.key)) continue;
        checkKey(context, set, entry);
      }
    }
  },
});

function checkKey(context: FileRuleContext, set: AnnotationSet, entry: EntryModel): void {
  const suggestion = suggestKey(entry.key);
  const report: Report = suggestion
    ? misspelledReport(context.file.path, set, entry, suggestion)
    : {
        range: entry.keyRange,
        messageId: 'notRead',
        data: { key: shown(entry.key) },
        help: `Remove it, or use a key Helm reads: ${READ_KEYS.join(', ')}.`,
      };
  const meant = suggestion?.key;
  // In a pod template the right key would be ignored too: the fix there is to move it, which misplaced-hook-annotation explains.
  const edit =
    meant && lastEntry(set.mapping, meant) === undefined && set.origin !== 'nested'
      ? renameKeyEdit(context.file, entry, meant)
      : undefined;
  if (suggestion && edit) report.fixes = [{ title: `Change to "${meant}"`, safe: suggestion.safe, edits: [edit] }];
  context.report(report);
}

function misspelledReport(path: string, set: AnnotationSet, entry: EntryModel, suggestion: KeySuggestion): Report {
  const meant = suggestion.key;
  const data = { key: shown(entry.key), meant };
  const exact = 'Helm looks up its annotations by exact, case-sensitive key.';
  const existing = lastEntry(set.mapping, meant);
  if (existing) {
    return {
      range: entry.keyRange,
      messageId: 'alreadySet',
      data,
      help: `Remove this key. ${exact}`,
      related: [{ file: path, range: existing.keyRange, message: `"${meant}" is set here` }],
    };
  }
  const problem = suggestion.caseOnly ? 'WrongCase' : 'Misspelled';
  if (set.origin === 'nested') {
    return {
      range: entry.keyRange,
      messageId: `ignored${problem}`,
      data,
      help: `Write "${meant}" in the object's own metadata.annotations: Helm would not read it here either, under ${set.path.join('.')}. ${exact}`,
    };
  }
  const effect = consequence(set, meant) ?? { id: 'ignored' };
  return {
    range: entry.keyRange,
    messageId: effect.id + problem,
    data: { ...effect.data, ...data },
    help: `Change the key to "${meant}". ${exact}`,
  };
}

/**
 * The key Helm reads that the user most likely meant: the same key in another case, a close spelling of the name
 * after `helm.sh/` (a safe fix when unique and at most two edits away), or the one known name that contains what was
 * written (`helm.sh/delete-policy` → `helm.sh/hook-delete-policy`, a guess, so not safe).
 */
function suggestKey(key: string): KeySuggestion | undefined {
  const lower = key.toLowerCase();
  if (KNOWN.includes(lower)) return { key: lower, safe: true, caseOnly: true };
  const name = lower.slice(PREFIX.length);
  const close = nearest(name, KNOWN_NAMES);
  if (close && close.distance <= 2) return { key: PREFIX + close.value, safe: close.unique, caseOnly: false };
  const containing = name.length >= 4 ? KNOWN_NAMES.filter((known) => known.includes(name)) : [];
  if (containing.length === 1) return { key: PREFIX + containing[0]!, safe: false, caseOnly: false };
  if (close) return { key: PREFIX + close.value, safe: false, caseOnly: false };
  return undefined;
}

/**
 * What follows from Helm not reading the key the user meant, to lead the message (Helm reads only the exact keys, see
 * manifest_sorter.go `(*manifestFile).sort`); undefined when nothing visible changes.
 */
function consequence(set: AnnotationSet, meant: string): Effect | undefined {
  const inDefine = set.origin === 'define';
  const isHook = inDefine || lastEntry(set.mapping, HOOK_KEY) !== undefined;
  const hook = inDefine ? 'a hook that includes this' : 'the hook';
  switch (meant) {
    case HOOK_KEY:
      return inDefine
        ? { id: 'notHookInDefine' }
        : { id: 'notHook', data: { subject: capitalize(thisResource(set.resource)) } };
    case WEIGHT_KEY:
      return isHook ? { id: 'weightZero', data: { hook: capitalize(hook) } } : undefined;
    case DELETE_POLICY_KEY:
      return isHook ? { id: 'defaultDeletePolicy', data: { hook: capitalize(hook) } } : undefined;
    case OUTPUT_LOG_POLICY_KEY:
      return isHook ? { id: 'noLogs', data: { hook } } : undefined;
    case RESOURCE_POLICY_KEY:
      if (inDefine) return { id: 'deletedOnUninstall', data: { subject: 'objects that include this' } };
      return isHook ? undefined : { id: 'deletedOnUninstall', data: { subject: thisResource(set.resource) } };
    default:
      return undefined;
  }
}

/** A define renders nothing unless something includes it; only an include in the same file is visible here. */
function isIncludedDefine(file: TemplateFile, set: AnnotationSet): boolean {
  const start = set.mapping.node?.range?.[0];
  if (start === undefined) return false;
  const define = file.scan.defines.find((candidate) => candidate.body.start <= start && start < candidate.body.end);
  if (!define) return false;
  const name = define.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b(?:include|template)\\s+(?:"${name}"|\`${name}\`)`).test(file.text);
}
