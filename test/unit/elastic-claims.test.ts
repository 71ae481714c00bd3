import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Claimer, claimedUnits, makeElasticFolders, readOwner, releaseClaim } from '../../src/protocol/elastic/claims.js';
import { chunkSizeAt } from '../../src/map/chunking.js';
import { claimSize } from '../../src/protocol/elastic/claim-size.js';
import { ElasticLayout } from '../../src/protocol/elastic/layout.js';
import { planElastic } from '../../src/elastic/plan.js';
import { unitsWeight, unitWeight } from '../../src/protocol/elastic/unit-weight.js';
import { claimSome } from '../../worker/claim-loop.js';
import { temporaryFolder } from '../helpers/tmp.js';

let tmp: { path: string; cleanup: () => Promise<void> };
let layout: ElasticLayout;
beforeEach(async () => {
  tmp = await temporaryFolder();
  layout = new ElasticLayout(tmp.path);
  await makeElasticFolders(layout);
});
afterEach(async () => tmp.cleanup());

const claimer = (ticket: number) => new Claimer(layout, { ticket, job: `job-${ticket}`, host: 'h', pid: 1000 + ticket, token: `tok-${ticket}` });

describe('claims on a real folder', () => {
  it('makes the claims and workers folders', async () => {
    expect((await readdir(tmp.path)).sort()).toEqual(['claims', 'workers']);
  });
  it('of two claimers racing for one unit, exactly one wins, and the owner says which', async () => {
    const a = claimer(1);
    const b = claimer(2);
    const won = await Promise.all([a.claim(7), b.claim(7)]);
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = won[0] ? 1 : 2;
    const owner = await readOwner(layout, 7);
    expect(owner).toMatchObject({ ticket: winner, job: `job-${winner}`, token: `tok-${winner}`, pid: 1000 + winner });
    expect(Number.isNaN(Date.parse(owner!.claimedAt))).toBe(false);
    expect([...(await claimedUnits(layout))]).toEqual([7]);
  });
  it('of twenty claimers racing for each of ten units, exactly one wins each', async () => {
    const claimers = Array.from({ length: 20 }, (_, k) => claimer(k));
    for (let unit = 0; unit < 10; unit++) {
      const won = await Promise.all(claimers.map((c) => c.claim(unit)));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect((await readOwner(layout, unit))!.ticket).toBe(won.indexOf(true));
    }
    expect([...(await claimedUnits(layout))].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
  it('makes a released unit claimable again, by another worker', async () => {
    expect(await claimer(1).claim(3)).toBe(true);
    expect(await claimer(2).claim(3)).toBe(false);
    await releaseClaim(layout, 3);
    expect(await readOwner(layout, 3)).toBeUndefined();
    expect((await claimedUnits(layout)).has(3)).toBe(false);
    expect(await claimer(2).claim(3)).toBe(true);
    expect((await readOwner(layout, 3))!.ticket).toBe(2);
  });
  it('releasing an unclaimed unit is harmless, and leaves no .released folder', async () => {
    await releaseClaim(layout, 5);
    await claimer(1).claim(5);
    await releaseClaim(layout, 5);
    expect((await readdir(layout.claimsDir)).filter((n) => n.startsWith('.released'))).toEqual([]);
  });
  it('a losing claimer reuses its prepared folder and removes it on dispose', async () => {
    const b = claimer(2);
    await claimer(1).claim(0);
    expect(await b.claim(0)).toBe(false);
    expect(await b.claim(0)).toBe(false);
    expect((await readdir(layout.claimsDir)).filter((n) => n.startsWith('.pending-2-'))).toHaveLength(1);
    await b.dispose();
    expect((await readdir(layout.claimsDir)).filter((n) => n.startsWith('.pending'))).toEqual([]);
  });
  it('readOwner is undefined for a unit nobody claimed', async () => {
    expect(await readOwner(layout, 42)).toBeUndefined();
  });
});

describe('claims weighed by the tasks they hold (bulk units, issue 20)', () => {
  // 10^5 tasks on 2 workers: units 0-19 hold 4000 tasks (8 fine units each), 20-59 hold 500.
  const plan = planElastic({ tasks: 100_000, slots: 2, maxWorkers: undefined, maxArraySize: undefined });
  const weigh = (unit: number) => unitWeight(plan, unit);
  const open = Array.from({ length: 58 }, (_, k) => k + 2); // units 0 and 1 ran: the first claims

  it('a claim of a 1/(2W) share of the open work takes that share of the tasks, not of the units', async () => {
    const size = claimSize({ openUnits: unitsWeight(plan, open), workers: 2, secondsPerUnit: 0.001 });
    const mine = await claimSome(claimer(1), open, size, weigh);
    const tasks = mine.reduce((sum, unit) => sum + chunkSizeAt({ chunkSize: plan.unitSize, bulk: { size: plan.bulk!.size, chunks: plan.bulk!.units } }, unit), 0);
    // 92,000 tasks are open; a quarter is 23,000. Counting units, the claim took 46 of the 58:
    // 18 bulk and 28 fine units, 86,000 tasks, leaving the other worker almost nothing.
    expect(tasks).toBeGreaterThan(0.15 * 92_000);
    expect(tasks).toBeLessThanOrEqual(0.25 * 92_000);
    expect(mine).toEqual([2, 3, 4, 5, 6]);
  });
  it('always takes one unit, even one heavier than the claim size; fine units count one each', async () => {
    expect(await claimSome(claimer(1), [10, 11], 1, weigh)).toEqual([10]);
    expect(await claimSome(claimer(2), [30, 31, 32, 33], 3, weigh)).toEqual([30, 31, 32]);
  });
});
