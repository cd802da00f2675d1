import type { AnnotationSet, EntryModel, ValueModel } from '../model/document';
import { parseHookWeight, WEIGHT_KEY } from '../model/hook';
import { goAtoi, isInt64, resolvePlainScalar } from '../model/scalar';
import type { TemplateAction } from '../template/scanner';
import { describeKind, nonStringKind, rejection } from './support/annotation-values';
import { doubleQuoted, helmEntry, hookAnnotationSets, shown, subjectOf } from './support/helpers';
import type { FileRuleContext, Report } from './rule';
import { defineRule } from './rule';

export const unquotedHookWeight = defineRule({
  id: 'unquoted-hook-weight',
  defaultSeverity: 'error',
  summary: 'A hook weight Kubernetes decodes as a number: the object is rejected at install.',
  fixable: true,
  reads: 'document',
  messages: {
    notString: '{{rejection}}: the weight {{weight}} is {{kind}}, not a string.',
    notStringCollection: '{{rejection}}: the weight is {{kind}}, not a string.',
    templatedOutput:
      "Kubernetes rejects {{subject}} at install if the weight {{weight}} renders a number: the template's output is not quoted.",
    partlyTemplated:
      'Kubernetes rejects {{subject}} at install if the weight {{weight}} renders a number: it is partly templated and not quoted.',
  },
  docs: {
    description:
      'An unquoted `helm.sh/hook-weight: -5` looks right and passes `helm template`, `helm lint` and ' +
      '`helm install --dry-run`, but Kubernetes decodes it as a number and annotation values must be strings: the real ' +
      "install fails inside Helm's client, before the hook is created, and the release is marked failed. Every plain " +
      'scalar that YAML 1.1 reads as a number or boolean does this: `5`, `-5`, `+5`, `010`, `0x10`, `1_000`, `5.0`, ' +
      '`1e3`, `true`. Helm itself reads such a weight with YAML 1.1 rules, so an unquoted `010` was sorted as weight 8 ' +
      'while a quoted `"010"` is weight 10. A template such as `{{ .Values.weight }}` outside quotes renders the same ' +
      'unquoted number: it is reported as a warning, since its output is not known without the values. Fixes: quote ' +
      'the integer as typed (`-5` → `"-5"`), write an integral float as the integer (`5.0` → `"5"`), pipe a template ' +
      'through `quote`; a hexadecimal, octal or binary weight is offered in decimal as an unsafe alternative, since ' +
      "Helm's `strconv.Atoi` reads only decimal.",
    helmFact:
      'Kubernetes decodes annotations into `map[string]string`; an unquoted number fails with `json: cannot unmarshal ' +
      "number into Go struct field ObjectMeta.metadata.annotations of type string`, for a hook inside Helm's kube " +
      "client at install (`unable to build kubernetes object for deleting hook …`). Helm's own parser converts the " +
      'scalar with YAML 1.1 rules, then applies `strconv.Atoi` ([manifest_sorter.go `calculateHookWeight`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go#L227), [client.go `Build`](https://github.com/helm/helm/blob/v4.1.4/pkg/kube/client.go#L546); ' +
      '[apollographql/router#1881](https://github.com/apollographql/router/issues/1881), [influxdata/helm-charts#839](https://github.com/influxdata/helm-charts/issues/839)).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-weight: -5',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-weight: "-5"',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    for (const set of hookAnnotationSets(context.file)) {
      const entry = helmEntry(set, WEIGHT_KEY);
      if (!entry) continue;
      if (entry.value.templated) checkTemplated(context, set, entry);
      else checkLiteral(context, set, entry);
    }
  },
});

function checkLiteral(context: FileRuleContext, set: AnnotationSet, entry: EntryModel): void {
  const value = entry.value;
  const kind = nonStringKind(value);
  if (!kind) return;
  const { short, detail } = rejection(value, kind, set);
  if (kind === 'array' || kind === 'object') {
    context.report({
      range: value.range,
      messageId: 'notStringCollection',
      data: { rejection: short, kind: describeKind(kind) },
      help: `Write one quoted integer, for example "5". Annotation values must be strings: ${detail}.`,
    });
    return;
  }
  const typed = shown(value.source);
  const why = `Annotation values must be strings, and YAML reads an unquoted ${typed} as ${describeKind(kind)}: ${detail}. ${helmReading(value)}.`;
  const report: Report = {
    range: value.range,
    messageId: 'notString',
    data: { rejection: short, weight: typed, kind: describeKind(kind) },
    help: `Write the weight as a quoted whole number within the 64-bit range, for example "5". ${why}`,
  };
  const fix = value.tag ? undefined : quotedWeight(value);
  if (fix) {
    const weight = parseHookWeight(fix.text).weight;
    const differs = weight !== parseHookWeight(value.helmString).weight;
    let advice: string;
    if (differs) advice = `Quote it: "${fix.text}", which Helm reads as weight ${weight}.`;
    else if (fix.safe) advice = `Quote it: "${fix.text}".`;
    else advice = `Write it in decimal: "${fix.text}", since Helm's strconv.Atoi reads only decimal digits.`;
    report.help = `${advice} ${why}`;
    report.fixes = [
      {
        title: `Quote the weight: "${fix.text}"`,
        safe: fix.safe,
        edits: [{ range: value.range, newText: doubleQuoted(fix.text) }],
      },
    ];
  }
  context.report(report);
}

/** "Unquoted, Helm reads weight 8", or why Helm falls back to 0. */
function helmReading(value: ValueModel): string {
  const text = shown(value.helmString ?? '');
  const { weight, valid } = parseHookWeight(value.helmString ?? '');
  if (!valid) return `Helm reads it as "${text}", which strconv.Atoi rejects, so it would use weight 0`;
  if (value.kubeType === 'int' && value.helmString !== value.source && /^[+-]?0[0-7_]+$/.test(value.source)) {
    return `Unquoted, Helm reads weight ${weight}, because YAML 1.1 reads ${value.source} as octal`;
  }
  return `Unquoted, Helm reads weight ${weight}`;
}

/**
 * The quoted text that keeps what the user meant, and whether that is certain: the integer as typed when Atoi reads
 * it (without the digit separators YAML allowed), an integral float as its integer. A hexadecimal, octal or binary
 * literal is converted to decimal, which Atoi needs, but the user may have meant the digits: unsafe.
 */
function quotedWeight(value: ValueModel): { text: string; safe: boolean } | undefined {
  const typed = value.decoded ?? '';
  const resolved = resolvePlainScalar(typed);
  if (resolved.type === 'int') {
    if (goAtoi(typed) !== undefined) return { text: typed, safe: true };
    const separated = typed.replace(/_/g, '');
    if (goAtoi(separated) === resolved.int) return { text: separated, safe: true };
    if (isInt64(resolved.int!)) return { text: resolved.int!.toString(), safe: false };
    return undefined;
  }
  if (resolved.type === 'float' && Number.isSafeInteger(resolved.float)) {
    return { text: BigInt(resolved.float!).toString(), safe: true };
  }
  return undefined;
}

function checkTemplated(context: FileRuleContext, set: AnnotationSet, entry: EntryModel): void {
  const value = entry.value;
  // Quoted or block scalars render a string whatever the actions print.
  if (value.kind !== 'scalar' || value.style !== 'plain') return;
  // Where an action never closes, the text after it is not known to be this value: unclosed-template-action's.
  if (value.actions.some((action) => !action.closed)) return;
  const outputs = value.actions.filter((action) => action.kind === 'output');
  const text = context.file.text;
  const whole =
    outputs.length === 1 &&
    value.actions.length === 1 &&
    outputs[0]!.range.start === value.range.start &&
    outputs[0]!.range.end === value.range.end
      ? outputs[0]!
      : undefined;
  const data = { subject: subjectOf(set), weight: shown(value.source) };
  const why =
    'Without quotes, a rendered number such as 5 stays a YAML number, and annotation values must be strings: Kubernetes rejects ' +
    'the object at install, although helm template, helm lint and --dry-run=client pass.';
  if (whole) {
    const pipeline = text.slice(whole.inner.start, whole.inner.end);
    if (endsInQuote(pipeline)) return;
    const insertAt = whole.inner.start + pipeline.trimEnd().length;
    context.report({
      range: value.range,
      uncertain: true,
      messageId: 'templatedOutput',
      data,
      help: `Pipe it through quote: ${text.slice(whole.range.start, insertAt)} | quote${text.slice(insertAt, whole.range.end)}. ${why}`,
      fixes: [
        {
          title: 'Append | quote',
          safe: quotesSafely(pipeline),
          edits: [{ range: { start: insertAt, end: insertAt }, newText: ' | quote' }],
        },
      ],
    });
    return;
  }
  if (!mayRenderNonString(literalParts(text, value.range, value.actions))) return;
  context.report({
    range: value.range,
    uncertain: true,
    messageId: 'partlyTemplated',
    data,
    help: `Put the whole value in double quotes. ${why}`,
  });
}

/** The top-level commands of a pipeline: split on `|` outside strings, character constants and parentheses. */
function pipelineCommands(pipeline: string): string[] {
  const commands: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < pipeline.length; i++) {
    const char = pipeline[i]!;
    if (char === '"' || char === "'") {
      for (i++; i < pipeline.length && pipeline[i] !== char; i++) if (pipeline[i] === '\\') i++;
    } else if (char === '`') {
      i = pipeline.indexOf('`', i + 1);
      if (i < 0) break;
    } else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === '|' && depth === 0) {
      commands.push(pipeline.slice(start, i));
      start = i + 1;
    }
  }
  commands.push(pipeline.slice(start));
  return commands.map((command) => command.trim());
}

/** The pipeline's last command is `quote` or `squote` (`x | quote`, `quote x`, `(x | quote)`). */
function endsInQuote(pipeline: string): boolean {
  const last = pipelineCommands(pipeline).pop() ?? '';
  if (last.startsWith('(') && last.endsWith(')') && balanced(last.slice(1, -1))) return endsInQuote(last.slice(1, -1));
  return /^s?quote(\s|$)/.test(last);
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const char of withoutStrings(text)) {
    if (char === '(') depth++;
    else if (char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function withoutStrings(pipeline: string): string {
  return pipeline.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
}

/**
 * Functions that pass a value through or compute a number. Any other (`include`, `toJson`, `printf`, …) may already
 * print quotes, and quoting its output again would change the weight.
 */
const PASS_THROUGH_FUNCTIONS = new Set([
  'default',
  'int',
  'int64',
  'toString',
  'atoi',
  'add',
  'add1',
  'sub',
  'mul',
  'div',
  'max',
  'min',
  'coalesce',
  'required',
  'trim',
]);

function quotesSafely(pipeline: string): boolean {
  const code = withoutStrings(pipeline);
  const functions = code.match(/(?<![\w.$])[A-Za-z_]\w*/g) ?? [];
  return functions.every(
    (name) => name === 'true' || name === 'false' || name === 'nil' || PASS_THROUGH_FUNCTIONS.has(name),
  );
}

function literalParts(text: string, range: { start: number; end: number }, actions: TemplateAction[]): string {
  let result = '';
  let cursor = range.start;
  for (const action of actions) {
    if (action.range.start > cursor) result += text.slice(cursor, Math.min(action.range.start, range.end));
    cursor = Math.max(cursor, action.range.end);
  }
  if (cursor < range.end) result += text.slice(cursor, range.end);
  return result;
}

/**
 * Whether literal text around template output can still be part of a YAML 1.1 number or boolean: only digits, signs,
 * `.`, `_` and the letters of `0x`/`0o`/`0b` prefixes, hexadecimal digits, exponents, `.inf`/`.nan` and the boolean
 * words (`yes`, `no`, `on`, `off`, `true`, `false`, `y`, `n`) can be.
 */
function mayRenderNonString(literal: string): boolean {
  return /^[0-9+\-._a-fA-FiIlLnNoOrRsStTuUxXyY]*$/.test(literal);
}
