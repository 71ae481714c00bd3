/**
 * The worker jobs of an elastic run, for `qmr status` and `qmr cancel`: how many are running,
 * waiting, ended by themselves or failed, from the journal and (where asked) the scheduler.
 */
import type { JobStatus } from '../queues/queue.js';
import type { RecordedRun } from '../run-state.js';

export interface WorkersSummary {
  /** Worker jobs submitted in all (first array and replacements). */
  submitted: number;
  running: number;
  pending: number;
  /** In the queue as far as the journal knows; the scheduler was not asked or did not say. */
  queued: number;
  /** Ended by themselves (no work left, walltime, idle). */
  exited: number;
  failed: number;
  /** Stopped by the pool as the run ended (a finished map stops workers that are still looking for work). */
  cancelled: number;
}

/** Job ids of the run's workers that may still be in the queue. */
export function queuedWorkerJobs(recorded: RecordedRun): string[] {
  return [...recorded.workers.values()].filter((w) => w.phase === 'queued').map((w) => w.jobId);
}

/** Undefined for a run without workers (static chunks). */
export function summarizeWorkers(recorded: RecordedRun, statuses: ReadonlyMap<string, JobStatus> | undefined): WorkersSummary | undefined {
  if (recorded.workers.size === 0) return undefined;
  const summary: WorkersSummary = { submitted: recorded.workers.size, running: 0, pending: 0, queued: 0, exited: 0, failed: 0, cancelled: 0 };
  for (const w of recorded.workers.values()) {
    if (w.phase !== 'queued') {
      summary[w.phase] += 1;
      continue;
    }
    const state = statuses?.get(w.jobId)?.state;
    if (state === 'running' || state === 'suspended') summary.running += 1;
    else if (state === 'pending' || state === 'held' || state === 'error' || state === 'stalled') summary.pending += 1;
    else summary.queued += 1;
  }
  return summary;
}

export function describeWorkers(w: WorkersSummary): string {
  const parts = [`${w.running} running`, `${w.pending} waiting`];
  if (w.queued > 0) parts.push(`${w.queued} queued (not asked)`);
  parts.push(`${w.exited} ended by themselves`, `${w.cancelled} stopped as the run ended`, `${w.failed} failed`);
  return `workers: ${w.submitted} submitted; ${parts.join(', ')}`;
}
