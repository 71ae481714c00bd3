/**
 * Submission for maps of static chunks: one job (or array element) per chunk, submitted in
 * arrays as chunk files appear. The elastic counterpart is elastic/dispatch.ts.
 */
import type { ChunkTracker } from './chunk-tracker.js';
import type { Journal } from './journal.js';
import type { ResolvedOptions } from './options.js';
import type { Queue } from './queues/queue.js';
import { submitInGroups } from './submission-groups.js';
import type { WorkDir } from './work-dir.js';

/** While tasks still stream in, wait this long for more chunks before submitting a partial array. */
export const STREAM_SUBMIT_DELAY_MS = 1000;
/** ... unless this many chunks are waiting already. */
const STREAM_SUBMIT_BATCH = 1000;

export interface StaticDispatchContext {
  queue: Queue;
  options: ResolvedOptions;
  workDir: WorkDir;
  tracker: ChunkTracker;
  journal: Journal;
  /** When the chunk's file was written. */
  readyAt(chunk: number): number;
  throwIfAborted(): void;
  /** Asks the status poller to look soon (jobs were just submitted). */
  kick(): void;
}

export class StaticDispatch {
  constructor(private readonly ctx: StaticDispatchContext) {}

  /** Submits the chunks waiting for a job; `feedDone` once every task is in a chunk file. */
  async round(feedDone: boolean, now = Date.now()): Promise<void> {
    const { queue, options, workDir, tracker, journal } = this.ctx;
    const waiting = tracker.unsubmitted();
    if (waiting.length === 0) return;
    if (!feedDone) {
      // Tasks still streaming in: gather a fuller array unless the oldest chunk has waited long enough.
      const oldest = Math.min(...waiting.map((c) => this.ctx.readyAt(c)));
      if (waiting.length < STREAM_SUBMIT_BATCH && now - oldest < STREAM_SUBMIT_DELAY_MS) return;
    }
    await submitInGroups({ queue, options, workDir, script: workDir.jobScript, throwIfAborted: this.ctx.throwIfAborted }, waiting, async (group, ids) => {
      tracker.submitted(group, ids, Date.now());
      await journal.append({ t: 'submit', time: new Date().toISOString(), chunks: group, ids });
    });
    this.ctx.kick();
  }
}
