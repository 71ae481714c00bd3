/**
 * Submission for maps of static chunks: one job (or array element) per chunk, submitted in
 * arrays as chunk files appear. The elastic counterpart is elastic/dispatch.ts.
 */
import type { ChunkTracker } from './chunk-tracker.js';
import type { Journal } from './resume/journal.js';
import type { ResolvedOptions, Resources } from './options.js';
import type { Queue } from './queues/queue.js';
import { submitInGroups } from './submission-groups.js';
import type { WorkDir } from './work-dir/work-dir.js';

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

/** The chunks grouped by their request, the map's own (undefined) first, each group in chunk order. */
function byRequest(chunks: readonly number[], requestOf: (chunk: number) => Resources | undefined): Array<[Resources | undefined, number[]]> {
  const groups = new Map<string, [Resources | undefined, number[]]>();
  for (const chunk of chunks) {
    const request = requestOf(chunk);
    const key = request === undefined ? '' : JSON.stringify(request);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = [request, []]));
    group[1].push(chunk);
  }
  return [...groups.values()].sort((a, b) => (a[0] === undefined ? -1 : b[0] === undefined ? 1 : 0));
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
    // Chunks resubmitted with a raised request (retry by cause) go in arrays of their own.
    for (const [request, chunks] of byRequest(waiting, (c) => tracker.requestOf(c))) {
      const resources = request ?? options.resources;
      await submitInGroups({ queue, options, workDir, script: workDir.jobScript, resources, throwIfAborted: this.ctx.throwIfAborted }, chunks, async (group, ids) => {
        tracker.submitted(group, ids, Date.now());
        await journal.append({ t: 'submit', time: new Date().toISOString(), chunks: group, ids, ...(request ? { resources: request } : {}) });
      });
    }
    this.ctx.kick();
  }
}
