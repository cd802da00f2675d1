import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import { discover } from '../../server/src/engine/chart/discover';
import type { LintOptions } from '../../server/src/engine/lint/lint';
import { lintFile } from '../../server/src/engine/lint/lint';
import { CORPUS_CHARTS, requireShared } from '../support/shared';
import { applyEdit, samples, userEdits } from './engine-properties';

/**
 * The CLI parses only the documents of a template that hold hook-related text (model/hook-text.ts); the editor parses
 * every document. Both must give exactly the same findings: on every template of the corpus as it is, and on random
 * edits of fixtures put together into templates of several documents. Seed and run counts are fixed, so CI checks the
 * same cases every time; FC_SEED and FC_RUNS_FACTOR explore others.
 */
const OPTIONS: LintOptions[] = [
  { helmVersion: 4, rules: {} },
  { helmVersion: 3, rules: {}, targets: ['helm', 'argocd'] },
];

function assertSameFindings(path: string, text: string): void {
  const full = analyzeTemplate(path, text);
  const partial = analyzeTemplate(path, text, { hookDocumentsOnly: true });
  for (const options of OPTIONS)
    assert.deepStrictEqual(
      lintFile(partial, options),
      lintFile(full, options),
      `${path}: the findings of the hook documents alone (Helm ${options.helmVersion})`,
    );
}

/** What an edit puts into the text: what starts, ends or joins documents, quotes, and hook-related text. */
const TOKENS = [
  '---\n',
  '\n---\n',
  '\n--- ',
  '---',
  '...\n',
  '%YAML 1.1\n',
  '"',
  "'",
  "''",
  '\\"',
  '[',
  '{',
  '|\n',
  '{{',
  '}}',
  '{{- ',
  ' -}}',
  '{{ end }}',
  '{{ if .Values.x }}',
  '{{/* helm.sh/hook */}}',
  '{{ "\n---\n" }}',
  ':',
  ': ',
  '\n',
  '\r\n',
  ' ',
  '\t',
  '#',
  'helm.sh/hook: pre-install\n',
  '    helm.sh/hook-weight: 5\n',
  'helm.sh/chart: x\n',
  'argocd.argoproj.io/hook: PreSync\n',
  '  annotations:\n    a: 5\n',
  'kind: Job\n',
  'metadata:\n',
];

const editArbitrary = userEdits(TOKENS);

const seed = Number(process.env.FC_SEED ?? 17);
const factor = Number(process.env.FC_RUNS_FACTOR ?? 1);

describe('parsing only the documents that hold hook-related text', () => {
  it('gives every corpus template exactly the findings of a parse of all its documents', (t) => {
    if (!requireShared(t)) return;
    const templates = discover(CORPUS_CHARTS).flatMap((target) =>
      target.kind === 'chart' ? target.chart.templates : [],
    );
    assert.ok(templates.length > 500, `the corpus has its templates (${templates.length})`);
    for (const path of templates) assertSameFindings(path, readFileSync(path, 'utf8'));
  });

  it('gives randomly edited templates of several fixture documents exactly the findings of a full parse', () => {
    // Documents without hook-related text that a rule would report on if it read them: an annotation YAML reads as a
    // number, and YAML that is not valid.
    const starts = [
      ...samples(false),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  annotations:\n    port: 8080\n',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: broken\n   labels: {}\ndata: {}\n',
    ];
    const templates = fc
      .tuple(
        fc.array(fc.constantFrom(...starts), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('\n---\n', '\n---\n# a comment\n', '\r\n---\r\n'),
        fc.array(editArbitrary, { minLength: 0, maxLength: 8 }),
      )
      .map(([documents, separator, edits]) => edits.reduce(applyEdit, documents.join(separator)));
    fc.assert(
      fc.property(templates, (text) => assertSameFindings('/chart/templates/edited.yaml', text)),
      { seed, numRuns: Math.max(1, Math.round(400 * factor)), endOnFailure: false },
    );
  });

  it('parses no document of a template without hook-related text, and only the hook documents of a mixed one', () => {
    const plain = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    x: 5\n';
    const hook =
      'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: b\n  annotations:\n    helm.sh/hook: pre-install\n';
    const alone = analyzeTemplate('/c/templates/a.yaml', plain, { hookDocumentsOnly: true });
    assert.deepStrictEqual(alone.model.documents, []);
    assert.equal(analyzeTemplate('/c/templates/a.yaml', plain).model.documents.length, 1);

    const mixed = analyzeTemplate('/c/templates/m.yaml', `${plain}---\n${hook}---\n${plain}`, {
      hookDocumentsOnly: true,
    });
    assert.deepStrictEqual(
      mixed.model.documents.map((document) => [document.index, document.name?.source]),
      [[1, 'b']],
    );
    // A quote left open in a plain document reads on through every later `---` when no quote closes it: then the
    // whole text is parsed, and the hook document is what a full parse makes of it.
    const unclosed = `${plain}  b: "x\n---\n${hook}`;
    const whole = analyzeTemplate('/c/templates/o.yaml', unclosed);
    const open = analyzeTemplate('/c/templates/o.yaml', unclosed, { hookDocumentsOnly: true });
    assert.equal(open.model.parsedText, whole.model.parsedText);
    assert.deepStrictEqual(
      open.model.documents.map((document) => document.range),
      whole.model.documents.map((document) => document.range),
    );
  });
});
