/**
 * The state of every chunk of one map, and the decisions the poll loop makes from what the
 * scheduler says. Pure: time comes in as an argument and effects go out as actions, so every
 * rule here is tested without a queue.
 *
 * A chunk is done when its result file is seen, never because its job left the queue. A job in
 * an error state is deleted and its chunk resubmitted; held or stuck too long, likewise; gone from
 * the queue without a result, it gets a grace period (shared file systems show files late), then
 * its chunk is resubmitted as missing. After maxResubmissions the chunk fails, with every reason.
 */
import type { ResolvedOptions, Resources } from '../options.js';
import type { JobStatus, Queue } from '../queues/queue.js';
import { requestRaiser, type RaiseDecision, type ResourceLimit } from './retry-policy.js';

export type ChunkPhase = 'unsubmitted' | 'queued' | 'done' | 'failed';

export interface Attempt {
  jobId: string;
  submittedAt: number;
  /** Why this attempt did not produce a result, when it did not. */
  endedBecause?: string;
  /**
   * The attempt was stopped, not failed: the user stopped the map (signal, abort, `qmr cancel`)
   * or its submitting process died with it. Running the chunk again is no resubmission and does
   * not count toward maxResubmissions.
   */
  cancelled?: boolean;
  /** What the attempt asked for, when it differs from the map's resources (raised after a limit). */
  resources?: Resources;
}

export interface ChunkRecord {
  chunk: number;
  phase: ChunkPhase;
  attempts: Attempt[];
  /** The last status the scheduler gave for the current attempt's job. */
  status?: JobStatus;
  /** When the current attempt's job entered its current state. */
  stateSince?: number;
  /** When the current attempt's job was first seen missing from the queue. */
  goneSince?: number;
  /** Set when the chunk failed for good. */
  failure?: string;
  /** The next attempt's request, once a limit raised it (absent: the map's resources). */
  resources?: Resources;
}

export interface TrackerLimits {
  maxResubmissions: number;
  /** Milliseconds a job may be gone without a result before its chunk counts as missing. */
  missingGrace: number;
  heldTimeout: number;
  stalledTimeout: number;
  /**
   * Retry by cause (retry-policy.ts): for an attempt that ran past its memory or time request,
   * the next attempt's request, or why there is none. Absent: such a chunk fails at once.
   */
  raise?: (limit: ResourceLimit, attempt: number, current: Resources | undefined) => RaiseDecision;
}

/** A map's limits, from its options (for its chunks, and for an elastic map's worker jobs). */
export function trackerLimits(options: ResolvedOptions, queue: Pick<Queue, 'resultsMayLag'>): TrackerLimits {
  return {
    maxResubmissions: options.maxResubmissions,
    // A job gone without a result waits out the grace only where results may show up late (shared file systems).
    missingGrace: queue.resultsMayLag ? options.missingGrace : 0,
    heldTimeout: options.heldTimeout,
    stalledTimeout: options.stalledTimeout,
    raise: requestRaiser(options.retry, options.resources),
  };
}

/** What happened to chunks, for the journal. */
export type TrackerEvent =
  | { kind: 'retired'; chunk: number; job: string; reason: string; limit?: ResourceLimit; cancelled?: boolean }
  | { kind: 'failed'; chunk: number; reason: string };

export type TrackerAction =
  /** Delete these jobs from the queue (they are stuck, or their chunk is done another way). */
  | { kind: 'cancel'; jobIds: string[] }
  /**
   * The job is gone (after the grace period) or ended badly: look for the result file once
   * more, then call resultSeen, or confirmMissing with what the logs tell.
   */
  | { kind: 'confirm-missing'; chunk: number };

/**
 * What reading a chunk's result file found (result-collector.ts reads, the map's loop hands it
 * here): a result and the job that wrote it, or a file that stayed undecodable, and why.
 */
export type ResultRead = { kind: 'seen'; chunk: number; jobId: string } | { kind: 'unreadable'; chunk: number; reason: string };

/**
 * The tracker as the parts of a map that only read it see it (results, progress): the map's loop
 * and its dispatch are the only ones that change a chunk's state.
 */
export type ChunkTrackerView = Pick<ChunkTracker, 'record' | 'all' | 'unsubmitted' | 'queuedJobIds' | 'requestOf' | 'counts' | 'isSettled' | 'size'> &
  Readonly<Pick<ChunkTracker, 'resubmissions'>>;

/** What the chunk's logs say about an attempt that left no result (read by the caller). */
export interface FailureEvidence {
  /** The last lines the attempt wrote to stderr. */
  logTail?: string;
  /** Set when the logs show a failure a resubmission would meet again, with advice. */
  fatal?: string;
  /** Set when the logs show which request the attempt ran past (node could not reserve its memory). */
  limit?: ResourceLimit;
}

export class ChunkTracker {
  private readonly records = new Map<number, ChunkRecord>();
  private events: TrackerEvent[] = [];
  resubmissions = 0;

  constructor(private readonly limits: TrackerLimits) {}

  add(chunk: number): void {
    this.records.set(chunk, { chunk, phase: 'unsubmitted', attempts: [] });
  }

  /**
   * Puts back a chunk as a journal recorded it (resume): its attempts so far, and whether its
   * last job may still be in the queue. The queue is asked about that job at the next poll.
   */
  restore(chunk: number, attempts: Attempt[], phase: ChunkPhase, failure?: string): void {
    const r = this.mustGet(chunk);
    r.attempts = attempts.map((a) => ({ ...a }));
    r.phase = phase;
    // A raised request stays raised: the last attempt's, for the next one too.
    const raised = attempts[attempts.length - 1]?.resources;
    if (raised) r.resources = raised;
    if (failure !== undefined) r.failure = failure;
    this.resubmissions += resubmissionsIn(attempts);
  }

  /** The request of the chunk's next attempt, when a limit raised it (else the map's resources apply). */
  requestOf(chunk: number): Resources | undefined {
    return this.records.get(chunk)?.resources;
  }

  /** Events since the last call, oldest first. */
  drainEvents(): TrackerEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  get size(): number {
    return this.records.size;
  }

  record(chunk: number): ChunkRecord | undefined {
    return this.records.get(chunk);
  }

  all(): IterableIterator<ChunkRecord> {
    return this.records.values();
  }

  /** Chunks waiting to be submitted (first time or again), in chunk order. */
  unsubmitted(): number[] {
    return [...this.records.values()].filter((r) => r.phase === 'unsubmitted').map((r) => r.chunk);
  }

  /** Job ids of every chunk currently in the queue. */
  queuedJobIds(): string[] {
    const ids: string[] = [];
    for (const r of this.records.values()) if (r.phase === 'queued') ids.push(currentJob(r));
    return ids;
  }

  /** Job ids of the chunks whose job left the queue without a result yet (for the scheduler's history). */
  goneJobIds(): string[] {
    return [...this.records.values()].filter((r) => r.phase === 'queued' && r.goneSince !== undefined).map(currentJob);
  }

  submitted(chunks: readonly number[], jobIds: readonly string[], now: number): void {
    chunks.forEach((chunk, k) => {
      const r = this.mustGet(chunk);
      r.phase = 'queued';
      r.attempts.push({ jobId: jobIds[k]!, submittedAt: now, ...(r.resources ? { resources: r.resources } : {}) });
      delete r.status;
      delete r.stateSince;
      delete r.goneSince;
    });
  }

  /**
   * The chunk's result file exists, written by job `writtenBy`. When that was an earlier attempt
   * (a job thought lost that finished after all), the chunk's current job is a duplicate and is
   * returned to be cancelled; the job that wrote the result is left to end by itself.
   */
  resultSeen(chunk: number, writtenBy?: string): TrackerAction[] {
    const r = this.mustGet(chunk);
    if (r.phase === 'done') return [];
    const wasQueued = r.phase === 'queued';
    r.phase = 'done';
    // A result that arrives after the chunk was given up on still counts: nothing computed is thrown away.
    delete r.failure;
    // Only a result written by a known earlier attempt makes the current job a duplicate: a job
    // id the worker reports in another spelling must not cancel the job that wrote it.
    const earlier = r.attempts.slice(0, -1).some((a) => a.jobId === writtenBy);
    if (wasQueued && earlier && r.status?.state !== 'finished') return [{ kind: 'cancel', jobIds: [currentJob(r)] }];
    return [];
  }

  /** Applies what a look at the result files found; returns the jobs to cancel (duplicates, attempts whose file is unreadable). */
  resultsRead(reads: readonly ResultRead[]): TrackerAction[] {
    return reads.flatMap((r) => (r.kind === 'seen' ? this.resultSeen(r.chunk, r.jobId) : this.resultUnreadable(r.chunk, r.reason)));
  }

  /**
   * Applies one status snapshot. `askedAt` is when the status command started: jobs submitted
   * after it cannot be in the answer and are left alone.
   */
  observe(statuses: ReadonlyMap<string, JobStatus>, askedAt: number, now: number): TrackerAction[] {
    const actions: TrackerAction[] = [];
    const toCancel: string[] = [];
    for (const r of this.records.values()) {
      if (r.phase !== 'queued') continue;
      const attempt = r.attempts[r.attempts.length - 1]!;
      // Same millisecond too: a poll kicked right after a submit may have listed its ids before it.
      if (attempt.submittedAt >= askedAt) continue;
      const status = statuses.get(attempt.jobId);
      if (!status) {
        r.goneSince ??= askedAt;
        if (now - r.goneSince >= this.limits.missingGrace) actions.push({ kind: 'confirm-missing', chunk: r.chunk });
        continue;
      }
      // A job the scheduler shows as finished is waiting for its result like a gone one: keep
      // counting its grace period from when it was first seen so.
      if (status.state !== 'finished') delete r.goneSince;
      if (r.status?.state !== status.state) r.stateSince = askedAt;
      r.status = status;
      const since = now - (r.stateSince ?? askedAt);
      const why = describe(attempt.jobId, status);
      switch (status.state) {
        case 'error':
          toCancel.push(attempt.jobId);
          // A fatal error (an impossible request, e.g. past a partition's time limit) would come back.
          this.retire(r, `job ${why} is in an error state`, status.fatal === true, status.limit);
          break;
        case 'held':
          if (since >= this.limits.heldTimeout) {
            toCancel.push(attempt.jobId);
            this.retire(r, `job ${why} was held for ${seconds(since)} (heldTimeout ${seconds(this.limits.heldTimeout)})`);
          }
          break;
        case 'stalled':
          if (since >= this.limits.stalledTimeout) {
            toCancel.push(attempt.jobId);
            this.retire(r, `job ${why} was stuck for ${seconds(since)} (stalledTimeout ${seconds(this.limits.stalledTimeout)})`);
          }
          break;
        case 'finished':
          if (status.outcome === 'failure') {
            actions.push({ kind: 'confirm-missing', chunk: r.chunk });
          } else {
            // Ended well as far as the scheduler knows: the result file may just be late.
            r.goneSince ??= askedAt;
            if (now - r.goneSince >= this.limits.missingGrace) actions.push({ kind: 'confirm-missing', chunk: r.chunk });
          }
          break;
        default:
          break; // pending, running, suspended: waiting is all there is to do
      }
    }
    if (toCancel.length > 0) actions.unshift({ kind: 'cancel', jobIds: toCancel });
    return actions;
  }

  /**
   * Applies final states from the scheduler's history for jobs that have left the queue: a job
   * that ended badly need not wait out the grace period.
   */
  observeHistory(history: ReadonlyMap<string, JobStatus>): TrackerAction[] {
    const actions: TrackerAction[] = [];
    for (const r of this.records.values()) {
      if (r.phase !== 'queued' || r.goneSince === undefined) continue;
      const status = history.get(currentJob(r));
      if (status?.state === 'finished' && status.outcome === 'failure') {
        r.status = status;
        actions.push({ kind: 'confirm-missing', chunk: r.chunk });
      }
    }
    return actions;
  }

  /** The job ended badly or is gone past the grace period, and the result file is still not there. */
  confirmMissing(chunk: number, now: number, evidence: FailureEvidence = {}): void {
    const r = this.mustGet(chunk);
    if (r.phase !== 'queued') return;
    const job = currentJob(r);
    const status = r.status;
    let reason: string;
    if (status?.state === 'finished' && status.outcome === 'failure') {
      reason = `job ${describe(job, status)} ended without writing a result`;
    } else {
      const waited = now - (r.goneSince ?? now);
      const last = status ? ` (last seen ${status.native})` : '';
      reason = `job ${job}${last} left the queue without writing a result (waited ${seconds(waited)} for the file)`;
    }
    if (evidence.fatal) reason += `: ${evidence.fatal}`;
    if (evidence.logTail) reason += `; its stderr ends with:\n${evidence.logTail.replace(/^/gm, '      | ')}`;
    this.retire(r, reason, status?.fatal === true || evidence.fatal !== undefined, status?.limit ?? evidence.limit);
  }

  /**
   * Elastic maps: the worker holding this unit's claim stopped beating (or is gone) while the
   * scheduler may still list it. The attempt ends like a vanished job's, and the unit goes back
   * to be claimed again (or fails after maxResubmissions).
   */
  leaseExpired(chunk: number, reason: string): void {
    const r = this.mustGet(chunk);
    if (r.phase === 'queued') this.retire(r, reason);
  }

  /**
   * The chunk's current job was stopped, not failed (its submitting process died with it, or the
   * map is being stopped): the chunk is to run again, with no resubmission counted.
   */
  cancelAttempt(chunk: number, reason: string): void {
    const r = this.mustGet(chunk);
    if (r.phase !== 'queued') return;
    const attempt = r.attempts[r.attempts.length - 1]!;
    attempt.endedBecause = reason;
    attempt.cancelled = true;
    this.events.push({ kind: 'retired', chunk: r.chunk, job: attempt.jobId, reason, cancelled: true });
    delete r.status;
    delete r.stateSince;
    delete r.goneSince;
    r.phase = 'unsubmitted';
  }

  /**
   * The chunk's result file cannot be read (garbage, cut short, another version), even after a
   * re-read: the current attempt failed. The chunk is resubmitted, or fails after
   * maxResubmissions, and the attempt's job is deleted if the scheduler still lists it (its
   * result is no longer awaited).
   */
  resultUnreadable(chunk: number, reason: string): TrackerAction[] {
    const r = this.mustGet(chunk);
    if (r.phase !== 'queued') return [];
    const job = currentJob(r);
    const listed = r.status !== undefined && r.status.state !== 'finished' && r.goneSince === undefined;
    this.retire(r, `job ${job}: ${reason}`);
    return listed ? [{ kind: 'cancel', jobIds: [job] }] : [];
  }

  /** The chunk's jobs cannot be submitted at all (for example a task file is unreadable). */
  fail(chunk: number, reason: string): void {
    const r = this.mustGet(chunk);
    r.phase = 'failed';
    r.failure = reason;
    this.events.push({ kind: 'failed', chunk, reason });
  }

  counts(): { unsubmitted: number; pending: number; running: number; held: number; done: number; failed: number } {
    const c = { unsubmitted: 0, pending: 0, running: 0, held: 0, done: 0, failed: 0 };
    for (const r of this.records.values()) {
      if (r.phase === 'queued') {
        const state = r.status?.state;
        if (state === 'running' || state === 'suspended') c.running += 1;
        else if (state === 'held' || state === 'error' || state === 'stalled') c.held += 1;
        else c.pending += 1;
      } else {
        c[r.phase] += 1;
      }
    }
    return c;
  }

  isSettled(): boolean {
    for (const r of this.records.values()) if (r.phase === 'unsubmitted' || r.phase === 'queued') return false;
    return true;
  }

  /**
   * Ends the current attempt. A fatal failure (the same job would fail the same way) fails the
   * chunk, unless it ran past a request that the retry policy raises: then the chunk is
   * resubmitted with the raised request, like any resubmission.
   */
  private retire(r: ChunkRecord, reason: string, fatal = false, limit?: ResourceLimit): void {
    const attempt = r.attempts[r.attempts.length - 1]!;
    let refusal: string | undefined;
    if (fatal && limit && this.limits.raise) {
      const decision = this.limits.raise(limit, r.attempts.length, attempt.resources);
      if ('resources' in decision) {
        fatal = false;
        r.resources = decision.resources;
        reason = `${withoutRaiseAdvice(reason)}; resubmitted with ${decision.change}`;
      } else {
        refusal = decision.refused;
      }
    }
    attempt.endedBecause = reason;
    this.events.push({ kind: 'retired', chunk: r.chunk, job: attempt.jobId, reason, ...(limit ? { limit } : {}) });
    delete r.status;
    delete r.stateSince;
    delete r.goneSince;
    // Attempts the user stopped are not failures: only failed ones use up maxResubmissions.
    const failedAttempts = r.attempts.filter((a) => !a.cancelled).length;
    if (fatal || failedAttempts - 1 >= this.limits.maxResubmissions) {
      r.phase = 'failed';
      r.failure = fatal
        ? `${reason}; not resubmitted, because the same job would fail the same way (${refusal ?? 'raise its resources'})`
        : `gave up after ${failedAttempts} attempts (maxResubmissions is ${this.limits.maxResubmissions}${
            failedAttempts < r.attempts.length ? `; ${r.attempts.length - failedAttempts} more were stopped, not failed` : ''
          }):\n` +
          r.attempts.map((a, i) => `    attempt ${i + 1}: ${a.endedBecause ?? 'no reason recorded'}`).join('\n');
      this.events.push({ kind: 'failed', chunk: r.chunk, reason: r.failure });
      return;
    }
    r.phase = 'unsubmitted';
    this.resubmissions += 1;
  }

  private mustGet(chunk: number): ChunkRecord {
    const r = this.records.get(chunk);
    if (!r) throw new Error(`unknown chunk ${chunk}`);
    return r;
  }
}

/** Attempts that followed a failed one; an attempt after a cancelled one is a restart, not a resubmission. */
export function resubmissionsIn(attempts: readonly Attempt[]): number {
  let n = 0;
  for (let i = 1; i < attempts.length; i++) if (!attempts[i - 1]!.cancelled) n += 1;
  return n;
}

/**
 * The scheduler's words advise raising the request a job ran past ('ran out of memory: raise
 * resources.memory'); once the retry has raised it, that advice is done, and saying it beside
 * "resubmitted with memory 1024M → 2048M" tells the user to do what already happened.
 */
function withoutRaiseAdvice(reason: string): string {
  return reason.replace(/: raise resources\.(memory|walltime)\b/g, '');
}

function currentJob(r: ChunkRecord): string {
  return r.attempts[r.attempts.length - 1]!.jobId;
}

function describe(jobId: string, status: JobStatus): string {
  return `${jobId} (${status.native}${status.reason ? `: ${status.reason}` : ''})`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
