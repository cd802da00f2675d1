import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Document } from 'yaml';
import { discover } from '../../../server/src/engine/chart/discover';
import { scanTemplate } from '../../../server/src/engine/template/scanner';
import { EngineCaches } from '../../../server/src/engine/core/caches';
import { parseWithout, parseYamlDocuments, wholeParse } from '../../../server/src/engine/model/yaml-documents';
import { CORPUS_CHARTS, requireShared } from '../../support/shared';

/** What the model reads of a document: its range, its errors and warnings with positions, its contents. */
function summary(documents: Document.Parsed[]): unknown {
  return documents.map((document) => ({
    range: document.range,
    errors: document.errors.map((error) => [error.code, error.pos]),
    warnings: document.warnings.map((warning) => [warning.code, warning.pos]),
    contents: JSON.stringify(document.contents),
    ranges: rangesOf(document.contents),
  }));
}

function rangesOf(node: unknown, found: number[][] = []): number[][] {
  if (node === null || typeof node !== 'object') return found;
  const record = node as { range?: number[]; items?: unknown[]; key?: unknown; value?: unknown };
  if (record.range) found.push(record.range);
  for (const item of record.items ?? []) rangesOf(item, found);
  if ('key' in record) rangesOf(record.key, found);
  if ('value' in record && typeof record.value === 'object') rangesOf(record.value, found);
  return found;
}

const SAMPLE = [
  'a: 1',
  '---',
  'kind: Job',
  'metadata:',
  '  name: x',
  '---',
  '# comment',
  'kind: ConfigMap',
  'data:',
  '  k: |',
  '    v',
  '---',
  '',
].join('\n');

describe('piecewise YAML parsing with reuse', () => {
  it('gives the same documents as a whole parse, on a multi-document text and after edits that move later documents', () => {
    const caches = new EngineCaches();
    assert.deepEqual(summary(parseYamlDocuments(SAMPLE, caches)), summary(wholeParse(SAMPLE)));
    const edited = SAMPLE.replace('name: x', 'name: longer-name');
    assert.deepEqual(summary(parseYamlDocuments(edited, caches)), summary(wholeParse(edited)));
    const broken = SAMPLE.replace('kind: Job', 'kind: [Job');
    assert.deepEqual(summary(parseYamlDocuments(broken, caches)), summary(wholeParse(broken)));
  });

  it('reuses the documents before an edit and re-parses only the edited one', () => {
    const caches = new EngineCaches();
    const before = parseYamlDocuments(SAMPLE, caches);
    const after = parseYamlDocuments(SAMPLE.replace('name: x', 'name: y'), caches);
    assert.equal(after[0], before[0], 'the unchanged first document is the same object');
    assert.notEqual(after[1], before[1], 'the edited document is parsed again');
    const moved = parseYamlDocuments(SAMPLE.replace('name: x', 'name: xyz'), caches);
    assert.notEqual(moved[2], before[2], 'a document after a length change is composed again at its new offset');
    assert.deepEqual(summary(moved), summary(wholeParse(SAMPLE.replace('name: x', 'name: xyz'))));
  });

  it('parses whole what it cannot cut safely: directives and explicit document ends', () => {
    const caches = new EngineCaches();
    const withEnd = 'a: 1\n...\n---\nb: 2\n';
    assert.deepEqual(summary(parseYamlDocuments(withEnd, caches)), summary(wholeParse(withEnd)));
    const withDirective = '%YAML 1.1\n---\na: 1\n';
    assert.deepEqual(summary(parseYamlDocuments(withDirective, caches)), summary(wholeParse(withDirective)));
  });

  it('gives the same documents as a whole parse for every masked corpus template, before and after an edit in its middle', (t) => {
    if (!requireShared(t)) return;
    const caches = new EngineCaches();
    let compared = 0;
    for (const target of discover(CORPUS_CHARTS)) {
      if (target.kind !== 'chart') continue;
      for (const path of target.chart.templates) {
        const masked = scanTemplate(readFileSync(path, 'utf8')).masked;
        if (masked.length > 300_000) continue; // the CRDs: same code path, and whole parses of them are slow
        assert.deepEqual(summary(parseYamlDocuments(masked, caches)), summary(wholeParse(masked)), path);
        const middle = masked.indexOf('\n', masked.length >> 1);
        if (middle > 0) {
          const edited = masked.slice(0, middle) + '\n  x: {' + masked.slice(middle);
          assert.deepEqual(
            summary(parseYamlDocuments(edited, caches)),
            summary(wholeParse(edited)),
            `${path} (edited)`,
          );
        }
        compared++;
      }
    }
    assert.ok(compared > 1000, `compared ${compared} templates`);
  });
});

describe('parsing without the content of block scalars', () => {
  it('gives the documents, ranges and errors of the whole parse, outside the cut lines', () => {
    const text = [
      'kind: A',
      'spec: |1',
      '  schema line one',
      '  schema line two',
      'status: {}',
      '---',
      'kind: B',
      'data: |1',
      '  x',
      'bad: [',
      '',
    ].join('\n');
    const cut = (from: string, to: string) => ({ start: text.indexOf(from), end: text.indexOf(to) });
    const cuts = [cut('  schema line one', 'status:'), cut('  x', 'bad:')];
    const whole = summary(wholeParse(text)) as Array<{ ranges: unknown; contents: string }>;
    const without = summary(parseWithout(text, cuts)) as Array<{ ranges: unknown; contents: string }>;
    // The block scalars read empty; every position is where the whole parse has it.
    assert.deepEqual(
      without.map((document) => ({ ...document, contents: undefined })),
      whole.map((document) => ({ ...document, contents: undefined })),
    );
    assert.match(without[0]!.contents, /"spec":""/);
    assert.match(whole[0]!.contents, /"spec":" schema line one/);
  });
});
