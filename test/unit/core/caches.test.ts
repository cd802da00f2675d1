import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTemplate } from '../../../server/src/engine/analysis/file';
import { CacheSlot, EngineCaches, TextCache, activeCache } from '../../../server/src/engine/core/caches';
import { parseTemplateShared } from '../../../server/src/engine/eval/parse';

const TEMPLATE = [
  'apiVersion: batch/v1',
  'kind: Job',
  'metadata:',
  '  name: {{ .Release.Name }}-migrate',
  '  annotations:',
  '    "helm.sh/hook": pre-install',
  '---',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: settings',
  '',
].join('\n');

describe('TextCache', () => {
  it('forgets the least recently used text first once it holds more entries than its limit', () => {
    const cache = new TextCache<number>({ maxEntries: 2, maxChars: 100 });
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1, 'reading a makes b the oldest');
    cache.set('c', 3);
    assert.deepEqual(
      ['a', 'b', 'c'].map((text) => cache.has(text)),
      [true, false, true],
    );
  });

  it('forgets the oldest texts once the kept texts are longer than its limit, and keeps no text longer than allowed', () => {
    const cache = new TextCache<number>({ maxEntries: 10, maxChars: 6, maxTextLength: 4 });
    cache.set('aaa', 1);
    cache.set('bbb', 2);
    cache.set('cc', 3);
    assert.deepEqual(
      ['aaa', 'bbb', 'cc'].map((text) => cache.has(text)),
      [false, true, true],
    );
    cache.set('eeeee', 5);
    assert.equal(cache.has('eeeee'), false);
    assert.equal(cache.size, 2);
  });

  it('keeps an undefined value as a value: has tells it from a text never kept', () => {
    const cache = new TextCache<number | undefined>({ maxEntries: 2, maxChars: 100 });
    cache.set('unclosed', undefined);
    assert.equal(cache.has('unclosed'), true);
    assert.equal(cache.has('other'), false);
  });
});

describe('EngineCaches', () => {
  it('keeps the scans and parses of a template analysed with it, and reuses them for the same text', () => {
    const caches = new EngineCaches();
    const first = analyzeTemplate('templates/job.yaml', TEMPLATE, { caches });
    const sizes = caches.sizes();
    assert.equal(sizes['template scans by piece'], 2, 'one scan for each of the two documents');
    assert.equal(sizes['YAML parses by piece'], 2);
    const again = analyzeTemplate('templates/job.yaml', TEMPLATE, { caches });
    assert.equal(again.model.documents[1]!.range.start, first.model.documents[1]!.range.start);
    assert.equal(
      analyzeTemplate('templates/job.yaml', TEMPLATE.replace('settings', 'other'), { caches }).model.documents.length,
      2,
    );
  });

  it('holds nothing after dispose, and keeps nothing new afterwards', () => {
    const caches = new EngineCaches();
    const slot = new CacheSlot<string>('probe', { maxEntries: 10, maxChars: 100 });
    caches.of(slot).set('text', 'value');
    analyzeTemplate('templates/job.yaml', TEMPLATE, { caches });
    assert.equal(caches.of(slot).has('text'), true);
    assert.equal(caches.sizes()['YAML parses by piece'], 2);
    caches.dispose();
    assert.deepEqual(caches.sizes(), {});
    assert.equal(caches.of(slot).has('text'), false);
    caches.of(slot).set('text', 'value');
    assert.equal(caches.of(slot).has('text'), false, 'a disposed owner keeps nothing new');
  });

  it('after clear, the next analysis builds its documents again instead of finding them', () => {
    const caches = new EngineCaches();
    const before = firstDocument(TEMPLATE, caches);
    assert.equal(firstDocument(TEMPLATE, caches), before, 'while kept, the same document is found again');
    caches.clear();
    assert.ok(Object.values(caches.sizes()).every((size) => size === 0));
    const after = firstDocument(TEMPLATE, caches);
    assert.notEqual(after, before, 'the document is built again');
    assert.equal(firstDocument(TEMPLATE, caches), after, 'and kept again');
  });

  it('gives the evaluator its caches only inside run, and restores the caches of an enclosing run after', () => {
    const text = '{{ .Values.a | default "x" }}';
    const outer = new EngineCaches();
    const inner = new EngineCaches();
    assert.notEqual(parseTemplateShared(text), parseTemplateShared(text), 'outside a run nothing is kept');
    outer.run(() => {
      const kept = parseTemplateShared(text);
      assert.equal(parseTemplateShared(text), kept, 'inside a run the parse is kept');
      inner.run(() => assert.notEqual(parseTemplateShared(text), kept, 'another run has its own'));
      assert.equal(parseTemplateShared(text), kept, 'the outer run is back');
    });
    assert.equal(activeCache(new CacheSlot<number>('probe', { maxEntries: 1, maxChars: 1 })), undefined);
    const keptBefore = outer.run(() => parseTemplateShared(text));
    outer.dispose();
    assert.notEqual(
      outer.run(() => parseTemplateShared(text)),
      keptBefore,
      'after dispose the parse is made again',
    );
  });
});

/** The first document of a template analysed with `caches`: the object a reuse finds again. */
function firstDocument(text: string, caches: EngineCaches): unknown {
  return analyzeTemplate('templates/job.yaml', text, { caches }).model.documents[0];
}
