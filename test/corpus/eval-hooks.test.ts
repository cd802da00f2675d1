import assert from 'node:assert/strict';
import { join } from 'node:path';
import { inspect, isDeepStrictEqual } from 'node:util';
import { describe, it } from 'node:test';
import { loadChart } from '../../server/src/engine/chart/load';
import type { DocumentHead, EvaluatedFile } from '../../server/src/engine/eval/hooks';
import { evaluateChart, readHead } from '../../server/src/engine/eval/hooks';
import { EngineCaches } from '../../server/src/engine/core/caches';
import { requireBinaries, run } from '../support/helm';
import { CORPUS_CHARTS, corpusScenarios, requireShared } from '../support/shared';

/**
 * The evaluator against `helm template` on every public corpus chart and scenario (corpus README: release `rel`,
 * namespace `corpus`, the scenario's values files in order): every hook document Helm renders is found by the
 * evaluator with the same kind, name, events, weight and delete policies, or is Unknown there — never different; and
 * no hook the evaluator is certain of is missing from Helm's output.
 */

interface HelmHook {
  template: string;
  kind: string;
  name: string;
  events: string[];
  weight: bigint;
  deletePolicies: string[];
}

/** `helm template` output: `---\n# Source: <template>\n<document>` per document; hooks are those with helm.sh/hook. */
function helmHooks(output: string): HelmHook[] {
  const hooks: HelmHook[] = [];
  for (const part of output.split(/^---\n(?=# Source: )/m)) {
    const match = /^# Source: (.*)\n([\s\S]*)$/.exec(part);
    if (!match) continue;
    const head = readHead(match[2]!);
    assert.ok(head.isHook.certain, `helm's document in ${match[1]} decodes`);
    if (!head.isHook.value) continue;
    const value = <T>(field: { certain: boolean; value?: T }) => {
      assert.ok(field.certain);
      return field.value as T;
    };
    hooks.push({
      template: match[1]!,
      kind: value(head.kind),
      name: value(head.name),
      events: value(head.events),
      weight: value(head.weight),
      deletePolicies: value(head.deletePolicies),
    });
  }
  return hooks;
}

type Verdict =
  { outcome: 'certain' } | { outcome: 'unknown'; reason: string } | { outcome: 'different'; detail: string };

function compareHook(helm: HelmHook, files: Map<string, EvaluatedFile>, used: Set<object>): Verdict {
  const file = files.get(helm.template);
  if (!file) return { outcome: 'different', detail: `no template ${helm.template} rendered` };
  const match = file.documents.find(
    (doc) =>
      !used.has(doc) &&
      doc.isHook.certain &&
      doc.isHook.value &&
      doc.kind.certain &&
      doc.kind.value === helm.kind &&
      doc.name.certain &&
      doc.name.value === helm.name,
  );
  if (!match) {
    const uncertain = file.documents.find((doc) => !doc.isHook.certain || !doc.kind.certain || !doc.name.certain);
    if (!file.complete || uncertain)
      return { outcome: 'unknown', reason: reasonOf(uncertain) ?? file.error ?? 'unknown output in the file' };
    return {
      outcome: 'different',
      detail: `${helm.kind}/${helm.name} in ${helm.template} is not a hook the evaluator found`,
    };
  }
  used.add(match);
  const fields: Array<[keyof DocumentHead, unknown]> = [
    ['events', helm.events],
    ['weight', helm.weight],
    ['deletePolicies', helm.deletePolicies],
  ];
  let reason: string | undefined;
  for (const [key, expected] of fields) {
    const field = match[key];
    if (!field.certain) reason ??= `${key}: ${field.reason}`;
    else if (!isDeepStrictEqual(field.value, expected)) {
      return {
        outcome: 'different',
        detail: `${helm.kind}/${helm.name} ${key}: helm ${inspect(expected)}, evaluator ${inspect(field.value)}`,
      };
    }
  }
  if (match.dropped.certain && match.dropped.value)
    return { outcome: 'different', detail: `${helm.kind}/${helm.name}: the evaluator says Helm drops it` };
  return reason ? { outcome: 'unknown', reason } : { outcome: 'certain' };
}

function reasonOf(doc: { kind: DocumentHead['kind'] } | undefined): string | undefined {
  return doc && !doc.kind.certain ? doc.kind.reason : undefined;
}

/** What a CLI run keeps while it lints many charts, for this file's runs through the corpus. */
const caches = new EngineCaches();

describe('evaluator against helm template on the public corpus', () => {
  it('finds every hook of every chart and scenario as Helm renders it, or says Unknown; never a different hook', (t) => {
    if (!requireShared(t) || !requireBinaries(t, ['helm4'])) return;
    let total = 0;
    let certainCount = 0;
    const different: string[] = [];
    const unknownReasons = new Set<string>();
    for (const scenario of corpusScenarios()) {
      const chartDir = join(CORPUS_CHARTS, scenario.chart);
      const args = [
        'template',
        'rel',
        chartDir,
        '--namespace',
        'corpus',
        ...scenario.valuesFiles.flatMap((file) => ['-f', file]),
        ...scenario.flags,
      ];
      const helm = run('helm4', args);
      assert.equal(helm.code, 0, `helm template ${scenario.chart} [${scenario.name}]: ${helm.stderr}`);
      const expected = helmHooks(helm.stdout);
      const chart = loadChart(chartDir, { valuesFiles: scenario.valuesFiles });
      const evaluation = caches.run(() =>
        evaluateChart(chart, {
          releaseName: 'rel',
          namespace: 'corpus',
          isUpgrade: scenario.flags.includes('--is-upgrade'),
        }),
      );
      const files = new Map(evaluation.files.map((file) => [file.template, file]));
      const used = new Set<object>();
      for (const hook of expected) {
        total++;
        const verdict = compareHook(hook, files, used);
        if (verdict.outcome === 'certain') certainCount++;
        else if (verdict.outcome === 'different')
          different.push(`${scenario.chart} [${scenario.name}]: ${verdict.detail}`);
        else unknownReasons.add(`${verdict.reason} (${scenario.chart} [${scenario.name}] ${hook.kind}/${hook.name})`);
      }
      // No hook the evaluator is certain of is missing from Helm's output, or kept when Helm drops it.
      for (const file of evaluation.files) {
        for (const doc of file.documents) {
          if (
            used.has(doc) ||
            !doc.isHook.certain ||
            !doc.isHook.value ||
            !doc.kind.certain ||
            !doc.name.certain ||
            !doc.dropped.certain
          )
            continue;
          const kind = doc.kind.value;
          const name = doc.name.value;
          const inHelm = expected.some(
            (hook) => hook.template === file.template && hook.kind === kind && hook.name === name,
          );
          if (doc.dropped.value && inHelm)
            different.push(
              `${scenario.chart} [${scenario.name}]: ${kind}/${name} in ${file.template}: Helm keeps a hook the evaluator says it drops`,
            );
          if (!doc.dropped.value && !inHelm)
            different.push(
              `${scenario.chart} [${scenario.name}]: ${kind}/${name} in ${file.template}: a certain hook Helm does not render`,
            );
        }
      }
    }
    const share = total === 0 ? 0 : certainCount / total;
    t.diagnostic(
      `hook documents: ${total}; certain and equal: ${certainCount} (${(share * 100).toFixed(1)} %); unknown: ${total - certainCount - different.length}`,
    );
    for (const reason of unknownReasons.keys()) t.diagnostic(`unknown: ${reason}`);
    assert.ok(total >= 144, `the corpus renders at least its 144 distinct hook documents (${total})`);
    assert.deepEqual(different, []);
    assert.ok(
      share >= 0.95,
      `at least 95 % of Helm's hook documents are certain for the evaluator (${(share * 100).toFixed(1)} %)`,
    );
  });
});
