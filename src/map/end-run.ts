/**
 * The end of a map, however it ended: the journal's end record (with the scheduler calls the map
 * made), then the work dir kept or removed per keepWorkDir (a removed one leaves its trace beside
 * it), then the lock released; and the MapError that names what became of the work dir. The
 * map's loop cancels what is still queued before this.
 */
import { rmdir } from 'node:fs/promises';
import { MapError, type Settled } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { describeFailures } from './outcomes.js';
import { CALL_KINDS, type CallKind, type Queue } from '../queues/queue.js';
import { readJournal, type JournalRecord } from '../resume/journal.js';
import { leaveTrace } from '../trace/leave-trace.js';
import { LOCK_DIR_NAME } from '../work-dir/work-dir-lock.js';
import type { WorkDir } from '../work-dir/work-dir.js';
import type { OpenedRun } from './open-run.js';

export interface RunEnd {
  finishedNormally: boolean;
  /** A signal stopped the map and keepJobsOnExit left its jobs running. */
  detached: boolean;
  /** How a map that did not finish ended, and why. */
  outcome: 'aborted' | 'failed';
  message?: string | undefined;
  /** Whether any task threw or any chunk failed. */
  anyTaskFailed: boolean;
  /** Jobs whose cancel the scheduler refused. */
  cancelsRefused: number;
  /** Records written before the end record (the tracker's last events). */
  lastRecords: JournalRecord[];
  /** The shared queue's call counts as this map began (maps in one process share a queue). */
  callsAtStart: Record<CallKind, number> | undefined;
}

/** Ends the run; resolves to whether the work dir was kept. */
export async function endRun(run: OpenedRun, end: RunEnd, options: ResolvedOptions, queue: Queue): Promise<boolean> {
  let kept: boolean;
  try {
    kept = await recordEnd(run, end, options, queue);
  } finally {
    await run.lock?.release();
  }
  // Removed (all but the lock) while this map held it; the folder itself once the lock is gone.
  if (!kept) await rmdir(run.workDir.root).catch(() => undefined);
  return kept;
}

async function recordEnd(run: OpenedRun, end: RunEnd, options: ResolvedOptions, queue: Queue): Promise<boolean> {
  const { workDir: dir, journal } = run;
  await journal.append(...end.lastRecords);
  await journal.append({
    t: 'end',
    time: new Date().toISOString(),
    // One word for one state: a map that ran to its end with tasks that threw or chunks given
    // up rejects with a MapError, and `qmr status` and the report call it failed too.
    outcome: end.finishedNormally ? (end.anyTaskFailed ? 'failed' : 'finished') : end.detached ? 'detached' : end.outcome,
    ...(end.message ? { message: end.message.slice(0, 2000) } : {}),
    ...(queue.callCounts ? { calls: callsSince(end.callsAtStart, queue.callCounts()) } : {}),
  });
  await journal.flush().catch(() => undefined);
  const troubled = !end.finishedNormally || end.anyTaskFailed || end.cancelsRefused > 0 || end.detached;
  // A new run refused before it submitted anything (an unsendable task, say) holds nothing
  // worth keeping or resuming: it leaves nothing behind, not even a trace.
  const refused = !end.finishedNormally && !run.recorded && !(await submittedAny(dir));
  const keep = !refused && (options.keepWorkDir === 'always' || (options.keepWorkDir === 'on-error' && troubled));
  if (keep) return true;
  if (!refused) await leaveTrace(dir.root);
  const failure = await dir.remove([LOCK_DIR_NAME]);
  if (!failure) return false;
  // Every result is in hand: a folder that something still writes into must not turn the
  // map into a failure. What is left keeps its journal, so `qmr status` shows how it ended.
  process.emitWarning(
    `work dir ${dir.root} could not be removed (${failure.message}); something may still write into it. ` +
      `Its journal is kept, so \`qmr status\` shows how the map ended; remove the folder once nothing writes into it.`,
    { code: 'QMR_WORK_DIR_NOT_REMOVED' },
  );
  return true;
}

/** The error `map` rejects with when tasks failed: each failure, and the work dir kept (and where) or removed. */
export function mapError<R>(settled: Settled<R>[], root: string | undefined, kept: boolean, keepWorkDir: ResolvedOptions['keepWorkDir']): MapError<R> {
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason.failure] : []));
  const note = root === undefined ? '' : kept ? `work dir kept: ${root}` : `work dir ${root} removed (keepWorkDir: '${keepWorkDir}')`;
  return new MapError(describeFailures(failures, settled.length, note), failures, settled, kept ? root : undefined);
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
