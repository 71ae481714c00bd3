/**
 * How an elastic map is laid out before any task has run: how many tasks go into each unit (the
 * smallest piece a worker claims, one task file and one result file each) and how many worker
 * jobs the map's first array holds.
 *
 * Units are small so that claims can be sized by time later (see claim-size.ts): up to
 * UNITS_PER_WORKER for each worker and MAX_UNITS in all, one task each for smaller maps. More
 * units than that buy no better balance (a worker's last claim is then under 1% of its share)
 * but cost the submitting side a few file operations each.
 *
 * Fine units are only needed at the end, where balance is decided; early on each one is just
 * cost (a task file, a claim, a result file and reads on both sides, 2-5 ms each: 200 units were
 * most of the 0.8 s of 10^5 trivial tasks on 2 local workers). So when the fine unit holds more
 * than one task (tasks above UNITS_PER_WORKER × workers), the layout decreases, in the spirit of
 * guided self-scheduling: the first BULK_SHARE (80%) of the tasks go in units BULK_FACTOR (8)
 * times the fine size, the rest in fine units. That is about 30 units per worker instead of 100.
 * Why these numbers: a bulk unit is then about 8% of a worker's share, and the fine tail holds
 * 20% of each share in about 20 fine units, more than twice a bulk unit, so a worker that drew a
 * slow bulk unit is still caught up in the tail; the last claims stay as fine as before. A bigger
 * factor or share saves few more units (the tail's 20 per worker remain) and risks balance.
 * Smaller maps keep one task per unit and no bulk (200 uneven tasks on 2 workers are untouched).
 *
 * Workers start at the least of what the queue and the map allow, with no guess about how long
 * tasks take: the slots the queue reports (more workers than slots would only wait), one worker
 * per task (a worker needs a unit), maxWorkers (default DEFAULT_MAX_WORKERS) and the scheduler's
 * array size limit (one array). So 20 one-hour simulations on a queue with 100 slots start 20
 * workers, and 1,000 quick tasks on 4,000 slots one array of 100. Once units have run, the
 * measured work decides (worker-target.ts): more workers, up to `ceiling` (the slots and
 * maxWorkers, in further arrays), when each has far more open work than a claim; fewer
 * replacements when little is left.
 * Pure: every number comes in as an argument.
 */
import { chunkCount } from '../map/chunking.js';

/** Most units (task files) in one elastic map. */
export const MAX_UNITS = 1000;
/** Most units for each worker: 2 workers on a laptop split 10^5 tasks into 200 units, not 1,000. */
export const UNITS_PER_WORKER = 100;
/**
 * Units of a map whose tasks come from an iterable of unknown length grow: the first holds
 * STREAM_FIRST_UNIT tasks, each next one twice as many, up to STREAM_MAX_UNIT. A short stream
 * still spreads over the workers; 10^6 streamed tasks make about 200 units (each unit costs the submitting side a few file operations).
 */
export const STREAM_FIRST_UNIT = 10;
export const STREAM_MAX_UNIT = 5000;
/** Bulk units hold this many fine units' tasks. */
export const BULK_FACTOR = 8;
/** Share of the tasks laid in bulk units (the rest, at the end, in fine units). */
export const BULK_SHARE = 0.8;
/** Most worker jobs of one map unless maxWorkers says otherwise. */
export const DEFAULT_MAX_WORKERS = 100;
/** Slots assumed when the queue does not tell its size. */
export const UNKNOWN_SLOTS = 100;

export interface ElasticPlan {
  /** Tasks per unit (of the first unit, when they grow). */
  unitSize: number;
  /** Units grow (streamed tasks): unit k holds min(unitSize × 2^k, growUpTo) tasks. */
  growUpTo?: number;
  /** Leading bulk units: unit k < bulk.units holds bulk.size tasks, later ones unitSize. */
  bulk?: { size: number; units: number };
  /** Number of units, when the number of tasks is known. */
  units: number | undefined;
  /** Worker jobs to start with, and to keep queued or running while work is left and unmeasured. */
  workers: number;
  /** Most workers the measured work may call for (the slots and maxWorkers; not the array limit: further arrays). */
  ceiling: number;
  /** How the numbers were chosen, in words (run.json, benchmarks, qmr status). */
  rule: string;
}

export interface ElasticPlanInput {
  /** Number of tasks; undefined for an iterable of unknown length. */
  tasks: number | undefined;
  /** Slots the queue reports for this user, when it tells. */
  slots: number | undefined;
  maxWorkers: number | undefined;
  /** Largest array the scheduler takes (maxArraySize option, else the scheduler's own limit). */
  maxArraySize: number | undefined;
}

export function planElastic(input: ElasticPlanInput): ElasticPlan {
  const slots = input.slots ?? UNKNOWN_SLOTS;
  const cap = input.maxWorkers ?? DEFAULT_MAX_WORKERS;
  const ceiling = Math.max(1, Math.min(slots, cap, input.tasks ?? Infinity));
  const workers = Math.max(1, Math.min(ceiling, input.maxArraySize ?? Infinity));
  const maxUnits = Math.min(MAX_UNITS, workers * UNITS_PER_WORKER);
  const unitSize = input.tasks === undefined ? STREAM_FIRST_UNIT : Math.max(1, Math.ceil(input.tasks / maxUnits));
  const bulk = input.tasks === undefined ? undefined : bulkLayout(input.tasks, unitSize);
  const units = input.tasks === undefined ? undefined : chunkCount({ chunkSize: unitSize, ...(bulk ? { bulk: { size: bulk.size, chunks: bulk.units } } : {}) }, input.tasks);
  const bounds = [
    `${slots} slots${input.slots === undefined ? ' (queue size unknown)' : ''}`,
    input.tasks === undefined ? undefined : `${input.tasks} tasks`,
    `maxWorkers ${cap}${input.maxWorkers === undefined ? ' (default)' : ''}`,
    input.maxArraySize === undefined ? undefined : `maxArraySize ${input.maxArraySize}`,
  ].filter((b): b is string => b !== undefined);
  const unitWords = input.tasks === undefined
    ? `units of ${STREAM_FIRST_UNIT} tasks growing ×2 to ${STREAM_MAX_UNIT}`
    : bulk
      ? `${units} units: ${bulk.units} of ${bulk.size} tasks (${BULK_SHARE * 100}% of the tasks, ${BULK_FACTOR} × fine), then units of ${unitSize} tasks`
      : `units of ${unitSize} task${unitSize === 1 ? '' : 's'}`;
  const growth = ceiling > workers ? `, up to ${ceiling} by measured work` : '';
  return {
    unitSize,
    ...(input.tasks === undefined ? { growUpTo: STREAM_MAX_UNIT } : {}),
    ...(bulk ? { bulk } : {}),
    units,
    workers,
    ceiling,
    rule: `elastic: ${workers} worker${workers === 1 ? '' : 's'} (least of ${bounds.join(', ')})${growth} claiming ${unitWords}`,
  };
}

/** The leading bulk units when the fine unit holds more than one task; undefined otherwise. */
function bulkLayout(tasks: number, fineSize: number): { size: number; units: number } | undefined {
  if (fineSize <= 1) return undefined;
  const size = BULK_FACTOR * fineSize;
  const units = Math.floor((BULK_SHARE * tasks) / size);
  return units > 0 ? { size, units } : undefined;
}
