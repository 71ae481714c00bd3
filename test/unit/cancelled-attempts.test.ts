/**
 * Work the user stopped (a signal, an abort, `qmr cancel`, or jobs that died with their
 * submitter) is cancelled: not a failure, not vanished, no resubmission, and not counted against
 * maxResubmissions, in the tracker, the journal's replay, the progress and the trace alike.
 */
import { describe, expect, it } from 'vitest';
import { ChunkTracker } from '../../src/map/chunk-tracker.js';
import type { JournalRecord } from '../../src/resume/journal.js';
import { computeProgress, FailureCauseCounts } from '../../src/progress/progress-reporter.js';
import { replayJournal } from '../../src/resume/journal-replay.js';
import { buildTraceRows } from '../../src/trace/trace-rows.js';
import { summarizeRun } from '../../src/report/run-summary.js';

const limits = { maxResubmissions: 1, missingGrace: 0, heldTimeout: 60_000, stalledTimeout: 300_000 };
const fingerprint = { fn: 'x', fnDescription: 'f', flavor: 'local', chunkSize: 1 };
const t0 = '2026-01-01T00:00:00.000Z';
const t1 = '2026-01-01T00:01:00.000Z';

/** Two chunks submitted, the map stopped (its jobs cancelled), then resumed and submitted again. */
const stoppedAndResumed: JournalRecord[] = [
  { t: 'start', time: t0, pid: 1, host: 'h', fingerprint },
  { t: 'chunk', chunk: 0, firstTask: 0, count: 1, hash: 'a' },
  { t: 'chunk', chunk: 1, firstTask: 1, count: 1, hash: 'b' },
  { t: 'input-end', chunks: 2, tasks: 2 },
  { t: 'submit', time: t0, chunks: [0, 1], ids: ['local-1-1', 'local-1-2'] },
  { t: 'cancel', time: t0, ids: ['local-1-1', 'local-1-2'], why: 'map aborted' },
  { t: 'end', time: t0, outcome: 'aborted', message: 'SIGINT received' },
  { t: 'resume', time: t1, pid: 2, host: 'h' },
  { t: 'submit', time: t1, chunks: [0, 1], ids: ['local-2-1', 'local-2-2'] },
];

describe('cancelled attempts', () => {
  it('a cancelled attempt is no resubmission and does not use up maxResubmissions', () => {
    const t = new ChunkTracker(limits);
    t.add(0);
    t.submitted([0], ['j1'], 0);
    t.cancelAttempt(0, 'cancelled (its submitting process ended, and its local jobs with it)');
    expect(t.record(0)!.phase).toBe('unsubmitted');
    t.submitted([0], ['j2'], 10);
    // One real failure with maxResubmissions 1: the chunk is resubmitted, not given up.
    t.confirmMissing(0, 20);
    expect(t.record(0)!.phase).toBe('unsubmitted');
    expect(t.resubmissions).toBe(1);
    const events = t.drainEvents();
    expect(events[0]).toMatchObject({ kind: 'retired', job: 'j1', cancelled: true });
    const causes = new FailureCauseCounts();
    causes.count(events);
    expect(causes.counts()).toEqual({ vanished: 1 });
  });

  it('restoring attempts that followed a cancelled one counts no resubmission', () => {
    const t = new ChunkTracker(limits);
    t.add(0);
    t.restore(0, [{ jobId: 'j1', submittedAt: 0, endedBecause: 'cancelled (map aborted)', cancelled: true }, { jobId: 'j2', submittedAt: 1 }], 'queued');
    expect(t.resubmissions).toBe(0);
  });

  it('the journal replays a run stopped and resumed with no resubmissions (qmr status RESUB)', () => {
    const run = replayJournal(stoppedAndResumed);
    expect(run.resubmissions).toBe(0);
    expect(run.chunks.get(0)!.attempts[0]).toMatchObject({ cancelled: true, endedBecause: 'cancelled (map aborted)' });
    // A retire the submitter journaled as cancelled (its jobs died with it) replays the same way.
    const retired = replayJournal([
      ...stoppedAndResumed.slice(0, 5),
      { t: 'resume', time: t1, pid: 2, host: 'h' },
      { t: 'retire', time: t1, chunk: 0, job: 'local-1-1', reason: 'cancelled (its submitting process ended)', cancelled: true },
      { t: 'submit', time: t1, chunks: [0], ids: ['local-2-1'] },
    ]);
    expect(retired.resubmissions).toBe(0);
    expect(retired.chunks.get(0)!.attempts[0]!.cancelled).toBe(true);
  });

  it('the trace shows such attempts ABORTED and cancelled, and the report counts no resubmission', () => {
    const records: JournalRecord[] = [
      ...stoppedAndResumed.slice(0, 5),
      { t: 'resume', time: t1, pid: 2, host: 'h' },
      { t: 'retire', time: t1, chunk: 0, job: 'local-1-1', reason: 'cancelled (its submitting process ended, and its local jobs with it)', cancelled: true },
      { t: 'retire', time: t1, chunk: 1, job: 'local-1-2', reason: 'cancelled (its submitting process ended, and its local jobs with it)', cancelled: true },
      { t: 'submit', time: t1, chunks: [0, 1], ids: ['local-2-1', 'local-2-2'] },
    ];
    const rows = buildTraceRows(records, new Map());
    expect(rows.filter((r) => r.attempt === 1).map((r) => [r.status, r.cause])).toEqual([
      ['ABORTED', 'cancelled'],
      ['ABORTED', 'cancelled'],
    ]);
    const summary = summarizeRun({ dir: "d", records, rows, record: undefined }, Date.parse(t1));
    expect(summary.resubmissions).toBe(0);
  });

  it('after a resume, the time left comes from the work still open at this process rate', () => {
    const t = new ChunkTracker(limits);
    for (let c = 0; c < 10; c++) t.add(c);
    // Six chunks were done by the first process (their results are read at once on resume).
    for (let c = 0; c < 6; c++) {
      t.restore(c, [{ jobId: `old.${c}`, submittedAt: 0 }], 'queued');
      t.resultSeen(c, `old.${c}`);
    }
    const startedAt = 100_000;
    t.submitted([6, 7, 8, 9], ['n.6', 'n.7', 'n.8', 'n.9'], startedAt);
    t.resultSeen(6, 'n.6');
    const progress = computeProgress({
      runId: 'r', tracker: t, tasksIn: () => 1, totalTasks: 10, totalChunks: 10, feedDone: true,
      failureCauses: new FailureCauseCounts(), startedAt, now: startedAt + 15_000,
    });
    // This process finished one chunk in 15 s; three are open: 45 s (the old rate said 15*3/7 = 6 s).
    expect(progress.etaMs).toBe(45_000);
  });
});
