/**
 * The Progress type: the counts of one map, as onProgress receives them and the progress line
 * shows them (progress-reporter.ts computes them, progress-line.ts draws them).
 */
import type { FailureCause } from '../trace/failure-cause.js';

/** The counts of one map, as onProgress receives them (and the progress line shows them). */
export interface Progress {
  /** Run id of the map (the name of its work dir). */
  runId: string;
  /** Number of tasks; undefined while tasks still stream in from an iterable. */
  tasks: number | undefined;
  tasksDone: number;
  tasksFailed: number;
  chunks: number | undefined;
  chunksDone: number;
  chunksRunning: number;
  /** Submitted and waiting in the queue, or waiting to be submitted. */
  chunksPending: number;
  /** Held or in an error state, waiting to be resubmitted. */
  chunksHeld: number;
  /** Gave up after maxResubmissions. */
  chunksFailed: number;
  resubmissions: number;
  /**
   * Job attempts that ended without a result, by cause ('out of memory', 'time limit',
   * 'preempted', 'node failure', 'cancelled', 'held', 'vanished'); absent while there are none.
   */
  failureCauses?: Partial<Record<FailureCause, number>>;
  /** Elastic maps: worker jobs running, waiting in the queue (or held), and submitted in all. */
  workersRunning?: number;
  workersPending?: number;
  workersSubmitted?: number;
  elapsedMs: number;
  /** Estimated milliseconds to the end, from the rate so far; undefined until a chunk is done. */
  etaMs: number | undefined;
}
