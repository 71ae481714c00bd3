import { describe, expect, it } from 'vitest';
import { WorkerFleet } from '../../src/elastic/fleet.js';
import type { JobStatus } from '../../src/queues/queue.js';

const limits = { workers: 4, maxResubmissions: 2, missingGrace: 30_000, heldTimeout: 60_000, stalledTimeout: 300_000 };
const s = (state: JobStatus['state'], native: string = state): JobStatus => ({ state, native });
const statuses = (entries: Record<string, JobStatus>) => new Map(Object.entries(entries));

function started(n = limits.workers, extra: Partial<typeof limits> = {}) {
  const fleet = new WorkerFleet({ ...limits, ...extra });
  const tickets = fleet.tickets(n);
  fleet.submitted(tickets, tickets.map((t) => `j${t}`), 0);
  return { fleet, tickets };
}

describe('WorkerFleet', () => {
  it('wants W workers at start, never more than open units, none when nothing is open', () => {
    const fleet = new WorkerFleet(limits);
    expect(fleet.wanted(1000)).toBe(4);
    expect(fleet.wanted(2)).toBe(2);
    expect(fleet.wanted(0)).toBe(0);
  });
  it('hands out fresh tickets, never reused', () => {
    const fleet = new WorkerFleet(limits);
    expect(fleet.tickets(3)).toEqual([0, 1, 2]);
    expect(fleet.tickets(2)).toEqual([3, 4]);
  });
  it('wants no more once W are live, and a replacement after one fails', () => {
    const { fleet } = started();
    expect(fleet.wanted(1000)).toBe(0);
    fleet.ended(2, undefined, 10);
    const failures = fleet.drainFailures();
    expect(failures.map((f) => f.ticket)).toEqual([2]);
    expect(fleet.isLive(2)).toBe(false);
    expect(fleet.wanted(1000)).toBe(1);
  });
  it('does not count a worker that ended with its exit file as failed', () => {
    const { fleet } = started();
    fleet.ended(1, { reason: 'no-work' } as never, 10);
    expect(fleet.drainFailures()).toEqual([]);
    expect(fleet.isLive(1)).toBe(false);
  });
  it('counts an error-state worker as a failure', () => {
    const { fleet } = started();
    fleet.observe(statuses({ j0: s('error', 'Eqw'), j1: s('running'), j2: s('running'), j3: s('running') }), 10, 10);
    expect(fleet.drainFailures().map((f) => f.ticket)).toEqual([0]);
    expect(fleet.wanted(100)).toBe(1);
  });
  it('counts a worker held past heldTimeout as a failure, not before', () => {
    const { fleet } = started();
    const snap = statuses({ j0: s('held', 'hqw'), j1: s('running'), j2: s('running'), j3: s('running') });
    fleet.observe(snap, 10, 10);
    fleet.observe(snap, 30_000, 30_000);
    expect(fleet.drainFailures()).toEqual([]);
    fleet.observe(snap, 70_000, 70_000);
    expect(fleet.drainFailures().map((f) => f.ticket)).toEqual([0]);
  });
  it('counts a vanished worker (gone past the grace, no exit file) as a failure', () => {
    const { fleet } = started(1);
    fleet.observe(statuses({ j0: s('running') }), 1000, 1000);
    expect(fleet.observe(statuses({}), 2000, 2000)).toEqual([]);
    expect(fleet.observe(statuses({}), 32_000, 32_000)).toEqual([{ kind: 'confirm-missing', chunk: 0 }]);
    fleet.ended(0, undefined, 32_000);
    expect(fleet.drainFailures().map((f) => f.ticket)).toEqual([0]);
  });
  it('counts a lease expiry as a failure, once', () => {
    const { fleet } = started();
    fleet.stopped(3, 'heartbeat silent');
    fleet.stopped(3, 'heartbeat silent');
    const failures = fleet.drainFailures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ ticket: 3, jobId: 'j3' });
    expect(failures[0]!.reason).toContain('heartbeat silent');
  });
  it('gives up after more than maxResubmissions x W failures in a row', () => {
    const fleet = new WorkerFleet(limits);
    const allowed = limits.maxResubmissions * limits.workers; // 8
    for (let k = 0; k < allowed; k++) {
      const [t] = fleet.tickets(1);
      fleet.submitted([t!], [`j${t}`], 0);
      fleet.ended(t!, undefined, 1);
      fleet.drainFailures();
    }
    expect(fleet.exhausted()).toBeUndefined();
    const [t] = fleet.tickets(1);
    fleet.submitted([t!], [`j${t}`], 0);
    fleet.ended(t!, undefined, 1);
    fleet.drainFailures();
    expect(fleet.exhausted()).toMatch(/9 worker jobs in a row/);
  });
  it('starts the count again when a unit finishes (progressMade)', () => {
    const fleet = new WorkerFleet(limits);
    const fail = () => {
      const [t] = fleet.tickets(1);
      fleet.submitted([t!], [`j${t}`], 0);
      fleet.ended(t!, undefined, 1);
      fleet.drainFailures();
    };
    for (let k = 0; k < 8; k++) fail();
    fleet.progressMade();
    for (let k = 0; k < 8; k++) fail();
    expect(fleet.exhausted()).toBeUndefined();
    fail();
    expect(fleet.exhausted()).toBeDefined();
  });
  it('counts workers that end for their walltime without running a unit toward giving up', () => {
    // A walltime too short for a unit: every worker exits at once, by itself, and was replaced forever.
    const fleet = new WorkerFleet(limits);
    const walltimeExit = (units: number) => {
      const [t] = fleet.tickets(1);
      fleet.submitted([t!], [`j${t}`], 0);
      fleet.ended(t!, { version: 1, ticket: t!, job: `j${t}`, reason: 'walltime', units, at: '' }, 1);
      fleet.drainFailures();
    };
    for (let k = 0; k < limits.maxResubmissions * limits.workers; k++) walltimeExit(0);
    expect(fleet.exhausted()).toBeUndefined();
    walltimeExit(0);
    expect(fleet.exhausted()).toMatch(/9 worker jobs in a row .*\n.*ended for its walltime before it could run a unit/);
    // One that ran units before its walltime is a worker doing its job, not a failure.
    const other = new WorkerFleet(limits);
    for (let k = 0; k < 20; k++) {
      const [t] = other.tickets(1);
      other.submitted([t!], [`j${t}`], 0);
      other.ended(t!, { version: 1, ticket: t!, job: `j${t}`, reason: 'walltime', units: 3, at: '' }, 1);
    }
    expect(other.exhausted()).toBeUndefined();
  });
  it('grows W when the measured work calls for it, never shrinks it, and allows as many failures as the grown W', () => {
    const { fleet } = started();
    expect(fleet.wanted(1000)).toBe(0);
    fleet.grow(10);
    expect(fleet.workers).toBe(10);
    expect(fleet.wanted(1000)).toBe(6);
    expect(fleet.wanted(5)).toBe(1);
    fleet.grow(3);
    expect(fleet.workers).toBe(10);
  });
});
