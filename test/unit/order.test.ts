import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import type { ChartOrder, HookInfo } from '../../server/src/engine/order/order';
import { deletedWhen, hooksOfFile, orderHooks } from '../../server/src/engine/order/order';

interface Spec {
  kind: string;
  name: string;
  hook: string;
  weight?: string;
  policy?: string;
}

function template(spec: Spec): string {
  const lines = [
    'apiVersion: v1',
    `kind: ${spec.kind}`,
    'metadata:',
    `  name: ${spec.name}`,
    '  annotations:',
    `    helm.sh/hook: ${spec.hook}`,
  ];
  if (spec.weight !== undefined) lines.push(`    helm.sh/hook-weight: ${spec.weight}`);
  if (spec.policy !== undefined) lines.push(`    helm.sh/hook-delete-policy: ${spec.policy}`);
  return lines.join('\n') + '\n';
}

/** One template per spec, named so that path order is the spec order. */
function chart(specs: (Spec | string)[]): ChartOrder {
  const hooks: HookInfo[] = [];
  const unknown: ChartOrder['unknown'] = [];
  specs.forEach((spec, index) => {
    const path = `templates/t${String(index).padStart(2, '0')}.yaml`;
    const found = hooksOfFile(analyzeTemplate(path, typeof spec === 'string' ? spec : template(spec)), path);
    hooks.push(...found.hooks);
    unknown.push(...found.unknown.map((range) => ({ file: path, chartPath: path, range })));
  });
  return orderHooks(hooks, unknown);
}

function placed(order: ChartOrder, event: string): [number | undefined, string | undefined][] {
  const found = order.events.find((candidate) => candidate.event === event);
  return (found?.hooks ?? []).map((entry) => [entry.position, entry.hook.name]);
}

describe('hook order', () => {
  it('sorts by weight, then name byte-wise, and uses kind only to break a tie of both (hooks.go hookByWeight.Less)', () => {
    // The run verified against a cluster in reference §3.2/§4.1: c-secret, a-job, b-cm, z-sa, d-cm, SA same, Job same.
    const order = chart([
      { kind: 'Job', name: 'same', hook: 'pre-install', weight: '"5"' },
      { kind: 'ConfigMap', name: 'd-cm', hook: 'pre-install', weight: '"1"' },
      { kind: 'ServiceAccount', name: 'z-sa', hook: 'pre-install' },
      { kind: 'ConfigMap', name: 'b-cm', hook: 'pre-install', weight: '"0"' },
      { kind: 'Job', name: 'a-job', hook: 'pre-install' },
      { kind: 'ServiceAccount', name: 'same', hook: 'pre-install', weight: '"5"' },
      { kind: 'Secret', name: 'c-secret', hook: 'pre-install', weight: '"-1"' },
    ]);
    assert.deepEqual(placed(order, 'pre-install'), [
      [1, 'c-secret'],
      [2, 'a-job'],
      [3, 'b-cm'],
      [4, 'z-sa'],
      [5, 'd-cm'],
      [6, 'same'],
      [7, 'same'],
    ]);
    assert.deepEqual(
      order.events[0]!.hooks.slice(5).map((entry) => entry.hook.kind),
      ['ServiceAccount', 'Job'],
    );
  });

  it('reads weights as Helm does: "+5" is 5, an unquoted 010 is 8, a quoted "5.0" is 0', () => {
    const order = chart([
      { kind: 'Job', name: 'a', hook: 'post-install', weight: '"+5"' },
      { kind: 'Job', name: 'b', hook: 'post-install', weight: '010' },
      { kind: 'Job', name: 'c', hook: 'post-install', weight: '"5.0"' },
    ]);
    assert.deepEqual(placed(order, 'post-install'), [
      [1, 'c'],
      [2, 'a'],
      [3, 'b'],
    ]);
    assert.deepEqual(
      order.events[0]!.hooks.map((entry) => entry.hook.weight),
      [0n, 5n, 8n],
    );
  });

  it('compares templated names by what follows an identical release-name prefix', () => {
    const order = chart([
      { kind: 'Job', name: '{{ .Release.Name }}-migrate', hook: 'pre-upgrade' },
      { kind: 'ConfigMap', name: '"{{ .Release.Name }}-config"', hook: 'pre-upgrade' },
      { kind: 'Job', name: '{{ include "app.fullname" . }}-z', hook: 'pre-upgrade', weight: '"-1"' },
    ]);
    assert.deepEqual(placed(order, 'pre-upgrade'), [
      [1, '{{ include "app.fullname" . }}-z'],
      [2, '{{ .Release.Name }}-config'],
      [3, '{{ .Release.Name }}-migrate'],
    ]);
  });

  it('claims no position where the order depends on a name it cannot see, but keeps those that weights decide', () => {
    const order = chart([
      { kind: 'Job', name: '{{ .Release.Name }}-x', hook: 'pre-install' },
      { kind: 'Job', name: 'aaa', hook: 'pre-install' },
      { kind: 'Job', name: 'first', hook: 'pre-install', weight: '"-10"' },
    ]);
    const places = placed(order, 'pre-install');
    assert.deepEqual(places[0], [1, 'first']);
    // Their display order is a guess; only the absence of a claimed position matters.
    assert.deepEqual(places.slice(1).sort(), [
      [undefined, 'aaa'],
      [undefined, '{{ .Release.Name }}-x'],
    ]);
  });

  it('claims no position in an event where one hook has a templated weight, and only there', () => {
    const order = chart([
      { kind: 'Job', name: 'a', hook: 'pre-install', weight: '{{ .Values.weight | quote }}' },
      { kind: 'Job', name: 'b', hook: 'pre-install,post-install', weight: '"3"' },
      { kind: 'Job', name: 'c', hook: 'post-install' },
    ]);
    assert.deepEqual(
      placed(order, 'pre-install').map(([position]) => position),
      [undefined, undefined],
    );
    assert.deepEqual(placed(order, 'post-install'), [
      [1, 'c'],
      [2, 'b'],
    ]);
    const templated = order.events[0]!.hooks.find((entry) => entry.hook.name === 'a')!.hook;
    assert.equal(templated.weightCertain, false);
  });

  it('does not treat a name inside range or with, or one using a variable, as comparable', () => {
    const inRange = [
      '{{- range .Values.jobs }}',
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-a',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '{{- end }}',
      '',
    ].join('\n');
    const withVariable = template({ kind: 'Job', name: '{{ $name }}-b', hook: 'pre-install' });
    const plain = template({ kind: 'Job', name: '{{ .Release.Name }}-b', hook: 'pre-install' });
    assert.deepEqual(
      placed(chart([inRange, plain]), 'pre-install').map(([position]) => position),
      [undefined, undefined],
    );
    assert.deepEqual(
      placed(chart([withVariable, plain]), 'pre-install').map(([position]) => position),
      [undefined, undefined],
    );
  });

  it('leaves out a resource Helm drops for an unknown event, and lists a templated helm.sh/hook as unknown', () => {
    const order = chart([
      { kind: 'Job', name: 'dropped', hook: 'pre-instal' },
      { kind: 'Job', name: 'kept', hook: 'pre-install' },
    ]);
    assert.deepEqual(placed(order, 'pre-install'), [[1, 'kept']]);
    const withUnknown = chart([
      { kind: 'Job', name: 'kept', hook: 'pre-install' },
      { kind: 'Job', name: 'maybe', hook: '{{ .Values.hookEvents }}' },
    ]);
    assert.equal(withUnknown.unknown.length, 1);
    assert.equal(withUnknown.unknown[0]!.file, 'templates/t01.yaml');
    assert.deepEqual(
      placed(withUnknown, 'pre-install'),
      [[undefined, 'kept']],
      'the templated one may run in the same event',
    );
  });

  it('runs a hook listed twice on one event twice in a row (hooks.go loops over h.Events)', () => {
    const order = chart([
      { kind: 'Job', name: 'b', hook: 'pre-install,pre-install' },
      { kind: 'Job', name: 'a', hook: 'pre-install' },
      { kind: 'Job', name: 'c', hook: 'pre-install' },
    ]);
    assert.deepEqual(placed(order, 'pre-install'), [
      [1, 'a'],
      [2, 'b'],
      [3, 'b'],
      [4, 'c'],
    ]);
  });

  it('knows when each delete policy deletes (hooks.go execHookWithDelayedShutdown)', () => {
    assert.equal(deletedWhen('Job', undefined), 'before-next-run');
    assert.equal(deletedWhen('Job', ['hook-succeeded']), 'after-event-success');
    assert.equal(deletedWhen('Job', ['hook-failed']), 'on-failure');
    assert.equal(deletedWhen('Job', ['hook-succeeded', 'hook-failed']), 'after-event-success-or-failure');
    assert.equal(deletedWhen('Job', ['before-hook-creation']), 'before-next-run');
    // Any value replaces the default, an unknown one too; a CRD is never deleted by policy.
    assert.equal(deletedWhen('Job', ['hook-succeded']), 'never');
    assert.equal(deletedWhen('Job', ['']), 'never');
    assert.equal(deletedWhen('CustomResourceDefinition', ['hook-succeeded']), 'never');
    const order = chart([{ kind: 'Job', name: 'a', hook: 'test', policy: 'hook-succeeded,hook-failed' }]);
    assert.equal(order.events[0]!.hooks[0]!.hook.deleted, 'after-event-success-or-failure');
  });

  it('finds no hooks in a partial template or a pod template annotation', () => {
    const helpers = '{{- define "x" }}\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install\n{{- end }}\n';
    assert.deepEqual(
      hooksOfFile(analyzeTemplate('templates/_helpers.tpl', helpers), 'templates/_helpers.tpl').hooks,
      [],
    );
    const nested = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: j',
      'spec:',
      '  template:',
      '    metadata:',
      '      annotations:',
      '        helm.sh/hook: pre-install',
      '',
    ].join('\n');
    assert.deepEqual(hooksOfFile(analyzeTemplate('templates/j.yaml', nested), 'templates/j.yaml').hooks, []);
  });
});
