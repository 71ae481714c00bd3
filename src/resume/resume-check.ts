/**
 * Whether a work dir's first run may be resumed by this map, and with what chunking: the same
 * function (by the hash of its code; a changed one only with rerunFailed 'any-fn'), the same flavor, the same chunk size if one is given, the
 * same number of tasks if known. The tasks themselves are compared chunk by chunk as they are
 * fed (task-feed.ts). Pure.
 */
import type { ChunkPlan } from '../map/chunking.js';
import { ResumeMismatchError } from '../errors.js';
import type { RecordedRun } from './journal-replay.js';

export interface ResumeInputs {
  workDir: string;
  fnHash: string;
  fnDescription: string;
  flavor: string;
  /** The chunkSize option, when given. */
  chunkSize: number | undefined;
  /** The number of tasks, when known (an array). */
  tasks: number | undefined;
  /** 'any-fn': the user accepts this fn for the run's failed (and unrun) tasks though it changed. */
  rerunFailed: 'same-fn' | 'any-fn' | 'never';
}

/** Refuses a resume whose inputs differ from the first run's; returns the first run's chunking. */
export function checkResume(recorded: RecordedRun, inputs: ResumeInputs): ChunkPlan {
  const first = recorded.fingerprint;
  const where = `the work dir ${inputs.workDir}`;
  if (!first) throw new ResumeMismatchError(`${where} has a journal without a start record; it cannot be resumed`);
  if (first.fn !== inputs.fnHash && inputs.rerunFailed !== 'any-fn') {
    throw new ResumeMismatchError(
      `${where} holds a run of a different function: it ran ${first.fnDescription}, this map gives ${inputs.fnDescription}` +
        `${first.fnDescription === inputs.fnDescription ? ' with different code' : ''}. Its results belong to that function. ` +
        "To run its failed tasks (and any not run yet) with this one and keep its successes, pass the option rerunFailed: 'any-fn' " +
        '(qmr resume: --rerun-failed any-fn); to run this function on every task, use a new workDir.',
    );
  }
  if (first.flavor !== inputs.flavor) {
    throw new ResumeMismatchError(`${where} holds a run on the ${first.flavor} flavor, whose jobs this ${inputs.flavor} pool cannot see; resume it with flavor '${first.flavor}'.`);
  }
  if (inputs.chunkSize !== undefined && inputs.chunkSize !== first.chunkSize) {
    throw new ResumeMismatchError(`${where} holds a run with chunkSize ${first.chunkSize}, this map asks for ${inputs.chunkSize}; leave chunkSize out (or use a new workDir).`);
  }
  if (inputs.tasks !== undefined && recorded.input && recorded.input.tasks !== inputs.tasks) {
    throw new ResumeMismatchError(`${where} holds a run of ${recorded.input.tasks} tasks, this map gives ${inputs.tasks}; the tasks differ, so its results cannot be reused. Use a new workDir.`);
  }
  return {
    chunkSize: first.chunkSize,
    ...(first.growing ? { growing: true } : {}),
    ...(first.bulk ? { bulk: { size: first.bulk.size, chunks: first.bulk.chunks } } : {}),
    ...(first.elastic?.growUpTo !== undefined ? { growUpTo: first.elastic.growUpTo } : {}),
    numChunks: recorded.input?.chunks,
    rule: `chunkSize ${first.chunkSize}${first.growing ? ', growing' : ''}${first.bulk ? `, after ${first.bulk.chunks} chunks of ${first.bulk.size}` : ''} (recorded by the first run)`,
  };
}
