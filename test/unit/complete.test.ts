import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineCompletion, WeightInUse } from '../../server/src/engine/services/complete';
import { complete } from '../../server/src/engine/services/complete';
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
    return hooksOfFile(analyzeTemplate(path, text), path).hooks.flatMap((hook) =>
      hook.events.map((event) => ({
        event,
        weight: hook.weight,
        name: hook.name!,
        kind: hook.kind!,
        file: path,
        line: 4,
      })),
    );
  });
}

describe('completion', () => {
  it('offers the helm.sh/ keys Helm reads in the object annotations, minus those already there', () => {
    const { items, text } = at(`${HEAD}    helm.sh/hook: pre-install\n    |\n`);
    assert.deepEqual(labels(items), [
      'helm.sh/hook-weight',
      'helm.sh/hook-delete-policy',
      'helm.sh/hook-output-log-policy',
      'helm.sh/resource-policy',
    ]);
    assert.equal(applied(text, items[0]!), `${HEAD}    helm.sh/hook: pre-install\n    helm.sh/hook-weight: \n`);
  });

  it('replaces a half-typed key and keeps an existing colon', () => {
    const { items, text } = at(`${HEAD}    helm.sh/ho|: pre-install\n`);
    assert.equal(
      applied(
        text,
        items.find((item) => item.label === 'helm.sh/hook')!,
      ),
      `${HEAD}    helm.sh/hook: pre-install\n`,
    );
  });

  it('offers no key under a pod template, under labels, or at the top level', () => {
    const pod =
      'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\nspec:\n  template:\n    metadata:\n      annotations:\n        |\n';
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
    assert.equal(
      applied(
        text,
        items.find((item) => item.label === 'post-upgrade')!,
      ),
      `${HEAD}    helm.sh/hook: pre-install, post-upgrade,TEST-SUCCESS\n`,
    );
  });

  it('completes inside quotes and not after the closing quote', () => {
    const inside = at(`${HEAD}    helm.sh/hook: "pre-install,|"\n`);
    assert.equal(
      applied(
        inside.text,
        inside.items.find((item) => item.label === 'post-install')!,
      ),
      `${HEAD}    helm.sh/hook: "pre-install,post-install"\n`,
    );
    assert.deepEqual(at(`${HEAD}    helm.sh/hook: "pre-install" |\n`).items, []);
  });

  it('offers nothing inside a template action', () => {
    assert.deepEqual(at(`${HEAD}    helm.sh/hook: {{ .Values.|hook }}\n`).items, []);
  });

  it('offers delete and output-log policies, and keep for the resource policy', () => {
    const deletePolicy = at(`${HEAD}    helm.sh/hook-delete-policy: hook-succeeded,|\n`);
    assert.deepEqual(labels(deletePolicy.items), ['before-hook-creation', 'hook-failed']);
    assert.deepEqual(labels(at(`${HEAD}    helm.sh/hook-output-log-policy: |\n`).items), [
      'hook-succeeded',
      'hook-failed',
    ]);
    assert.deepEqual(labels(at(`${HEAD}    helm.sh/resource-policy: |\n`).items), ['keep']);
  });

  it('offers weights quoted: one before, those in use by hooks of the same event, one after', () => {
    const hooks = chartHooks(
      ['init', 'pre-install', '-3'],
      ['seed', 'pre-install,post-install', '2'],
      ['later', 'post-upgrade', '-100'],
      ['twin', 'pre-install', '2'],
    );
    const { items, text } = at(`${HEAD}    helm.sh/hook: pre-install\n    helm.sh/hook-weight: |\n`, hooks);
    assert.deepEqual(labels(items), ['"-4"', '"-3"', '"2"', '"3"']);
    assert.equal(items[2]!.detail, 'same weight as seed, twin: the name decides the order');
    assert.equal(applied(text, items[0]!), `${HEAD}    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "-4"\n`);
  });

  it('replaces a quoted weight whole, quotes included, when completing inside its quotes', () => {
    const { items, text } = at(
      `${HEAD}    helm.sh/hook-weight: "|"\n    helm.sh/hook: post-install\n`,
      chartHooks(['seed', 'post-install', '7']),
    );
    assert.deepEqual(labels(items), ['"6"', '"7"', '"8"']);
    assert.equal(applied(text, items[1]!), `${HEAD}    helm.sh/hook-weight: "7"\n    helm.sh/hook: post-install\n`);
  });

  it('offers the default weight "0" when no other hook shares the event, ignoring this document itself', () => {
    const marked = `${HEAD}    helm.sh/hook: pre-delete\n    helm.sh/hook-weight: "5|"\n`;
    // This hook as the chart's order lists it: at its metadata.name, line 4 of templates/new.yaml.
    const own: WeightInUse[] = [
      { event: 'pre-delete', weight: 5n, name: 'release-name-new', kind: 'Job', file: 'templates/new.yaml', line: 4 },
    ];
    assert.deepEqual(labels(at(marked, own).items), ['"0"']);
    const elsewhere = [{ ...own[0]!, file: 'templates/other.yaml' }];
    assert.deepEqual(
      labels(at(marked, elsewhere).items),
      ['"4"', '"5"', '"6"'],
      'the same hook in another file is another hook',
    );
  });
});

/** The three ways chart authors write an annotation key or value: plain, double-quoted, single-quoted. */
const QUOTINGS = [
  ['plain', ''],
  ['double-quoted', '"'],
  ['single-quoted', "'"],
] as const;

describe('completion with quoted annotation keys and values', () => {
  for (const [style, q] of QUOTINGS) {
    const key = (name: string) => `${q}${name}${q}`;

    it(`completes a ${style} key prefix, keeping its quotes and skipping the ${style} keys already there`, () => {
      const { items, text, offset } = at(`${HEAD}    ${key('helm.sh/hook')}: pre-install\n    ${q}helm.sh/|\n`);
      assert.deepEqual(labels(items), [
        'helm.sh/hook-weight',
        'helm.sh/hook-delete-policy',
        'helm.sh/hook-output-log-policy',
        'helm.sh/resource-policy',
      ]);
      // The range starts after the user's opening quote, so that what is typed after it filters the list.
      assert.deepEqual(items[0]!.edit.range, { start: offset - 'helm.sh/'.length, end: offset });
      assert.equal(
        applied(text, items[0]!),
        `${HEAD}    ${key('helm.sh/hook')}: pre-install\n    ${key('helm.sh/hook-weight')}: \n`,
      );
    });

    it(`completes inside a ${style} key that has its colon, keeping the colon and the value`, () => {
      const { items, text } = at(`${HEAD}    ${q}helm.sh/ho|ok-wei${q}: "5"\n`);
      assert.equal(
        applied(
          text,
          items.find((item) => item.label === 'helm.sh/hook-weight')!,
        ),
        `${HEAD}    ${key('helm.sh/hook-weight')}: "5"\n`,
      );
    });

    for (const [valueStyle, v] of QUOTINGS) {
      it(`offers the events not yet listed after a comma in a ${valueStyle} value of a ${style} key`, () => {
        const { items, text, offset } = at(`${HEAD}    ${key('helm.sh/hook')}: ${v}pre-install,|${v}\n`);
        assert.deepEqual(labels(items), [
          'post-install',
          'pre-delete',
          'post-delete',
          'pre-upgrade',
          'post-upgrade',
          'pre-rollback',
          'post-rollback',
          'test',
        ]);
        assert.deepEqual(items[0]!.edit.range, { start: offset, end: offset });
        assert.equal(applied(text, items[0]!), `${HEAD}    ${key('helm.sh/hook')}: ${v}pre-install,post-install${v}\n`);
      });
    }

    it(`offers every delete policy after a ${style} key, with a space after a bare colon`, () => {
      const spaced = at(`${HEAD}    ${key('helm.sh/hook-delete-policy')}: |\n`);
      assert.deepEqual(labels(spaced.items), ['before-hook-creation', 'hook-succeeded', 'hook-failed']);
      assert.equal(
        applied(spaced.text, spaced.items[1]!),
        `${HEAD}    ${key('helm.sh/hook-delete-policy')}: hook-succeeded\n`,
      );
      const bare = at(`${HEAD}    ${key('helm.sh/hook-delete-policy')}:|\n`);
      assert.equal(
        applied(bare.text, bare.items[1]!),
        `${HEAD}    ${key('helm.sh/hook-delete-policy')}: hook-succeeded\n`,
      );
    });

    it(`offers the remaining delete policies inside a ${style} value`, () => {
      const { items, text } = at(`${HEAD}    ${key('helm.sh/hook-delete-policy')}: ${q}hook-succeeded,|${q}\n`);
      assert.deepEqual(labels(items), ['before-hook-creation', 'hook-failed']);
      assert.equal(
        applied(text, items[0]!),
        `${HEAD}    ${key('helm.sh/hook-delete-policy')}: ${q}hook-succeeded,before-hook-creation${q}\n`,
      );
    });

    it(`offers output-log policies inside a ${style} value of a ${style} key`, () => {
      const { items, text } = at(`${HEAD}    ${key('helm.sh/hook-output-log-policy')}: ${q}hook-failed,|${q}\n`);
      assert.deepEqual(labels(items), ['hook-succeeded']);
      assert.equal(
        applied(text, items[0]!),
        `${HEAD}    ${key('helm.sh/hook-output-log-policy')}: ${q}hook-failed,hook-succeeded${q}\n`,
      );
    });

    it(`offers the weights of the events of a ${style} hook key written above the weight`, () => {
      const hooks = chartHooks(['init', 'pre-install', '-3'], ['later', 'post-upgrade', '-100']);
      const { items, text } = at(
        `${HEAD}    ${key('helm.sh/hook')}: ${q}pre-install${q}\n    ${key('helm.sh/hook-weight')}: |\n`,
        hooks,
      );
      // Only init shares pre-install: one weight before it, its own, one after; post-upgrade's -100 is not offered.
      assert.deepEqual(labels(items), ['"-4"', '"-3"', '"-2"']);
      assert.equal(
        applied(text, items[0]!),
        `${HEAD}    ${key('helm.sh/hook')}: ${q}pre-install${q}\n    ${key('helm.sh/hook-weight')}: "-4"\n`,
      );
    });
  }

  it('closes the quote of a key typed without its closing quote, and of an auto-closed empty one', () => {
    const open = at(`${HEAD}    "helm.sh/ho|\n`);
    assert.equal(
      applied(
        open.text,
        open.items.find((item) => item.label === 'helm.sh/hook')!,
      ),
      `${HEAD}    "helm.sh/hook": \n`,
    );
    const colon = at(`${HEAD}    'helm.sh/ho|: pre-install\n`);
    assert.equal(
      applied(
        colon.text,
        colon.items.find((item) => item.label === 'helm.sh/hook')!,
      ),
      `${HEAD}    'helm.sh/hook': pre-install\n`,
    );
    const empty = at(`${HEAD}    "|"\n`);
    assert.equal(applied(empty.text, empty.items[0]!), `${HEAD}    "helm.sh/hook": \n`);
  });

  it('replaces a quoted key whole, quotes included, when the cursor stands before its opening quote', () => {
    const { items, text, offset } = at(`${HEAD}    |"helm.sh/hok": pre-install\n`);
    const hook = items.find((item) => item.label === 'helm.sh/hook')!;
    assert.deepEqual(hook.edit.range, { start: offset, end: offset + '"helm.sh/hok"'.length });
    assert.equal(applied(text, hook), `${HEAD}    "helm.sh/hook": pre-install\n`);
  });

  it('offers nothing after the closing quote of a key', () => {
    assert.deepEqual(at(`${HEAD}    "helm.sh/hook"|\n`).items, []);
  });

  it('closes the quote of a value typed without its closing quote', () => {
    for (const v of ['"', "'"]) {
      const { items, text } = at(`${HEAD}    "helm.sh/hook": ${v}pre-install,|\n`);
      assert.equal(
        applied(
          text,
          items.find((item) => item.label === 'post-install')!,
        ),
        `${HEAD}    "helm.sh/hook": ${v}pre-install,post-install${v}\n`,
      );
    }
  });

  it('answers at once at the end of a long line that holds no key: a word, then many spaces', () => {
    // Read by backtracking, such a line takes time quadratic in its length: tens of seconds here, not milliseconds.
    const line = `    word${' '.repeat(100_000)}`;
    const started = performance.now();
    assert.deepEqual(at(`${HEAD}${line}|\n    helm.sh/hook: test\n`).items, []);
    // The keys scan their siblings, the long line among them.
    assert.equal(at(`${HEAD}${line}\n    helm.sh/|\n`).items.length, 5);
    assert.ok(performance.now() - started < 3000, `${performance.now() - started} ms`);
  });

  it('offers weights in single quotes inside a single-quoted weight, so that what is typed filters them', () => {
    const { items, text } = at(
      `${HEAD}    'helm.sh/hook': 'post-install'\n    'helm.sh/hook-weight': '|'\n`,
      chartHooks(['seed', 'post-install', '7']),
    );
    assert.deepEqual(labels(items), ["'6'", "'7'", "'8'"]);
    assert.equal(
      applied(text, items[1]!),
      `${HEAD}    'helm.sh/hook': 'post-install'\n    'helm.sh/hook-weight': '7'\n`,
    );
  });
});
