/**
 * Resume: what the chunk tracker is given back of each chunk a journal recorded (its attempts,
 * and whether its last job may still be in the queue), decided here and applied by the map's
 * loop. The decision (restoredChunks) is pure; chunksToRestore first prepares the reruns of
 * failed tasks and looks at the work dir.
 */
import { existsSync } from 'node:fs';
import type { ResolvedOptions } from '../options.js';
import type { Queue } from '../queues/queue.js';
import type { RecordedRun } from '../resume/journal-replay.js';
import { prepareReruns } from '../resume/rerun-failed.js';
import type { Attempt, ChunkPhase } from './chunk-tracker.js';
import { jobsEndWithSubmitter } from './dispatch.js';
import type { FedChunks } from './fed-chunks.js';
import type { OpenedRun } from './open-run.js';

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

/**
 * Failed tasks run again (rerun-failed.ts, its records journaled here), unless rerunFailed is
 * 'never': their failures are then returned as recorded.
 */
export async function chunksToRestore(run: OpenedRun, recorded: RecordedRun, rerunFailed: ResolvedOptions['rerunFailed'], fed: FedChunks, queue: Queue): Promise<RestoredChunk[]> {
  const rerun = rerunFailed === 'never' ? undefined : await prepareReruns(recorded, run.workDir, run.fn);
  await run.journal.append(...(rerun?.records ?? []));
  return restoredChunks(recorded, {
    fed: (chunk) => fed.has(chunk),
    runAgain: rerun?.chunks,
    wroteResult: (chunk) => existsSync(run.workDir.resultFile(chunk)),
    jobsEndWithSubmitter: jobsEndWithSubmitter(queue),
  });
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
