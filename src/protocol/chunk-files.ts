/**
 * The contents of the per-chunk files: what the submitting process writes for a worker
 * (tasks) and what the worker writes back (results). Both go through the codec. function.json's
 * contents are in function-file.ts.
 */

export const CHUNK_FILE_VERSION = 1;

/** What the worker recorded about a task that threw. */
export interface RemoteErrorRecord {
  name: string;
  message: string;
  stack?: string;
  /** Own enumerable properties of the thrown value that survived serialization, like `code`. */
  props?: Record<string, unknown>;
}

export interface ChunkTasksFile {
  version: typeof CHUNK_FILE_VERSION;
  chunk: number;
  /** Index of the chunk's first task in the whole input. */
  firstTask: number;
  tasks: unknown[];
}

export interface ChunkResultFile {
  version: typeof CHUNK_FILE_VERSION;
  chunk: number;
  /** The scheduler's id of the job (or array element) that ran the chunk. */
  jobId: string;
  host: string;
  pid: number;
  startedAt: string;
  finishedAt: string;
  /** CPU seconds (user + system) the worker process used running the chunk; absent in older files. */
  cpuSeconds?: number;
  /** Peak resident set size of the worker process, in kilobytes (getrusage maxrss); absent in older files. */
  peakRssKb?: number;
  /** One per task, in order; the entry of a failed task is null. */
  values: unknown[];
  /** [position in chunk, what was thrown], for the tasks that threw. */
  failures: Array<[number, RemoteErrorRecord]>;
}
