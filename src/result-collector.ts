/**
 * Reading a map's results as they appear: each chunk's result file once, checked, turned into
 * the chunk's outcome (its tasks' values or errors), and a 'done' record in the journal; chunks
 * the tracker gave up on become failed outcomes. The map yields outcomes from here in order.
 */
import type { ChunkResultFile } from './chunk-files.js';
import type { ChunkTracker, TrackerAction } from './chunk-tracker.js';
import type { Journal, JournalRecord } from './journal.js';
import { failedPositions, readKeptResult } from './kept-result.js';
import { failedChunkOutcome, outcomeFromResult, type ChunkOutcome } from './outcomes.js';
import { readResultFile } from './result-file.js';
import type { WorkDir } from './work-dir.js';

export interface ResultCollectorContext {
  workDir: WorkDir;
  tracker: ChunkTracker;
  journal: Journal;
  /** The chunk's tasks, once its file is written (undefined before). */
  tasksOf(chunk: number): { firstTask: number; count: number } | undefined;
  /** shortFn of the fn that ran the job: the 'done' records say which fn produced each result. */
  fnOf(jobId: string): string;
  logsOf(chunk: number): { stdout: string; stderr: string };
  /** Called for each result read (elastic maps: the workers are making progress). */
  onResult(): void;
}

export class ResultCollector<R> {
  /** Whether any task threw or any chunk failed (the work dir is then kept with keepWorkDir 'on-error'). */
  anyTaskFailed = false;
  private readonly outcomes = new Map<number, ChunkOutcome<R>>();
  private readonly seen = new Set<number>();

  constructor(private readonly ctx: ResultCollectorContext) {}

  /** The chunk's outcome, once, when it is there. */
  take(chunk: number): ChunkOutcome<R> | undefined {
    const outcome = this.outcomes.get(chunk);
    this.outcomes.delete(chunk);
    return outcome;
  }

  /** Reads the result files not read yet; returns what the tracker wants done about them (duplicates to cancel). */
  async collect(): Promise<TrackerAction[]> {
    const { workDir, tracker } = this.ctx;
    const finished = await workDir.finishedChunks();
    const actions: TrackerAction[] = [];
    // One journal write for all the results of this look (elastic maps have many small units).
    const done: JournalRecord[] = [];
    for (const chunk of finished) {
      const tasks = this.ctx.tasksOf(chunk);
      if (this.seen.has(chunk) || !tasks) continue;
      this.seen.add(chunk);
      let result: ChunkResultFile;
      try {
        result = await readResultFile(workDir, chunk, tasks.count);
      } catch (error) {
        tracker.fail(chunk, `its result file ${workDir.resultFile(chunk)} cannot be read: ${(error as Error).message}`);
        continue;
      }
      actions.push(...tracker.resultSeen(chunk, result.jobId));
      this.ctx.onResult();
      // failedTasks lets `qmr status` count failed tasks without decoding every result file.
      done.push({ t: 'done', chunk, job: result.jobId, failedTasks: result.failures.length, fn: this.ctx.fnOf(result.jobId) });
      if (result.failures.length > 0) this.anyTaskFailed = true;
      this.outcomes.set(chunk, outcomeFromResult<R>(chunk, tasks.firstTask, result, (c) => this.ctx.logsOf(c)));
    }
    await this.ctx.journal.append(...done);
    return actions;
  }

  /**
   * Chunks the tracker gave up on become failed outcomes, every task rejected with the reason;
   * but when a rerun of its failed tasks was given up, the successes of its kept result stand.
   */
  async collectFailed(): Promise<void> {
    for (const r of this.ctx.tracker.all()) {
      if (r.phase !== 'failed' || this.seen.has(r.chunk)) continue;
      this.seen.add(r.chunk);
      const tasks = this.ctx.tasksOf(r.chunk)!;
      const jobId = r.attempts[r.attempts.length - 1]?.jobId;
      this.anyTaskFailed = true;
      const kept = await this.keptSuccesses(r.chunk, tasks.count);
      this.outcomes.set(r.chunk, failedChunkOutcome<R>(r.chunk, tasks.firstTask, tasks.count, jobId, r.failure, (c) => this.ctx.logsOf(c), kept));
    }
  }

  /** The values of a chunk's kept result (rerun.ts) by position, its failed tasks left out. */
  private async keptSuccesses(chunk: number, count: number): Promise<Map<number, unknown>> {
    const kept = await readKeptResult(this.ctx.workDir.root, chunk, count).catch(() => undefined);
    if (!kept) return new Map();
    const failed = new Set(failedPositions(kept));
    return new Map(kept.values.flatMap((value, position) => (failed.has(position) ? [] : [[position, value] as const])));
  }
}
