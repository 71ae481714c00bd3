/**
 * One map, from tasks to results: writes the work dir, feeds tasks into chunk files, submits,
 * watches (result files between polls, the shared status poller for what only the scheduler
 * knows), resubmits, and yields each chunk's outcomes in chunk order. Cleans up whatever way it
 * ends: jobs still in the queue are cancelled, and the work dir is kept or removed per keepWorkDir.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { CHUNK_FILE_VERSION, type ChunkResultFile, type FunctionFile } from './chunk-files.js';
import { leaveTrace } from './trace/leave-trace.js';
import { ChunkTracker, type TrackerAction } from './chunk-tracker.js';
import { failureEvidence } from './failure-evidence.js';
import { planChunks, type ChunkPlan } from './chunking.js';
import { encode } from './codec.js';
import { AbortError, MapError, QueueCommandError, type Settled } from './errors.js';
import { describeFunction, type FunctionSpec } from './function-spec.js';
import { functionFingerprint } from './fingerprint.js';
import { Journal, readJournal, type Fingerprint, type JournalRecord } from './journal.js';
import { replayJournal, type RecordedRun } from './run-state.js';
import { captureEnvironment, renderJobScript } from './job-script.js';
import type { ResolvedOptions } from './options.js';
import type { StatusPoller, StatusSnapshot } from './poller.js';
import type { Progress } from './progress.js';
import { groupForSubmission } from './submission-groups.js';
import type { Queue } from './queues/queue.js';
import { openWorkDir, WorkDir, WorkDirLayout, writeFileAtomic } from './work-dir.js';
import { ProgressLine } from './progress-line.js';
import { whileRunning } from './shutdown.js';
import { Waker } from './waker.js';
import { workerProgramPath } from './worker-path.js';
import { checkResume } from './resume-check.js';
import { exists, feedTasks } from './task-feed.js';
import { describeFailures, failedChunkOutcome, outcomeFromResult, type ChunkOutcome } from './outcomes.js';
import { readResultFile } from './result-file.js';
import { runRecord, writeRunRecord } from './run-record.js';
import { ElasticDispatch } from './elastic/dispatch.js';
import { planElastic, type ElasticPlan } from './elastic/plan.js';
import { ElasticLayout } from './elastic/layout.js';

/** How often the work dir is checked for new result files between status polls. */
export const RESULT_CHECK_INTERVAL_MS = 100;
/** While tasks still stream in, wait this long for more chunks before submitting a partial array. */
const STREAM_SUBMIT_DELAY_MS = 1000;

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
  private readonly outcomes = new Map<number, ChunkOutcome<R>>();
  private readonly readResults = new Set<number>();
  private readonly waker = new Waker();
  private snapshots: StatusSnapshot[] = [];
  private statusFailures = 0;
  private lastStatusError: Error | undefined;
  private feedDone = false;
  private feedError: unknown;
  private totalChunks: number | undefined;
  private totalTasks: number | undefined;
  private uncancelled = new Set<string>();
  private anyTaskFailed = false;
  private journal: Journal | undefined;
  private recorded: RecordedRun | undefined;
  private readonly startedAt = Date.now();
  private lastProgress = '';

  /** Aborted on SIGINT/SIGTERM (see shutdown.ts) and by `qmr cancel`. */
  private readonly stopController = new AbortController();
  private readonly signal: AbortSignal;
  /** Set when a signal stopped the map; with keepJobsOnExit its jobs are left running. */
  private stoppedBySignal = false;
  private readonly progressLine: ProgressLine | undefined;
  /** Set for elastic maps: worker jobs claim the chunks (units) instead of one job per chunk. */
  private elastic: ElasticDispatch | undefined;
  private elasticPlan: ElasticPlan | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly queue: Queue,
    private readonly poller: StatusPoller,
    private readonly cwd: string,
    userSignal: AbortSignal | undefined,
  ) {
    this.signal = userSignal ? AbortSignal.any([userSignal, this.stopController.signal]) : this.stopController.signal;
    this.progressLine = options.progress ? new ProgressLine() : undefined;
    this.tracker = new ChunkTracker({
      maxResubmissions: options.maxResubmissions,
      missingGrace: queue.resultsMayLag ? options.missingGrace : 0,
      heldTimeout: options.heldTimeout,
      stalledTimeout: options.stalledTimeout,
    });
  }

  get runId(): string {
    return this.workDir?.runId ?? '(not started)';
  }

  /** The chunks' outcomes, in chunk order, as they become available. */
  async *outcomesInOrder(source: MapSource): AsyncGenerator<ChunkOutcome<R>> {
    this.throwIfAborted();
    const fnSpec = source.spec ?? (await describeFunction(source.fn, this.cwd));
    const tasks = source.tasks;
    const count = Array.isArray(tasks) ? tasks.length : undefined;
    this.totalTasks = count;
    const { hash: fnHash, description: fnDescription } = await functionFingerprint(fnSpec);
    this.recorded = await this.recordedRun();
    if (this.recorded) {
      this.plan = checkResume(this.recorded, {
        workDir: this.options.workDir!,
        fnHash,
        fnDescription,
        flavor: this.queue.flavor,
        chunkSize: this.options.chunkSize,
        tasks: count,
      });
      const recordedElastic = this.recorded.fingerprint?.elastic;
      if (recordedElastic) {
        this.elasticPlan = {
          unitSize: this.plan.chunkSize,
          ...(recordedElastic.growUpTo !== undefined ? { growUpTo: recordedElastic.growUpTo } : {}),
          units: this.plan.numChunks,
          workers: recordedElastic.workers,
          rule: `elastic: ${recordedElastic.workers} workers (recorded by the first run)`,
        };
      }
      this.workDir = await openWorkDir(this.options.workDir!);
      // A `qmr cancel` was meant for the submitter that was running then; running the map again
      // is the user's say that it should go on, so an old request must not stop it at once.
      await rm(this.workDir.cancelRequest, { force: true });
    } else {
      if (count === 0) return;
      const unsized = this.options.chunkSize === undefined && this.options.numChunks === undefined;
      const elastic = unsized && this.options.elastic && this.options.arrays && this.queue.supportsArrays;
      const info = elastic || (unsized && count !== undefined) ? await this.queue.info(this.options.resources) : {};
      if (elastic) {
        this.elasticPlan = planElastic({
          tasks: count,
          slots: info.slots,
          maxWorkers: this.options.maxWorkers,
          maxArraySize: this.options.maxArraySize ?? info.maxArraySize,
        });
        const growUpTo = this.elasticPlan.growUpTo;
        this.plan = {
          chunkSize: this.elasticPlan.unitSize,
          ...(growUpTo !== undefined ? { growing: true, growUpTo } : {}),
          numChunks: this.elasticPlan.units,
          rule: this.elasticPlan.rule,
        };
      } else {
        this.plan = planChunks(count, this.options, info.slots);
      }
      this.workDir = await WorkDir.create({ exact: this.options.workDir, parent: path.join(this.cwd, '.qmr') });
    }
    this.journal = new Journal(this.workDir.journal);
    const now = new Date().toISOString();
    if (this.recorded) {
      await this.journal.append({ t: 'resume', time: now, pid: process.pid, host: hostname() });
    } else {
      const fingerprint: Fingerprint = {
        fn: fnHash,
        fnDescription,
        flavor: this.queue.flavor,
        chunkSize: this.plan.chunkSize,
        ...(this.plan.growing ? { growing: true } : {}),
        ...(this.elasticPlan ? { elastic: { workers: this.elasticPlan.workers, ...(this.plan.growUpTo ? { growUpTo: this.plan.growUpTo } : {}) } } : {}),
      };
      await this.journal.append({ t: 'start', time: now, pid: process.pid, host: hostname(), fingerprint });
    }
    if (this.elasticPlan) {
      this.elastic = new ElasticDispatch({
        queue: this.queue,
        options: this.options,
        workDir: this.workDir,
        units: this.tracker,
        journal: this.journal,
        plan: this.elasticPlan,
        cancel: (jobIds, why) => this.cancel(jobIds, why),
        throwIfAborted: () => this.throwIfAborted(),
        kick: () => this.poller.kick(),
      });
    }
    let finishedNormally = false;
    let unsubscribe: (() => void) | undefined;
    let unlisten: (() => void) | undefined;
    const onAbort = () => this.waker.wake();
    let ended: () => void = () => undefined;
    const cleanedUp = new Promise<void>((resolve) => (ended = resolve));
    const unregister = this.options.handleSignals
      ? whileRunning(async (signal) => {
          this.stoppedBySignal = true;
          this.stopController.abort(new Error(`${signal} received`));
          await cleanedUp;
        })
      : () => undefined;
    try {
      await this.writeRunFiles(fnSpec, source.keepJobScript === true);
      const feeding = feedTasks(tasks, this.plan, {
        workDir: this.workDir,
        journal: this.journal,
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
      if (this.recorded) this.restoreRecordedChunks(this.recorded);
      if (this.elastic) {
        await this.elastic.prepare(this.totalChunks);
        if (this.recorded) this.elastic.restore(this.recorded);
      }

      this.signal.addEventListener('abort', onAbort);
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
        await this.checkCancelRequest();
        this.throwIfAborted();
        if (this.feedError) throw this.feedError;
        if (this.elastic) await this.elastic.round(this.feedDone ? this.totalChunks : undefined);
        else await this.submitWaiting();
        await this.applySnapshots();
        await this.collectResults();
        this.collectFailedChunks();
        await this.retryCancels();
        await this.journalTrackerEvents();
        while (this.outcomes.has(nextChunk)) {
          const outcome = this.outcomes.get(nextChunk)!;
          this.outcomes.delete(nextChunk);
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
      this.signal.removeEventListener('abort', onAbort);
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

  private endOutcome: 'aborted' | 'failed' = 'aborted';
  private endMessage: string | undefined;

  /** The journal of the work dir named by the workDir option, when there is one (resume). */
  private async recordedRun(): Promise<RecordedRun | undefined> {
    if (this.options.workDir === undefined) return undefined;
    const records = await readJournal(new WorkDirLayout(this.options.workDir).journal);
    if (records.length === 0) return undefined;
    return replayJournal(records);
  }

  /** Gives the tracker what the journal knew: attempts, and jobs that may still be queued. */
  private restoreRecordedChunks(recorded: RecordedRun): void {
    for (const chunk of recorded.chunks.values()) {
      if (!this.meta.has(chunk.chunk) || chunk.attempts.length === 0) continue;
      if (chunk.phase === 'failed') continue; // gave up last time: a fresh start, with a fresh budget
      // A chunk recorded as done is "queued" until its result file is read again; a job that
      // was still in the queue is polled, not resubmitted. So is one whose job was cancelled as
      // the run ended but had written its result first: read it, do not compute it again.
      const wroteResult = chunk.phase === 'unsubmitted' && existsSync(this.workDir!.resultFile(chunk.chunk));
      const phase = chunk.phase === 'unsubmitted' && !wroteResult ? 'unsubmitted' : 'queued';
      this.tracker.restore(chunk.chunk, chunk.attempts, phase);
    }
  }

  private async journalTrackerEvents(): Promise<void> {
    const time = new Date().toISOString();
    const records: JournalRecord[] = this.tracker.drainEvents().map((e) =>
      e.kind === 'retired'
        ? { t: 'retire', time, chunk: e.chunk, job: e.job, reason: e.reason }
        : { t: 'failed', chunk: e.chunk, reason: e.reason },
    );
    await this.journal?.append(...records);
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

  private async writeRunFiles(fnSpec: FunctionSpec, keepJobScript: boolean): Promise<void> {
    const dir = this.workDir!;
    const functionFile: FunctionFile = { version: CHUNK_FILE_VERSION, fn: fnSpec };
    await writeFileAtomic(dir.functionFile, encode(functionFile));
    if (keepJobScript && (await exists(dir.jobScript))) return;
    const scriptInput = {
      runId: dir.runId,
      layout: dir,
      environment: captureEnvironment(process.env, this.options.exportEnv),
      envScript: this.options.envScript,
      env: this.options.env,
      workingDir: this.options.workingDir,
      executable: this.options.executable,
      workerProgram: workerProgramPath(),
      convention: this.queue.convention,
    };
    // 0700: the scripts hold the caller's environment (tokens, keys) and must be executable.
    await writeFileAtomic(dir.jobScript, renderJobScript(scriptInput), 0o700);
    if (this.elasticPlan) await writeFileAtomic(new ElasticLayout(dir.root).workerScript, renderJobScript({ ...scriptInput, mode: 'claim' }), 0o700);
    await writeRunRecord(
      dir,
      runRecord({
        runId: dir.runId,
        startedAt: this.startedAt,
        flavor: this.queue.flavor,
        cwd: this.cwd,
        tasks: this.totalTasks,
        plan: this.plan!,
        elasticPlan: this.elasticPlan,
        fn: fnSpec,
        options: this.options,
      }),
    );
  }

  private async submitWaiting(): Promise<void> {
    const waiting = this.tracker.unsubmitted();
    if (waiting.length === 0) return;
    if (!this.feedDone) {
      // Tasks still streaming in: gather a fuller array unless the oldest chunk has waited long enough.
      const oldest = Math.min(...waiting.map((c) => this.meta.get(c)!.readyAt));
      if (waiting.length < 1000 && Date.now() - oldest < STREAM_SUBMIT_DELAY_MS) return;
    }
    const useArrays = this.options.arrays && this.queue.supportsArrays;
    const info = useArrays && this.options.maxArraySize === undefined ? await this.queue.info(this.options.resources) : {};
    for (const group of groupForSubmission(waiting, useArrays, this.options.maxArraySize ?? info.maxArraySize)) {
      this.throwIfAborted();
      const ids = await this.queue.submit({
        chunks: group,
        array: useArrays && group.length > 1,
        throttle: this.options.maxRunning,
        jobName: this.options.resources.jobName ?? `qmr-${this.workDir!.runId.slice(-8)}`,
        script: this.workDir!.jobScript,
        schedulerLogDir: this.workDir!.schedulerLogDir,
        workingDir: this.options.workingDir,
        resources: this.options.resources,
        submitArgs: this.options.submitArgs,
      });
      this.tracker.submitted(group, ids, Date.now());
      await this.journal!.append({ t: 'submit', time: new Date().toISOString(), chunks: group, ids });
    }
    this.poller.kick();
  }

  private async applySnapshots(): Promise<void> {
    const snapshots = this.snapshots;
    this.snapshots = [];
    for (const snapshot of snapshots) {
      if (snapshot.error) {
        this.statusFailures += 1;
        this.lastStatusError = snapshot.error;
        if (this.statusFailures >= this.options.maxStatusFailures) {
          const cause = this.lastStatusError;
          const failed = cause instanceof QueueCommandError ? cause : undefined;
          throw new QueueCommandError({
            message: `the ${this.queue.flavor} status command failed ${this.statusFailures} polls in a row (maxStatusFailures); last failure: ${cause.message}`,
            command: failed?.command ?? 'status',
            exitCode: failed?.exitCode,
            stderr: failed?.stderr ?? '',
            stdout: failed?.stdout ?? '',
            timedOut: failed?.timedOut ?? false,
            cause,
          });
        }
        continue;
      }
      this.statusFailures = 0;
      // Results first: a job that just left the queue has usually written its result.
      await this.collectResults();
      await this.act(this.tracker.observe(snapshot.statuses!, snapshot.askedAt, Date.now()));
      await this.elastic?.observe(snapshot);
      await this.consultHistory();
    }
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
        if (!this.elastic) await this.cancel(action.jobIds, 'stuck (error, hold or a stalled state) or duplicate');
      } else {
        const file = this.workDir!.resultFile(action.chunk);
        if (await exists(file)) await this.collectResults();
        else this.tracker.confirmMissing(action.chunk, Date.now(), await failureEvidence(this.logsOf(action.chunk).stderr));
      }
    }
  }

  private async cancel(jobIds: string[], why = 'no longer needed'): Promise<void> {
    try {
      await this.queue.cancel(jobIds);
    } catch {
      // Tried again each round and at the end: a stuck job must not stay behind in the queue.
      for (const id of jobIds) this.uncancelled.add(id);
      return;
    }
    for (const id of jobIds) this.uncancelled.delete(id);
    // Recorded once the scheduler took it: a job whose cancel failed stays queued in the
    // journal, so a resume watches it and `qmr cancel` can still remove it.
    await this.journal?.append({ t: 'cancel', time: new Date().toISOString(), ids: jobIds, why });
  }

  private async retryCancels(): Promise<void> {
    if (this.uncancelled.size > 0) await this.cancel([...this.uncancelled]);
  }

  private async collectResults(): Promise<void> {
    const finished = await this.workDir!.finishedChunks();
    // One journal write for all the results of this look (elastic maps have many small units).
    const done: JournalRecord[] = [];
    for (const chunk of finished) {
      if (this.readResults.has(chunk) || !this.meta.has(chunk)) continue;
      this.readResults.add(chunk);
      const meta = this.meta.get(chunk)!;
      let result: ChunkResultFile;
      try {
        result = await readResultFile(this.workDir!, chunk, meta.count);
      } catch (error) {
        this.tracker.fail(chunk, `its result file ${this.workDir!.resultFile(chunk)} cannot be read: ${(error as Error).message}`);
        continue;
      }
      await this.act(this.tracker.resultSeen(chunk, result.jobId));
      this.elastic?.fleet.progressMade();
      // failedTasks lets `qmr status` count failed tasks without decoding every result file.
      done.push({ t: 'done', chunk, job: result.jobId, failedTasks: result.failures.length });
      if (result.failures.length > 0) this.anyTaskFailed = true;
      this.outcomes.set(chunk, outcomeFromResult<R>(chunk, meta.firstTask, result, (c) => this.logsOf(c)));
    }
    await this.journal?.append(...done);
  }

  private collectFailedChunks(): void {
    for (const r of this.tracker.all()) {
      if (r.phase !== 'failed' || this.readResults.has(r.chunk)) continue;
      this.readResults.add(r.chunk);
      const meta = this.meta.get(r.chunk)!;
      const jobId = r.attempts[r.attempts.length - 1]?.jobId;
      this.anyTaskFailed = true;
      this.outcomes.set(r.chunk, failedChunkOutcome<R>(r.chunk, meta.firstTask, meta.count, jobId, r.failure, (c) => this.logsOf(c)));
    }
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
    if (!this.options.onProgress && !this.progressLine) return;
    const progress = this.progress();
    this.progressLine?.update(progress);
    if (!this.options.onProgress) return;
    const signature = JSON.stringify({ ...progress, elapsedMs: 0, etaMs: 0 });
    if (signature === this.lastProgress) return;
    this.lastProgress = signature;
    this.options.onProgress(progress);
  }

  progress(): Progress {
    const c = this.tracker.counts();
    let tasksDone = 0;
    let tasksFailed = 0;
    for (const r of this.tracker.all()) {
      const count = this.meta.get(r.chunk)?.count ?? 0;
      if (r.phase === 'done') tasksDone += count;
      if (r.phase === 'failed') tasksFailed += count;
    }
    const elapsedMs = Date.now() - this.startedAt;
    const total = this.totalChunks ?? (this.feedDone ? this.tracker.size : undefined);
    const finished = c.done + c.failed;
    return {
      runId: this.runId,
      tasks: this.totalTasks,
      tasksDone,
      tasksFailed,
      chunks: total,
      chunksDone: c.done,
      chunksRunning: c.running,
      chunksPending: c.pending + c.unsubmitted,
      chunksHeld: c.held,
      chunksFailed: c.failed,
      resubmissions: this.tracker.resubmissions,
      ...(this.elastic ? this.elastic.progress() : {}),
      elapsedMs,
      etaMs: total !== undefined && finished > 0 ? Math.round((elapsedMs / finished) * (total - finished)) : undefined,
    };
  }

  private throwIfAborted(): void {
    if (!this.signal.aborted) return;
    const run = this.workDir ? ` (run ${this.workDir.runId})` : '';
    const what = this.stoppedBySignal && this.options.keepJobsOnExit
      ? `its jobs are left in the queue (keepJobsOnExit); resume it with the same workDir or \`qmr resume ${this.workDir?.root ?? 'DIR'}\``
      : 'every job of the map is cancelled';
    const why = this.signal.reason instanceof Error ? this.signal.reason.message : 'aborted';
    throw new AbortError(`map stopped${run}: ${why}; ${what}`, { cause: this.signal.reason });
  }

  /** `qmr cancel` leaves a file in the work dir; a live submitting process stops when it sees it. */
  private async checkCancelRequest(): Promise<void> {
    if (this.signal.aborted || !this.workDir) return;
    if (await exists(this.workDir.cancelRequest)) {
      this.stopController.abort(new Error(`cancelled with qmr cancel (${this.workDir.cancelRequest})`));
    }
  }

  private async cleanUp(finishedNormally: boolean): Promise<void> {
    if (this.progressLine) this.progressLine.end(this.progress());
    const detach = !finishedNormally && this.stoppedBySignal && this.options.keepJobsOnExit;
    const leftovers = [...new Set([...this.queuedJobIds(), ...this.uncancelled])];
    if (leftovers.length > 0 && !detach) await this.cancel(leftovers, finishedNormally ? 'map finished' : `map ${this.endOutcome}`);
    const dir = this.workDir;
    if (!dir) return;
    await this.journalTrackerEvents();
    await this.journal?.append({
      t: 'end',
      time: new Date().toISOString(),
      outcome: finishedNormally ? 'finished' : detach ? 'detached' : this.endOutcome,
      ...(this.endMessage ? { message: this.endMessage.slice(0, 2000) } : {}),
      ...(this.queue.callCounts ? { calls: this.queue.callCounts() } : {}),
    });
    await this.journal?.flush().catch(() => undefined);
    const troubled = !finishedNormally || this.anyTaskFailed || this.uncancelled.size > 0 || detach;
    const keep = this.options.keepWorkDir === 'always' || (this.options.keepWorkDir === 'on-error' && troubled);
    this.workDirKept = keep;
    if (!keep) {
      await leaveTrace(dir.root);
      await dir.remove();
    }
  }
}
