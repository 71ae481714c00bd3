/**
 * The Dispatch (map/dispatch.ts) of elastic maps: keeps the worker jobs going, sees the units
 * they claim, judges their leases, and puts back the units of workers that died. Unit state lives
 * in the map's ChunkTracker (a unit is a chunk whose job is the worker that claimed it); worker
 * state in a WorkerFleet. This file is their I/O.
 *
 * Claims reach the journal as 'submit' records of one unit and the worker's job id, so resume,
 * `qmr status --chunks` and `qmr cancel` read them as they read chunk submissions; worker jobs
 * as 'workers' and 'worker-end' records.
 */
import { stat } from 'node:fs/promises';
import { failureEvidence } from '../map/failure-evidence.js';
import { trackerLimits, type TrackerAction } from '../map/chunk-tracker.js';
import { jobsEndWithSubmitter, type ChunkLogs, type Dispatch, type DispatchContext, type WorkerProgress } from '../map/dispatch.js';
import type { StatusSnapshot } from '../map/poller.js';
import { submitInGroups } from '../map/submission-groups.js';
import { parseWalltimeSeconds } from '../options.js';
import { CLAIM_TARGET_SECONDS } from '../protocol/elastic/claim-size.js';
import { claimedUnits, makeElasticFolders, readOwner, releaseClaim } from '../protocol/elastic/claims.js';
import { ElasticLayout } from '../protocol/elastic/layout.js';
import { readWorkerExit, writeManifest, type WorkerExit } from '../protocol/elastic/manifest.js';
import { unitsWeight } from '../protocol/elastic/unit-weight.js';
import type { RecordedRun } from '../resume/journal-replay.js';
import { exists } from '../work-dir/work-dir.js';
import { WorkerFleet } from './fleet.js';
import { LeaseWatch } from './lease-watch.js';
import type { ElasticPlan } from './plan.js';
import { workerTarget } from './worker-target.js';

/** Heartbeats are stat'ed at most this often (each is a file-server round trip per worker). */
const LEASE_CHECK_MS = 1000;
/** Workers touch their heartbeat this often, at most (less when leaseTimeout is short). */
const HEARTBEAT_MS = 5000;
/** While tasks stream in, wait this long for more units before starting fewer than W workers. */
const STREAM_START_DELAY_MS = 1000;
/** The measured work is weighed at most this often: growth goes out as one array, not a trickle. */
const GROWTH_LOOK_MS = 10_000;
/**
 * At the end of a map, how long to wait for started workers to write their exit file (each does
 * within moments of the last unit: one look at the claims) before cancelling them after all.
 */
const EXIT_WAIT_MS = 1000;
const EXIT_LOOK_MS = 20;

export interface ElasticContext extends DispatchContext {
  plan: ElasticPlan;
}

export class ElasticDispatch implements Dispatch {
  readonly layout: ElasticLayout;
  readonly fleet: WorkerFleet;
  private readonly leases: LeaseWatch;
  /** unit → ticket of the worker whose claim this process has seen (kept after the unit is done, for its logs). */
  private readonly claimedBy = new Map<number, number>();
  private lastLeaseCheck = 0;
  private openSince: number | undefined;
  /** Whether elastic.json says how many units there are (workers then stop when none are open). */
  private manifestComplete = false;
  private manifestUnits: number | undefined;
  /** What each worker measured (units run, seconds busy), from its latest claim seen. */
  private readonly measured = new Map<number, { units: number; seconds: number }>();
  private lastGrowthLook = 0;
  /** Why W grew, for the 'workers' record of the array that follows. */
  private growthWhy: string | undefined;

  constructor(private readonly ctx: ElasticContext) {
    this.layout = new ElasticLayout(ctx.workDir.root);
    this.fleet = new WorkerFleet({ workers: ctx.plan.workers, ...trackerLimits(ctx.options, ctx.queue) });
    this.leases = new LeaseWatch(ctx.options.leaseTimeout);
  }

  /** Creates the folders and the manifest workers read; `units` once every task is in a unit file. */
  async prepare(units: number | undefined): Promise<void> {
    await makeElasticFolders(this.layout);
    await this.writeManifest(units);
  }

  /**
   * Resume: the workers the journal knew, still queued or over. Where the queue's jobs end with
   * the process that started them (local), workers the journal left queued were stopped with it:
   * they are over, cancelled (not failed), and their claims go back.
   */
  async restore(recorded: RecordedRun): Promise<void> {
    const diedWithSubmitter = jobsEndWithSubmitter(this.ctx.queue);
    const time = new Date().toISOString();
    for (const w of recorded.workers.values()) {
      const stopped = w.phase === 'queued' && diedWithSubmitter;
      this.fleet.restore(w.ticket, w.jobId, w.submittedAt, w.phase !== 'queued' || stopped, w.resources);
      if (stopped) {
        await this.ctx.journal.append({ t: 'worker-end', time, ticket: w.ticket, job: w.jobId, how: 'cancelled', reason: 'its submitting process ended, and its local jobs with it' });
      }
    }
  }

  /** Job ids of the units' attempts and of the workers that may still be in the queue. */
  jobIds(): string[] {
    return [...new Set([...this.units.queuedJobIds(), ...this.fleet.liveJobIds()])];
  }

  /** Where a unit's output went: the log files of the worker that claimed it (a unit's own, before a claim was seen). */
  logsOf(unit: number): ChunkLogs {
    const ticket = this.claimedBy.get(unit);
    if (ticket === undefined) return { stdout: this.ctx.workDir.stdoutLog(unit), stderr: this.ctx.workDir.stderrLog(unit) };
    return { stdout: this.layout.stdoutLog(ticket), stderr: this.layout.stderrLog(ticket) };
  }

  /** A unit's job is a worker that runs other units too: the fleet, which sees the same statuses, decides about worker jobs. */
  async dropJobs(): Promise<void> {}

  /** A unit finished: workers are getting work done. */
  resultRead(): void {
    this.fleet.progressMade();
  }

  /** The units: the map's chunk tracker. */
  private get units(): DispatchContext['tracker'] {
    return this.ctx.tracker;
  }

  /**
   * One round: claims seen, leases judged, dead workers' units put back, workers submitted.
   * `units` is the number of units once every task is in one (undefined while tasks stream in).
   */
  async round(units: number | undefined, now = Date.now()): Promise<void> {
    const inputDone = units !== undefined;
    if (inputDone && !this.manifestComplete) await this.writeManifest(units);
    await this.scanClaims(now);
    if (now - this.lastLeaseCheck >= LEASE_CHECK_MS) {
      this.lastLeaseCheck = now;
      await this.checkLeases(now);
    }
    await this.releaseRetiredUnits();
    this.giveUpIfWorkersKeepFailing();
    if (now - this.lastGrowthLook >= GROWTH_LOOK_MS) {
      this.lastGrowthLook = now;
      await this.growIfMeasuredWorkCalls();
    }
    await this.ensureWorkers(inputDone, now);
  }

  /**
   * The map is over: workers that ended by themselves are journalled as exited and are no longer
   * live, so the map's end does not cancel them. When every unit has its outcome (`allDone`),
   * workers that started get EXIT_WAIT_MS to write their exit file: with nothing left to claim they
   * write it at once, and a qdel or scancel of a job that is leaving anyway costs the map's last
   * tenth of a second or more and the scheduler a call. Workers that never started stay live
   * (the caller cancels them).
   */
  async finish(allDone: boolean): Promise<void> {
    const deadline = Date.now() + (allDone ? EXIT_WAIT_MS : 0);
    for (;;) {
      let started = 0;
      for (const ticket of this.fleet.live()) {
        const exit = await readWorkerExit(this.layout, ticket);
        if (exit) await this.workerExited(ticket, exit, Date.now());
        else if (await exists(this.layout.heartbeatFile(ticket))) started += 1;
      }
      if (started === 0 || Date.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, EXIT_LOOK_MS));
    }
  }

  /** Applies a status snapshot to the worker jobs (the map's loop applied it to the units). */
  async observe(snapshot: StatusSnapshot, now = Date.now()): Promise<void> {
    await this.act(this.fleet.observe(snapshot.statuses!, snapshot.askedAt, now), now);
    if (this.ctx.queue.history) {
      const gone = this.fleet.goneJobIds();
      if (gone.length > 0) {
        try {
          await this.act(this.fleet.observeHistory(await this.ctx.queue.history(gone)), now);
        } catch {
          // History is a shortcut; without it the grace period decides.
        }
      }
    }
    await this.journalWorkerFailures();
  }

  progress(): WorkerProgress {
    const c = this.fleet.counts();
    return { workersRunning: c.running, workersPending: c.pending + c.held, workersSubmitted: this.fleet.submittedCount };
  }

  /** Mean seconds per fine unit (protocol/elastic/unit-weight.ts) over what the workers reported; undefined before any reported. */
  secondsPerUnit(): number | undefined {
    let units = 0;
    let seconds = 0;
    for (const m of this.measured.values()) {
      units += m.units;
      seconds += m.seconds;
    }
    return units > 0 ? seconds / units : undefined;
  }

  /** W follows the measured work (worker-target.ts); workers read W from elastic.json for their claim sizes. */
  private async growIfMeasuredWorkCalls(): Promise<void> {
    const target = workerTarget({
      current: this.fleet.workers,
      ceiling: this.ctx.plan.ceiling,
      live: this.fleet.live().length,
      // In fine units, as the workers measure (protocol/elastic/unit-weight.ts).
      openUnits: unitsWeight(this.ctx.plan, this.units.unsubmitted()),
      secondsPerUnit: this.secondsPerUnit(),
      targetSeconds: CLAIM_TARGET_SECONDS,
    });
    if (target.workers <= this.fleet.workers || !target.why) return;
    this.fleet.grow(target.workers);
    this.growthWhy = target.why;
    await this.writeManifest(this.manifestUnits);
  }

  private async writeManifest(units: number | undefined): Promise<void> {
    this.manifestComplete = units !== undefined;
    this.manifestUnits = units;
    const walltime = this.ctx.options.resources.walltime;
    await writeManifest(this.layout, {
      unitSize: this.ctx.plan.unitSize,
      ...(this.ctx.plan.bulk ? { bulk: this.ctx.plan.bulk } : {}),
      units: units ?? null,
      workers: this.fleet.workers,
      ...(walltime === undefined ? {} : { walltimeSeconds: parseWalltimeSeconds(walltime) }),
      targetSeconds: CLAIM_TARGET_SECONDS,
      heartbeatMs: Math.max(50, Math.min(HEARTBEAT_MS, Math.floor(this.ctx.options.leaseTimeout / 4))),
    });
  }

  private async act(actions: TrackerAction[], now: number): Promise<void> {
    for (const action of actions) {
      if (action.kind === 'cancel') {
        await this.ctx.canceller.cancel(action.jobIds, 'worker stuck (error, hold or a stalled state)');
        continue;
      }
      const ticket = action.chunk;
      const exit = await readWorkerExit(this.layout, ticket);
      if (exit) await this.workerExited(ticket, exit, now);
      else this.fleet.ended(ticket, undefined, now, await failureEvidence(this.layout.stderrLog(ticket)));
    }
  }

  private async workerExited(ticket: number, exit: WorkerExit, now: number): Promise<void> {
    this.fleet.ended(ticket, exit, now);
    await this.ctx.journal.append({ t: 'worker-end', time: new Date(now).toISOString(), ticket, job: this.fleet.jobIdOfTicket(ticket)!, how: 'exited', reason: exit.reason });
  }

  /** Failed workers (from any path) reach the journal once each. */
  private async journalWorkerFailures(): Promise<void> {
    const time = new Date().toISOString();
    for (const failure of this.fleet.drainFailures()) {
      await this.ctx.journal.append({ t: 'worker-end', time, ticket: failure.ticket, job: failure.jobId, how: 'failed', reason: failure.reason });
    }
  }

  /** New claims: a unit claimed by a live worker is that worker's attempt; one of a dead worker's goes back. */
  private async scanClaims(now: number): Promise<void> {
    const seen: number[] = [];
    const jobs: string[] = [];
    for (const unit of await claimedUnits(this.layout)) {
      if (this.claimedBy.has(unit)) continue;
      const record = this.units.record(unit);
      if (!record) continue; // not fed yet (cannot happen: units are written before workers start)
      const owner = await readOwner(this.layout, unit);
      if (!owner) continue; // released just now; seen again next round if claimed again
      this.claimedBy.set(unit, owner.ticket);
      if (owner.measured && owner.measured.units > (this.measured.get(owner.ticket)?.units ?? 0)) this.measured.set(owner.ticket, owner.measured);
      if (record.phase !== 'unsubmitted') continue; // done or failed already: nothing to watch
      const jobId = this.fleet.jobIdOfTicket(owner.ticket);
      if (jobId !== undefined && this.fleet.isLive(owner.ticket)) {
        seen.push(unit);
        jobs.push(jobId);
      } else {
        // A claim left by a worker that is over (a resumed run, or its end was seen before its claim).
        await releaseClaim(this.layout, unit);
        this.claimedBy.delete(unit);
      }
    }
    if (seen.length === 0) return;
    // One 'submit' record for all the claims of this look: unit k was handed to job k.
    this.units.submitted(seen, jobs, now);
    await this.ctx.journal.append({ t: 'submit', time: new Date(now).toISOString(), chunks: seen, ids: jobs });
  }

  /** Workers holding claims whose heartbeat stopped: their units go back, their job is cancelled. */
  private async checkLeases(now: number): Promise<void> {
    const holders = new Map<number, number[]>();
    for (const [unit, ticket] of this.claimedBy) {
      if (this.units.record(unit)?.phase !== 'queued') continue;
      holders.set(ticket, [...(holders.get(ticket) ?? []), unit]);
    }
    for (const [ticket, units] of holders) {
      if (!this.fleet.isLive(ticket)) continue;
      const mtime = await stat(this.layout.heartbeatFile(ticket)).then((s) => s.mtimeMs, () => undefined);
      this.leases.observe(ticket, mtime, now);
      if (this.fleet.statusOf(ticket)?.state === 'suspended') {
        this.leases.pause(ticket, now); // a suspended job cannot beat; the scheduler says it will go on
        continue;
      }
      const silent = this.leases.expired(ticket, now);
      if (silent === undefined) continue;
      const jobId = this.fleet.jobIdOfTicket(ticket)!;
      const reason = `worker ${ticket} (job ${jobId}) has not touched its heartbeat for ${(silent / 1000).toFixed(0)} s (leaseTimeout ${(this.ctx.options.leaseTimeout / 1000).toFixed(0)} s)`;
      for (const unit of units) this.units.leaseExpired(unit, reason);
      this.fleet.stopped(ticket, reason);
      this.leases.forget(ticket);
      await this.ctx.canceller.cancel([jobId], 'its heartbeat stopped (lease expired)');
    }
    await this.journalWorkerFailures();
  }

  /** Units whose attempt ended without a result (the unit tracker retired it) are claimable again. */
  private async releaseRetiredUnits(): Promise<void> {
    for (const [unit] of this.claimedBy) {
      if (this.units.record(unit)?.phase !== 'unsubmitted') continue;
      await releaseClaim(this.layout, unit);
      this.claimedBy.delete(unit);
    }
  }

  private giveUpIfWorkersKeepFailing(): void {
    const why = this.fleet.exhausted();
    if (!why) return;
    for (const r of this.units.all()) {
      if (r.phase === 'unsubmitted' || r.phase === 'queued') this.units.fail(r.chunk, `was not run: ${why}`);
    }
  }

  /** Submits workers while units are open and fewer than W are queued or running. */
  private async ensureWorkers(inputDone: boolean, now: number): Promise<void> {
    const open = this.units.unsubmitted().length;
    if (open === 0) {
      this.openSince = undefined;
      return;
    }
    this.openSince ??= now;
    // While tasks stream in, gather enough units for all W workers, or wait a moment.
    if (!inputDone && open < this.fleet.workers && now - this.openSince < STREAM_START_DELAY_MS) return;
    if (this.fleet.exhausted()) return;
    const wanted = this.fleet.wanted(open);
    if (wanted === 0) return;
    const { queue, options, workDir } = this.ctx;
    const request = this.fleet.request;
    const why = this.growthWhy;
    this.growthWhy = undefined;
    const throwIfAborted = () => this.ctx.stop.throwIfAborted();
    const submission = { queue, options, workDir, script: this.layout.workerScript, resources: request ?? options.resources, throwIfAborted };
    await submitInGroups(submission, this.fleet.tickets(wanted), async (group, ids) => {
      this.fleet.submitted(group, ids, Date.now(), request);
      await this.ctx.journal.append({ t: 'workers', time: new Date().toISOString(), tickets: group, ids, ...(request ? { resources: request } : {}), ...(why ? { why } : {}) });
    });
    this.ctx.poller.kick();
  }
}

