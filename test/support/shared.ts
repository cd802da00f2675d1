import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { SHARED } from './paths';

export const CORPUS_CHARTS = join(SHARED, 'corpus', 'charts');

/**
 * Skips the test when ../shared is not beside the clone, saying so; under CI=true, fails instead, since CI always
 * has it and a missing corpus would otherwise pass silently.
 */
export function requireShared(t: TestContext): boolean {
  if (existsSync(CORPUS_CHARTS)) return true;
  const message = `../shared/corpus not found at ${CORPUS_CHARTS}: clone next to the shared folder to run the corpus tests`;
  if (process.env.CI === 'true') assert.fail(message);
  t.skip(message);
  return false;
}

export interface CorpusScenario {
  /** Directory under corpus/charts. */
  chart: string;
  name: string;
  /** Absolute paths, in the order `helm template -f` takes them. */
  valuesFiles: string[];
  flags: string[];
}

/** Every chart and scenario of corpus/manifest.tsv (see corpus/README.md); `corpus` defaults to ../shared/corpus. */
export function corpusScenarios(corpus = join(SHARED, 'corpus')): CorpusScenario[] {
  const charts = join(corpus, 'charts');
  const manifest = readFileSync(join(corpus, 'manifest.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '');
  return manifest.flatMap((line) => {
    const [dir, , , , , list] = line.split('\t') as [string, string, string, string, string, string];
    return list.split(';').map((entry) => {
      const [name, spec] = entry.trim().split('=') as [string, string];
      const [files, ...flags] = spec.trim().split(/\s+/) as [string, ...string[]];
      const valuesFiles =
        files === '-'
          ? []
          : files
              .split('+')
              .map((file) => (file.startsWith('chart:') ? join(charts, dir, file.slice(6)) : join(corpus, file)));
      return { chart: dir, name, valuesFiles, flags };
    });
  });
}
