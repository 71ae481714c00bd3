import { describe, expect, it } from 'vitest';
import { chunkSizeAt } from '../../src/map/chunking.js';
import { BULK_FACTOR, BULK_SHARE, DEFAULT_MAX_WORKERS, MAX_UNITS, planElastic, UNITS_PER_WORKER, STREAM_FIRST_UNIT, STREAM_MAX_UNIT, UNKNOWN_SLOTS, type ElasticPlan } from '../../src/elastic/plan.js';

const base = { slots: undefined, maxWorkers: undefined, maxArraySize: undefined };

/** The size of every unit of a plan, in order, as the task feed lays them (chunkSizeAt). */
function unitSizes(plan: ElasticPlan): number[] {
  const chunkPlan = { chunkSize: plan.unitSize, ...(plan.bulk ? { bulk: { size: plan.bulk.size, chunks: plan.bulk.units } } : {}) };
  return Array.from({ length: plan.units! }, (_, k) => chunkSizeAt(chunkPlan, k));
}

describe('planElastic', () => {
  it('does not turn 1,000 quick tasks on 4,000 slots into 1,000 jobs', () => {
    const plan = planElastic({ ...base, tasks: 1000, slots: 4000 });
    expect(plan.workers).toBeLessThanOrEqual(100);
    expect(plan.workers).toBeGreaterThanOrEqual(1);
    expect(plan.workers).toBe(DEFAULT_MAX_WORKERS);
    expect(plan).toMatchObject({ unitSize: 1, units: 1000, ceiling: DEFAULT_MAX_WORKERS });
  });
  it('starts a worker per task for few long tasks, as the slots allow: no guess of tasks per worker', () => {
    // The old rule (one worker per 10 tasks) ran 4 tasks on 1 worker and 20 on 2, whatever the slots.
    expect(planElastic({ ...base, tasks: 4, slots: 4 })).toMatchObject({ workers: 4, units: 4, unitSize: 1 });
    expect(planElastic({ ...base, tasks: 20, slots: 100 })).toMatchObject({ workers: 20, units: 20, ceiling: 20 });
    expect(planElastic({ ...base, tasks: 4, slots: 2 }).workers).toBe(2);
  });
  it('starts one array within the array limit, and may grow past it in further arrays', () => {
    const plan = planElastic({ ...base, tasks: 500, slots: 200, maxArraySize: 30 });
    expect(plan).toMatchObject({ workers: 30, ceiling: 100 });
    expect(plan.rule).toMatch(/30 workers .*up to 100 by measured work/);
  });
  it('keeps units at or below MAX_UNITS and covers every task', () => {
    for (const tasks of [1, 1999, 2000, 2001, 10_000, 1_000_003]) {
      const plan = planElastic({ ...base, tasks });
      expect(plan.units!).toBeLessThanOrEqual(MAX_UNITS);
      const sizes = unitSizes(plan);
      const sum = sizes.reduce((a, b) => a + b, 0);
      // The last unit may be short: every task is in a unit, and no unit is empty.
      expect(sum).toBeGreaterThanOrEqual(tasks);
      expect(sum - sizes.at(-1)!).toBeLessThan(tasks);
    }
  });
  it('makes no more than UNITS_PER_WORKER units per worker (few workers, few task files)', () => {
    const plan = planElastic({ ...base, tasks: 100_000, slots: 2 });
    expect(plan).toMatchObject({ workers: 2, unitSize: 100_000 / (2 * UNITS_PER_WORKER) });
    expect(plan.units!).toBeLessThanOrEqual(2 * UNITS_PER_WORKER);
    // Small maps still get one task per unit: 200 uneven tasks on 2 slots balance by the task.
    expect(planElastic({ ...base, tasks: 200, slots: 2 })).toMatchObject({ workers: 2, units: 200, unitSize: 1 });
  });
  it('lays the first 80% of a big map in bulk units and ends in fine ones: about 30 units per worker, not 100', () => {
    // 10^5 trivial tasks on 2 local workers: 200 equal units cost most of the map's 0.8 s (issue 20).
    const plan = planElastic({ ...base, tasks: 100_000, slots: 2 });
    const fine = 500;
    expect(plan.unitSize).toBe(fine);
    expect(plan.bulk).toEqual({ size: BULK_FACTOR * fine, units: 20 });
    expect(plan.units).toBe(20 + 40);
    const sizes = unitSizes(plan);
    expect(sizes.slice(0, 20).every((s) => s === 4000)).toBe(true);
    expect(sizes.slice(20).every((s) => s === fine)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(plan.rule).toMatch(/60 units: 20 of 4000 tasks .* then units of 500 tasks/);
  });
  it('keeps the fine tail (about 20% of the tasks) and covers every task exactly, for any size', () => {
    for (const [tasks, slots] of [[201, 2], [1001, 2], [12_345, 3], [100_000, 2], [1_000_003, 100], [5_000_000, 7]] as const) {
      const plan = planElastic({ ...base, tasks, slots });
      const sizes = unitSizes(plan);
      expect(sizes.reduce((a, b) => a + b, 0) - sizes.at(-1)!).toBeLessThan(tasks);
      expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(tasks);
      expect(sizes.every((s) => s >= 1)).toBe(true);
      expect(plan.bulk).toBeDefined();
      const inBulk = plan.bulk!.units * plan.bulk!.size;
      expect(inBulk).toBeLessThanOrEqual(BULK_SHARE * tasks);
      // The tail is at least a fifth of the tasks and is fine-grained: never bulk-sized units at the end.
      expect(tasks - inBulk).toBeGreaterThanOrEqual((1 - BULK_SHARE) * tasks);
      expect(sizes.at(-1)!).toBeLessThanOrEqual(plan.unitSize);
      expect(plan.units!).toBeLessThan(plan.workers * UNITS_PER_WORKER * 0.4 + 2);
    }
  });
  it('keeps one task per unit and no bulk for maps of up to UNITS_PER_WORKER tasks per worker (P6: 200 uneven tasks on 2)', () => {
    expect(planElastic({ ...base, tasks: 200, slots: 2 }).bulk).toBeUndefined();
    expect(planElastic({ ...base, tasks: 1000, slots: 4000 }).bulk).toBeUndefined();
    expect(planElastic({ ...base, tasks: undefined, slots: 2 }).bulk).toBeUndefined();
  });
  it('has at least one worker, even for one task or zero slots', () => {
    expect(planElastic({ ...base, tasks: 1 }).workers).toBe(1);
    expect(planElastic({ ...base, tasks: 1000, slots: 0 }).workers).toBe(1);
  });
  it('bounds workers by slots, maxWorkers, maxArraySize and the default cap', () => {
    expect(planElastic({ ...base, tasks: 100_000, slots: 7 }).workers).toBe(7);
    expect(planElastic({ ...base, tasks: 100_000, slots: 5000, maxWorkers: 300 }).workers).toBe(300);
    expect(planElastic({ ...base, tasks: 100_000, slots: 5000, maxWorkers: 300, maxArraySize: 50 }).workers).toBe(50);
    expect(planElastic({ ...base, tasks: 100_000, slots: 5000 }).workers).toBe(DEFAULT_MAX_WORKERS);
    expect(planElastic({ ...base, tasks: 100_000 }).workers).toBe(Math.min(UNKNOWN_SLOTS, DEFAULT_MAX_WORKERS));
  });
  it('grows units for a stream of unknown length', () => {
    const plan = planElastic({ ...base, tasks: undefined, slots: 20 });
    expect(plan).toMatchObject({ unitSize: STREAM_FIRST_UNIT, growUpTo: STREAM_MAX_UNIT, units: undefined, workers: 20 });
  });
  it('explains its choice in words', () => {
    expect(planElastic({ ...base, tasks: 1000, slots: 4000 }).rule).toMatch(/100 workers/);
  });
});
