/**
 * One map, from tasks to results, as a loop of rounds: the dispatch's turn (submissions, or
 * elastic workers and their claims), the result files, the scheduler's word on the jobs, then
 * each chunk's outcomes yielded in chunk order. The run's opening (open-run.ts), its
 * dispatch (dispatch.ts) and its end (end-run.ts) are pieces of their own; this loop and
 * the dispatch are all that change the chunk tracker. However the map ends, jobs still in the
 * queue are cancelled, and the work dir is kept or removed per keepWorkDir.
 */
import { ElasticDispatch } from '../elastic/elastic-dispatch.js';
import { AbortError, type MapError, type Settled } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { computeProgress, FailureCauseCounts, ProgressReporter } from '../progress/progress-reporter.js';
import type { Progress } from '../progress/progress.js';
import type { Queue } from '../queues/queue.js';
import { earlierJobFunctions } from '../resume/rerun-failed.js';
import { exists } from '../work-dir/work-dir.js';
import { ChunkTracker, trackerLimits, type TrackerAction } from './chunk-tracker.js';
import type { Dispatch } from './dispatch.js';
import { endRun, mapError } from './end-run.js';
import { failureEvidence } from './failure-evidence.js';
import { FedChunks } from './fed-chunks.js';
import { JobCanceller } from './job-canceller.js';
import { openRun, type MapSource, type OpenedRun } from './open-run.js';
import type { ChunkOutcome } from './outcomes.js';
import type { StatusPoller } from './poller.js';
import { chunksToRestore } from './restored-chunks.js';
import { ResultCollector } from './result-collector.js';
import { writeRunFiles } from './run-files.js';
import { RunStop } from './run-stop.js';
import { StaticDispatch } from './static-dispatch.js';
import { StatusFailures } from './status-failures.js';
import { countedRecords } from './tracker-records.js';
import { RoundWaker } from './waker.js';

/** How often the work dir is checked for new result files between status polls. */
export const RESULT_CHECK_INTERVAL_MS = 100;

export type { ChunkOutcome } from './outcomes.js';

export class MapRun<R> {
  readonly tracker: ChunkTracker;
  /** Set when the run ends: whether the work dir was kept. */
  workDirKept = false;
  private run: OpenedRun | undefined;
  private fed = new FedChunks(undefined);
  private dispatch: Dispatch | undefined;
  private results: ResultCollector<R> | undefined;
  private readonly waker = new RoundWaker();
  private readonly statusFailures: StatusFailures;
  private readonly canceller: JobCanceller;
  private readonly startedAt = Date.now();
  private readonly stop: RunStop;
  private readonly reporter: ProgressReporter;
  private readonly failureCauses = new FailureCauseCounts();
  private end: { outcome: 'aborted' | 'failed'; message?: string } = { outcome: 'aborted' };
  /** The shared queue's call counts as this map began (maps in one process share a queue). */
  private readonly callsAtStart: ReturnType<NonNullable<Queue['callCounts']>> | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly queue: Queue,
    private readonly poller: StatusPoller,
    private readonly cwd: string,
    userSignal: AbortSignal | undefined,
  ) {
    this.callsAtStart = queue.callCounts?.();
    this.stop = new RunStop(userSignal, options.keepJobsOnExit);
    this.canceller = new JobCanceller(queue, () => this.run?.journal);
    this.reporter = new ProgressReporter(options.onProgress, options.progress);
    this.statusFailures = new StatusFailures(queue.flavor, options.maxStatusFailures);
    this.tracker = new ChunkTracker(trackerLimits(options, queue));
  }

  /** The chunks' outcomes, in chunk order, as they become available. */
  async *outcomesInOrder(source: MapSource): AsyncGenerator<ChunkOutcome<R>> {
    this.stop.throwIfAborted();
    const run = (this.run = await openRun(this.options, this.queue, this.cwd, source));
    if (!run) return;
    const { fnSpec, count } = run;
    this.fed = new FedChunks(count);
    this.stop.opened(run.workDir);
    let finishedNormally = false;
    let ended: () => void = () => undefined;
    const unregister = this.options.handleSignals ? this.stop.handleSignals(new Promise<void>((resolve) => (ended = resolve))) : () => undefined;
    try {
      const { options, queue, startedAt, cwd } = this;
      await writeRunFiles(run.workDir, { fnSpec, keepJobScript: source.keepJobScript === true, options, queue, plan: run.plan, elasticPlan: run.elasticPlan, startedAt, cwd, tasks: count });
      const feedContext = { workDir: run.workDir, journal: run.journal, recorded: run.recorded, throwIfAborted: () => this.stop.throwIfAborted() };
      const feeding = this.fed.feed(source.tasks, run.plan, feedContext, (chunk) => this.chunkWritten(chunk), () => this.waker.wake());
      // With a task array, or when resuming, every task is checked (and compared with the first
      // run) before anything is submitted.
      if (count !== undefined || run.recorded) await feeding;
      if (this.fed.error) throw this.fed.error;
      const dispatch = await this.startDispatch(run);
      const free = queue.freePollInterval; // a queue that answers from memory is asked at its own pace
      const poll = { jobIds: () => dispatch.jobIds(), pollInterval: free ?? options.pollInterval, maxPollInterval: free ?? options.maxPollInterval };
      this.waker.listen({ signal: this.stop.signal, queue, poller: this.poller, poll });
      for (let next = 0; ; ) {
        await this.round(dispatch);
        for (let outcome = this.results!.take(next); outcome; outcome = this.results!.take(next)) {
          next += 1;
          this.emitProgress();
          yield outcome;
        }
        this.emitProgress();
        if (this.fed.done && next === this.fed.chunks) break;
        await this.waker.wait(RESULT_CHECK_INTERVAL_MS);
      }
      finishedNormally = true;
    } catch (error) {
      this.end = { outcome: error instanceof AbortError ? 'aborted' : 'failed', message: (error as Error).message };
      throw error;
    } finally {
      this.waker.close();
      try {
        await this.cleanUp(run, finishedNormally);
      } finally {
        unregister();
        ended();
      }
    }
  }

  private chunkWritten(chunk: number): void {
    this.tracker.add(chunk);
    this.waker.wake();
  }

  /** Restores what a resumed run's journal knew, then starts the results' collector and the dispatch. */
  private async startDispatch(run: OpenedRun): Promise<Dispatch> {
    // Resume: the tracker gets back what the journal knew.
    for (const chunk of run.recorded ? await chunksToRestore(run, run.recorded, this.options.rerunFailed, this.fed, this.queue) : []) {
      this.tracker.restore(chunk.chunk, chunk.attempts, chunk.phase, chunk.failure);
      if (chunk.stopped) this.tracker.cancelAttempt(chunk.chunk, chunk.stopped);
    }
    // A result read again keeps the fn of the earlier job that wrote it.
    const earlierJobFn = run.recorded ? earlierJobFunctions(run.recorded) : new Map<string, string>();
    await this.journalTrackerEvents(); // attempts the restore found stopped, before their chunks run again
    const { queue, options, tracker, fed, canceller, stop, poller } = this;
    const context = { queue, options, workDir: run.workDir, journal: run.journal, tracker, fed, canceller, stop, poller };
    const dispatch = (this.dispatch = run.elasticPlan ? new ElasticDispatch({ ...context, plan: run.elasticPlan }) : new StaticDispatch(context));
    this.results = new ResultCollector<R>({
      ...context,
      tasksOf: (chunk) => fed.get(chunk),
      fnOf: (jobId) => earlierJobFn.get(jobId) ?? run.fn,
      logsOf: (chunk) => dispatch.logsOf(chunk),
    });
    await dispatch.prepare(fed.chunks);
    if (run.recorded) await dispatch.restore(run.recorded);
    return dispatch;
  }

  /** One round: the dispatch's turn, the result files, the scheduler's word, failed chunks, retried cancels. */
  private async round(dispatch: Dispatch): Promise<void> {
    await this.stop.checkCancelRequest(this.run!.workDir.cancelRequest);
    this.stop.throwIfAborted();
    if (this.fed.error) throw this.fed.error;
    await dispatch.round(this.fed.chunks);
    await this.act(await this.readResults());
    // Once every chunk has its outcome, what the scheduler says now changes nothing, and
    // acting on it (its history of the jobs that left: qacct, sacct) would only delay the end.
    if (!(this.fed.done && this.tracker.isSettled())) await this.applySnapshots(dispatch);
    await this.results!.collectFailed();
    await this.canceller.retry();
    await this.journalTrackerEvents();
  }

  /** What the scheduler said since the last round: first on the chunks' jobs, then on the dispatch's own. */
  private async applySnapshots(dispatch: Dispatch): Promise<void> {
    for (const snapshot of this.waker.takeSnapshots()) {
      if (snapshot.error) {
        this.statusFailures.failed(snapshot.error);
        continue;
      }
      this.statusFailures.succeeded();
      // Results first: a job that just left the queue has usually written its result.
      await this.act(await this.readResults());
      await this.act(this.tracker.observe(snapshot.statuses!, snapshot.askedAt, Date.now()));
      await dispatch.observe(snapshot);
      await this.consultHistory();
    }
  }

  /** For jobs gone from the queue, the scheduler's history can tell a failure at once. */
  private async consultHistory(): Promise<void> {
    if (!this.queue.history) return;
    const gone = this.tracker.goneJobIds();
    if (gone.length === 0) return;
    try {
      await this.act(this.tracker.observeHistory(await this.queue.history(gone)));
    } catch {
      // History is a shortcut; without it the grace period decides.
    }
  }

  /** The result files not read yet, handed to the tracker; resolves to what it wants done. */
  private async readResults(): Promise<TrackerAction[]> {
    const reads = await this.results!.collect();
    if (reads.some((r) => r.kind === 'seen')) this.dispatch!.resultRead();
    return this.tracker.resultsRead(reads);
  }

  /** Does what the tracker asks, in order; a result found after all may ask for more (done first). */
  private async act(actions: TrackerAction[]): Promise<void> {
    for (let action = actions.shift(); action; action = actions.shift()) {
      if (action.kind === 'cancel') await this.dispatch!.dropJobs(action.jobIds);
      else if (await exists(this.run!.workDir.resultFile(action.chunk))) actions.unshift(...(await this.readResults()));
      else this.tracker.confirmMissing(action.chunk, Date.now(), await failureEvidence(this.dispatch!.logsOf(action.chunk).stderr));
    }
  }

  /** The tracker's retirements and failures go to the journal (and to the progress's causes). */
  private async journalTrackerEvents(): Promise<void> {
    await this.run?.journal.append(...countedRecords(this.tracker.drainEvents(), this.failureCauses));
  }

  /** The error `map` rejects with when tasks failed. */
  mapError(settled: Settled<R>[]): MapError<R> {
    return mapError(settled, this.run?.workDir.root, this.workDirKept, this.options.keepWorkDir);
  }

  private emitProgress(): void {
    if (this.reporter.wanted) this.reporter.emit(this.progress());
  }

  progress(): Progress {
    const { tracker, fed, failureCauses, startedAt } = this;
    const runId = this.run?.workDir.runId ?? '(not started)';
    const workers = this.dispatch?.progress();
    return computeProgress({ runId, tracker, tasksIn: (chunk) => fed.get(chunk)?.count ?? 0, totalTasks: fed.tasks, totalChunks: fed.chunks, feedDone: fed.done, workers, failureCauses, startedAt, now: Date.now() });
  }

  /**
   * However the map ended: jobs still in the queue are cancelled (unless a signal stopped it
   * and keepJobsOnExit says leave them), then the run ends (end-run.ts).
   */
  private async cleanUp(run: OpenedRun, finishedNormally: boolean): Promise<void> {
    this.reporter.end(this.progress());
    const detached = this.stop.detaches(finishedNormally);
    // Workers that end by themselves are not cancelled (when every unit is done, all of them do);
    // should reading their exit files fail, the cancel below covers them.
    await this.dispatch?.finish(finishedNormally).catch(() => undefined);
    const queued = this.dispatch?.jobIds() ?? this.tracker.queuedJobIds();
    const leftovers = [...new Set([...queued, ...this.canceller.pending])];
    if (leftovers.length > 0 && !detached) await this.canceller.cancel(leftovers, finishedNormally ? 'map finished' : `map ${this.end.outcome}`);
    const anyTaskFailed = this.results?.anyTaskFailed === true;
    const end = { finishedNormally, detached, ...this.end, anyTaskFailed, cancelsRefused: this.canceller.pending.length, callsAtStart: this.callsAtStart };
    this.workDirKept = await endRun(run, { ...end, lastRecords: countedRecords(this.tracker.drainEvents(), this.failureCauses) }, this.options, this.queue);
  }
}
