import { describe, expect, it } from 'vitest';
import { ChunkTracker } from '../../src/map/chunk-tracker.js';
import { formatProgress } from '../../src/progress/progress-line.js';
import { computeProgress, FailureCauseCounts } from '../../src/progress/progress-reporter.js';

const limits = { maxResubmissions: 2, missingGrace: 0, heldTimeout: 60_000, stalledTimeout: 300_000 };

describe('computeProgress', () => {
  it('counts tasks, chunks and failure causes, and estimates the time left from the rate so far', () => {
    const tracker = new ChunkTracker(limits);
    for (let c = 0; c < 4; c++) tracker.add(c);
    tracker.submitted([0, 1, 2, 3], ['j.1', 'j.2', 'j.3', 'j.4'], 0);
    // j.1 hits its memory limit (the scheduler's words), j.2 leaves without a result.
    tracker.resultSeen(3, 'j.4');
    tracker.observe(new Map([['j.3', { state: 'running', native: 'R' }]]), 1000, 1000);
    tracker.observeHistory(new Map([['j.1', { state: 'finished', native: 'OUT_OF_MEMORY', outcome: 'failure' }]]));
    tracker.confirmMissing(0, 1000);
    tracker.confirmMissing(1, 1000);
    const causes = new FailureCauseCounts();
    causes.count(tracker.drainEvents());
    const progress = computeProgress({
      runId: 'r1',
      tracker,
      tasksIn: () => 10,
      totalTasks: 40,
      totalChunks: 4,
      feedDone: true,
      failureCauses: causes,
      startedAt: 0,
      now: 60_000,
    });
    expect(progress).toMatchObject({ tasks: 40, tasksDone: 10, chunks: 4, chunksDone: 1, chunksRunning: 1, resubmissions: 2 });
    expect(progress.failureCauses).toEqual({ 'out of memory': 1, vanished: 1 });
    // One chunk in 60 s, three left.
    expect(progress.etaMs).toBe(180_000);
    expect(formatProgress(progress)).toContain('1 out of memory, 1 vanished');
  });

  it('has no failureCauses while no attempt has failed', () => {
    const tracker = new ChunkTracker(limits);
    tracker.add(0);
    const progress = computeProgress({ runId: 'r', tracker, tasksIn: () => 1, totalTasks: 1, totalChunks: 1, feedDone: true, failureCauses: new FailureCauseCounts(), startedAt: 0, now: 1 });
    expect(progress.failureCauses).toBeUndefined();
    expect(progress.etaMs).toBeUndefined();
  });
});
