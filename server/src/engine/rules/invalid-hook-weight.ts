import type { AnnotationSet, EntryModel, ValueModel } from '../model/document';
import { HOOK_KEY, WEIGHT_KEY } from '../model/hook';
import { goAtoi, isInt64, resolvePlainScalar } from '../model/scalar';
import { helmEntry, hookAnnotationSets, shown } from './support/helpers';
import { argoCdOnly, hasArgoSyncWave } from './support/targets';
import type { FileRuleContext, Report } from './rule';
import { defineRule } from './rule';

export const invalidHookWeight = defineRule({
  id: 'invalid-hook-weight',
  defaultSeverity: 'error',
  summary: 'A hook weight `strconv.Atoi` rejects: Helm silently uses 0.',
  fixable: true,
  messages: {
    rejectedWeight:
      'Helm silently runs this hook at weight 0: strconv.Atoi rejects the weight {{weight}} ({{problem}}).',
  },
  reads: 'document',
  docs: {
    description:
      "Helm reads `helm.sh/hook-weight` with Go's `strconv.Atoi`: an optional sign and decimal digits, nothing else, " +
      'within the 64-bit range. Any other text — a space (`" 5"`, `"5 "`), a decimal point (`"5.0"`), hexadecimal ' +
      '(`"0x10"`), digit separators (`"1_000"`), a word (`"high"`), an empty string, a number too large, or a `|` ' +
      'block scalar, which ends in a line break — is silently read as weight **0**: no error, no log, and the hook ' +
      'runs in the wrong place among the others. `"+5"`, `"007"` and `"-0"` are fine. Fix: the integer meant, when it ' +
      'is plain — whitespace removed and an integral decimal written as an integer are safe; a hexadecimal value or ' +
      'one with digit separators is offered in decimal as an unsafe alternative. Argo CD reads the weight as the sync ' +
      'wave with the same `strconv.Atoi`, and uses wave 0 too; with the `argocd` target alone the rule is silent where ' +
      '`argocd.argoproj.io/sync-wave` holds a number, since Argo CD then never reads the weight.',
    helmFact:
      '[manifest_sorter.go `calculateHookWeight`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L227): `hw, err := strconv.Atoi(value)`, and weight 0 on any error, with no ' +
      'trimming and no log.',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-weight: "5.0"',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-weight: "5"',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    for (const set of hookAnnotationSets(context.file)) {
      const entry = helmEntry(set, WEIGHT_KEY);
      if (!entry || !mayBeHook(set)) continue;
      // Argo CD alone: its sync wave decides, and the weight is never read.
      if (argoCdOnly(context.targets) && hasArgoSyncWave(set.mapping)) continue;
      checkWeight(context, entry);
    }
  },
});

/** Helm reads the weight only on a hook; the own annotations of an object that is certainly not one are skipped. */
function mayBeHook(set: AnnotationSet): boolean {
  return set.origin !== 'object' || set.mapping.hasUnknownEntries || helmEntry(set, HOOK_KEY) !== undefined;
}

function checkWeight(context: FileRuleContext, entry: EntryModel): void {
  const value = entry.value;
  // A value Kubernetes does not decode as a string is unquoted-hook-weight's; null means no weight.
  if (value.kind !== 'scalar' || value.templated || value.kubeType !== 'string') return;
  const text = value.helmString ?? '';
  if (goAtoi(text) !== undefined) return;
  const range = trimmedRange(context.file.text, value);
  const why =
    "Helm reads the weight with Go's strconv.Atoi, which accepts only an optional sign and decimal digits, and on any error " +
    'uses weight 0 without a warning.';
  const report: Report = {
    range,
    messageId: 'rejectedWeight',
    data: { weight: JSON.stringify(shown(text)), problem: problemOf(text) },
    help: `Write a whole number in quotes, for example "5", or remove the annotation for weight 0. ${why}`,
  };
  const meant = integerMeant(text);
  if (meant) {
    const quoted = value.style === 'single' ? `'${meant.text}'` : `"${meant.text}"`;
    report.help = `${meant.safe ? `Write ${quoted}.` : `If you meant ${meant.text}, write ${quoted}.`} ${why}`;
    report.fixes = [{ title: `Change the weight to ${quoted}`, safe: meant.safe, edits: [{ range, newText: quoted }] }];
  }
  context.report(report);
}

/** A block scalar's range runs through its final line break; the value ends at its last character. */
function trimmedRange(text: string, value: ValueModel): { start: number; end: number } {
  const source = text.slice(value.range.start, value.range.end);
  return { start: value.range.start, end: value.range.start + source.trimEnd().length };
}

/** Go's strings.TrimSpace (Unicode White_Space). */
function goTrimSpace(text: string): string {
  return text.replace(/^[\s\u0085]+|[\s\u0085]+$/g, '');
}

function problemOf(text: string): string {
  if (text === '') return 'it is empty';
  if (goTrimSpace(text) !== text)
    return /\n$/.test(text) ? 'it ends in a line break' : 'it has spaces around the number';
  if (/^[+-]?[0-9]+$/.test(text)) return 'it does not fit in 64 bits';
  if (/^[+-]?[0-9]+\.[0-9]*$/.test(text)) return 'it has a decimal point';
  if (/^[+-]?0[xXoObB]/.test(text)) return 'it reads only decimal digits';
  if (text.includes('_')) return 'it does not allow digit separators';
  return 'it is not a whole number';
}

/**
 * The integer the text plainly means, when Atoi accepts it: surrounding whitespace removed, or an integral decimal
 * such as 5.0 written as 5 — both safe. A hexadecimal, octal, binary, exponent or digit-separated form is read the way
 * YAML would read it, which may not be what was meant: unsafe.
 */
function integerMeant(text: string): { text: string; safe: boolean } | undefined {
  const trimmed = goTrimSpace(text);
  if (trimmed === '') return undefined;
  if (goAtoi(trimmed) !== undefined) return { text: trimmed, safe: true };
  const resolved = resolvePlainScalar(trimmed);
  if (resolved.type === 'int' && isInt64(resolved.int!)) return { text: resolved.int!.toString(), safe: false };
  if (resolved.type === 'float' && Number.isSafeInteger(resolved.float)) {
    return { text: BigInt(resolved.float!).toString(), safe: /^[+-]?[0-9]+\.[0-9]*$/.test(trimmed) };
  }
  return undefined;
}
