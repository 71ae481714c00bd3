/**
 * `qmr status` of a live elastic map on the local flavor, whose queue lives in the submitting
 * process and cannot be asked: its workers' heartbeats tell that they run, and each runs one of
 * the units it claimed at a time (it showed RUNNING 0 and "2 queued (not asked)" while both ran).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../src/cli/status.js';
import { Pool } from '../../src/index.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { assertBuilt, journal, qmrJson, waitFor } from './helpers.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  assertBuilt();
  folder = await temporaryFolder('qmr-status-elastic-');
});
afterAll(async () => folder?.cleanup());

describe('qmr status of a live local elastic map', () => {
  it('counts its running workers and the unit each runs; the units they claimed but have not begun wait', async () => {
    const workDir = path.join(folder.path, 'live');
    const gate = path.join(folder.path, 'gate');
    const tasks = Array.from({ length: 24 }, (_, i) => i); // 2 workers: at least 10 tasks each (elastic/plan.ts)
    // Every task waits for the gate file: the map stays live, with both workers inside a task, until the test opens it.
    const map = new Pool({ workDir, keepWorkDir: 'always', concurrency: 2, progress: false, env: { QMR_TEST_GATE: gate } }).map(async (x: number) => {
      const { existsSync: there } = await import('node:fs');
      while (!there(process.env.QMR_TEST_GATE!)) await new Promise((r) => setTimeout(r, 50));
      return x;
    }, tasks);
    try {
      // Both workers have claimed units (the pool journals claims as submits) and beat.
      await waitFor(async () => {
        const claims = (await journal(workDir)).filter((r) => r.t === 'submit');
        const workers = new Set(claims.flatMap((r) => r.ids as string[])); // one record may hold several workers' claims
        return workers.size === 2 && ['worker-000000.alive', 'worker-000001.alive'].every((f) => existsSync(path.join(workDir, 'workers', f)));
      }, 'both workers claiming', 120_000); // worker processes start slowly on a loaded machine
      const [status] = await qmrJson<RunStatus[]>(['status', workDir, '--chunks']);
      expect(status).toMatchObject({ state: 'running', done: 0, running: 2, workers: { submitted: 2, running: 2, pending: 0, queued: 0 } });
      const running = status!.chunkList!.filter((c) => c.state === 'running');
      expect(new Set(running.map((c) => c.job)).size).toBe(2); // one unit per worker
      const claimedWaiting = status!.chunkList!.filter((c) => c.state === 'pending');
      for (const c of claimedWaiting) expect(c.lastReason).toMatch(/^claimed by worker job \S+, waiting its turn$/);
      expect(status!.pending + status!.queued + status!.unsubmitted).toBe(22);
    } finally {
      await writeFile(gate, '');
    }
    expect(await map).toEqual(tasks);
  });
});
