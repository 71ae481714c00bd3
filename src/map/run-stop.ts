/**
 * How a map is told to stop, in one place: the caller's AbortSignal, SIGINT/SIGTERM (through
 * shutdown.ts, while the map runs) and `qmr cancel` (a file in the work dir). The map's loop asks
 * `throwIfAborted` at each step; the error says what happens to the jobs.
 */
import { AbortError } from '../errors.js';
import { whileRunning } from './shutdown.js';
import { exists } from '../work-dir/work-dir.js';

export class RunStop {
  readonly signal: AbortSignal;
  /** Set when a signal stopped the map; with keepJobsOnExit its jobs are left running. */
  stoppedBySignal = false;
  private readonly controller = new AbortController();
  /** The run's id and work dir, once there is one (for the message). */
  private run: { runId: string; root: string } | undefined;

  constructor(
    userSignal: AbortSignal | undefined,
    private readonly keepJobsOnExit: boolean,
  ) {
    this.signal = userSignal ? AbortSignal.any([userSignal, this.controller.signal]) : this.controller.signal;
  }

  /** The map's work dir is open: a stop's message names it. */
  opened(run: { runId: string; root: string }): void {
    this.run = run;
  }

  /**
   * Stops the map on SIGINT/SIGTERM until the returned function is called. The signal handler
   * waits for `cleanedUp`, so the process ends only after the jobs are cancelled and the journal
   * has its end record.
   */
  handleSignals(cleanedUp: Promise<void>): () => void {
    return whileRunning(async (signal) => {
      this.stoppedBySignal = true;
      this.controller.abort(new Error(`${signal} received`));
      await cleanedUp;
    });
  }

  /** `qmr cancel` leaves this file in the work dir; a live submitting process stops when it sees it. */
  async checkCancelRequest(cancelRequest: string | undefined): Promise<void> {
    if (this.signal.aborted || cancelRequest === undefined) return;
    if (await exists(cancelRequest)) this.controller.abort(new Error(`cancelled with qmr cancel (${cancelRequest})`));
  }

  throwIfAborted(): void {
    if (!this.signal.aborted) return;
    const run = this.run ? ` (run ${this.run.runId})` : '';
    const what = this.stoppedBySignal && this.keepJobsOnExit
      ? `its jobs are left in the queue (keepJobsOnExit); resume it with the same workDir or \`qmr resume ${this.run?.root ?? 'DIR'}\``
      : 'every job of the map is cancelled';
    const why = this.signal.reason instanceof Error ? this.signal.reason.message : 'aborted';
    throw new AbortError(`map stopped${run}: ${why}; ${what}`, { cause: this.signal.reason });
  }

  /** A signal stopped the map and the user asked to leave its jobs running. */
  detaches(finishedNormally: boolean): boolean {
    return !finishedNormally && this.stoppedBySignal && this.keepJobsOnExit;
  }
}
