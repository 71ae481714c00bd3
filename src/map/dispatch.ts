/**
 * How a map's chunks reach the queue, as its round loop (map-run.ts) sees it. Two ways implement
 * it: static dispatch submits a job (or array element) per chunk (static-dispatch.ts); elastic
 * dispatch keeps worker jobs going that claim chunks, called units (../elastic/elastic-dispatch.ts).
 *
 * The chunk tracker is changed by the loop and the dispatch alone: the loop adds the chunks the
 * feed writes, restores what a journal recorded, and applies results and the scheduler's word on
 * the chunks' jobs; the dispatch records submissions (elastic: claims, expired leases, giving up)
 * and keeps its own jobs (elastic: the worker fleet).
 */
import type { JobCanceller } from './job-canceller.js';
import type { ResolvedOptions } from '../options.js';
import type { Queue } from '../queues/queue.js';
import type { RecordedRun } from '../resume/journal-replay.js';
import type { Journal } from '../resume/journal.js';
import type { WorkDir } from '../work-dir/work-dir.js';
import type { ChunkTracker } from './chunk-tracker.js';
import type { FedChunks } from './fed-chunks.js';
import type { StatusSnapshot } from './poller.js';

/** Where a chunk's output went. */
export interface ChunkLogs {
  stdout: string;
  stderr: string;
}

/** An elastic map's worker jobs, for its progress. */
export interface WorkerProgress {
  workersRunning: number;
  workersPending: number;
  workersSubmitted: number;
}

export interface Dispatch {
  /**
   * Before the first round (elastic: the folders and the manifest workers read). `chunks` is the
   * number of chunks once every task is in one, undefined while tasks stream in.
   */
  prepare(chunks: number | undefined): Promise<void>;
  /** Resume, after the loop restored the chunks: what the journal recorded of this dispatch's own jobs (elastic: the workers). */
  restore(recorded: RecordedRun): Promise<void>;
  /** One round: submits the chunks waiting for a job (elastic: sees claims, judges leases, keeps W workers). */
  round(chunks: number | undefined): Promise<void>;
  /** A status snapshot, after the loop applied it to the chunks' jobs: this dispatch's own jobs (elastic: the workers). */
  observe(snapshot: StatusSnapshot): Promise<void>;
  /**
   * The tracker wants these chunk jobs gone (stuck, a duplicate, or their result unreadable).
   * Static: cancelled. Elastic: such a job is a worker that runs other units too; its fleet,
   * which sees the same statuses, decides about it.
   */
  dropJobs(jobIds: string[]): Promise<void>;
  /** A chunk's result was read (elastic: the workers are getting work done). */
  resultRead(): void;
  /** Every job of the map that may still be in the queue. */
  jobIds(): string[];
  /** Where a chunk's output went: its own logs, or those of the elastic worker that claimed it. */
  logsOf(chunk: number): ChunkLogs;
  /** Elastic maps: the worker jobs; undefined for static maps. */
  progress(): WorkerProgress | undefined;
  /**
   * The map is over (`allDone`: every chunk has its outcome). Jobs that ended by themselves are
   * let go, so that the map's end does not cancel them; the rest, jobIds() says.
   */
  finish(allDone: boolean): Promise<void>;
}

/** What either dispatch works with: the map's queue and settings, its work dir, journal and tracker. */
export interface DispatchContext {
  queue: Queue;
  options: ResolvedOptions;
  workDir: WorkDir;
  journal: Journal;
  tracker: ChunkTracker;
  /** The chunks written so far (static dispatch waits for fuller arrays while tasks stream in). */
  fed: FedChunks;
  /** Cancels, retried until the scheduler takes it, journaled once it did. */
  canceller: JobCanceller;
  /** Checked between submits: throws when the map was stopped. */
  stop: { throwIfAborted(): void };
  /** A submit happened: the status poller looks soon. */
  poller: { kick(): void };
}

/** Local jobs are child processes of the submitter that started them: none outlives it. */
export function jobsEndWithSubmitter(queue: Queue): boolean {
  return queue.flavor === 'local';
}
