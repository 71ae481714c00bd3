/**
 * How many units a worker claims next: guided self-scheduling with a time cap.
 *
 *  1. The first claim is one unit: the worker knows nothing of the tasks yet, and measures.
 *  2. After that, a claim takes a share of what is left: ceil(open / (SHARE_DIVISOR × workers)),
 *     so claims are large while much work remains (few claims, little file-system traffic) and
 *     shrink to one unit near the end, where a large claim would leave the other workers idle
 *     while its stragglers run.
 *  3. No claim holds more than targetSeconds of work by the worker's own measure (mean seconds
 *     per unit so far): a worker that dies loses at most that much, and uneven tasks are spread.
 *  4. Under a walltime, a claim must fit in the time left before the job's deadline (less a
 *     margin); when not even one unit fits, the worker stops claiming and exits, and the pool
 *     submits a fresh worker if work remains.
 * Pure: the measurements and the clock come in as arguments.
 */

/** Claims take 1/(2W) of the open work: "factoring", a safer variant of 1/W guided self-scheduling. */
export const SHARE_DIVISOR = 2;
/** Seconds of work one claim aims at, at most. */
export const CLAIM_TARGET_SECONDS = 30;
/** Time kept free before a walltime deadline: for writing results and exiting cleanly. */
export const WALLTIME_MARGIN_SECONDS = 15;
/** The margin is at least this share of the walltime (a 10-minute job keeps a minute). */
export const WALLTIME_MARGIN_SHARE = 0.1;

export interface ClaimSizeInput {
  /** Units nobody has claimed yet. */
  openUnits: number;
  /** Worker jobs of the map (W). */
  workers: number;
  /** Mean seconds one unit took on this worker so far; undefined before the first unit ran. */
  secondsPerUnit: number | undefined;
  targetSeconds?: number;
  /** Seconds left before the job's walltime deadline, when it has one. */
  secondsLeft?: number | undefined;
  /** The job's walltime in seconds, for the margin. */
  walltimeSeconds?: number | undefined;
}

/** Units to claim next; 0 means: do not claim (nothing open, or the walltime would not fit one). */
export function claimSize(input: ClaimSizeInput): number {
  if (input.openUnits <= 0) return 0;
  const perUnit = input.secondsPerUnit;
  let size = perUnit === undefined ? 1 : Math.ceil(input.openUnits / (SHARE_DIVISOR * Math.max(1, input.workers)));
  if (perUnit !== undefined && perUnit > 0) {
    size = Math.min(size, Math.max(1, Math.floor((input.targetSeconds ?? CLAIM_TARGET_SECONDS) / perUnit)));
  }
  if (input.secondsLeft !== undefined) {
    const usable = input.secondsLeft - walltimeMargin(input.walltimeSeconds);
    if (usable <= 0) return 0;
    // Before the first measurement, one unit is tried as long as there is usable time at all.
    size = Math.min(size, unitsBeforeWalltime(input));
  }
  return Math.max(0, Math.min(size, input.openUnits));
}

/**
 * The most (fine) units that fit before the walltime deadline, less the margin, by the measured
 * time per unit; Infinity without a walltime or before the first measurement.
 */
export function unitsBeforeWalltime(input: ClaimSizeInput): number {
  const perUnit = input.secondsPerUnit;
  if (input.secondsLeft === undefined || perUnit === undefined || perUnit <= 0) return Infinity;
  return Math.max(0, Math.floor((input.secondsLeft - walltimeMargin(input.walltimeSeconds)) / perUnit));
}

/**
 * The open units a worker may claim: under a walltime, not a bulk unit (elastic/plan.ts) that
 * weighs more than fits before the deadline; a worker with time left, or a fresh one, takes it.
 */
export function unitsThatFit(open: readonly number[], weigh: (unit: number) => number, input: ClaimSizeInput): number[] {
  const fits = unitsBeforeWalltime(input);
  return fits === Infinity ? [...open] : open.filter((unit) => weigh(unit) <= fits);
}

export function walltimeMargin(walltimeSeconds: number | undefined): number {
  return Math.max(WALLTIME_MARGIN_SECONDS, (walltimeSeconds ?? 0) * WALLTIME_MARGIN_SHARE);
}
