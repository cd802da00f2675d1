import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { requireShared } from '../support/shared';
import type { PropertyName, WorkerReply, WorkerRequest } from './engine-properties';

/** Far above what a property takes (a few seconds): reaching it means the engine hangs on some input. */
const DEADLINE_MS = 90_000;

function runProperty(t: TestContext, property: PropertyName): Promise<void> {
  const includeCorpus = requireShared(t);
  if (!includeCorpus) return Promise.resolve();
  const request: WorkerRequest = { property, includeCorpus };
  const worker = new Worker(join(__dirname, 'engine-properties.js'), { workerData: request });
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`the property did not finish within ${DEADLINE_MS} ms: the engine hangs on some input`));
    }, DEADLINE_MS);
    worker.once('message', (reply: WorkerReply) => {
      clearTimeout(timer);
      void worker.terminate();
      if (reply.ok) resolve();
      else reject(new assert.AssertionError({ message: reply.error }));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

describe('engine properties under random edits of corpus templates', () => {
  it('never throws or hangs, and keeps every finding, related location and fix edit inside the document', (t) =>
    runProperty(t, 'no-throw-ranges'));
  it('masks templates into text of the same length with the same line breaks', (t) => runProperty(t, 'masking'));
  it('applies each fix by changing only its ranges, and safe fixes settle so that fixing again changes nothing', (t) =>
    runProperty(t, 'fixes'));
});
