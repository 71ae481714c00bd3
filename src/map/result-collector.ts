/**
 * Reading a map's results as they appear: each chunk's result file once, checked, turned into
 * the chunk's outcome (its tasks' values or errors), and a 'done' record in the journal; chunks
 * the tracker gave up on become failed outcomes. The map yields outcomes from here in order.
 * It reads the chunk tracker and never changes it: what it found goes back to the map's loop,
 * which hands it to the tracker (ChunkTracker.resultsRead).
 *
 * A result file that does not decode (garbage from a stray writer, a file a shared file system
 * shows cut short or still being written) is read again for a short while; if it stays
 * undecodable it is that attempt's failure: the file is set aside (kept, renamed, for a look),
 * and the chunk is resubmitted within maxResubmissions. It never leaves the map waiting.
 *
 * A file that cannot be read at all (EIO, ESTALE, EACCES, EMFILE...) says nothing about the
 * attempt: the worker wrote it whole and renamed it into place, and it may hold a good result.
 * Setting it aside would run its tasks again, and past maxResubmissions report them failed with
 * their result on disk; another attempt's file would meet the same trouble on this host anyway.
 * So it is read again on later rounds, as long as it takes, and if that lasts a warning names the
 * file and the error once: the user can fix the cause (a file system, a limit) and the map goes
 * on, or stop it and resume it later, with nothing computed lost.
 */
import { rename } from 'node:fs/promises';
import { failedChunkOutcome, outcomeFromResult, type ChunkOutcome } from './outcomes.js';
import type { ChunkResultFile } from '../protocol/chunk-files.js';
import { failedPositions, readKeptResult } from '../protocol/kept-result.js';
import { readResultFile, ResultFileError } from '../protocol/result-file.js';
import type { Journal, JournalRecord } from '../resume/journal.js';
import type { WorkDir } from '../work-dir/work-dir.js';
import type { ChunkTrackerView, ResultRead } from './chunk-tracker.js';

/**
 * How long an unreadable result file is read again before it counts as its attempt's failure.
 * Workers write results under a temporary name and rename them into place, so a reader never
 * sees half a file on one machine; a shared file system may still show one truncated, or late,
 * for a moment.
 */
export const UNREADABLE_RESULT_GRACE_MS = 5000;
/** Re-reads of such a file are at least this far apart (it may be large). */
const REREAD_INTERVAL_MS = 500;
/** How long a result file may fail to be read (EIO, EACCES...) before a warning says so. */
export const READ_ERROR_WARNING_MS = 30_000;

export interface ResultCollectorContext {
  workDir: WorkDir;
  tracker: ChunkTrackerView;
  journal: Journal;
  /** The chunk's tasks, once its file is written (undefined before). */
  tasksOf(chunk: number): { firstTask: number; count: number } | undefined;
  /** shortFn of the fn that ran the job: the 'done' records say which fn produced each result. */
  fnOf(jobId: string): string;
  logsOf(chunk: number): { stdout: string; stderr: string };
}

export class ResultCollector<R> {
  /** Whether any task threw or any chunk failed (the work dir is then kept with keepWorkDir 'on-error'). */
  anyTaskFailed = false;
  private readonly outcomes = new Map<number, ChunkOutcome<R>>();
  private readonly seen = new Set<number>();
  /** Chunks whose result file could not be read yet: since when, and when it was last tried. */
  private readonly unreadable = new Map<number, { since: number; lastTry: number }>();
  /** Chunks whose result file the file system would not read: since when, last try, whether warned. */
  private readonly readFailing = new Map<number, { since: number; lastTry: number; warned: boolean }>();

  constructor(private readonly ctx: ResultCollectorContext) {}

  /** The chunk's outcome, once, when it is there. */
  take(chunk: number): ChunkOutcome<R> | undefined {
    const outcome = this.outcomes.get(chunk);
    this.outcomes.delete(chunk);
    return outcome;
  }

  /**
   * Reads the result files not read yet; returns what it found, for the tracker: results and the
   * jobs that wrote them, and files that stayed undecodable past their grace.
   */
  async collect(now = Date.now()): Promise<ResultRead[]> {
    const { workDir } = this.ctx;
    const finished = await workDir.finishedChunks();
    const reads: ResultRead[] = [];
    // One journal write for all the results of this look (elastic maps have many small units).
    const done: JournalRecord[] = [];
    for (const chunk of finished) {
      const tasks = this.ctx.tasksOf(chunk);
      if (this.seen.has(chunk) || !tasks) continue;
      const earlier = this.unreadable.get(chunk);
      const lastTry = earlier?.lastTry ?? this.readFailing.get(chunk)?.lastTry;
      if (lastTry !== undefined && now - lastTry < REREAD_INTERVAL_MS) continue;
      let result: ChunkResultFile;
      try {
        result = await readResultFile(workDir, chunk, tasks.count);
      } catch (error) {
        if (!(error instanceof ResultFileError)) {
          // Gone between the listing and the read (set aside, or a stale listing): nothing to judge.
          // Any other error is this host's trouble reading it, not the attempt's: read it again later.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.readFailed(chunk, error, now);
          continue;
        }
        this.readFailing.delete(chunk);
        const since = earlier?.since ?? now;
        if (now - since < UNREADABLE_RESULT_GRACE_MS) {
          this.unreadable.set(chunk, { since, lastTry: now });
          continue;
        }
        this.unreadable.delete(chunk);
        const unreadable = await this.setAside(chunk, error, now - since);
        if (unreadable) reads.push(unreadable);
        continue;
      }
      this.unreadable.delete(chunk);
      this.readFailing.delete(chunk);
      this.seen.add(chunk);
      reads.push({ kind: 'seen', chunk, jobId: result.jobId });
      // failedTasks lets `qmr status` count failed tasks without decoding every result file.
      done.push({ t: 'done', chunk, job: result.jobId, failedTasks: result.failures.length, fn: this.ctx.fnOf(result.jobId) });
      if (result.failures.length > 0) this.anyTaskFailed = true;
      this.outcomes.set(chunk, outcomeFromResult<R>(chunk, tasks.firstTask, result, (c) => this.ctx.logsOf(c)));
    }
    await this.ctx.journal.append(...done);
    return reads;
  }

  /** Notes a failed read of the chunk's result file; once it has failed for long, says so, once. */
  private readFailed(chunk: number, error: unknown, now: number): void {
    const failing = this.readFailing.get(chunk) ?? { since: now, lastTry: now, warned: false };
    failing.lastTry = now;
    this.readFailing.set(chunk, failing);
    if (failing.warned || now - failing.since < READ_ERROR_WARNING_MS) return;
    failing.warned = true;
    process.emitWarning(
      `the result file ${this.ctx.workDir.resultFile(chunk)} of chunk ${chunk} could not be read for ${((now - failing.since) / 1000).toFixed(0)} s: ` +
        `${(error as Error).message}. The map keeps reading it (its tasks are not run again): fix the cause (file system, permissions, open-file limit), ` +
        'or stop the map and resume it later',
      { code: 'QMR_RESULT_READ_ERROR' },
    );
  }

  /**
   * A result file that does not decode ends its attempt: renamed out of the results (kept for a look;
   * the next attempt writes a fresh one, and an elastic worker skips units that have a result),
   * and the tracker is to retire the attempt. Undefined when the file went away meanwhile.
   */
  private async setAside(chunk: number, error: ResultFileError, triedFor: number): Promise<ResultRead | undefined> {
    const file = this.ctx.workDir.resultFile(chunk);
    const aside = `${file}.unreadable-${Date.now()}`;
    const what = error.message.slice(file.length + 1);
    let kept: string;
    try {
      await rename(file, aside);
      kept = `set aside as ${aside}`;
    } catch (renameError) {
      if ((renameError as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // gone meanwhile: nothing to judge
      kept = `could not be set aside: ${(renameError as Error).message}`;
    }
    return { kind: 'unreadable', chunk, reason: `its result file ${file} ${what} (read again for ${(triedFor / 1000).toFixed(1)} s; ${kept})` };
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

  /** The values of a chunk's kept result (resume/rerun-failed.ts) by position, its failed tasks left out. */
  private async keptSuccesses(chunk: number, count: number): Promise<Map<number, unknown>> {
    const kept = await readKeptResult(this.ctx.workDir.root, chunk, count).catch(() => undefined);
    if (!kept) return new Map();
    const failed = new Set(failedPositions(kept));
    return new Map(kept.values.flatMap((value, position) => (failed.has(position) ? [] : [[position, value] as const])));
  }
}
