/**
 * Resume: what the chunk tracker is given back of each chunk a journal recorded (its attempts,
 * and whether its last job may still be in the queue), decided here and applied by the map's
 * loop. Pure: what it needs to know of the work dir comes in as arguments.
 */
import type { Attempt, ChunkPhase } from './chunk-tracker.js';
import type { RecordedRun } from '../resume/journal-replay.js';

export interface RestoredChunk {
  chunk: number;
  attempts: Attempt[];
  phase: ChunkPhase;
  failure?: string | undefined;
  /** Its job died with the submitter that started it: the attempt was stopped, not failed, for this reason. */
  stopped?: string;
}

export interface RestoreInputs {
  /** Whether the chunk's file is in place (this run's tasks reach it). */
  fed(chunk: number): boolean;
  /** Chunks that run again (their failed tasks, or all if given up last time): a fresh start, with a fresh budget. */
  runAgain: ReadonlySet<number> | undefined;
  wroteResult(chunk: number): boolean;
  /** Local jobs end with the process that started them (dispatch.ts jobsEndWithSubmitter). */
  jobsEndWithSubmitter: boolean;
}

export function restoredChunks(recorded: RecordedRun, inputs: RestoreInputs): RestoredChunk[] {
  const restored: RestoredChunk[] = [];
  for (const { chunk, attempts, phase, failure } of recorded.chunks.values()) {
    if (!inputs.fed(chunk) || inputs.runAgain?.has(chunk)) continue;
    if (phase === 'failed') {
      restored.push({ chunk, attempts, phase, failure });
      continue;
    }
    if (attempts.length === 0) continue;
    // A chunk recorded as done is "queued" until its result file is read again; a job that
    // was still in the queue is polled, not resubmitted. So is one whose job was cancelled as
    // the run ended but had written its result first: read it, do not compute it again.
    const wroteResult = (phase === 'unsubmitted' || phase === 'queued') && inputs.wroteResult(chunk);
    restored.push({
      chunk,
      attempts,
      phase: phase === 'unsubmitted' && !wroteResult ? 'unsubmitted' : 'queued',
      // Jobs the journal left queued died with the submitter that started them: stopped, not failed.
      ...(inputs.jobsEndWithSubmitter && phase === 'queued' && !wroteResult ? { stopped: 'cancelled (its submitting process ended, and its local jobs with it)' } : {}),
    });
  }
  return restored;
}
