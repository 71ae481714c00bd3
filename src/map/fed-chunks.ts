/**
 * What the task feed (task-feed.ts) has written so far: each chunk's tasks and when its file was
 * written, and how the feed ended. The map's loop fills it; the results, the progress and
 * static dispatch read it.
 */

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
