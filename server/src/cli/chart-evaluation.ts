import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type {
  ChartEvaluationJob,
  ChartEvaluationMessage,
  ChartEvaluationResult,
} from '../engine/lint/chart-evaluation';
import { evaluateChart } from '../engine/lint/chart-evaluation';
import type { EngineCaches } from '../engine/core/caches';

/**
 * `helm-hooks lint` evaluates each chart on other threads while the main thread lints the templates as written: the
 * evaluated view (loading values, rendering under two release names, analysing every rendered document) is the larger
 * half of the work, and on a machine with more than one core it need not wait for the other.
 */

/**
 * One thread fewer than the cores: the main thread has the as-written pass to do meanwhile. Once that is done it only
 * waits: evaluating there too would load and compile the evaluator in a second heap, which on the corpus cost about
 * 15 % more CPU and more peak memory than leaving every chart to the threads (wall time is what a second core buys).
 * None on two cores or fewer: each thread's heap has its own garbage collector and compiler threads, which already
 * keep the second core busy; on the corpus on 2 cores one thread took 11 % more CPU, 6 % more wall time and 14 MB
 * more peak memory than none (median of 4 alternating runs).
 */
export function defaultThreads(): number {
  const cores = availableParallelism();
  return cores <= 2 ? 0 : cores - 1;
}

/** The evaluation thread's script beside the running code: dist/evaluator.js, or out/server/src/evaluator.js. */
export function evaluatorScript(directory: string): string | undefined {
  return [join(directory, 'evaluator.js'), join(directory, '..', 'evaluator.js')].find((candidate) =>
    existsSync(candidate),
  );
}

interface Waiting {
  job: ChartEvaluationJob;
  resolve: (result: ChartEvaluationResult) => void;
}

interface Running {
  worker: Worker;
  /** Sent to the thread, in the order it answers them. */
  jobs: Waiting[];
}

/**
 * Charts sent to a thread before it answers: one queued behind the one it works on keeps it busy while the main
 * thread, which hands out the next, is busy itself.
 */
const JOBS_PER_THREAD = 2;

/**
 * The evaluation threads' young generation, in MB. Evaluating a chart makes mostly short-lived garbage, and V8's default
 * (up to 16 MB per semi-space) lets a thread's heap grow far past what it keeps: on the corpus, 8 MB took the CLI's peak
 * RSS from about 300 MB to about 235 MB, at a CPU cost lost in the noise of a loaded 2-core machine.
 */
const YOUNG_GENERATION_MB = 8;

/**
 * Up to `threads` charts evaluated at once, each on a thread of its own; with no thread (one core, `--jobs 0`, or no
 * script) a chart is evaluated on the calling thread when it is asked for, with the run's `caches` (each thread has
 * its own, see evaluator.ts).
 */
export class ChartEvaluationPool {
  private readonly queue: Waiting[] = [];
  private readonly running: Running[] = [];
  private closed = false;

  constructor(
    private readonly script: string | undefined,
    private readonly threads: number,
    private readonly caches: EngineCaches,
  ) {}

  get usesThreads(): boolean {
    return this.script !== undefined && this.threads > 0;
  }

  evaluate(job: ChartEvaluationJob): Promise<ChartEvaluationResult> {
    if (!this.usesThreads || this.closed) return Promise.resolve(this.caches.run(() => evaluateChart(job)));
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.next();
    });
  }

  /** Ends the threads; charts still waiting are not evaluated (the run has stopped). */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.queue.splice(0)) waiting.resolve({ failure: 'the run stopped first' });
    await Promise.all(this.running.map((entry) => entry.worker.terminate()));
    this.running.length = 0;
  }

  private next(): void {
    while (this.queue.length > 0) {
      let free = this.running.find((entry) => entry.jobs.length < JOBS_PER_THREAD);
      if (!free) {
        if (this.running.length >= this.threads) return;
        free = this.start();
      }
      const waiting = this.queue.shift()!;
      free.jobs.push(waiting);
      const message: ChartEvaluationMessage = { chartEvaluation: waiting.job };
      free.worker.postMessage(message);
    }
  }

  private start(): Running {
    const worker = new Worker(this.script!, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    const entry: Running = { worker, jobs: [] };
    entry.worker.on('message', (result: ChartEvaluationResult) => {
      entry.jobs.shift()?.resolve(result);
      this.next();
    });
    // A thread that dies takes only its charts' evaluated views with it; the next chart gets a new thread.
    const retire = (why: string) => {
      const index = this.running.indexOf(entry);
      if (index < 0) return;
      this.running.splice(index, 1);
      for (const waiting of entry.jobs.splice(0)) waiting.resolve({ failure: why });
      this.next();
    };
    entry.worker.on('error', (error) => retire(`evaluation thread failed: ${error.message}`));
    entry.worker.on('exit', (code) => retire(`evaluation thread exited with code ${code}`));
    this.running.push(entry);
    return entry;
  }
}
