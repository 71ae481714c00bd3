import { describe, expect, it } from 'vitest';
import { ChunkTracker } from '../../src/map/chunk-tracker.js';
import { WorkerFleet } from '../../src/elastic/fleet.js';
import { OptionError } from '../../src/errors.js';
import { raiseRequest, resolveRetry } from '../../src/map/retry-policy.js';
import type { Resources } from '../../src/options.js';
import type { JobStatus } from '../../src/queues/queue.js';

const oom: JobStatus = { state: 'finished', native: 'OUT_OF_MEMORY', outcome: 'failure', fatal: true, limit: 'memory', reason: 'ran out of memory' };
const timeout: JobStatus = { state: 'finished', native: 'TIMEOUT', outcome: 'failure', fatal: true, limit: 'walltime', reason: 'reached its time limit' };
const base: Resources = { memory: '200M', walltime: 60 };
const limits = { maxResubmissions: 3, missingGrace: 0, heldTimeout: 60_000, stalledTimeout: 300_000 };

function trackerWith(retry: unknown) {
  const policy = resolveRetry(retry);
  return new ChunkTracker({ ...limits, raise: (limit, attempt, current) => raiseRequest(policy, limit, attempt, current ?? base) });
}

/** Submits chunk 0 as job `id`, then lets it end with `status`. */
function failWith(t: ChunkTracker, id: string, status: JobStatus, at: number) {
  t.submitted([0], [id], at);
  expect(t.observe(new Map([[id, status]]), at + 1, at + 1)).toEqual([{ kind: 'confirm-missing', chunk: 0 }]);
  t.confirmMissing(0, at + 1);
}

describe('retry by cause', () => {
  it('doubles memory after each out-of-memory attempt, and records each request', () => {
    const t = trackerWith(undefined);
    t.add(0);
    failWith(t, 'j1', oom, 0);
    expect(t.record(0)!.phase).toBe('unsubmitted');
    expect(t.requestOf(0)).toEqual({ memory: '400M', walltime: 60 });
    failWith(t, 'j2', oom, 10);
    expect(t.requestOf(0)).toEqual({ memory: '800M', walltime: 60 });
    t.submitted([0], ['j3'], 20);
    expect(t.record(0)!.attempts.map((a) => a.resources?.memory)).toEqual([undefined, '400M', '800M']);
    expect(t.record(0)!.attempts[0]!.endedBecause).toMatch(/OUT_OF_MEMORY.*resubmitted with memory 200M → 400M/);
    expect(t.resubmissions).toBe(2);
  });

  it('says what happened when it raised a request: in one unit per quantity, without the advice it followed', () => {
    const policy = resolveRetry(undefined);
    const t = new ChunkTracker({ ...limits, raise: (limit, attempt, current) => raiseRequest(policy, limit, attempt, current ?? { memory: '1G', walltime: '00:10:00' }) });
    t.add(0);
    // SGE's accounting words, which advise raising the request.
    failWith(t, 'j1', { ...oom, native: 'failed 37', reason: 'ran out of memory (h_vmem=1G): raise resources.memory' }, 0);
    const oomReason = t.record(0)!.attempts[0]!.endedBecause!;
    expect(oomReason).toMatch(/ran out of memory \(h_vmem=1G\).*; resubmitted with memory 1024M → 2048M$/);
    expect(oomReason).not.toContain('raise resources.memory');
    failWith(t, 'j2', { ...timeout, reason: 'reached its time limit: raise resources.walltime (Slurm --time)' }, 10);
    const timeReason = t.record(0)!.attempts[1]!.endedBecause!;
    expect(timeReason).toContain('reached its time limit (Slurm --time)');
    expect(timeReason).toMatch(/; resubmitted with walltime 00:10:00 → 00:20:00$/);
    // Given up: the advice stays, since nothing followed it.
    const off = new ChunkTracker({ ...limits, raise: (limit, attempt, current) => raiseRequest(resolveRetry({ outOfMemory: false }), limit, attempt, current ?? base) });
    off.add(0);
    failWith(off, 'j1', { ...oom, reason: 'ran out of memory: raise resources.memory (Slurm --mem)' }, 0);
    expect(off.record(0)!.failure).toContain('raise resources.memory');
  });

  it('doubles walltime after a time limit, up to the cap, then gives up with the reason', () => {
    const t = trackerWith({ timeLimit: { max: '00:03:00' } });
    t.add(0);
    failWith(t, 'j1', timeout, 0);
    expect(t.requestOf(0)?.walltime).toBe(120);
    failWith(t, 'j2', timeout, 10);
    expect(t.requestOf(0)?.walltime).toBe(180); // capped
    failWith(t, 'j3', timeout, 20);
    const r = t.record(0)!;
    expect(r.phase).toBe('failed');
    expect(r.failure).toMatch(/not resubmitted.*already at retry\.timeLimit\.max/);
  });

  it('gives up at once when the rule is off, as before retry by cause', () => {
    const t = trackerWith({ outOfMemory: false });
    t.add(0);
    failWith(t, 'j1', oom, 0);
    expect(t.record(0)!.phase).toBe('failed');
    expect(t.record(0)!.failure).toMatch(/retry\.outOfMemory is false/);
  });

  it('counts raised resubmissions toward maxResubmissions', () => {
    const t = trackerWith(undefined);
    t.add(0);
    for (let k = 0; k < 4; k++) failWith(t, `j${k}`, oom, k * 10);
    expect(t.record(0)!.phase).toBe('failed');
    expect(t.record(0)!.failure).toMatch(/gave up after 4 attempts/);
  });

  it('cannot raise a request the map never made (the site default), and says which option to set', () => {
    const decision = raiseRequest(resolveRetry(undefined), 'memory', 1, {});
    expect(decision).toEqual({ refused: expect.stringMatching(/set resources\.memory/) });
  });

  it('hands the attempt number and request to a retry function', () => {
    const seen: unknown[] = [];
    const policy = resolveRetry((failure: { cause: string; attempt: number; resources: Resources }) => {
      seen.push(failure);
      return failure.attempt < 2 ? { ...failure.resources, memory: `${failure.attempt * 4}G` } : false;
    });
    expect(raiseRequest(policy, 'memory', 1, base)).toEqual({ resources: { memory: '4G', walltime: 60 }, change: 'memory 200M → 4096M' });
    expect(raiseRequest(policy, 'walltime', 2, base)).toEqual({ refused: 'the retry function gave up' });
    expect(seen).toEqual([{ cause: 'out of memory', attempt: 1, resources: base }, { cause: 'time limit', attempt: 2, resources: base }]);
  });

  it('rejects a malformed retry option before anything runs', () => {
    expect(() => resolveRetry({ outOfMemory: { factor: 1 } })).toThrow(OptionError);
    expect(() => resolveRetry({ outOfMemory: { max: 'lots' } })).toThrow(/retry\.outOfMemory\.max/);
    expect(() => resolveRetry({ memory: 2 })).toThrow(/retry has only outOfMemory and timeLimit/);
    expect(() => resolveRetry(3)).toThrow(/an object like/);
  });

  it('raises an elastic map\'s worker request once when all its workers run out of memory together', () => {
    const policy = resolveRetry(undefined);
    const fleet = new WorkerFleet({ ...limits, workers: 2, raise: (limit, attempt, current) => raiseRequest(policy, limit, attempt, current ?? base) });
    fleet.submitted(fleet.tickets(2), ['w1', 'w2'], 0);
    fleet.observe(new Map([['w1', oom], ['w2', oom]]), 1, 1);
    fleet.ended(0, undefined, 2);
    fleet.ended(1, undefined, 2);
    const failures = fleet.drainFailures();
    expect(failures).toHaveLength(2);
    expect(failures[0]!.reason).toMatch(/the workers that replace it ask for memory 200M → 400M/);
    expect(fleet.request).toEqual({ memory: '400M', walltime: 60 });
    // Workers submitted with the raised request that fail again raise it again.
    fleet.submitted(fleet.tickets(1), ['w3'], 10);
    fleet.observe(new Map([['w3', oom]]), 11, 11);
    fleet.ended(2, undefined, 12);
    fleet.drainFailures();
    expect(fleet.request?.memory).toBe('800M');
  });
});
