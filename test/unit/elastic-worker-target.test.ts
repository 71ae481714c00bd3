import { describe, expect, it } from 'vitest';
import { FAR_ABOVE_CLAIMS, workerTarget } from '../../src/elastic/worker-target.js';

const base = { current: 10, ceiling: 100, live: 10, openUnits: 1000, targetSeconds: 30 };

describe('workerTarget', () => {
  it('keeps the start before anything was measured', () => {
    expect(workerTarget({ ...base, secondsPerUnit: undefined })).toEqual({ workers: 10 });
  });
  it('grows when each live worker has far more open work than a claim, to end near open work / horizon', () => {
    // 1,000 units of 60 s: 6,000 s per worker, far above 4 × 30 s.
    const target = workerTarget({ ...base, secondsPerUnit: 60 });
    expect(target.workers).toBe(100);
    expect(target.why).toMatch(/grown from 10 to 100 workers: 1000 open units × 60 s measured = 60000 s of work/);
    expect(target.why).toMatch(/at most 100: slots and maxWorkers/);
    // 100 units of 6 s: 600 s in all, 60 s each: not far above; no growth.
    expect(workerTarget({ ...base, openUnits: 100, secondsPerUnit: 6 })).toEqual({ workers: 10 });
  });
  it('grows only as far as the open work calls for, and never beyond the ceiling', () => {
    const horizon = FAR_ABOVE_CLAIMS * base.targetSeconds;
    // 200 units of 12 s = 2,400 s: 240 s each for 10 workers; 20 workers bring it to the horizon.
    expect(workerTarget({ ...base, openUnits: 200, secondsPerUnit: 12 }).workers).toBe(Math.ceil(2400 / horizon));
    expect(workerTarget({ ...base, ceiling: 10, secondsPerUnit: 60 })).toEqual({ workers: 10 });
  });
  it('never shrinks and does nothing with nothing open', () => {
    expect(workerTarget({ ...base, openUnits: 0, secondsPerUnit: 60 })).toEqual({ workers: 10 });
    expect(workerTarget({ ...base, openUnits: 1, secondsPerUnit: 0.001 })).toEqual({ workers: 10 });
  });
});
