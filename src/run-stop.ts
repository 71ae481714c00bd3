/**
 * How a map is told to stop, in one place: the caller's AbortSignal, SIGINT/SIGTERM (through
 * shutdown.ts, while the map runs) and `qmr cancel` (a file in the work dir). The map's loop asks
 * `throwIfAborted` at each step; the error says what happens to the jobs.
 */
import { AbortError } from './errors.js';
import { whileRunning } from './shutdown.js';
import { exists } from './work-dir/work-dir.js';

export interface StoppedRunInfo {
  /** The run's id and work dir, once there is one (for the message). */
  runId: string | undefined;
  root: string | undefined;
  keepJobsOnExit: boolean;
}

export class RunStop {
  readonly signal: AbortSignal;
  /** Set when a signal stopped the map; with keepJobsOnExit its jobs are left running. */
  stoppedBySignal = false;
  private readonly controller = new AbortController();

  constructor(userSignal: AbortSignal | undefined) {
    this.signal = userSignal ? AbortSignal.any([userSignal, this.controller.signal]) : this.controller.signal;
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

  throwIfAborted(info: StoppedRunInfo): void {
    if (!this.signal.aborted) return;
    const run = info.runId ? ` (run ${info.runId})` : '';
    const what = this.stoppedBySignal && info.keepJobsOnExit
      ? `its jobs are left in the queue (keepJobsOnExit); resume it with the same workDir or \`qmr resume ${info.root ?? 'DIR'}\``
      : 'every job of the map is cancelled';
    const why = this.signal.reason instanceof Error ? this.signal.reason.message : 'aborted';
    throw new AbortError(`map stopped${run}: ${why}; ${what}`, { cause: this.signal.reason });
  }

  /** A signal stopped the map and the user asked to leave its jobs running. */
  detaches(finishedNormally: boolean, keepJobsOnExit: boolean): boolean {
    return !finishedNormally && this.stoppedBySignal && keepJobsOnExit;
  }
}
