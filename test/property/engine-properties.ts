import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { discover } from '../../server/src/engine/chart/discover';
import type { TemplateFile } from '../../server/src/engine/analysis/file';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import { applyEdits, fixUntilStable, MAX_FIX_PASSES } from '../../server/src/engine/lint/fix';
import { lintFile } from '../../server/src/engine/lint/lint';
import { ALL_RULES } from '../../server/src/engine/rules';
import type { Finding, TextEdit } from '../../server/src/engine/rules/rule';
import type { TextRange } from '../../server/src/engine/core/text';
import { REPO_ROOT } from '../support/paths';
import { CORPUS_CHARTS } from '../support/shared';

/**
 * The engine's properties under random edits, run in a worker thread by engine.test.ts so that a hang fails the test
 * (the worker is terminated at a deadline) instead of stalling the run. Seed and run counts are fixed, so CI checks
 * the same cases every time; FC_SEED and FC_RUNS_FACTOR explore others.
 */
export type PropertyName = 'no-throw-ranges' | 'masking' | 'fixes';

const PATH = 'templates/edited.yaml';
/** Templates larger than this are left out: a case must stay cheap enough for hundreds of runs. */
const MAX_SAMPLE_CHARS = 16_000;
const CORPUS_SAMPLES = 30;
/** A generous bound for one analysis of an edited sample on a busy CI machine; a hang or a blow-up exceeds it. */
const CASE_BUDGET_MS = 3_000;

/** Deterministic pseudo-random numbers (mulberry32), so that the sampled templates are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function templatesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? templatesUnder(path) : /\.(ya?ml|tpl)$/.test(name) ? [path] : [];
  });
}

/** A seeded sample of the corpus templates, the rules' documented examples and the demo chart's templates. */
export function samples(includeCorpus: boolean): string[] {
  const texts: string[] = [];
  if (includeCorpus) {
    const corpus = discover(CORPUS_CHARTS)
      .flatMap((target) => (target.kind === 'chart' ? target.chart.templates : []))
      .sort()
      .map((path) => readFileSync(path, 'utf8'))
      .filter((text) => text.length <= MAX_SAMPLE_CHARS);
    const next = random(9);
    for (let count = 0; count < CORPUS_SAMPLES && corpus.length > 0; count++)
      texts.push(corpus.splice(Math.floor(next() * corpus.length), 1)[0]!);
  }
  for (const rule of ALL_RULES) texts.push(rule.docs.bad, rule.docs.good);
  for (const path of templatesUnder(join(REPO_ROOT, 'examples', 'shop', 'templates')).sort())
    texts.push(readFileSync(path, 'utf8'));
  // Windows line endings, which every offset, mask and fix must keep.
  return [...texts, ...texts.filter((_, index) => index % 3 === 0).map((text) => text.replace(/\r?\n/g, '\r\n'))];
}

/** What an edit puts into the text: the characters that change how templates and YAML are read, and some others. */
const TOKENS = [
  '{{',
  '}}',
  '{{-',
  '-}}',
  '{{- ',
  ' -}}',
  '{{/*',
  '*/}}',
  '{{ end }}',
  '{{ else }}',
  '{{ if .Values.x }}',
  '{{ define "x" }}',
  ':',
  ': ',
  '"',
  "'",
  '`',
  '\\',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '  ',
  '\t',
  '-',
  '- ',
  '#',
  '|',
  '>',
  '---\n',
  '...\n',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a',
  '*a',
  '!!str ',
  '?',
  'a',
  '0',
  '-5',
  '010',
  'true',
  '\u00e9',
  '\u{1F600}',
  '\u0000',
  '\uFEFF',
  '{{ .Values.x\n}}',
  '{{/* a\r\nb */}}',
  '{{- include "x" .\r\n  | nindent 4 }}',
  '{{ "}}\\"" }}',
  '{{ `\n}}` }}',
  'helm.sh/hook: ',
  'helm.sh/hook-weight: ',
  'helm.sh/hook-delete-policy: ',
  'pre-install',
  'annotations:\n',
  'metadata:\n',
];

/** One random edit of a text; `type` overwrites one character (a keystroke that keeps every offset). */
export interface Edit {
  kind: 'insert' | 'delete' | 'replace' | 'type';
  /** Where, as a fraction of the current length. */
  at: number;
  length: number;
  token: string;
}

const editArbitrary: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'replace'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.integer({ min: 1, max: 12 }),
  token: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...TOKENS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6, unit: 'binary' }) },
  ),
});

/**
 * Edits as a user makes them, keystrokes (`type`) included, of `tokens` mostly and of a few random characters: the
 * property tests of the language server's incremental paths apply them.
 */
export function userEdits(tokens: readonly string[]): fc.Arbitrary<Edit> {
  return fc.record({
    kind: fc.constantFrom('insert', 'delete', 'replace', 'type'),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    length: fc.integer({ min: 1, max: 12 }),
    token: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...tokens) },
      { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
    ),
  });
}

export function applyEdit(text: string, edit: Edit): string {
  const at = Math.min(text.length, Math.floor(edit.at * (text.length + 1)));
  switch (edit.kind) {
    case 'insert':
      return text.slice(0, at) + edit.token + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + edit.length);
    case 'replace':
      return text.slice(0, at) + edit.token + text.slice(at + edit.length);
    case 'type':
      return at < text.length ? text.slice(0, at) + (edit.token.charAt(0) || 'x') + text.slice(at + 1) : text;
  }
}

/** A sample template with up to 8 random edits, or a text made only of tokens. */
function editedTemplates(texts: readonly string[]): fc.Arbitrary<string> {
  const edited = fc
    .tuple(fc.constantFrom(...texts), fc.array(editArbitrary, { minLength: 1, maxLength: 8 }))
    .map(([text, edits]) => edits.reduce(applyEdit, text));
  const tokensOnly = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((parts) => parts.join(''));
  return fc.oneof({ weight: 5, arbitrary: edited }, { weight: 1, arbitrary: tokensOnly });
}

function analyse(text: string): { file: TemplateFile; findings: Finding[] } {
  const file = analyzeTemplate(PATH, text);
  return { file, findings: lintFile(file) };
}

function assertInside(range: TextRange, length: number, what: string): void {
  if (!(
    Number.isInteger(range.start) &&
    Number.isInteger(range.end) &&
    0 <= range.start &&
    range.start <= range.end &&
    range.end <= length
  )) {
    throw new Error(`${what} [${range.start}, ${range.end}) is not inside the document of length ${length}`);
  }
}

function assertSameShape(masked: string, text: string, what: string): void {
  if (masked.length !== text.length) throw new Error(`${what} has length ${masked.length}, the text ${text.length}`);
  for (let index = 0; index < text.length; index++) {
    const original = text.charCodeAt(index);
    const maskedCode = masked.charCodeAt(index);
    const isBreak = original === 10 || original === 13;
    if (isBreak ? maskedCode !== original : maskedCode === 10 || maskedCode === 13) {
      throw new Error(`${what} differs from the text in its line breaks at offset ${index}`);
    }
  }
}

function overlaps(a: TextRange, b: TextRange): boolean {
  return (a.start < b.end && b.start < a.end) || (a.start === a.end && a.start === b.start && b.start === b.end);
}

/** The text outside the edits, in order: what applying them must leave untouched. */
function assertOnlyRangesChanged(text: string, edits: readonly TextEdit[], fixed: string): void {
  const sorted = [...edits].sort((a, b) => a.range.start - b.range.start);
  let cursorOriginal = 0;
  let cursorFixed = 0;
  for (const edit of sorted) {
    const kept = text.slice(cursorOriginal, edit.range.start);
    if (fixed.slice(cursorFixed, cursorFixed + kept.length) !== kept)
      throw new Error(`a fix changed text before offset ${edit.range.start}`);
    cursorFixed += kept.length;
    if (fixed.slice(cursorFixed, cursorFixed + edit.newText.length) !== edit.newText)
      throw new Error(`a fix did not write its text at ${edit.range.start}`);
    cursorFixed += edit.newText.length;
    cursorOriginal = edit.range.end;
  }
  if (fixed.slice(cursorFixed) !== text.slice(cursorOriginal))
    throw new Error(`a fix changed text after offset ${cursorOriginal}`);
}

const PROPERTIES: Record<PropertyName, (text: string) => void> = {
  'no-throw-ranges': (text) => {
    const start = performance.now();
    const { findings } = analyse(text);
    const elapsed = performance.now() - start;
    if (elapsed > CASE_BUDGET_MS) throw new Error(`analysis took ${elapsed.toFixed(0)} ms`);
    for (const finding of findings) {
      assertInside(finding.range, text.length, `${finding.rule} finding`);
      for (const related of finding.related)
        if (related.file === PATH) assertInside(related.range, text.length, `${finding.rule} related location`);
      for (const fix of finding.fixes) {
        for (const edit of fix.edits)
          if (edit.file === PATH) assertInside(edit.range, text.length, `${finding.rule} fix "${fix.title}"`);
        fix.edits.forEach((edit, index) => {
          if (fix.edits.slice(index + 1).some((other) => overlaps(edit.range, other.range)))
            throw new Error(`${finding.rule} fix "${fix.title}" has overlapping edits`);
        });
      }
    }
  },
  masking: (text) => {
    const { scan, model } = analyzeTemplate(PATH, text);
    assertSameShape(scan.masked, text, 'the masked text');
    assertSameShape(scan.maskedKeepingDefines, text, 'the masked text keeping defines');
    assertSameShape(model.yamlText, text, 'the text given to the YAML parser');
    for (const action of scan.actions) assertInside(action.range, text.length, 'an action');
  },
  fixes: (text) => {
    const { findings } = analyse(text);
    for (const finding of findings) {
      for (const fix of finding.fixes) {
        const edits = fix.edits.filter((edit) => edit.file === PATH);
        const fixed = applyEdits(text, edits);
        assertOnlyRangesChanged(text, edits, fixed);
        analyse(fixed);
      }
    }
    const lintText = (current: string) => ({ text: current, findings: analyse(current).findings });
    if (!fixUntilStable(PATH, lintText(text), lintText).stable)
      throw new Error(`safe fixes did not settle within ${MAX_FIX_PASSES} passes`);
  },
};

export const RUNS: Record<PropertyName, number> = { 'no-throw-ranges': 250, masking: 300, fixes: 120 };

export interface WorkerRequest {
  property: PropertyName;
  includeCorpus: boolean;
}

export type WorkerReply = { ok: true; runs: number } | { ok: false; error: string };

function run(request: WorkerRequest): WorkerReply {
  const seed = Number(process.env.FC_SEED ?? 9);
  const factor = Number(process.env.FC_RUNS_FACTOR ?? 1);
  const numRuns = Math.max(1, Math.round(RUNS[request.property] * factor));
  const check = PROPERTIES[request.property];
  try {
    fc.assert(
      fc.property(editedTemplates(samples(request.includeCorpus)), (text) => check(text)),
      { seed, numRuns, endOnFailure: false },
    );
    return { ok: true, runs: numRuns };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

if (parentPort && workerData) parentPort.postMessage(run(workerData as WorkerRequest));
