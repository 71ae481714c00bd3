/**
 * A map's progress: the counts onProgress receives and the progress line shows, computed from
 * the chunk tracker, and handed on only when something changed. `computeProgress` is pure (time
 * is an argument); `ProgressReporter` owns the two outlets.
 */
import type { ChunkTracker, TrackerEvent } from '../map/chunk-tracker.js';
import type { Progress } from './progress.js';
import { ProgressLine } from './progress-line.js';
import { failureCause, type FailureCause } from '../trace/failure-cause.js';

export interface ProgressInput {
  runId: string;
  tracker: ChunkTracker;
  /** Tasks in a chunk (0 for one not known yet). */
  tasksIn(chunk: number): number;
  /** Set once every task is in a chunk file. */
  totalTasks: number | undefined;
  totalChunks: number | undefined;
  feedDone: boolean;
  /** Elastic maps: the worker jobs. */
  workers?: { workersRunning: number; workersPending: number; workersSubmitted: number } | undefined;
  failureCauses: FailureCauseCounts;
  startedAt: number;
  now: number;
}

export function computeProgress(input: ProgressInput): Progress {
  const { tracker } = input;
  const c = tracker.counts();
  let tasksDone = 0;
  let tasksFailed = 0;
  /** Chunks finished by jobs this process submitted: a resumed run reads earlier ones' results at once. */
  let finishedHere = 0;
  for (const r of tracker.all()) {
    if (r.phase === 'done') tasksDone += input.tasksIn(r.chunk);
    if (r.phase === 'failed') tasksFailed += input.tasksIn(r.chunk);
    if ((r.phase === 'done' || r.phase === 'failed') && (r.attempts.at(-1)?.submittedAt ?? -Infinity) >= input.startedAt) finishedHere += 1;
  }
  const elapsedMs = input.now - input.startedAt;
  const total = input.totalChunks ?? (input.feedDone ? tracker.size : undefined);
  const finished = c.done + c.failed;
  const causes = input.failureCauses.counts();
  return {
    runId: input.runId,
    tasks: input.totalTasks,
    tasksDone,
    tasksFailed,
    chunks: total,
    chunksDone: c.done,
    chunksRunning: c.running,
    chunksPending: c.pending + c.unsubmitted,
    chunksHeld: c.held,
    chunksFailed: c.failed,
    resubmissions: tracker.resubmissions,
    ...(Object.keys(causes).length > 0 ? { failureCauses: causes } : {}),
    ...(input.workers ?? {}),
    elapsedMs,
    // The work still open at this process's rate so far, over chunks (units) its jobs finished:
    // not over those a resumed run found done, which took it no time. Elastic units are equal
    // in tasks, so this is also the rate over tasks.
    etaMs: total !== undefined && finishedHere > 0 ? Math.round((elapsedMs / finishedHere) * (total - finished)) : undefined,
  };
}

/**
 * Job attempts that ended without a result, by cause (out of memory, time limit, vanished, ...),
 * from the reasons the tracker gives when it retires an attempt: what a user watching a long
 * run wants to know before it ends ("3 out of memory" means: raise the memory request now).
 */
export class FailureCauseCounts {
  private readonly byCause = new Map<FailureCause, number>();

  count(events: readonly TrackerEvent[]): void {
    for (const e of events) {
      // A job the user stopped (or that died with its submitter) did not fail.
      if (e.kind !== 'retired' || e.cancelled) continue;
      const cause = failureCause({ reason: e.reason }) ?? 'vanished';
      this.byCause.set(cause, (this.byCause.get(cause) ?? 0) + 1);
    }
  }

  counts(): Partial<Record<FailureCause, number>> {
    return Object.fromEntries(this.byCause);
  }
}

/** Hands progress to onProgress (when it changed) and to the terminal's progress line. */
export class ProgressReporter {
  private readonly line: ProgressLine | undefined;
  private lastSignature = '';

  constructor(
    private readonly onProgress: ((progress: Progress) => void) | undefined,
    showLine: boolean,
  ) {
    this.line = showLine ? new ProgressLine() : undefined;
  }

  get wanted(): boolean {
    return this.onProgress !== undefined || this.line !== undefined;
  }

  emit(progress: Progress): void {
    this.line?.update(progress);
    if (!this.onProgress) return;
    // Times change every call; only a change in the counts is news.
    const signature = JSON.stringify({ ...progress, elapsedMs: 0, etaMs: 0 });
    if (signature === this.lastSignature) return;
    this.lastSignature = signature;
    this.onProgress(progress);
  }

  end(progress: Progress): void {
    this.line?.end(progress);
  }
}
