import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from '../../src/index.js';
import { Journal, readJournal } from '../../src/resume/journal.js';
import type { Progress } from '../../src/progress/progress.js';
import { replayJournal } from '../../src/resume/journal-replay.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';
import { startsPerLog as starts } from '../helpers/unit-starts.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder();
});
afterAll(async () => folder.cleanup());

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');


describe('resume on the local flavor', () => {
  it('reads finished chunks instead of computing them again', async () => {
    const workDir = path.join(folder.path, 'again');
    const square = (x: number) => x * x;
    const tasks = Array.from({ length: 12 }, (_, i) => i);
    const first = await new Pool({ workDir, keepWorkDir: 'always', chunkSize: 3 }).map(square, tasks);
    const before = await starts(workDir);
    const second = await new Pool({ workDir, keepWorkDir: 'always' }).map(square, tasks);
    expect(second).toEqual(first);
    expect(await starts(workDir)).toEqual(before);
    expect(Object.values(before)).toEqual([1, 1, 1, 1]);
  });

  it('goes on when run again after qmr cancel stopped it (the old request does not stop it again)', async () => {
    const workDir = path.join(folder.path, 'cancelled');
    const tasks = Array.from({ length: 6 }, (_, i) => i);
    const slow = async (x: number) => new Promise<number>((resolve) => setTimeout(() => resolve(x * 10), 300));
    const first = new Pool({ workDir, keepWorkDir: 'always', chunkSize: 1, concurrency: 1 }).map(slow, tasks);
    // Handled from the start, so an early end is reported by this assertion, not as unhandled.
    const stopped = expect(first).rejects.toThrow(/qmr cancel/);
    let settled = false;
    void first.then(() => (settled = true), () => (settled = true));
    // Once the map has submitted (the journal says so) and is running, do what `qmr cancel` does:
    // leave the request file for the live submitter.
    const journal = path.join(workDir, 'journal.jsonl');
    while (!settled && !(await readFile(journal, 'utf8').catch(() => '')).includes('"t":"submit"')) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!settled) await writeFile(path.join(workDir, 'cancel-requested'), 'test\n');
    await stopped;
    expect(await new Pool({ workDir, keepWorkDir: 'always' }).map(slow, tasks)).toEqual(tasks.map((x) => x * 10));
  });

  it('reads the result of a job cancelled as the run ended after writing it, instead of computing it again', async () => {
    const workDir = path.join(folder.path, 'cancelled-after-result');
    const runs = path.join(folder.path, 'cancelled-after-result.runs');
    const tasks = [1, 2, 3];
    // Each execution of a task leaves a line: logs are rewritten per attempt, this file is not.
    const triple = async (x: number) => {
      const { appendFileSync } = await import('node:fs');
      appendFileSync(process.env.QMR_TEST_RUNS!, `${x}\n`);
      return x * 3;
    };
    const options = { workDir, keepWorkDir: 'always' as const, chunkSize: 1, env: { QMR_TEST_RUNS: runs } };
    await new Pool(options).map(triple, tasks);
    // The journal as if the run had been stopped just as chunk 1's job wrote its result: no
    // done record for it yet, its job's cancel, and an aborted end.
    const file = path.join(workDir, 'journal.jsonl');
    const done = (await readJournal(file)).find((r) => r.t === 'done' && r.chunk === 1);
    if (done?.t !== 'done') throw new Error('no done record for chunk 1');
    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, lines.filter((l) => !(l.includes('"t":"done"') && l.includes('"chunk":1,')) && !l.includes('"t":"end"')).join('\n'));
    const journal = new Journal(file);
    const time = new Date().toISOString();
    await journal.append({ t: 'cancel', time, ids: [done.job], why: 'test' }, { t: 'end', time, outcome: 'aborted' });
    await journal.flush();
    expect(await new Pool(options).map(triple, tasks)).toEqual([3, 6, 9]);
    expect((await readFile(runs, 'utf8')).split('\n').filter(Boolean).sort()).toEqual(['1', '2', '3']);
    // Not even submitted again (a queue would have run or at least queued it).
    const submits = (await readJournal(file)).filter((r) => r.t === 'submit' && r.chunks.includes(1));
    expect(submits).toHaveLength(1);
  });

  it('refuses a different function or different tasks, saying what differs', async () => {
    const workDir = path.join(folder.path, 'differs');
    const tasks = [1, 2, 3];
    await new Pool({ workDir, keepWorkDir: 'always' }).map((x: number) => x + 1, tasks);
    await expect(new Pool({ workDir }).map((x: number) => x + 2, tasks)).rejects.toThrow(/holds a run of a different function/);
    await expect(new Pool({ workDir }).map((x: number) => x + 1, [1, 2, 4])).rejects.toThrow(/tasks differ|not the same/);
    await expect(new Pool({ workDir }).map((x: number) => x + 1, [1, 2])).rejects.toThrow(/run of 3 tasks, this map gives 2/);
    await expect(new Pool({ workDir, chunkSize: 2 }).map((x: number) => x + 1, tasks)).rejects.toThrow(/chunkSize/);
  });

  it('picks up a map whose submitting process was killed, without running finished chunks again', async () => {
    const workDir = path.join(folder.path, 'killed');
    const script = path.join(folder.path, 'killed-map.mjs');
    const module = path.join(folder.path, 'slow.mjs');
    await writeFile(module, 'export async function slow(x) { await new Promise((r) => setTimeout(r, x < 2 ? 10 : 400)); return x * 10; }\n');
    await writeFile(
      script,
      `import { Pool } from ${JSON.stringify(path.join(ROOT, 'dist', 'src', 'index.js'))};
const pool = new Pool({ workDir: ${JSON.stringify(workDir)}, keepWorkDir: 'always', chunkSize: 1, concurrency: 2 });
await pool.map({ module: ${JSON.stringify(module)}, export: 'slow' }, [0, 1, 2, 3, 4, 5, 6, 7]);
`,
    );
    const child = spawn(process.execPath, [script], { stdio: 'ignore' });
    // Kill it once the first two chunks have results (however long a busy machine takes to get there).
    await waitFor(
      async () => (await readdir(path.join(workDir, 'results')).catch(() => [])).filter((n) => n.endsWith('.result')).length >= 2,
      'two results of the map to be killed',
      120_000,
      50,
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const finishedBefore = (await readdir(path.join(workDir, 'results'))).filter((n) => n.endsWith('.result'));
    expect(finishedBefore.length).toBeGreaterThanOrEqual(2);
    // The killed process's workers die with it (worker/die-with-submitter.ts); give them a moment.
    await new Promise((r) => setTimeout(r, 1500));
    const counted = await starts(workDir);
    let last: Progress | undefined;
    const out = await new Pool({ workDir, keepWorkDir: 'always', onProgress: (p) => (last = p) }).map({ module, export: 'slow' }, [0, 1, 2, 3, 4, 5, 6, 7]);
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    // The killed submitter's local jobs died with it: cancelled, not vanished, no resubmission.
    expect(last).toMatchObject({ resubmissions: 0 });
    expect(last!.failureCauses).toBeUndefined();
    const replayed = replayJournal(await readJournal(path.join(workDir, 'journal.jsonl')));
    expect(replayed.resubmissions).toBe(0);
    const stopped = [...replayed.chunks.values()].flatMap((c) => c.attempts.slice(0, -1));
    for (const attempt of stopped) expect(attempt).toMatchObject({ cancelled: true, endedBecause: expect.stringMatching(/^cancelled/) });
    const after = await starts(workDir);
    for (const name of finishedBefore) {
      const log = name.replace('.result', '.err');
      expect(after[log]).toBe(counted[log]);
    }
    const journal = await readFile(path.join(workDir, 'journal.jsonl'), 'utf8');
    expect(journal).toContain('"t":"resume"');
  });

  it('an elastic map whose submitter was killed: its workers and their claims were stopped, not failed', async () => {
    const workDir = path.join(folder.path, 'killed-elastic');
    const script = path.join(folder.path, 'killed-elastic-map.mjs');
    const module = path.join(folder.path, 'slow-units.mjs');
    await writeFile(module, 'export async function slow(x) { await new Promise((r) => setTimeout(r, 300)); return x * 10; }\n');
    const tasks = Array.from({ length: 40 }, (_, i) => i); // 2 workers (elastic/plan.ts: 10 tasks each at least)
    await writeFile(
      script,
      `import { Pool } from ${JSON.stringify(path.join(ROOT, 'dist', 'src', 'index.js'))};
await new Pool({ workDir: ${JSON.stringify(workDir)}, keepWorkDir: 'always', concurrency: 2 }).map({ module: ${JSON.stringify(module)}, export: 'slow' }, ${JSON.stringify(tasks)});
`,
    );
    const child = spawn(process.execPath, [script], { stdio: 'ignore' });
    // Killed once units are done and the pool has journaled claims.
    for (let i = 0; i < 1200; i++) {
      const done = (await readdir(path.join(workDir, 'results')).catch(() => [])).filter((n) => n.endsWith('.result'));
      const claims = (await readJournal(path.join(workDir, 'journal.jsonl'))).filter((r) => r.t === 'submit');
      if (done.length >= 4 && claims.length >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    let last: Progress | undefined;
    const out = await new Pool({ workDir, keepWorkDir: 'always', concurrency: 2, onProgress: (p) => (last = p) }).map({ module, export: 'slow' }, tasks);
    expect(out).toEqual(tasks.map((x) => x * 10));
    expect(last).toMatchObject({ resubmissions: 0 });
    expect(last!.failureCauses).toBeUndefined();
    const records = await readJournal(path.join(workDir, 'journal.jsonl'));
    const resumedAt = records.findIndex((r) => r.t === 'resume');
    const stopped = records.slice(resumedAt).filter((r) => r.t === 'worker-end' && r.how === 'cancelled');
    expect(stopped.map((r) => (r.t === 'worker-end' ? r.ticket : -1)).sort()).toEqual([0, 1]);
    expect(records.filter((r) => r.t === 'worker-end' && r.how === 'failed')).toEqual([]);
    expect(records.filter((r) => r.t === 'retire' && !r.cancelled)).toEqual([]);
    expect(replayJournal(records).resubmissions).toBe(0);
  });
});
