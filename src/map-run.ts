/**
 * One map, from tasks to results: writes the work dir, feeds tasks into chunk files, submits,
 * watches (result files between polls, the shared status poller for what only the scheduler
 * knows), resubmits, and yields each chunk's outcomes in chunk order. Cleans up whatever way it
 * ends: jobs still in the queue are cancelled, and the work dir is kept or removed per keepWorkDir.
 */
import { existsSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { leaveTrace } from './trace/leave-trace.js';
import { ChunkTracker, type TrackerAction, type TrackerEvent } from './chunk-tracker.js';
import { failureEvidence } from './failure-evidence.js';
import type { ChunkPlan } from './chunking.js';
import { AbortError, MapError, type Settled } from './errors.js';
import { describeFunction } from './function/describe-function.js';
import type { FunctionSpec } from './protocol/function-file.js';
import { functionFingerprint } from './resume/fingerprint.js';
import { Journal, readJournal, shortFn, type Fingerprint, type JournalRecord } from './resume/journal.js';
import { earlierJobFunctions, prepareReruns } from './resume/rerun-failed.js';
import { replayJournal, type RecordedRun } from './resume/journal-replay.js';
import type { ResolvedOptions } from './options.js';
import type { StatusPoller, StatusSnapshot } from './poller.js';
import type { Progress } from './progress/progress.js';
import { CALL_KINDS, type CallKind, type Queue } from './queues/queue.js';
import { WorkDirLayout } from './protocol/work-dir-layout.js';
import { openWorkDir, WorkDir, exists } from './work-dir/work-dir.js';
import { LOCK_DIR_NAME, WorkDirLock } from './work-dir/work-dir-lock.js';
import { claimExistingWorkDir } from './work-dir/work-dir-claim.js';
import { refuseBeforeCreating } from './map-preflight.js';
import { Waker } from './waker.js';
import { feedTasks } from './task-feed.js';
import { describeFailures, type ChunkOutcome } from './outcomes.js';
import { ResultCollector } from './result-collector.js';
import { ElasticDispatch } from './elastic/dispatch.js';
import type { ElasticPlan } from './elastic/plan.js';
import { freshPlan, recordedPlan } from './run-plan.js';
import { writeRunFiles } from './run-files.js';
import { computeProgress, FailureCauseCounts, ProgressReporter } from './progress/progress-reporter.js';
import { RunStop } from './run-stop.js';
import { StaticDispatch } from './static-dispatch.js';
import { StatusFailures } from './status-failures.js';
import { JobCanceller } from './job-canceller.js';
import { requestRaiser } from './retry-policy.js';

/** How often the work dir is checked for new result files between status polls. */
export const RESULT_CHECK_INTERVAL_MS = 100;

/** What to map: the user's fn and tasks, or (qmr resume) the function spec a run recorded. */
export interface MapSource {
  fn?: unknown;
  spec?: FunctionSpec;
  tasks: Iterable<unknown> | AsyncIterable<unknown>;
  /** Keep the job.sh the first run wrote (qmr resume has no environment of the user's to write). */
  keepJobScript?: boolean;
}

export type { ChunkOutcome } from './outcomes.js';

interface ChunkMeta {
  firstTask: number;
  count: number;
  /** When the chunk file was written (for the streaming submit delay). */
  readyAt: number;
}

export class MapRun<R> {
  readonly tracker: ChunkTracker;
  workDir: WorkDir | undefined;
  /** Set when the run ends: whether the work dir was kept. */
  workDirKept = false;
  plan: ChunkPlan | undefined;
  private readonly meta = new Map<number, ChunkMeta>();
  private results: ResultCollector<R> | undefined;
  private readonly waker = new Waker();
  private snapshots: StatusSnapshot[] = [];
  private readonly statusFailures: StatusFailures;
  private feedDone = false;
  private feedError: unknown;
  private totalChunks: number | undefined;
  private totalTasks: number | undefined;
  private readonly canceller: JobCanceller;
  private journal: Journal | undefined;
  private recorded: RecordedRun | undefined;
  /** shortFn of the fn this process runs, for the journal's records of results. */
  private fn = '';
  /** Resume: jobs an earlier process submitted, and the fn they ran (a result read again keeps its fn). */
  private earlierJobFn = new Map<string, string>();
  /** Held from opening the work dir until the map's end: one map per work dir at a time. */
  private lock: WorkDirLock | undefined;
  private readonly startedAt = Date.now();
  private readonly stop: RunStop;
  private readonly reporter: ProgressReporter;
  private readonly failureCauses = new FailureCauseCounts();
  /** One of the two: elastic maps' worker jobs claim chunks (units); static maps submit a job per chunk. */
  private elastic: ElasticDispatch | undefined;
  private staticDispatch: StaticDispatch | undefined;
  private elasticPlan: ElasticPlan | undefined;
  private endOutcome: 'aborted' | 'failed' = 'aborted';
  private endMessage: string | undefined;
  /** The shared queue's call counts as this map began (maps in one process share a queue). */
  private readonly callsAtStart: Record<CallKind, number> | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly queue: Queue,
    private readonly poller: StatusPoller,
    private readonly cwd: string,
    userSignal: AbortSignal | undefined,
  ) {
    this.callsAtStart = queue.callCounts?.();
    this.stop = new RunStop(userSignal);
    this.canceller = new JobCanceller(queue, () => this.journal);
    this.reporter = new ProgressReporter(options.onProgress, options.progress);
    this.statusFailures = new StatusFailures(queue.flavor, options.maxStatusFailures);
    this.tracker = new ChunkTracker({
      maxResubmissions: options.maxResubmissions,
      missingGrace: queue.resultsMayLag ? options.missingGrace : 0,
      heldTimeout: options.heldTimeout,
      stalledTimeout: options.stalledTimeout,
      raise: requestRaiser(options.retry, options.resources),
    });
  }

  get runId(): string {
    return this.workDir?.runId ?? '(not started)';
  }

  /** The chunks' outcomes, in chunk order, as they become available. */
  async *outcomesInOrder(source: MapSource): AsyncGenerator<ChunkOutcome<R>> {
    this.throwIfAborted();
    await refuseBeforeCreating(this.options, this.queue.flavor, this.cwd, source.tasks);
    const fnSpec = source.spec ?? (await describeFunction(source.fn, this.cwd));
    const tasks = source.tasks;
    const count = Array.isArray(tasks) ? tasks.length : undefined;
    this.totalTasks = count;
    if (!(await this.openRun(fnSpec, count))) return;
    const journal = this.journal!;
    const workDir = this.workDir!;
    let finishedNormally = false;
    let unsubscribe: (() => void) | undefined;
    let unlisten: (() => void) | undefined;
    const onAbort = () => this.waker.wake();
    let ended: () => void = () => undefined;
    const cleanedUp = new Promise<void>((resolve) => (ended = resolve));
    const unregister = this.options.handleSignals ? this.stop.handleSignals(cleanedUp) : () => undefined;
    try {
      await writeRunFiles(workDir, {
        fnSpec,
        keepJobScript: source.keepJobScript === true,
        options: this.options,
        queue: this.queue,
        plan: this.plan!,
        elasticPlan: this.elasticPlan,
        startedAt: this.startedAt,
        cwd: this.cwd,
        tasks: this.totalTasks,
      });
      const feeding = feedTasks(tasks, this.plan!, {
        workDir,
        journal,
        recorded: this.recorded,
        throwIfAborted: () => this.throwIfAborted(),
        onChunk: (chunk, firstTask, count) => {
          this.meta.set(chunk, { firstTask, count, readyAt: Date.now() });
          this.tracker.add(chunk);
          this.waker.wake();
        },
      }).then(
        (fed) => {
          this.totalChunks = fed.chunks;
          this.totalTasks = fed.tasks;
          this.feedDone = true;
          this.waker.wake();
        },
        (error: unknown) => {
          this.feedError = error;
          this.waker.wake();
        },
      );
      // With a task array, or when resuming, every task is checked (and compared with the first
      // run) before anything is submitted.
      if (count !== undefined || this.recorded) await feeding;
      if (this.feedError) throw this.feedError;
      if (this.recorded) await this.restoreRecordedChunks(this.recorded);
      await this.journalTrackerEvents(); // attempts the restore found stopped, before their chunks run again
      this.startDispatch();
      if (this.elastic) {
        await this.elastic.prepare(this.totalChunks);
        if (this.recorded) await this.elastic.restore(this.recorded, this.jobsEndWithSubmitter);
      }

      this.stop.signal.addEventListener('abort', onAbort);
      unlisten = this.queue.onJobEnd?.(() => this.waker.wake());
      unsubscribe = this.poller.subscribe({
        jobIds: () => this.queuedJobIds(),
        deliver: (snapshot) => {
          this.snapshots.push(snapshot);
          this.waker.wake();
        },
        pollInterval: this.queue.freePollInterval ?? this.options.pollInterval,
        maxPollInterval: this.queue.freePollInterval ?? this.options.maxPollInterval,
      });

      let nextChunk = 0;
      for (;;) {
        await this.stop.checkCancelRequest(workDir.cancelRequest);
        this.throwIfAborted();
        if (this.feedError) throw this.feedError;
        if (this.elastic) await this.elastic.round(this.feedDone ? this.totalChunks : undefined);
        else await this.staticDispatch!.round(this.feedDone);
        await this.collectResults();
        // Once every chunk has its outcome, what the scheduler says now changes nothing, and
        // acting on it (its history of the jobs that left: qacct, sacct) would only delay the end.
        if (!this.everyOutcomeKnown()) await this.applySnapshots();
        await this.results!.collectFailed();
        await this.canceller.retry();
        await this.journalTrackerEvents();
        for (let outcome = this.results!.take(nextChunk); outcome; outcome = this.results!.take(nextChunk)) {
          nextChunk += 1;
          this.emitProgress();
          yield outcome;
        }
        this.emitProgress();
        if (this.feedDone && nextChunk === this.totalChunks) break;
        await this.waker.wait(RESULT_CHECK_INTERVAL_MS);
      }
      finishedNormally = true;
    } catch (error) {
      this.endMessage = (error as Error).message;
      this.endOutcome = error instanceof AbortError ? 'aborted' : 'failed';
      throw error;
    } finally {
      this.stop.signal.removeEventListener('abort', onAbort);
      unsubscribe?.();
      unlisten?.();
      try {
        await this.cleanUp(finishedNormally);
      } finally {
        unregister();
        ended();
      }
    }
  }

  /**
   * Chooses the layout (or takes the recorded one, on resume), opens the work dir and its
   * journal, and writes the journal's first record. False for an empty task array (nothing to do).
   */
  private async openRun(fnSpec: FunctionSpec, count: number | undefined): Promise<boolean> {
    try {
      return await this.openRunLocked(fnSpec, count);
    } catch (error) {
      await this.lock?.release();
      throw error;
    }
  }

  private async openRunLocked(fnSpec: FunctionSpec, count: number | undefined): Promise<boolean> {
    const { hash: fnHash, description: fnDescription } = await functionFingerprint(fnSpec);
    this.fn = shortFn(fnHash);
    // Before its journal is read: the work dir must be the caller's and no other map's.
    if (this.options.workDir !== undefined) this.lock = await claimExistingWorkDir(this.options.workDir);
    this.recorded = await this.recordedRun();
    if (this.recorded) {
      const layout = recordedPlan(this.recorded, {
        workDir: this.options.workDir!,
        fnHash,
        fnDescription,
        flavor: this.queue.flavor,
        chunkSize: this.options.chunkSize,
        tasks: count,
        rerunFailed: this.options.rerunFailed,
      });
      this.plan = layout.plan;
      this.elasticPlan = layout.elasticPlan;
      this.workDir = await openWorkDir(this.options.workDir!);
      // A `qmr cancel` was meant for the submitter that was running then; running the map again
      // is the user's say that it should go on, so an old request must not stop it at once.
      await rm(this.workDir.cancelRequest, { force: true });
    } else {
      if (count === 0) {
        await this.lock?.release();
        return false;
      }
      const layout = await freshPlan(count, this.options, this.queue);
      this.plan = layout.plan;
      this.elasticPlan = layout.elasticPlan;
      this.workDir = await WorkDir.create({ exact: this.options.workDir, parent: path.join(this.cwd, '.qmr'), ignore: [LOCK_DIR_NAME] });
      this.lock ??= await WorkDirLock.acquire(this.workDir.root);
    }
    this.journal = new Journal(this.workDir.journal);
    const now = new Date().toISOString();
    const tookOver = this.lock?.tookOver;
    if (tookOver) {
      await this.journal.append({ t: 'lock-takeover', time: now, pid: process.pid, host: hostname(), from: tookOver.holder, why: tookOver.why });
    }
    if (this.recorded) {
      // A changed fn (accepted by rerunFailed 'any-fn') is recorded: the results from here on are its.
      const changed = this.recorded.fingerprint?.fn !== fnHash;
      await this.journal.append({ t: 'resume', time: now, pid: process.pid, host: hostname(), ...(changed ? { fn: { hash: fnHash, description: fnDescription } } : {}) });
      return true;
    }
    const plan = this.plan;
    const fingerprint: Fingerprint = {
      fn: fnHash,
      fnDescription,
      flavor: this.queue.flavor,
      chunkSize: plan.chunkSize,
      ...(plan.growing ? { growing: true } : {}),
      ...(plan.bulk ? { bulk: { size: plan.bulk.size, chunks: plan.bulk.chunks } } : {}),
      ...(this.elasticPlan ? { elastic: { workers: this.elasticPlan.workers, ...(plan.growUpTo ? { growUpTo: plan.growUpTo } : {}) } } : {}),
    };
    await this.journal.append({ t: 'start', time: now, pid: process.pid, host: hostname(), fingerprint });
    return true;
  }

  private startDispatch(): void {
    this.results = new ResultCollector<R>({
      workDir: this.workDir!,
      tracker: this.tracker,
      journal: this.journal!,
      tasksOf: (chunk) => this.meta.get(chunk),
      fnOf: (jobId) => this.earlierJobFn.get(jobId) ?? this.fn,
      logsOf: (chunk) => this.logsOf(chunk),
      onResult: () => this.elastic?.fleet.progressMade(),
    });
    const common = { queue: this.queue, options: this.options, workDir: this.workDir!, journal: this.journal!, throwIfAborted: () => this.throwIfAborted(), kick: () => this.poller.kick() };
    if (this.elasticPlan) {
      this.elastic = new ElasticDispatch({ ...common, units: this.tracker, plan: this.elasticPlan, cancel: (jobIds, why) => this.canceller.cancel(jobIds, why) });
    } else {
      this.staticDispatch = new StaticDispatch({ ...common, tracker: this.tracker, readyAt: (chunk) => this.meta.get(chunk)!.readyAt });
    }
  }

  /** The journal of the work dir named by the workDir option, when there is one (resume). */
  private async recordedRun(): Promise<RecordedRun | undefined> {
    if (this.options.workDir === undefined) return undefined;
    const records = await readJournal(new WorkDirLayout(this.options.workDir).journal);
    if (records.length === 0) return undefined;
    return replayJournal(records);
  }

  /** Local jobs are child processes of the submitter that started them: none outlives it. */
  private get jobsEndWithSubmitter(): boolean {
    return this.queue.flavor === 'local';
  }

  /**
   * Gives the tracker what the journal knew: attempts, and jobs that may still be queued. Failed
   * tasks run again (rerun.ts), unless rerunFailed is 'never': their failures are returned as recorded.
   */
  private async restoreRecordedChunks(recorded: RecordedRun): Promise<void> {
    const rerun = this.options.rerunFailed === 'never' ? undefined : await prepareReruns(recorded, this.workDir!, this.fn);
    await this.journal!.append(...(rerun?.records ?? []));
    this.earlierJobFn = earlierJobFunctions(recorded);
    for (const chunk of recorded.chunks.values()) {
      if (!this.meta.has(chunk.chunk)) continue;
      // Runs again, its failed tasks or (given up last time) all: a fresh start, with a fresh budget.
      if (rerun?.chunks.has(chunk.chunk)) continue;
      if (chunk.phase === 'failed') {
        this.tracker.restore(chunk.chunk, chunk.attempts, 'failed', chunk.failure);
        continue;
      }
      if (chunk.attempts.length === 0) continue;
      // A chunk recorded as done is "queued" until its result file is read again; a job that
      // was still in the queue is polled, not resubmitted. So is one whose job was cancelled as
      // the run ended but had written its result first: read it, do not compute it again.
      const wroteResult = chunk.phase === 'unsubmitted' && existsSync(this.workDir!.resultFile(chunk.chunk));
      const phase = chunk.phase === 'unsubmitted' && !wroteResult ? 'unsubmitted' : 'queued';
      this.tracker.restore(chunk.chunk, chunk.attempts, phase);
      // Jobs the journal left queued died with the submitter that started them: stopped, not failed.
      if (this.jobsEndWithSubmitter && chunk.phase === 'queued' && !existsSync(this.workDir!.resultFile(chunk.chunk))) {
        this.tracker.cancelAttempt(chunk.chunk, 'cancelled (its submitting process ended, and its local jobs with it)');
      }
    }
  }

  /** The tracker's retirements and failures go to the journal (and to the progress's causes). */
  private async journalTrackerEvents(): Promise<void> {
    const events = this.tracker.drainEvents();
    this.failureCauses.count(events);
    await this.journal?.append(...trackerEventRecords(events, new Date().toISOString()));
  }

  /** The error `map` rejects with when tasks failed. */
  mapError(settled: Settled<R>[]): MapError<R> {
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason.failure] : []));
    return new MapError(describeFailures(failures, settled.length, this.workDirNote()), failures, settled, this.keptDir());
  }

  private keptDir(): string | undefined {
    return this.workDirKept ? this.workDir?.root : undefined;
  }

  private workDirNote(): string {
    if (!this.workDir) return '';
    return this.workDirKept
      ? `work dir kept: ${this.workDir.root}`
      : `work dir ${this.workDir.root} removed (keepWorkDir: '${this.options.keepWorkDir}')`;
  }

  private async applySnapshots(): Promise<void> {
    const snapshots = this.snapshots;
    this.snapshots = [];
    for (const snapshot of snapshots) {
      if (snapshot.error) {
        this.statusFailures.failed(snapshot.error);
        continue;
      }
      this.statusFailures.succeeded();
      // Results first: a job that just left the queue has usually written its result.
      await this.collectResults();
      await this.act(this.tracker.observe(snapshot.statuses!, snapshot.askedAt, Date.now()));
      await this.elastic?.observe(snapshot);
      await this.consultHistory();
    }
  }

  private everyOutcomeKnown(): boolean {
    return this.feedDone && this.tracker.isSettled();
  }

  /** For jobs gone from the queue, the scheduler's history can tell a failure at once. */
  private async consultHistory(): Promise<void> {
    if (!this.queue.history) return;
    const gone = [...this.tracker.all()]
      .filter((r) => r.phase === 'queued' && r.goneSince !== undefined)
      .map((r) => r.attempts[r.attempts.length - 1]!.jobId);
    if (gone.length === 0) return;
    try {
      await this.act(this.tracker.observeHistory(await this.queue.history(gone)));
    } catch {
      // History is a shortcut; without it the grace period decides.
    }
  }

  private async act(actions: TrackerAction[]): Promise<void> {
    for (const action of actions) {
      if (action.kind === 'cancel') {
        // In an elastic map a unit's job is a worker that runs other units too: the fleet, which
        // sees the same statuses, decides about worker jobs.
        if (!this.elastic) await this.canceller.cancel(action.jobIds, 'stuck (error, hold or a stalled state), duplicate, or its result file unreadable');
      } else {
        const file = this.workDir!.resultFile(action.chunk);
        if (await exists(file)) await this.collectResults();
        else this.tracker.confirmMissing(action.chunk, Date.now(), await failureEvidence(this.logsOf(action.chunk).stderr));
      }
    }
  }

  private async collectResults(): Promise<void> {
    await this.act(await this.results!.collect());
  }

  /** A chunk's log files: its own, or in an elastic map those of the worker that claimed it. */
  private logsOf(chunk: number): { stdout: string; stderr: string } {
    return this.elastic?.logsOf(chunk) ?? { stdout: this.workDir!.stdoutLog(chunk), stderr: this.workDir!.stderrLog(chunk) };
  }

  /** Every job of the map that may still be in the queue: chunks' jobs, and an elastic map's workers. */
  private queuedJobIds(): string[] {
    const ids = this.tracker.queuedJobIds();
    return this.elastic ? [...new Set([...ids, ...this.elastic.jobIds()])] : ids;
  }

  private emitProgress(): void {
    if (this.reporter.wanted) this.reporter.emit(this.progress());
  }

  progress(): Progress {
    return computeProgress({
      runId: this.runId,
      tracker: this.tracker,
      tasksIn: (chunk) => this.meta.get(chunk)?.count ?? 0,
      totalTasks: this.totalTasks,
      totalChunks: this.totalChunks,
      feedDone: this.feedDone,
      workers: this.elastic?.progress(),
      failureCauses: this.failureCauses,
      startedAt: this.startedAt,
      now: Date.now(),
    });
  }

  private throwIfAborted(): void {
    this.stop.throwIfAborted({ runId: this.workDir?.runId, root: this.workDir?.root, keepJobsOnExit: this.options.keepJobsOnExit });
  }

  /**
   * However the map ended: jobs still in the queue are cancelled (unless a signal stopped it
   * and keepJobsOnExit says leave them), the journal gets its end record, and the work dir is
   * kept or removed per keepWorkDir (a removed one leaves its trace beside it).
   */
  private async cleanUp(finishedNormally: boolean): Promise<void> {
    this.reporter.end(this.progress());
    const detach = this.stop.detaches(finishedNormally, this.options.keepJobsOnExit);
    // Workers that end by themselves are not cancelled (when every unit is done, all of them do);
    // should reading their exit files fail, the cancel below covers them.
    await this.elastic?.settleExitedWorkers(finishedNormally).catch(() => undefined);
    const leftovers = [...new Set([...this.queuedJobIds(), ...this.canceller.pending])];
    if (leftovers.length > 0 && !detach) await this.canceller.cancel(leftovers, finishedNormally ? 'map finished' : `map ${this.endOutcome}`);
    const dir = this.workDir;
    if (!dir) return;
    try {
      await this.endRun(dir, finishedNormally, detach);
    } finally {
      await this.lock?.release();
    }
    // Removed (all but the lock) while this map held it; the folder itself once the lock is gone.
    if (!this.workDirKept) await rmdir(dir.root).catch(() => undefined);
  }

  private async endRun(dir: WorkDir, finishedNormally: boolean, detach: boolean): Promise<void> {
    await this.journalTrackerEvents();
    await this.journal?.append({
      t: 'end',
      time: new Date().toISOString(),
      // One word for one state: a map that ran to its end with tasks that threw or chunks given
      // up rejects with a MapError, and `qmr status` and the report call it failed too.
      outcome: finishedNormally ? (this.results?.anyTaskFailed === true ? 'failed' : 'finished') : detach ? 'detached' : this.endOutcome,
      ...(this.endMessage ? { message: this.endMessage.slice(0, 2000) } : {}),
      ...(this.queue.callCounts ? { calls: callsSince(this.callsAtStart, this.queue.callCounts()) } : {}),
    });
    await this.journal?.flush().catch(() => undefined);
    const troubled = !finishedNormally || this.results?.anyTaskFailed === true || this.canceller.pending.length > 0 || detach;
    // A new run refused before it submitted anything (an unsendable task, say) holds nothing
    // worth keeping or resuming: it leaves nothing behind, not even a trace.
    const refused = !finishedNormally && !this.recorded && !(await submittedAny(dir));
    const keep = !refused && (this.options.keepWorkDir === 'always' || (this.options.keepWorkDir === 'on-error' && troubled));
    this.workDirKept = keep;
    if (!keep) {
      if (!refused) await leaveTrace(dir.root);
      const failure = await dir.remove([LOCK_DIR_NAME]);
      if (failure) {
        // Every result is in hand: a folder that something still writes into must not turn the
        // map into a failure. What is left keeps its journal, so `qmr status` shows how it ended.
        this.workDirKept = true;
        process.emitWarning(
          `work dir ${dir.root} could not be removed (${failure.message}); something may still write into it. ` +
            `Its journal is kept, so \`qmr status\` shows how the map ended; remove the folder once nothing writes into it.`,
          { code: 'QMR_WORK_DIR_NOT_REMOVED' },
        );
      }
    }
  }
}

/** Whether the run's journal records any submission (of chunk jobs or elastic workers). */
async function submittedAny(dir: WorkDir): Promise<boolean> {
  return (await readJournal(dir.journal)).some((r) => r.t === 'submit' || r.t === 'workers');
}

/**
 * This map's scheduler calls: the queue's counts now less those when the map began. Maps running
 * at the same time in one process share a queue (and its polls), so theirs overlap.
 */
function callsSince(before: Record<CallKind, number> | undefined, now: Record<CallKind, number>): Record<CallKind, number> {
  const calls = { ...now };
  for (const kind of CALL_KINDS) calls[kind] -= before?.[kind] ?? 0;
  return calls;
}

/** The journal's record of each tracker event: 'retire' for a job attempt that ended without a result, 'failed' for a chunk given up. */
function trackerEventRecords(events: readonly TrackerEvent[], time: string): JournalRecord[] {
  return events.map((e) =>
    e.kind === 'retired'
      ? { t: 'retire', time, chunk: e.chunk, job: e.job, reason: e.reason, ...(e.cancelled ? { cancelled: true as const } : {}) }
      : { t: 'failed', chunk: e.chunk, reason: e.reason },
  );
}
