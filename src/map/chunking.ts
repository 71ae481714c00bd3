/**
 * How many tasks go into each chunk when the user did not say.
 *
 * Every job costs the scheduler a fixed overhead (measured here: about 1 s per job and slot on
 * SGE, 0.5 s on Slurm; minutes on a busy site), so one job per task turns 1,000 quick tasks into
 * minutes of overhead. The rule: about three chunks per slot the queue can give us (enough waves
 * to balance uneven tasks), never more chunks than tasks, and never more than MAX_CHUNKS jobs,
 * which puts a floor of tasks/MAX_CHUNKS on the tasks per job. chunkSize or numChunks always win.
 */
import { OptionError } from '../errors.js';

export const CHUNKS_PER_SLOT = 3;
export const MAX_CHUNKS = 10_000;
/** Slots assumed when the queue does not tell its size. */
export const UNKNOWN_SLOTS = 100;
/**
 * Tasks from an iterable of unknown length, when no chunk size is given: the first chunk has
 * STREAM_FIRST_CHUNK tasks and each next one twice as many, up to STREAM_MAX_CHUNK. A short
 * stream still spreads over several jobs; a long one (10^6 tasks) needs about a hundred, not ten
 * thousand.
 */
export const STREAM_FIRST_CHUNK = 100;
export const STREAM_MAX_CHUNK = 10_000;

export interface ChunkPlan {
  /** Tasks per chunk; with `growing`, of the first chunk. */
  chunkSize: number;
  /** Chunk k holds min(chunkSize × 2^k, growUpTo) tasks. */
  growing?: boolean;
  /** The most tasks a growing chunk holds; default STREAM_MAX_CHUNK (elastic maps grow smaller units). */
  growUpTo?: number;
  /**
   * Leading big chunks (elastic maps of many tasks, elastic/plan.ts): chunk k < bulk.chunks
   * holds bulk.size tasks, later chunks chunkSize. Not together with `growing`.
   */
  bulk?: ChunkBulk;
  /** Known when the number of tasks is. */
  numChunks: number | undefined;
  /** How the size was chosen, in words (recorded in run.json and shown by benchmarks). */
  rule: string;
}

export interface ChunkBulk {
  /** Tasks in each leading chunk. */
  size: number;
  /** How many chunks lead with that size. */
  chunks: number;
}

export function planChunks(
  taskCount: number | undefined,
  options: { chunkSize: number | undefined; numChunks: number | undefined },
  slots: number | undefined,
): ChunkPlan {
  if (options.chunkSize !== undefined) {
    return {
      chunkSize: options.chunkSize,
      numChunks: taskCount === undefined ? undefined : Math.ceil(taskCount / options.chunkSize),
      rule: `chunkSize ${options.chunkSize} (given)`,
    };
  }
  if (options.numChunks !== undefined) {
    if (taskCount === undefined) {
      throw new OptionError('numChunks', options.numChunks, 'left out when tasks come from an iterable of unknown length (give chunkSize instead)');
    }
    const chunkSize = Math.max(1, Math.ceil(taskCount / options.numChunks));
    return { chunkSize, numChunks: Math.ceil(taskCount / chunkSize), rule: `numChunks ${options.numChunks} (given)` };
  }
  if (taskCount === undefined) {
    return {
      chunkSize: STREAM_FIRST_CHUNK,
      growing: true,
      numChunks: undefined,
      rule: `tasks from an iterable: ${STREAM_FIRST_CHUNK} in the first chunk, twice as many in each next one, at most ${STREAM_MAX_CHUNK}`,
    };
  }
  const knownSlots = slots ?? UNKNOWN_SLOTS;
  const target = Math.max(1, Math.min(taskCount, CHUNKS_PER_SLOT * knownSlots, MAX_CHUNKS));
  const chunkSize = Math.max(1, Math.ceil(taskCount / target));
  return {
    chunkSize,
    numChunks: Math.ceil(taskCount / chunkSize),
    rule: `${CHUNKS_PER_SLOT} chunks per slot × ${knownSlots} slots${slots === undefined ? ' (queue size unknown)' : ''}, at most ${MAX_CHUNKS} chunks`,
  };
}

/** The number of tasks in chunk k under a plan. */
export function chunkSizeAt(plan: Pick<ChunkPlan, 'chunkSize' | 'growing' | 'growUpTo' | 'bulk'>, k: number): number {
  if (plan.bulk && k < plan.bulk.chunks) return plan.bulk.size;
  if (!plan.growing) return plan.chunkSize;
  return Math.min(plan.chunkSize * 2 ** Math.min(k, 30), plan.growUpTo ?? STREAM_MAX_CHUNK);
}

/** How many chunks hold taskCount tasks under a plan of fixed sizes (not growing). */
export function chunkCount(plan: Pick<ChunkPlan, 'chunkSize' | 'bulk'>, taskCount: number): number {
  const bulk = plan.bulk;
  if (!bulk) return Math.ceil(taskCount / plan.chunkSize);
  const inBulk = Math.min(bulk.chunks, Math.ceil(taskCount / bulk.size));
  const rest = Math.max(0, taskCount - inBulk * bulk.size);
  return inBulk + Math.ceil(rest / plan.chunkSize);
}
