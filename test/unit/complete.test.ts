import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complete, EngineCompletion, WeightInUse } from '../../server/src/engine/services/complete';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import { hooksOfFile } from '../../server/src/engine/order/order';

/** `|` marks the cursor; it is removed from the text. */
function at(marked: string, hooks: WeightInUse[] = []): { items: EngineCompletion[]; text: string; offset: number } {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { items: complete(analyzeTemplate('templates/new.yaml', text), offset, hooks), text, offset };
}

function labels(items: EngineCompletion[]): string[] {
  return items.map((item) => item.label);
}

/** The text after applying one item's edit. */
function applied(text: string, item: EngineCompletion): string {
  return text.slice(0, item.edit.range.start) + item.edit.newText + text.slice(item.edit.range.end);
}

const HEAD = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-new\n  annotations:\n';

/** The weights other templates' ConfigMap hooks run with, one entry per event, as the chart's order lists them. */
function chartHooks(...specs: [string, string, string][]): WeightInUse[] {
  return specs.flatMap(([name, events, weight], index) => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations:\n    helm.sh/hook: ${events}\n    helm.sh/hook-weight: "${weight}"\n`;
    const path = `templates/other${index}.yaml`;
    return hooksOfFile(analyzeTemplate(path, text), path).hooks.flatMap((hook) => hook.events.map((event) => ({ event, weight: hook.weight, name: hook.name!, kind: hook.kind!, file: path, line: 4 })));
  });
}

describe('completion', () => {
  it('offers the helm.sh/ keys Helm reads in the object annotations, minus those already there', () => {
    const { items, text } = at(`${HEAD}    helm.sh/hook: pre-install\n    |\n`);
    assert.deepEqual(labels(items), ['helm.sh/hook-weight', 'helm.sh/hook-delete-policy', 'helm.sh/hook-output-log-policy', 'helm.sh/resource-policy']);
    assert.equal(applied(text, items[0]!), `${HEAD}    helm.sh/hook: pre-install\n    helm.sh/hook-weight: \n`);
  });

  it('replaces a half-typed key and keeps an existing colon', () => {
    const { items, text } = at(`${HEAD}    helm.sh/ho|: pre-install\n`);
    assert.equal(applied(text, items.find((item) => item.label === 'helm.sh/hook')!), `${HEAD}    helm.sh/hook: pre-install\n`);
  });

  it('offers no key under a pod template, under labels, or at the top level', () => {
    const pod = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\nspec:\n  template:\n    metadata:\n      annotations:\n        |\n';
    assert.deepEqual(at(pod).items, []);
    assert.deepEqual(at('apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    |\n').items, []);
    assert.deepEqual(at('apiVersion: v1\n|\n').items, []);
  });

  it('offers every event for an empty value, with a space after a bare colon', () => {
    const spaced = at(`${HEAD}    helm.sh/hook: |\n`);
    assert.equal(spaced.items.length, 9);
    assert.equal(applied(spaced.text, spaced.items[0]!), `${HEAD}    helm.sh/hook: pre-install\n`);
    const bare = at(`${HEAD}    helm.sh/hook:|\n`);
    assert.equal(applied(bare.text, bare.items[0]!), `${HEAD}    helm.sh/hook: pre-install\n`);
  });

  it('completes the item under the cursor after a comma, never offering an event already there', () => {
    const { items, text } = at(`${HEAD}    helm.sh/hook: pre-install, post-up|grade-x,TEST-SUCCESS\n`);
    assert.ok(!labels(items).includes('pre-install'));
    assert.ok(!labels(items).includes('test'), 'test-success is the alias of test');
    assert.equal(applied(text, items.find((item) => item.label === 'post-upgrade')!), `${HEAD}    helm.sh/hook: pre-install, post-upgrade,TEST-SUCCESS\n`);
  });

  it('completes inside quotes and not after the closing quote', () => {
    const inside = at(`${HEAD}    helm.sh/hook: "pre-install,|"\n`);
    assert.equal(applied(inside.text, inside.items.find((item) => item.label === 'post-install')!), `${HEAD}    helm.sh/hook: "pre-install,post-install"\n`);
    assert.deepEqual(at(`${HEAD}    helm.sh/hook: "pre-install" |\n`).items, []);
  });

  it('offers nothing inside a template action', () => {
    assert.deepEqual(at(`${HEAD}    helm.sh/hook: {{ .Values.|hook }}\n`).items, []);
  });

  it('offers delete and output-log policies, and keep for the resource policy', () => {
    const deletePolicy = at(`${HEAD}    helm.sh/hook-delete-policy: hook-succeeded,|\n`);
    assert.deepEqual(labels(deletePolicy.items), ['before-hook-creation', 'hook-failed']);
    assert.deepEqual(labels(at(`${HEAD}    helm.sh/hook-output-log-policy: |\n`).items), ['hook-succeeded', 'hook-failed']);
    assert.deepEqual(labels(at(`${HEAD}    helm.sh/resource-policy: |\n`).items), ['keep']);
  });

  it('offers weights quoted: one before, those in use by hooks of the same event, one after', () => {
    const hooks = chartHooks(['init', 'pre-install', '-3'], ['seed', 'pre-install,post-install', '2'], ['later', 'post-upgrade', '-100'], ['twin', 'pre-install', '2']);
    const { items, text } = at(`${HEAD}    helm.sh/hook: pre-install\n    helm.sh/hook-weight: |\n`, hooks);
    assert.deepEqual(labels(items), ['"-4"', '"-3"', '"2"', '"3"']);
    assert.equal(items[2]!.detail, 'same weight as seed, twin: the name decides the order');
    assert.equal(applied(text, items[0]!), `${HEAD}    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "-4"\n`);
  });

  it('replaces a quoted weight whole, quotes included, when completing inside its quotes', () => {
    const { items, text } = at(`${HEAD}    helm.sh/hook-weight: "|"\n    helm.sh/hook: post-install\n`, chartHooks(['seed', 'post-install', '7']));
    assert.deepEqual(labels(items), ['"6"', '"7"', '"8"']);
    assert.equal(applied(text, items[1]!), `${HEAD}    helm.sh/hook-weight: "7"\n    helm.sh/hook: post-install\n`);
  });

  it('offers the default weight "0" when no other hook shares the event, ignoring this document itself', () => {
    const marked = `${HEAD}    helm.sh/hook: pre-delete\n    helm.sh/hook-weight: "5|"\n`;
    // This hook as the chart's order lists it: at its metadata.name, line 4 of templates/new.yaml.
    const own: WeightInUse[] = [{ event: 'pre-delete', weight: 5n, name: 'release-name-new', kind: 'Job', file: 'templates/new.yaml', line: 4 }];
    assert.deepEqual(labels(at(marked, own).items), ['"0"']);
    const elsewhere = [{ ...own[0]!, file: 'templates/other.yaml' }];
    assert.deepEqual(labels(at(marked, elsewhere).items), ['"4"', '"5"', '"6"'], 'the same hook in another file is another hook');
  });
});
