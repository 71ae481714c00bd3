import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Claimer, claimedUnits, makeElasticFolders, readOwner, releaseClaim } from '../../src/elastic/claims.js';
import { ElasticLayout } from '../../src/elastic/layout.js';
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
