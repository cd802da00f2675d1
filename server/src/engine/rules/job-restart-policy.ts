import type { TemplateFile } from '../analysis/file';
import type { TextRange } from '../core/text';
import type { BlockMap } from './support/lifecycle-helpers';
import { DocumentWalker, lifecycleHooks, podSpecOf } from './support/lifecycle-helpers';
import type { Report } from './rule';
import { defineRule } from './rule';

const API_ERROR =
  'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"';

export const jobRestartPolicy = defineRule({
  id: 'job-restart-policy',
  defaultSeverity: 'error',
  summary: 'Hook Job whose pod template has no `restartPolicy` or `Always`: the API server rejects it.',
  fixable: true,
  messages: {
    restartAlways:
      "Kubernetes rejects this hook Job when Helm creates it: a Job's pods cannot use restartPolicy: Always.",
    defaultsToAlways:
      'Kubernetes rejects this hook Job when Helm creates it: its pod template has no restartPolicy, which defaults to Always.',
  },
  reads: 'document',
  docs: {
    description:
      "A Job's pod template must say `restartPolicy: OnFailure` or `restartPolicy: Never`. A pod spec without " +
      '`restartPolicy` is defaulted to `Always`, which Job validation refuses, so the hook is never created and the ' +
      'install or upgrade fails at that hook; `helm template` and `helm lint` do not notice. The safe fix adds ' +
      '`restartPolicy: Never` (a failed pod is replaced, up to `backoffLimit`), indented like the keys beside it, or ' +
      'turns `Always` into `Never`. Silent when template output we cannot see may set the field.',
    helmFact:
      'Kubernetes defaults an empty pod `restartPolicy` to `Always`, and Job validation accepts only `OnFailure` and ' +
      '`Never`: `The Job "…" is invalid: ' +
      API_ERROR +
      '` (kubernetes/kubernetes pkg/apis/batch/validation; the error ' +
      'as reported in ContainerSolutions/kubernetes-examples#13 and jayunit100/k8sprototypes#4). Helm builds and ' +
      'creates each hook before waiting for it, so the event fails ([hooks.go `execHookWithDelayedShutdown`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L59)).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: migrate',
      '          image: example.com/migrate:1.0.0',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: migrate',
      '          image: example.com/migrate:1.0.0',
    ].join('\n'),
  },
  check(context) {
    const walker = new DocumentWalker(context.file);
    for (const hook of lifecycleHooks(context.file)) {
      if (hook.kind !== 'Job') continue;
      const podSpec = podSpecOf(walker, hook.resource, 'Job');
      if (!podSpec?.keyRange || podSpec.hasUnknownEntries) continue;
      const entry = walker.entry(podSpec, 'restartPolicy');
      const name = hook.resource.name && !hook.resource.name.templated ? hook.resource.name.decoded : '…';
      const rejected = `Kubernetes answers "The Job "${name}" is invalid: ${API_ERROR}", so Helm fails at this hook; helm template and helm lint do not notice.`;
      if (entry) {
        const literal = walker.literal(entry.node);
        if (!literal || literal.text !== 'Always') continue;
        context.report({
          range: podSpec.keyRange,
          messageId: 'restartAlways',
          help: `Use restartPolicy: Never (a failed pod is replaced, up to backoffLimit) or OnFailure (the container restarts in place). ${rejected}`,
          fixes: [
            { title: 'Use restartPolicy: Never', safe: true, edits: [{ range: literal.range, newText: 'Never' }] },
          ],
        });
        continue;
      }
      const report: Report = {
        range: podSpec.keyRange,
        messageId: 'defaultsToAlways',
        help: `Add restartPolicy: Never or OnFailure to the pod template. Kubernetes defaults it to Always, which a Job cannot use. ${rejected}`,
      };
      const edit = insertKeyEdit(context.file, podSpec, 'restartPolicy: Never');
      if (edit) report.fixes = [{ title: 'Add restartPolicy: Never', safe: true, edits: [edit] }];
      context.report(report);
    }
  },
});

/**
 * Inserts `line` as the first key of a block mapping, on the line right after the key that holds it (so that it lands
 * outside any `{{ if }}` opened inside the block), when every key of the mapping starts its own line at the same
 * column: that column is the indentation YAML needs.
 */
export function insertKeyEdit(
  file: TemplateFile,
  map: BlockMap,
  line: string,
): { range: TextRange; newText: string } | undefined {
  if (!map.keyRange || map.node.flow || map.node.items.length === 0) return undefined;
  const keyLine = file.lines.position(map.keyRange.start).line;
  if (!/^\s*:[ \t]*(?:#.*)?$/.test(file.text.slice(map.keyRange.end, file.lines.lineEnd(keyLine)))) return undefined;
  let column: number | undefined;
  for (const pair of map.node.items) {
    const key = pair.key as { range?: [number, number, number] } | null;
    if (!key?.range) return undefined;
    const position = file.lines.position(key.range[0]);
    if (!/^ *$/.test(file.text.slice(file.lines.lineStart(position.line), key.range[0]))) return undefined;
    if (column !== undefined && column !== position.character) return undefined;
    column = position.character;
  }
  if (column === undefined) return undefined;
  const at = file.lines.lineStart(keyLine + 1);
  const newline = file.text.slice(file.lines.lineEnd(keyLine), at) || '\n';
  return { range: { start: at, end: at }, newText: `${' '.repeat(column)}${line}${newline}` };
}
