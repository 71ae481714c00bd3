/**
 * Elastic maps on the local flavor: worker processes that claim units by time, end themselves
 * before their walltime and are replaced, and die mid-claim without losing or repeating work.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, OptionError, Pool } from '../../src/index.js';
import { readJournal, type JournalRecord } from '../../src/resume/journal.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { unitStarts } from '../helpers/unit-starts.js';
import { waitFor } from '../helpers/wait-for.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder('qmr-local-elastic-');
});
afterAll(async () => folder?.cleanup());
const workDirOf = (name: string) => path.join(folder.path, name);
const of = <T extends JournalRecord['t']>(records: JournalRecord[], t: T) => records.filter((r): r is Extract<JournalRecord, { t: T }> => r.t === t);

describe('local flavor, elastic workers', () => {
  it('a worker stops claiming before its walltime and exits by itself; the pool starts another while work is left', async () => {
    // walltime 17 s keeps a 15 s margin: each worker has about 2 s of claiming in it.
    const pool = new Pool({ workDir: workDirOf('walltime'), keepWorkDir: 'always', concurrency: 1, resources: { walltime: 17 } });
    const tasks = Array.from({ length: 12 }, (_, i) => i);
    const out = await pool.map(async (i: number) => {
      await new Promise((r) => setTimeout(r, 500));
      return i + 1;
    }, tasks);
    expect(out).toEqual(tasks.map((i) => i + 1));
    const journal = await readJournal(path.join(workDirOf('walltime'), 'journal.jsonl'));
    const ends = of(journal, 'worker-end');
    expect(ends.filter((e) => e.how === 'exited' && e.reason === 'walltime').length).toBeGreaterThanOrEqual(2);
    expect(ends.filter((e) => e.how === 'failed')).toEqual([]);
    expect(of(journal, 'workers').length).toBeGreaterThanOrEqual(3); // the first worker and its replacements
    expect([...(await unitStarts(workDirOf('walltime'))).values()].every((n) => n === 1)).toBe(true);
  });

  it('a worker killed mid-claim: its unfinished units run once more elsewhere, finished ones never', async () => {
    const marker = path.join(folder.path, 'killed-once');
    const pool = new Pool({ workDir: workDirOf('kill'), keepWorkDir: 'always', concurrency: 2 });
    const tasks = Array.from({ length: 30 }, (_, x) => ({ x, marker }));
    const out = await pool.map(async (t: { x: number; marker: string }) => {
      const fs = await import('node:fs');
      await new Promise((r) => setTimeout(r, 30));
      if (t.x === 20 && !fs.existsSync(t.marker)) {
        fs.writeFileSync(t.marker, 'x');
        process.kill(process.pid, 'SIGKILL');
      }
      return t.x * 3;
    }, tasks);
    expect(out).toEqual(tasks.map((t) => t.x * 3));
    const journal = await readJournal(path.join(workDirOf('kill'), 'journal.jsonl'));
    expect(of(journal, 'worker-end').filter((e) => e.how === 'failed')).toHaveLength(1);
    const starts = await unitStarts(workDirOf('kill'));
    expect(starts.size).toBe(30);
    expect([...starts].filter(([, n]) => n > 1).map(([u]) => u)).toEqual([20]);
  });

  it('records its plan: one array of workers bounded by the cores and the tasks, units of one task', async () => {
    const pool = new Pool({ workDir: workDirOf('plan'), keepWorkDir: 'always', concurrency: 4 });
    await pool.map((x: number) => x, Array.from({ length: 25 }, (_, i) => i));
    const record = JSON.parse(await readFile(path.join(workDirOf('plan'), 'run.json'), 'utf8')) as { chunking: string; elastic: { workers: number; unitSize: number } };
    expect(record.elastic).toEqual({ workers: 4, ceiling: 4, unitSize: 1 });
    expect(record.chunking).toMatch(/^elastic: 4 workers \(least of 4 slots, 25 tasks, maxWorkers 100 \(default\)\)/);
  });

  it('starts a worker per task for a few long tasks, as far as the slots allow (not one per 10 tasks)', async () => {
    // The old rule ran these 4 tasks of 2 s on one worker, one after another, with 4 slots free.
    const pool = new Pool({ workDir: workDirOf('few-long'), keepWorkDir: 'always', concurrency: 4 });
    const out = await pool.map(async (x: number) => {
      await new Promise((r) => setTimeout(r, 2000));
      return x * 2;
    }, [1, 2, 3, 4]);
    expect(out).toEqual([2, 4, 6, 8]);
    const journal = await readJournal(path.join(workDirOf('few-long'), 'journal.jsonl'));
    const arrays = of(journal, 'workers');
    expect(arrays[0]!.tickets).toEqual([0, 1, 2, 3]);
    expect(arrays).toHaveLength(1);
  });

  it('grows by one further array when the measured work per worker is far above a claim (started below its slots by maxArraySize)', async () => {
    // 1 worker to start (maxArraySize 1) of 2 slots; tasks of 2 s, 100 of them: once the first
    // unit is measured, 99 units × 2 s = 198 s of open work for one worker is above 4 × 30 s.
    const workDir = workDirOf('grow');
    const controller = new AbortController();
    const pool = new Pool({ workDir, keepWorkDir: 'always', concurrency: 2, maxArraySize: 1, signal: controller.signal });
    const running = pool.map(async (x: number) => {
      await new Promise((r) => setTimeout(r, 2000));
      return x;
    }, Array.from({ length: 100 }, (_, i) => i)).catch((e: unknown) => e);
    const arrays = async () => of(await readJournal(path.join(workDir, 'journal.jsonl')).catch(() => []), 'workers');
    await waitFor(async () => (await arrays()).length >= 2, 'a second array of workers', 90_000).catch(() => undefined);
    controller.abort();
    expect(await running).toBeInstanceOf(AbortError);
    const [first, second] = await arrays();
    expect(first!.tickets).toEqual([0]);
    expect(first!.why).toBeUndefined();
    expect(second?.tickets).toEqual([1]);
    expect(second?.why).toMatch(/^grown from 1 to 2 workers: \d+ open units × [\d.]+ s measured .* above 4 × the 30 s claim target \(at most 2: slots and maxWorkers\)$/);
    const record = JSON.parse(await readFile(path.join(workDir, 'run.json'), 'utf8')) as { chunking: string };
    expect(record.chunking).toMatch(/^elastic: 1 worker \(least of 2 slots, 100 tasks, maxWorkers 100 \(default\), maxArraySize 1\), up to 2 by measured work/);
  }, 120_000);

  it('refuses a walltime that leaves a worker no time to run a unit, before submitting anything', async () => {
    // Old code: every worker exited at once for its walltime and was replaced, forever.
    const workDir = workDirOf('walltime-too-short');
    const pool = new Pool({ workDir, keepWorkDir: 'always', concurrency: 2, resources: { walltime: 10 } });
    const error = await pool.map((x: number) => x, [1, 2, 3]).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).option).toBe('resources.walltime');
    expect((error as Error).message).toMatch(/more than 15 s for elastic workers .*10 s leaves it no time to run one.*elastic: false/);
    const journal = await readJournal(path.join(workDir, 'journal.jsonl')).catch(() => []);
    expect(of(journal, 'workers')).toEqual([]);
    // Static chunks have no claiming margin: the same walltime runs there.
    expect(await new Pool({ workDir: workDirOf('walltime-static'), concurrency: 2, elastic: false, resources: { walltime: 10 } }).map((x: number) => x + 1, [1, 2, 3])).toEqual([2, 3, 4]);
  }, 120_000);
  it('lays a big map in bulk units then fine ones, each unit run once, and a resume rebuilds that layout from the journal', async () => {
    // 3,000 tasks on 2 workers: fine units of 15 tasks; the first 80% in 20 units of 120 (issue 20).
    const workDir = workDirOf('bulk');
    const tasks = Array.from({ length: 3000 }, (_, i) => i);
    const triple = (x: number) => 3 * x;
    const out = await new Pool({ workDir, keepWorkDir: 'always', concurrency: 2 }).map(triple, tasks);
    expect(out).toEqual(tasks.map((x) => 3 * x));
    const journal = await readJournal(path.join(workDir, 'journal.jsonl'));
    expect(of(journal, 'start')[0]!.fingerprint).toMatchObject({ chunkSize: 15, bulk: { size: 120, chunks: 20 } });
    const counts = of(journal, 'chunk').map((c) => c.count);
    expect(counts).toEqual([...Array(20).fill(120), ...Array(40).fill(15)]);
    const starts = await unitStarts(workDir);
    expect([...starts.values()].every((n) => n === 1)).toBe(true);
    expect(starts.size).toBe(60);
    // Run again on the same work dir: every unit's result is read back, none runs again. A resume
    // that laid the tasks in equal units would find its chunks differ from the journal's and refuse.
    const again = await new Pool({ workDir, keepWorkDir: 'always', concurrency: 2 }).map(triple, tasks);
    expect(again).toEqual(out);
    expect(await unitStarts(workDir)).toEqual(starts);
  });
});
