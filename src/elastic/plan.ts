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
/** Most worker jobs of one map unless maxWorkers says otherwise. */
export const DEFAULT_MAX_WORKERS = 100;
/** Slots assumed when the queue does not tell its size. */
export const UNKNOWN_SLOTS = 100;

export interface ElasticPlan {
  /** Tasks per unit (of the first unit, when they grow). */
  unitSize: number;
  /** Units grow (streamed tasks): unit k holds min(unitSize × 2^k, growUpTo) tasks. */
  growUpTo?: number;
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
  const units = input.tasks === undefined ? undefined : Math.ceil(input.tasks / unitSize);
  const bounds = [
    `${slots} slots${input.slots === undefined ? ' (queue size unknown)' : ''}`,
    input.tasks === undefined ? undefined : `${input.tasks} tasks`,
    `maxWorkers ${cap}${input.maxWorkers === undefined ? ' (default)' : ''}`,
    input.maxArraySize === undefined ? undefined : `maxArraySize ${input.maxArraySize}`,
  ].filter((b): b is string => b !== undefined);
  const unitWords = input.tasks === undefined
    ? `units of ${STREAM_FIRST_UNIT} tasks growing ×2 to ${STREAM_MAX_UNIT}`
    : `units of ${unitSize} task${unitSize === 1 ? '' : 's'}`;
  const growth = ceiling > workers ? `, up to ${ceiling} by measured work` : '';
  return {
    unitSize,
    ...(input.tasks === undefined ? { growUpTo: STREAM_MAX_UNIT } : {}),
    units,
    workers,
    ceiling,
    rule: `elastic: ${workers} worker${workers === 1 ? '' : 's'} (least of ${bounds.join(', ')})${growth} claiming ${unitWords}`,
  };
}
