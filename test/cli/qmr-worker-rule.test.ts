/**
 * `qmr status` of an elastic run shows how many workers the map keeps and why: the plan's rule
 * with its numbers (run.json), and any growth the measured work called for (the journal's
 * 'workers' records with `why`).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../src/cli/status.js';
import { Pool } from '../../src/index.js';
import { Journal } from '../../src/resume/journal.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { assertBuilt, qmr, qmrJson } from './helpers.js';

let folder: { path: string; cleanup: () => Promise<void> };
let run: string;

beforeAll(async () => {
  assertBuilt();
  folder = await temporaryFolder('qmr-worker-rule-');
  run = path.join(folder.path, 'elastic');
  await new Pool({ workDir: run, keepWorkDir: 'always', concurrency: 2, progress: false }).map((x: number) => x + 1, [1, 2, 3, 4]);
});
afterAll(async () => folder?.cleanup());

describe('qmr status: the worker rule of an elastic run', () => {
  it('shows the rule with its numbers', async () => {
    const r = await qmr(['status', run]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^elastic worker rule: elastic: 2 workers \(least of 2 slots, 4 tasks, maxWorkers 100 \(default\)\) claiming units of 1 task$/m);
    const [status] = await qmrJson<RunStatus[]>(['status', run]);
    expect(status!.workerRule).toMatch(/^elastic: 2 workers \(least of 2 slots, 4 tasks/);
  });

  it('adds the growth the measured work called for, with why', async () => {
    const why = 'grown from 2 to 6 workers: 300 open units × 60 s measured = 18000 s of work, 9000 s for each of 2 live workers, above 4 × the 30 s claim target';
    await new Journal(path.join(run, 'journal.jsonl')).append({ t: 'workers', time: new Date().toISOString(), tickets: [90, 91, 92, 93], ids: ['x1', 'x2', 'x3', 'x4'], why });
    const r = await qmr(['status', run, '--no-queue']);
    expect(r.stdout).toContain(`worker rule: elastic: 2 workers (least of 2 slots, 4 tasks, maxWorkers 100 (default)) claiming units of 1 task; then ${why}`);
    const chunks = await qmr(['status', run, '--chunks', '--no-queue']);
    expect(chunks.stdout).toContain(`  worker rule: elastic: 2 workers`);
  });
});
