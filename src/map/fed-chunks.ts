/**
 * The task feed (task-feed.ts) of one map, as it runs: each chunk written so far (its tasks, and
 * when its file was written) and how the feed ended. The map's loop starts it; the results, the
 * progress and static dispatch read it.
 */
import type { ChunkPlan } from './chunking.js';
import { feedTasks, type FeedContext } from './task-feed.js';

export interface FedChunk {
  firstTask: number;
  count: number;
  /** When the chunk file was written (for the streaming submit delay). */
  readyAt: number;
}

export class FedChunks {
  private readonly byChunk = new Map<number, FedChunk>();
  /** Set once every task is in a chunk file. */
  done = false;
  /** Set when the feed failed (an unsendable task, tasks that differ from the run resumed). */
  error: unknown;
  /** Chunks in all, set once done (undefined while tasks still stream in). */
  chunks: number | undefined;

  /** `tasks`: how many there are, when known before the feed (a task array); the feed's count once done. */
  constructor(public tasks: number | undefined) {}

  /**
   * Writes the chunk files; `onChunk` hears of each as it lands, `onEnd` of the end. Never
   * rejects: a feed that failed leaves its `error`.
   */
  feed(tasks: Iterable<unknown> | AsyncIterable<unknown>, plan: ChunkPlan, ctx: Omit<FeedContext, 'onChunk'>, onChunk: (chunk: number) => void, onEnd: () => void): Promise<void> {
    const landed = (chunk: number, firstTask: number, count: number) => {
      this.add(chunk, firstTask, count);
      onChunk(chunk);
    };
    return feedTasks(tasks, plan, { ...ctx, onChunk: landed })
      .then((fed) => this.end(fed), (error: unknown) => void (this.error = error))
      .finally(onEnd);
  }

  add(chunk: number, firstTask: number, count: number, now = Date.now()): void {
    this.byChunk.set(chunk, { firstTask, count, readyAt: now });
  }

  get(chunk: number): FedChunk | undefined {
    return this.byChunk.get(chunk);
  }

  has(chunk: number): boolean {
    return this.byChunk.has(chunk);
  }

  /** Every task is in a chunk file: `chunks` of them, holding `tasks`. */
  end(fed: { chunks: number; tasks: number }): void {
    this.chunks = fed.chunks;
    this.tasks = fed.tasks;
    this.done = true;
  }
}
