import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generatedTemplate, writeChartWith } from '../../bench/generate';
import { LspSession } from '../../bench/lsp-client';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import { lintFile } from '../../server/src/engine/lint/lint';
import { LineIndex } from '../../server/src/engine/core/text';

/** LSP DiagnosticSeverity: Error 1, Warning 2, Information 3. */
const SEVERITY = { error: 1, warning: 2, info: 3 } as const;
const MB = 1024 * 1024;

interface Shown {
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  severity: number | undefined;
  code: string | number | undefined;
  message: string;
}

function byPosition(a: Shown, b: Shown): number {
  return a.line - b.line || a.character - b.character || String(a.code).localeCompare(String(b.code));
}

/** What the engine itself reports for a text, in the LSP's terms (UTF-16 line and character). */
function engineDiagnostics(path: string, text: string): Shown[] {
  const lines = new LineIndex(text);
  return lintFile(analyzeTemplate(path, text))
    .map((finding) => {
      const start = lines.position(finding.range.start);
      const end = lines.position(finding.range.end);
      return {
        line: start.line,
        character: start.character,
        endLine: end.line,
        endCharacter: end.character,
        severity: SEVERITY[finding.severity],
        code: finding.rule,
        message: finding.message,
      };
    })
    .sort(byPosition);
}

/** Deterministic pseudo-random numbers (mulberry32). */
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

function positionOf(text: string, offset: number): { line: number; character: number } {
  const position = new LineIndex(text).position(offset);
  return { line: position.line, character: position.character };
}

const PIECES = [
  '{{',
  '}}',
  ':',
  '"',
  "'",
  '\n',
  ' ',
  '-',
  '5',
  'a',
  '{{ .Values.x }}',
  'helm.sh/hook: pre-instal',
  ',',
];

describe('language server under load and bad input', { timeout: 240_000 }, () => {
  let root: string;
  let session: LspSession;
  let baselineHeap: number;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'helm-hooks-stress-'));
    session = await LspSession.start({ root, debounceMs: 0, measurableHeap: true });
    // The baseline includes one full open-check-close cycle, so that lazily loaded code and JIT state count as baseline.
    const warm = writeChartWith(join(root, 'warm'), 'warm', generatedTemplate(200));
    await session.open(warm, generatedTemplate(200), 1);
    await session.diagnostics(warm, 1, 30_000);
    const cleared = session.diagnostics(warm, undefined, 30_000, (params) => params.diagnostics.length === 0);
    await session.close(warm);
    await cleared;
    baselineHeap = (await session.memory()).heapUsed;
  });

  after(async () => {
    await session?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('answers a burst of 1,000 changes with exactly the diagnostics of the final text, and nothing older after them', async (t) => {
    if (!LspSession.available()) return t.skip('dist/server.js not built');
    let text = generatedTemplate(300);
    const path = writeChartWith(join(root, 'burst'), 'burst', text);
    await session.open(path, text, 1);
    await session.diagnostics(path, 1, 30_000);
    const next = random(9);
    const last = 1001;
    const final = session.diagnostics(path, last, 120_000);
    for (let version = 2; version <= last; version++) {
      const start = Math.floor(next() * (text.length + 1));
      const end = next() < 0.5 ? start : Math.min(text.length, start + 1 + Math.floor(next() * 4));
      const insert = end > start && next() < 0.5 ? '' : PIECES[Math.floor(next() * PIECES.length)]!;
      const range = { start: positionOf(text, start), end: positionOf(text, end) };
      text = text.slice(0, start) + insert + text.slice(end);
      void session.change(path, version, [{ range, text: insert }]);
    }
    const received = await final;
    const shown = received.params.diagnostics
      .map((diagnostic): Shown => ({
        line: diagnostic.range.start.line,
        character: diagnostic.range.start.character,
        endLine: diagnostic.range.end.line,
        endCharacter: diagnostic.range.end.character,
        severity: diagnostic.severity,
        code: diagnostic.code,
        message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
      }))
      .sort(byPosition);
    const expected = engineDiagnostics(path, text);
    assert.ok(
      expected.length > 0,
      'the edited text still has findings, so the comparison is not between two empty lists',
    );
    assert.deepEqual(shown, expected);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(
      session.lastDiagnostics(path)?.params.version,
      last,
      'no diagnostics of an older version arrived afterwards',
    );
    const cleared = session.diagnostics(path, undefined, 30_000, (params) => params.diagnostics.length === 0);
    await session.close(path);
    await cleared;
  });

  it('opens and closes a 10 MB template, reporting its findings', async (t) => {
    if (!LspSession.available()) return t.skip('dist/server.js not built');
    const unit = generatedTemplate(2000);
    const text = unit.repeat(Math.ceil((10 * MB) / unit.length));
    const path = join(writeChartWith(join(root, 'large'), 'large', ''), '..', 'large.yaml');
    await session.open(path, text, 1);
    const { params } = await session.diagnostics(path, 1, 180_000);
    assert.ok(
      params.diagnostics.some((diagnostic) => diagnostic.code === 'unquoted-hook-weight'),
      'the unquoted weights of the generated text are reported',
    );
    const cleared = session.diagnostics(path, undefined, 60_000, (received) => received.diagnostics.length === 0);
    await session.close(path);
    await cleared;
  });

  it('opens and closes a binary file without failing', async (t) => {
    if (!LspSession.available()) return t.skip('dist/server.js not built');
    const next = random(10);
    const bytes = Buffer.alloc(256 * 1024);
    for (let index = 0; index < bytes.length; index++) bytes[index] = Math.floor(next() * 256);
    const path = join(writeChartWith(join(root, 'binary'), 'binary', ''), '..', 'blob.yaml');
    await session.open(path, bytes.toString('latin1'), 1);
    await session.diagnostics(path, 1, 60_000);
    const cleared = session.diagnostics(path, undefined, 60_000, (received) => received.diagnostics.length === 0);
    await session.close(path);
    await cleared;
    assert.ok(session.isRunning());
  });

  it('returns, after a forced GC, to within 10 MB of the heap in use before the load', async (t) => {
    if (!LspSession.available()) return t.skip('dist/server.js not built');
    // Work still in flight (an evaluation answer on its way back from the worker thread) is not a leak: the heap
    // must come back within a few seconds, not at the first look.
    let memory = await session.memory();
    for (let attempt = 0; attempt < 20 && memory.heapUsed - baselineHeap >= 10 * MB; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      memory = await session.memory();
    }
    assert.ok(memory.gc, 'the server ran with --expose-gc');
    const grown = memory.heapUsed - baselineHeap;
    assert.ok(
      grown < 10 * MB,
      `heap in use grew by ${(grown / MB).toFixed(1)} MB (from ${(baselineHeap / MB).toFixed(1)} MB to ${(memory.heapUsed / MB).toFixed(1)} MB)`,
    );
  });
});
