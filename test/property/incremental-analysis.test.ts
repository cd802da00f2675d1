import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isDocument, isNode, isPair } from 'yaml';
import { generatedTemplate, weightOffset } from '../../bench/generate';
import type { TemplateFile } from '../../server/src/engine/analysis/file';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import type { LintOptions } from '../../server/src/engine/lint/lint';
import { lintFile } from '../../server/src/engine/lint/lint';
import { EngineCaches } from '../../server/src/engine/core/caches';
import { FileLints } from '../../server/src/features/workspace';
import { CORPUS_CHARTS } from '../support/shared';
import { applyEdit, samples, userEdits } from './engine-properties';

/**
 * The language server analyses a template again on every keystroke, reusing what it found in the documents the
 * keystroke did not touch: their scan, YAML parse, model and per-document findings. Whatever the edits, each text must
 * get exactly the analysis and findings that a fresh analysis of that text alone gives (the CLI's path: whole parse,
 * nothing kept). Seed and run counts are fixed, so CI checks the same cases every time; FC_SEED and FC_RUNS_FACTOR
 * explore others.
 */
const PATH = '/chart/templates/edited.yaml';

/** What an edit puts into the text: what changes how templates, YAML documents and hooks are read, and some others. */
const TOKENS = [
  '{{',
  '}}',
  '{{-',
  '-}}',
  '{{/*',
  '*/}}',
  '{{ end }}',
  '{{ if .Values.x }}',
  '{{ define "x" }}',
  '{{ "',
  '{{ .Values.x\n}}',
  '{{- include "x" . | nindent 4 }}',
  '{{ $g := randAlphaNum 8 }}',
  '{{ lookup "v1" "Secret" "" "x" }}',
  ':',
  ': ',
  '"',
  "'",
  '\n',
  '\r\n',
  '\r',
  '\u2028',
  ' ',
  '  ',
  '-',
  '- ',
  '#',
  '|',
  '---\n',
  '\n---\n',
  '--- ',
  '...\n',
  '%YAML 1.1\n',
  '[',
  ']',
  '{',
  '}',
  ',',
  '0',
  '-5',
  '010',
  'true',
  'a',
  '\u00e9',
  '# helm-hooks-disable-next-line\n',
  'helm.sh/hook: ',
  '"helm.sh/hook-weight": 5',
  'helm.sh/hook-delete-policy: hook-failed',
  'pre-install',
  'post-upgrade,test',
  'annotations:\n',
  'metadata:\n',
  'kind: Job\n',
  'kind: Secret\n',
  'image: busybox\n',
  'restartPolicy: Always',
  'value: "postgres://u:p@h/db"',
];

const editArbitrary = userEdits(TOKENS);

const OPTIONS: LintOptions[] = [
  { helmVersion: 4, rules: {} },
  { helmVersion: 3, rules: {} },
  { helmVersion: 4, rules: { 'hook-left-behind': 'off', 'unquoted-hook-weight': 'info' } },
];

/**
 * Everything an analysis holds, as JSON, with each YAML node or document (whose syntax-tree details may differ between
 * a whole and a piecewise parse) given by its range: what the model and the rules read of them.
 */
function summary(file: TemplateFile): string {
  const plain = (value: unknown): unknown => {
    if (isDocument(value) || isNode(value)) return { range: value.range };
    if (isPair(value)) return { key: plain(value.key), value: plain(value.value) };
    if (Array.isArray(value)) return value.map(plain);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, plain(field)]));
  };
  return JSON.stringify(plain(file));
}

/** Analyses each text of a sequence as the server does, and checks it against a fresh analysis. */
function assertSameAsFresh(texts: readonly string[], options: readonly LintOptions[]): void {
  lints.forget(PATH);
  texts.forEach((text, index) => {
    const option = options[index % options.length]!;
    const file = analyzeTemplate(PATH, text, { caches });
    const fresh = analyzeTemplate(PATH, text);
    assert.equal(summary(file), summary(fresh), `the analysis after edit ${index} of ${texts.length - 1}`);
    assert.deepStrictEqual(
      lints.findingsFor(file, option),
      lintFile(fresh, option),
      `the findings after edit ${index} of ${texts.length - 1}`,
    );
  });
}

function editSequences(starts: readonly string[]): fc.Arbitrary<{ texts: string[]; options: LintOptions[] }> {
  return fc
    .record({
      start: fc.constantFrom(...starts),
      edits: fc.array(editArbitrary, { minLength: 1, maxLength: 6 }),
      options: fc.array(fc.constantFrom(...OPTIONS), { minLength: 1, maxLength: 3 }),
    })
    .map(({ start, edits, options }) => {
      const texts = [start];
      for (const edit of edits) texts.push(applyEdit(texts[texts.length - 1]!, edit));
      return { texts, options };
    });
}

/** The language server's: kept across each test's edits, as a workspace keeps them across keystrokes. */
const caches = new EngineCaches();
const lints = new FileLints();

const seed = Number(process.env.FC_SEED ?? 9);
const factor = Number(process.env.FC_RUNS_FACTOR ?? 1);
const runs = (count: number) => Math.max(1, Math.round(count * factor));

describe('incremental analysis in the language server', () => {
  it('gives each edited corpus, rule-example and demo template exactly the analysis and findings of a fresh one', () => {
    caches.clear();
    const starts = samples(existsSync(CORPUS_CHARTS));
    fc.assert(
      fc.property(editSequences(starts), ({ texts, options }) => assertSameAsFresh(texts, options)),
      { seed, numRuns: runs(150), endOnFailure: false },
    );
  });

  it('gives the generated bench template, edited anywhere, exactly the analysis and findings of a fresh one', () => {
    caches.clear();
    const generated = generatedTemplate(600);
    fc.assert(
      fc.property(editSequences([generated]), ({ texts, options }) => assertSameAsFresh(texts, options)),
      { seed, numRuns: runs(25), endOnFailure: false },
    );
  });

  it('gives typing at the top, middle and end of the generated template exactly the analysis and findings of a fresh one', () => {
    caches.clear();
    const start = generatedTemplate(400);
    for (const place of ['top', 'middle', 'end'] as const) {
      // Digits into a hook weight, then what adds and removes documents before the later ones: every later document
      // moves on each keystroke, by one character or by many lines.
      const at = weightOffset(start, place);
      const texts = [start];
      const typed = ['1', '2', '3', '"\n---\nkind: Job\n#', '4', 'x'];
      let text = start;
      let cursor = at;
      for (const token of typed) {
        text = text.slice(0, cursor) + token + text.slice(cursor);
        cursor += token.length;
        texts.push(text);
      }
      for (let removed = 0; removed < 3; removed++) {
        text = text.slice(0, cursor - 1) + text.slice(cursor);
        cursor -= 1;
        texts.push(text);
      }
      texts.push(start);
      assertSameAsFresh(texts, OPTIONS);
    }
  });

  it("leaves another file's analysis of the same text as it was when one of them is edited above its documents", () => {
    caches.clear();
    const text = generatedTemplate(300);
    const other = '/chart/templates/copy.yaml';
    const edited = analyzeTemplate(PATH, text, { caches });
    const copy = analyzeTemplate(other, text, { caches });
    const copySummary = summary(copy);
    assert.equal(copy.model.documents[3]!.doc, edited.model.documents[3]!.doc, 'the two files share their parses');
    let typed = text;
    for (const token of ['1', '2', '\n']) {
      typed = token + typed;
      const file = analyzeTemplate(PATH, typed, { caches });
      assert.equal(summary(file), summary(analyzeTemplate(PATH, typed)), `the edited file after typing ${token}`);
    }
    assert.equal(summary(copy), copySummary, 'the other file keeps the analysis it had');
  });

  it('gives a template whose documents repeat, typed into above them, the analysis of a fresh one', () => {
    caches.clear();
    const job = [
      '---',
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: same',
      '  annotations:',
      '    "helm.sh/hook": pre-install',
      '    "helm.sh/hook-weight": 5',
      '',
    ].join('\n');
    const start = 'kind: ConfigMap\n' + job + job + job;
    const texts = [start];
    for (const token of ['a', 'b', '\n', 'c: d\n']) texts.push(token + texts[texts.length - 1]!);
    assertSameAsFresh(texts, OPTIONS);
  });

  it('keeps the model and findings of the documents a keystroke leaves in place, and moves those it shifts', () => {
    lints.forget(PATH);
    const text = generatedTemplate(300);
    const options = OPTIONS[0]!;
    const file = analyzeTemplate(PATH, text, { caches });
    const findings = lints.findingsFor(file, options);
    const firstDocumentEnd = file.model.documents[1]!.range.start;
    const laterFindings = findings.filter((finding) => finding.range.start >= firstDocumentEnd);
    assert.ok(laterFindings.length > 0, 'the generated template has findings after its first document');

    const typed = 'x' + text.slice(1);
    const afterTyping = analyzeTemplate(PATH, typed, { caches });
    const findingsAfterTyping = lints.findingsFor(afterTyping, options);
    assert.deepStrictEqual(afterTyping.model.documents.slice(1), file.model.documents.slice(1));
    afterTyping.model.documents.forEach((document, index) => {
      if (index > 0) assert.equal(document, file.model.documents[index], `document ${index} is the one built before`);
    });
    for (const finding of laterFindings) {
      assert.ok(
        findingsAfterTyping.includes(finding),
        `${finding.rule} at ${finding.range.start} is the finding found before`,
      );
    }

    const inserted = '# a comment that moves every later document\n';
    const moved = lints.findingsFor(analyzeTemplate(PATH, inserted + typed, { caches }), options);
    assert.deepStrictEqual(moved, lintFile(analyzeTemplate(PATH, inserted + typed), options));
    assert.deepStrictEqual(
      moved.map((finding) => [
        finding.rule,
        finding.range.start - inserted.length,
        finding.range.end - inserted.length,
        finding.message,
      ]),
      findingsAfterTyping.map((finding) => [finding.rule, finding.range.start, finding.range.end, finding.message]),
    );
  });
});
