/**
 * The worker jobs of an elastic run, for `qmr status` and `qmr cancel`: how many are running,
 * waiting, ended by themselves or failed, from the journal and (where asked) the scheduler.
 */
import { stat } from 'node:fs/promises';
import { ElasticLayout } from '../protocol/elastic/layout.js';
import type { JobStatus } from '../queues/queue.js';
import type { RecordedRun } from '../resume/journal-replay.js';
import type { RunInfo } from './runs.js';

/** The pool's default leaseTimeout (options.ts): a heartbeat older than this is a worker gone. */
const DEFAULT_LEASE_MS = 180_000;

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

/**
 * What the workers' heartbeat files say, as job states, for a run whose scheduler is not asked
 * (the local flavor's queue lives in its submitting process): a worker whose heartbeat is fresh
 * is running; on the local flavor, one that has not beaten yet while its submitter lives is
 * waiting for a slot. Workers the journal knows to have ended are not looked at.
 */
export async function workerHeartbeats(run: RunInfo, now = Date.now()): Promise<Map<string, JobStatus>> {
  const layout = new ElasticLayout(run.dir);
  const leaseMs = typeof run.record.options?.leaseTimeout === 'number' ? run.record.options.leaseTimeout : DEFAULT_LEASE_MS;
  const states = new Map<string, JobStatus>();
  for (const w of run.recorded.workers.values()) {
    if (w.phase !== 'queued') continue;
    const beat = await stat(layout.heartbeatFile(w.ticket)).then((s) => s.mtimeMs, () => undefined);
    if (beat !== undefined && now - beat < leaseMs) {
      states.set(w.jobId, { state: 'running', native: `heartbeat ${Math.max(0, Math.round((now - beat) / 1000))} s ago` });
    } else if (beat === undefined && run.record.flavor === 'local' && run.submitter === 'alive') {
      states.set(w.jobId, { state: 'pending', native: 'waiting for a local slot' });
    }
  }
  return states;
}
