/**
 * The worker jobs of one elastic map, and the decisions about them. Pure, like the chunk tracker
 * it builds on: each worker ticket is tracked as a "chunk" of its own ChunkTracker, so error
 * states, holds, stalls, vanishing and the grace period mean for a worker job exactly what they
 * mean for a chunk's job. A worker is never resubmitted under its ticket; a fresh ticket replaces
 * it, when work is left.
 *
 * The rules:
 *  - Keep W workers queued or running while units are open (unclaimed), and no more workers than
 *    open units: a worker that finds nothing exits at once, but it still cost a queue slot.
 *  - A worker that ends by itself (its exit file) is over; one that ends any other way (killed,
 *    deleted, error state, held too long, vanished) is a failed worker. Its claims are the unit
 *    tracker's business: they go back to the pool, and each unit counts the attempt.
 *  - When more than maxResubmissions × W workers fail in a row with no unit finishing in between,
 *    the map gives up, with the reasons: workers that cannot run would otherwise be replaced
 *    forever (a broken envScript, a node binary missing on the nodes). A worker that ended by
 *    itself for its walltime without running a unit counts too: its walltime left no time to
 *    claim one, and its replacements would do the same.
 *  - W grows when the measured work calls for more workers (worker-target.ts); it never shrinks.
 */
import { ChunkTracker, type FailureEvidence, type TrackerAction, type TrackerLimits } from '../map/chunk-tracker.js';
import type { Resources } from '../options.js';
import type { JobStatus } from '../queues/queue.js';
import type { WorkerExit } from '../protocol/elastic/manifest.js';

export interface FleetLimits extends Omit<TrackerLimits, 'maxResubmissions' | 'raise'> {
  /** W at the start: worker jobs to keep going while there is work. */
  workers: number;
  maxResubmissions: number;
  /**
   * Retry by cause: after a worker ran past its memory or time request, the request for the
   * workers that replace it (retry-policy.ts). Absent: replacements ask for the same.
   */
  raise?: TrackerLimits['raise'];
}

export interface WorkerRecordView {
  ticket: number;
  jobId: string;
  phase: 'queued' | 'ended' | 'failed';
  status?: JobStatus;
  failure?: string;
}

export class WorkerFleet {
  private readonly jobs: ChunkTracker;
  private readonly jobIdOf = new Map<number, string>();
  private nextTicket = 0;
  private failuresInARow = 0;
  private readonly recentFailures: string[] = [];
  /** Workers submitted in all; benchmarks and progress report it. */
  submittedCount = 0;
  /** What new workers ask for, once a limit raised it (undefined: the map's resources). */
  request: Resources | undefined;
  /** What each worker asked for (so that W workers failing at once raise the request once). */
  private readonly requestOf = new Map<number, Resources | undefined>();
  /** Raises so far: the failed attempt's number for a retry function is this + 1. */
  private raises = 0;
  private target: number;

  constructor(private readonly limits: FleetLimits) {
    this.jobs = new ChunkTracker({ ...limits, maxResubmissions: 0 });
    this.target = limits.workers;
  }

  /** W: worker jobs kept queued or running while units are open. */
  get workers(): number {
    return this.target;
  }

  /** The measured work calls for more workers (worker-target.ts): W becomes `to` (never less). */
  grow(to: number): void {
    this.target = Math.max(this.target, to);
  }

  /** How many new workers to submit now. */
  wanted(openUnits: number): number {
    const live = this.live().length;
    return Math.max(0, Math.min(this.target, openUnits) - live);
  }

  /** Fresh tickets for n new workers (never reused within the run). */
  tickets(n: number): number[] {
    const tickets = Array.from({ length: n }, (_, k) => this.nextTicket + k);
    this.nextTicket += n;
    return tickets;
  }

  submitted(tickets: readonly number[], jobIds: readonly string[], now: number, request: Resources | undefined = this.request): void {
    tickets.forEach((ticket, k) => {
      this.jobs.add(ticket);
      this.jobIdOf.set(ticket, jobIds[k]!);
      this.requestOf.set(ticket, request);
    });
    this.jobs.submitted(tickets, jobIds, now);
    this.submittedCount += tickets.length;
  }

  /** A worker a journal recorded (resume): still queued as far as it knows, or over. */
  restore(ticket: number, jobId: string, submittedAt: number, over: boolean, request?: Resources): void {
    // Workers are restored in ticket order: the last one's request is what new ones ask for.
    this.request = request;
    this.requestOf.set(ticket, request);
    this.jobs.add(ticket);
    this.jobIdOf.set(ticket, jobId);
    this.jobs.restore(ticket, [{ jobId, submittedAt }], over ? 'done' : 'queued');
    this.nextTicket = Math.max(this.nextTicket, ticket + 1);
  }

  jobIdOfTicket(ticket: number): string | undefined {
    return this.jobIdOf.get(ticket);
  }

  /** Tickets whose job may still be queued or running. */
  live(): number[] {
    return [...this.jobs.all()].filter((r) => r.phase === 'queued').map((r) => r.chunk);
  }

  isLive(ticket: number): boolean {
    return this.jobs.record(ticket)?.phase === 'queued';
  }

  liveJobIds(): string[] {
    return this.jobs.queuedJobIds();
  }

  statusOf(ticket: number): JobStatus | undefined {
    return this.jobs.record(ticket)?.status;
  }

  /** Applies a status snapshot; 'confirm-missing' actions name tickets whose job is gone or ended. */
  observe(statuses: ReadonlyMap<string, JobStatus>, askedAt: number, now: number): TrackerAction[] {
    return this.jobs.observe(statuses, askedAt, now);
  }

  observeHistory(history: ReadonlyMap<string, JobStatus>): TrackerAction[] {
    return this.jobs.observeHistory(history);
  }

  /** Job ids of live workers gone from the queue, for the scheduler's history. */
  goneJobIds(): string[] {
    return this.jobs.goneJobIds();
  }

  /** The worker's job is gone or ended. With its exit file it ended by itself; without one it failed. */
  ended(ticket: number, exit: WorkerExit | undefined, now: number, evidence: FailureEvidence = {}): void {
    if (this.jobs.record(ticket)?.phase !== 'queued') return;
    if (exit) this.jobs.resultSeen(ticket);
    else this.jobs.confirmMissing(ticket, now, evidence);
    if (exit?.reason === 'walltime' && exit.units === 0) {
      this.countFailure(`worker ${ticket}: ended for its walltime before it could run a unit (the walltime, less the margin kept for writing results, left no time to claim one)`);
    }
  }

  /** The pool stopped this worker itself (its lease expired): a failed worker. */
  stopped(ticket: number, reason: string): void {
    if (this.jobs.record(ticket)?.phase === 'queued') this.jobs.leaseExpired(ticket, reason);
  }

  /**
   * Workers that failed since the last call, by any path (error state, held or stuck too long,
   * gone without an exit file, lease expired), each counted once toward giving up.
   */
  drainFailures(): Array<{ ticket: number; jobId: string; reason: string }> {
    const failures: Array<{ ticket: number; jobId: string; reason: string }> = [];
    for (const event of this.jobs.drainEvents()) {
      // With maxResubmissions 0 each failed worker makes a 'retired' event (the reason) and a
      // 'failed' one (the same, worded as giving up): the first is the one to keep.
      if (event.kind !== 'retired') continue;
      let reason = event.reason;
      if (event.limit && this.limits.raise && this.requestOf.get(event.chunk) === this.request) {
        const decision = this.limits.raise(event.limit, this.raises + 1, this.request);
        if ('resources' in decision) {
          this.raises += 1;
          this.request = decision.resources;
          reason += `; the workers that replace it ask for ${decision.change}`;
        } else {
          reason += `; replacements ask for the same (${decision.refused})`;
        }
      }
      failures.push({ ticket: event.chunk, jobId: event.job, reason });
      this.countFailure(`worker ${event.chunk}: ${event.reason.split('\n')[0]}`);
    }
    return failures;
  }

  private countFailure(reason: string): void {
    this.failuresInARow += 1;
    this.recentFailures.push(reason);
    if (this.recentFailures.length > 5) this.recentFailures.shift();
  }

  /** A unit finished: workers are doing work, so earlier failures are not a pattern. */
  progressMade(): void {
    this.failuresInARow = 0;
    this.recentFailures.length = 0;
  }

  /** Set when workers keep failing (see the rules above): why the map gives up. */
  exhausted(): string | undefined {
    const allowed = this.limits.maxResubmissions * Math.max(1, this.target);
    if (this.failuresInARow <= allowed) return undefined;
    return (
      `${this.failuresInARow} worker jobs in a row ended without finishing a unit (more than maxResubmissions × workers = ${allowed}); the last ones:\n` +
      this.recentFailures.map((reason) => `    ${reason}`).join('\n')
    );
  }

  counts(): { pending: number; running: number; held: number } {
    const c = this.jobs.counts();
    return { pending: c.pending, running: c.running, held: c.held };
  }

  view(): WorkerRecordView[] {
    return [...this.jobs.all()].map((r) => ({
      ticket: r.chunk,
      jobId: this.jobIdOf.get(r.chunk)!,
      phase: r.phase === 'queued' ? 'queued' : r.phase === 'failed' ? 'failed' : 'ended',
      ...(r.status ? { status: r.status } : {}),
      ...(r.failure ? { failure: r.failure } : {}),
    }));
  }
}
