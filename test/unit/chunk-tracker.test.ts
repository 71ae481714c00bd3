import { describe, expect, it } from 'vitest';
import { ChunkTracker } from '../../src/map/chunk-tracker.js';
import type { JobStatus } from '../../src/queues/queue.js';

const limits = { maxResubmissions: 2, missingGrace: 30_000, heldTimeout: 60_000, stalledTimeout: 300_000 };
const s = (state: JobStatus['state'], native = state, extra: Partial<JobStatus> = {}): JobStatus => ({ state, native, ...extra });
const statuses = (entries: Record<string, JobStatus>) => new Map(Object.entries(entries));

function tracker(chunks = 1) {
  const t = new ChunkTracker(limits);
  for (let c = 0; c < chunks; c++) t.add(c);
  return t;
}

describe('ChunkTracker', () => {
  it('deletes and resubmits a job in an error state, then gives up after maxResubmissions', () => {
    const t = tracker();
    for (let attempt = 1; attempt <= 3; attempt++) {
      t.submitted([0], [`j${attempt}`], 0);
      const actions = t.observe(statuses({ [`j${attempt}`]: s('error', 'Eqw') }), 10, 10);
      expect(actions).toEqual([{ kind: 'cancel', jobIds: [`j${attempt}`] }]);
    }
    const r = t.record(0)!;
    expect(r.phase).toBe('failed');
    expect(r.failure).toContain('gave up after 3 attempts');
    expect(r.failure).toContain('attempt 1: job j1 (Eqw) is in an error state');
    expect(t.resubmissions).toBe(2);
  });

  it('gives a job that left the queue a grace period before it counts as missing', () => {
    const t = tracker();
    t.submitted([0], ['j1'], 0);
    expect(t.observe(statuses({ j1: s('running') }), 1000, 1000)).toEqual([]);
    expect(t.observe(statuses({}), 2000, 2000)).toEqual([]);
    expect(t.observe(statuses({}), 31_000, 31_000)).toEqual([]);
    expect(t.observe(statuses({}), 32_000, 32_000)).toEqual([{ kind: 'confirm-missing', chunk: 0 }]);
    t.confirmMissing(0, 32_000);
    expect(t.record(0)!.phase).toBe('unsubmitted');
    expect(t.record(0)!.attempts[0]!.endedBecause).toMatch(/left the queue without writing a result/);
  });

  it('gives a job the scheduler still shows as finished (outcome unknown) the same grace period', () => {
    const t = tracker();
    t.submitted([0], ['j1'], 0);
    const finished = statuses({ j1: s('finished', 'C') }); // Slurm's PBS wrappers: every end is C
    expect(t.observe(finished, 1000, 1000)).toEqual([]);
    expect(t.observe(finished, 20_000, 20_000)).toEqual([]);
    expect(t.observe(finished, 31_000, 31_000)).toEqual([{ kind: 'confirm-missing', chunk: 0 }]);
  });

  it('leaves alone a job submitted in the millisecond the status command was asked (it may not be in the answer)', () => {
    // A poll kicked right after a submit can list the ids before the submit and start in the same
    // millisecond; with no grace period (local), the job counted as gone and its chunk was resubmitted.
    const t = new ChunkTracker({ ...limits, missingGrace: 0 });
    t.add(0);
    t.submitted([0], ['j1'], 5000);
    expect(t.observe(statuses({}), 5000, 5000)).toEqual([]);
    expect(t.record(0)!.phase).toBe('queued');
    expect(t.observe(statuses({}), 5001, 5001)).toEqual([{ kind: 'confirm-missing', chunk: 0 }]);
  });

  it('is done when the result file is seen, whatever the queue says', () => {
    const t = tracker();
    t.submitted([0], ['j1'], 0);
    t.observe(statuses({}), 1000, 1000);
    expect(t.resultSeen(0)).toEqual([]);
    expect(t.record(0)!.phase).toBe('done');
    expect(t.isSettled()).toBe(true);
  });

  it('cancels the queued duplicate when a result arrives from an earlier attempt, and nothing otherwise', () => {
    const t = tracker(2);
    t.submitted([0, 1], ['j1', 'k1'], 0);
    t.observe(statuses({}), 40_000, 40_000); // both gone past the grace period...
    t.confirmMissing(0, 40_000);
    t.submitted([0], ['j2'], 40_001);
    t.observe(statuses({ j2: s('pending', 'qw'), k1: s('running', 'r') }), 40_002, 40_002);
    // ...then j1's result shows up after all: j2 is a duplicate.
    expect(t.resultSeen(0, 'j1')).toEqual([{ kind: 'cancel', jobIds: ['j2'] }]);
    // k1 wrote its own result while still listed as running: it ends by itself.
    expect(t.resultSeen(1, 'k1')).toEqual([]);
  });

  it('waits for held jobs up to heldTimeout', () => {
    const t = tracker();
    t.submitted([0], ['j1'], 0);
    expect(t.observe(statuses({ j1: s('held', 'hqw') }), 1000, 1000)).toEqual([]);
    expect(t.observe(statuses({ j1: s('held', 'hqw') }), 50_000, 50_000)).toEqual([]);
    expect(t.observe(statuses({ j1: s('held', 'hqw') }), 61_000, 61_000)).toEqual([{ kind: 'cancel', jobIds: ['j1'] }]);
    expect(t.record(0)!.attempts[0]!.endedBecause).toMatch(/was held for 60 s/);
  });

  it('resubmits a job that ended in failure at once, and fails a fatal one without resubmitting', () => {
    const t = tracker(3);
    t.submitted([0, 1, 2], ['a', 'b', 'c'], 0);
    const actions = t.observe(
      statuses({
        a: s('finished', 'NODE_FAIL', { outcome: 'failure' }),
        b: s('finished', 'OUT_OF_MEMORY', { outcome: 'failure', fatal: true }),
        c: s('finished', 'FAILED', { outcome: 'failure' }),
      }),
      5,
      5,
    );
    // No grace period: the result file is checked once, then the chunk is retired.
    expect(actions).toEqual([0, 1, 2].map((chunk) => ({ kind: 'confirm-missing', chunk })));
    t.confirmMissing(0, 5);
    t.confirmMissing(1, 5);
    t.confirmMissing(2, 5, { logTail: 'Fatal process OOM in Failed to reserve virtual memory', fatal: 'raise the limit' });
    expect(t.record(0)!.phase).toBe('unsubmitted');
    expect(t.record(0)!.attempts[0]!.endedBecause).toBe('job a (NODE_FAIL) ended without writing a result');
    expect(t.record(1)!.phase).toBe('failed');
    expect(t.record(1)!.failure).toMatch(/not resubmitted/);
    expect(t.record(2)!.phase).toBe('failed');
    expect(t.record(2)!.failure).toMatch(/raise the limit; its stderr ends with:\n\s+\| Fatal process OOM/);
  });

  it('ignores jobs submitted after the status command started', () => {
    const t = tracker();
    t.submitted([0], ['j1'], 100);
    expect(t.observe(statuses({}), 50, 1_000_000)).toEqual([]);
    expect(t.record(0)!.goneSince).toBeUndefined();
  });

  it('fails a chunk from history when the job ended badly after leaving the queue', () => {
    const t = tracker();
    t.submitted([0], ['j1'], 0);
    t.observe(statuses({}), 10, 10);
    expect(t.observeHistory(new Map([['j1', s('finished', 'FAILED', { outcome: 'failure' })]]))).toEqual([
      { kind: 'confirm-missing', chunk: 0 },
    ]);
    t.confirmMissing(0, 20);
    expect(t.record(0)!.phase).toBe('unsubmitted');
    expect(t.record(0)!.attempts[0]!.endedBecause).toMatch(/job j1 \(FAILED\) ended without writing a result/);
  });

  it('counts chunks by state', () => {
    const t = tracker(4);
    t.submitted([0, 1, 2], ['a', 'b', 'c'], 0);
    t.observe(statuses({ a: s('running'), b: s('held'), c: s('pending') }), 1, 1);
    expect(t.counts()).toEqual({ unsubmitted: 1, pending: 1, running: 1, held: 1, done: 0, failed: 0 });
  });
});
