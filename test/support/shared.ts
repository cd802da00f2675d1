import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TestContext } from 'node:test';
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
