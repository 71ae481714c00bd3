import { describe, expect, it } from 'vitest';
import { CLAIM_TARGET_SECONDS, claimSize, SHARE_DIVISOR, unitsThatFit, walltimeMargin, WALLTIME_MARGIN_SECONDS } from '../../src/protocol/elastic/claim-size.js';

describe('claimSize', () => {
  it('claims one unit first, before anything is measured', () => {
    expect(claimSize({ openUnits: 1000, workers: 4, secondsPerUnit: undefined })).toBe(1);
  });
  it('claims nothing when no unit is open', () => {
    expect(claimSize({ openUnits: 0, workers: 4, secondsPerUnit: 0.01 })).toBe(0);
  });
  it('takes a 1/(SHARE_DIVISOR x W) share of the open units while much work remains', () => {
    expect(claimSize({ openUnits: 1000, workers: 4, secondsPerUnit: 0.001 })).toBe(Math.ceil(1000 / (SHARE_DIVISOR * 4)));
  });
  it('shrinks to one unit near the end', () => {
    expect(claimSize({ openUnits: 3, workers: 4, secondsPerUnit: 0.001 })).toBe(1);
    expect(claimSize({ openUnits: 1, workers: 50, secondsPerUnit: 0.001 })).toBe(1);
  });
  it('never claims more than targetSeconds of measured work', () => {
    expect(claimSize({ openUnits: 10_000, workers: 1, secondsPerUnit: 1 })).toBe(CLAIM_TARGET_SECONDS);
    expect(claimSize({ openUnits: 10_000, workers: 1, secondsPerUnit: 2, targetSeconds: 10 })).toBe(5);
  });
  it('still claims one unit when a single unit exceeds the time cap', () => {
    expect(claimSize({ openUnits: 100, workers: 1, secondsPerUnit: 120 })).toBe(1);
  });
  it('fits the claim in the time left before the walltime, less the margin', () => {
    // 100 s left, margin 15 s: 85 usable, 10 s per unit -> 8 units
    expect(claimSize({ openUnits: 1000, workers: 1, secondsPerUnit: 10, targetSeconds: 1000, secondsLeft: 100, walltimeSeconds: 100 })).toBe(8);
  });
  it('returns 0 when not even one unit fits before the walltime', () => {
    expect(claimSize({ openUnits: 1000, workers: 1, secondsPerUnit: 60, secondsLeft: 70, walltimeSeconds: 3600 })).toBe(0);
    expect(claimSize({ openUnits: 1000, workers: 1, secondsPerUnit: undefined, secondsLeft: 10, walltimeSeconds: 100 })).toBe(0);
  });
  it('under a walltime, leaves out bulk units heavier than what fits before the deadline (issue 20)', () => {
    // Units 0-1 weigh 8 fine units, 2-3 weigh 1; 85 s usable at 10 s per fine unit: 8 fit, not more.
    const weigh = (unit: number) => (unit < 2 ? 8 : 1);
    const measured = { openUnits: 18, workers: 1, secondsPerUnit: 10, walltimeSeconds: 3600 };
    expect(unitsThatFit([0, 1, 2, 3], weigh, { ...measured, secondsLeft: 360 + 85 })).toEqual([0, 1, 2, 3]);
    expect(unitsThatFit([0, 1, 2, 3], weigh, { ...measured, secondsLeft: 360 + 79 })).toEqual([2, 3]);
    // Before any measurement, or without a walltime, every open unit may be claimed.
    expect(unitsThatFit([0, 1, 2], weigh, { ...measured, secondsPerUnit: undefined, secondsLeft: 400 })).toEqual([0, 1, 2]);
    expect(unitsThatFit([0, 1, 2], weigh, { openUnits: 17, workers: 1, secondsPerUnit: 1000 })).toEqual([0, 1, 2]);
  });
  it('uses a margin of at least 15 s, or a tenth of the walltime', () => {
    expect(walltimeMargin(undefined)).toBe(WALLTIME_MARGIN_SECONDS);
    expect(walltimeMargin(600)).toBe(60);
  });
});
