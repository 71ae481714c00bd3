/**
 * How many worker jobs an elastic map keeps once units have run: the number follows the
 * measured work, as claims do (claim-size.ts), instead of a guess made before any task ran.
 *
 * Workers report what they measured (units run, seconds busy) with each claim (claims.ts); the
 * pool sums it into seconds per unit. Then the open work is open units × seconds per unit, and
 *  - when each live worker has more than FAR_ABOVE_CLAIMS claim targets of open work ahead
 *    (4 × 30 s = 2 minutes), the map grows to ceil(open work / that horizon) workers, at most
 *    the plan's ceiling (slots and maxWorkers): the new ones go out as one further array, so
 *    the open work ends near total / slots instead of total / (workers started);
 *  - otherwise the number stays: workers that find nothing open still exit by themselves, and
 *    ended ones are replaced only while units are open (fleet.ts).
 * Pure: the measurements come in as arguments.
 */

/** Grow when each live worker has more open work than this many claim targets. */
export const FAR_ABOVE_CLAIMS = 4;

export interface WorkerTargetInput {
  /** Workers the map keeps now (W). */
  current: number;
  /** Most workers the map may have (ElasticPlan.ceiling). */
  ceiling: number;
  /** Workers queued or running. */
  live: number;
  openUnits: number;
  /** Measured mean seconds per unit; undefined before any worker reported one. */
  secondsPerUnit: number | undefined;
  /** Seconds of work one claim aims at (CLAIM_TARGET_SECONDS). */
  targetSeconds: number;
}

export interface WorkerTarget {
  workers: number;
  /** Set when the number changed: why, with the numbers (journal, qmr status). */
  why?: string;
}

export function workerTarget(input: WorkerTargetInput): WorkerTarget {
  const { current, ceiling, openUnits, secondsPerUnit } = input;
  if (secondsPerUnit === undefined || openUnits === 0 || current >= ceiling) return { workers: current };
  const openWork = openUnits * secondsPerUnit;
  const horizon = FAR_ABOVE_CLAIMS * input.targetSeconds;
  const perWorker = openWork / Math.max(1, input.live);
  if (perWorker <= horizon) return { workers: current };
  const workers = Math.min(ceiling, Math.ceil(openWork / horizon));
  if (workers <= current) return { workers: current };
  return {
    workers,
    why:
      `grown from ${current} to ${workers} workers: ${openUnits} open units × ${round(secondsPerUnit)} s measured = ${round(openWork)} s of work, ` +
      `${round(perWorker)} s for each of ${input.live} live workers, above ${FAR_ABOVE_CLAIMS} × the ${input.targetSeconds} s claim target` +
      (workers === ceiling ? ` (at most ${ceiling}: slots and maxWorkers)` : ''),
  };
}

function round(seconds: number): string {
  return seconds >= 10 ? seconds.toFixed(0) : seconds.toFixed(1);
}
