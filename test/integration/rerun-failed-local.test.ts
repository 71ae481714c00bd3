/**
 * Rerunning a map's failed tasks (rerunFailed) on the local flavor: static chunks and elastic
 * units, the same fn after the environment was fixed, a changed fn only when the user says so.
 * Each execution of a task appends a line to a file outside the work dir, so "never recomputed"
 * is judged by what ran, not by timing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MapError, Pool } from '../../src/index.js';
import { readJournal } from '../../src/resume/journal.js';
import { readTrace } from '../../src/trace/read-trace.js';
import { temporaryFolder } from '../helpers/tmp.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder();
});
afterAll(async () => folder.cleanup());

/** Throws for the tasks listed in $QMR_TEST_BAD (a file: the "environment" the user fixes); logs each run. */
const flaky = async (x: number) => {
  const { appendFileSync, readFileSync } = await import('node:fs');
  appendFileSync(process.env.QMR_TEST_RUNS!, `${x}\n`);
  const bad = readFileSync(process.env.QMR_TEST_BAD!, 'utf8').split(',').filter(Boolean).map(Number);
  if (bad.includes(x)) throw new Error(`input ${x} is broken`);
  return x * 10;
};

async function ranTasks(file: string): Promise<number[]> {
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).map(Number).sort((a, b) => a - b);
}

async function setUp(name: string, bad: number[]) {
  const runs = path.join(folder.path, `${name}.runs`);
  const badFile = path.join(folder.path, `${name}.bad`);
  await writeFile(runs, '');
  await writeFile(badFile, bad.join(','));
  return { runs, badFile, workDir: path.join(folder.path, name), env: { QMR_TEST_RUNS: runs, QMR_TEST_BAD: badFile } };
}

const TASKS = Array.from({ length: 9 }, (_, i) => i);
const EXPECTED = TASKS.map((x) => x * 10);

describe('rerunning failed tasks on the local flavor', () => {
  it('runs only the failed tasks again when the map is run again with the same fn, keeping the successes of their chunks', async () => {
    const { runs, badFile, workDir, env } = await setUp('same-fn', [2, 7]);
    const options = { workDir, keepWorkDir: 'always' as const, chunkSize: 3, env };
    const first = await new Pool(options).map(flaky, TASKS).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(MapError);
    expect((first as MapError).failures.map((f) => f.index)).toEqual([2, 7]);
    await writeFile(badFile, ''); // the user fixes the input
    expect(await new Pool(options).map(flaky, TASKS)).toEqual(EXPECTED);
    // Tasks 2 and 7 ran twice; 0, 1 (chunk 0's successes) and 6, 8 (chunk 2's) and all of chunk 1 once.
    expect(await ranTasks(runs)).toEqual([0, 1, 2, 2, 3, 4, 5, 6, 7, 7, 8]);
    const records = await readJournal(path.join(workDir, 'journal.jsonl'));
    const reruns = records.flatMap((r) => (r.t === 'rerun' ? [{ chunk: r.chunk, tasks: r.tasks }] : []));
    expect(reruns).toEqual([{ chunk: 0, tasks: [2] }, { chunk: 2, tasks: [1] }]);
    // A third run finds nothing failed: nothing runs.
    expect(await new Pool(options).map(flaky, TASKS)).toEqual(EXPECTED);
    expect(await ranTasks(runs)).toHaveLength(11);
  });

  it("returns the recorded failures with rerunFailed 'never'", async () => {
    const { runs, badFile, workDir, env } = await setUp('never', [4]);
    const options = { workDir, keepWorkDir: 'always' as const, chunkSize: 3, env };
    await expect(new Pool(options).map(flaky, TASKS)).rejects.toThrow(MapError);
    await writeFile(badFile, '');
    const again = await new Pool({ ...options, rerunFailed: 'never' }).map(flaky, TASKS).catch((e: unknown) => e);
    expect((again as MapError).failures.map((f) => f.index)).toEqual([4]);
    expect(await ranTasks(runs)).toEqual(TASKS);
  });

  it("refuses a changed fn naming rerunFailed, and with rerunFailed 'any-fn' runs only the failed tasks with it; journal and trace say which fn produced what", async () => {
    const { runs, workDir, env } = await setUp('any-fn', []);
    const options = { workDir, keepWorkDir: 'always' as const, chunkSize: 3, env };
    // A bug: multiples of 4 throw.
    const buggy = async (x: number) => {
      const { appendFileSync } = await import('node:fs');
      appendFileSync(process.env.QMR_TEST_RUNS!, `${x}\n`);
      if (x % 4 === 0) throw new Error('bug');
      return x * 10;
    };
    const fixed = async (x: number) => {
      const { appendFileSync } = await import('node:fs');
      appendFileSync(process.env.QMR_TEST_RUNS!, `${x}\n`);
      return x * 10;
    };
    const first = await new Pool(options).map(buggy, TASKS).catch((e: unknown) => e);
    expect((first as MapError).failures.map((f) => f.index)).toEqual([0, 4, 8]);
    await expect(new Pool(options).map(fixed, TASKS)).rejects.toThrow(/different function.*rerunFailed: 'any-fn'/s);
    expect(await new Pool({ ...options, rerunFailed: 'any-fn' }).map(fixed, TASKS)).toEqual(EXPECTED);
    expect(await ranTasks(runs)).toEqual([0, 0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 8]);
    // The fixed fn is the run's fn now: running it again needs no option, and runs nothing.
    expect(await new Pool(options).map(fixed, TASKS)).toEqual(EXPECTED);
    expect(await ranTasks(runs)).toHaveLength(12);

    // Yet another fn, accepted: nothing failed, so nothing runs, and the results read again keep the fn that produced them.
    const third = (x: number) => x * 10 + 0;
    expect(await new Pool({ ...options, rerunFailed: 'any-fn' }).map(third, TASKS)).toEqual(EXPECTED);
    expect(await ranTasks(runs)).toHaveLength(12);

    const records = await readJournal(path.join(workDir, 'journal.jsonl'));
    const start = records.find((r) => r.t === 'start');
    const resumeWithFn = records.find((r) => r.t === 'resume' && r.fn);
    if (start?.t !== 'start' || resumeWithFn?.t !== 'resume') throw new Error('no start or resume record');
    const oldFn = start.fingerprint.fn.slice(0, 12);
    const newFn = resumeWithFn.fn!.hash.slice(0, 12);
    expect(newFn).not.toBe(oldFn);
    const doneFns = records.flatMap((r) => (r.t === 'done' ? [`${r.chunk}:${r.fn}`] : []));
    expect(doneFns).toEqual(expect.arrayContaining([`0:${oldFn}`, `1:${oldFn}`, `2:${oldFn}`, `0:${newFn}`, `1:${newFn}`, `2:${newFn}`]));

    const { rows } = await readTrace(workDir);
    const summary = rows.map((r) => ({ chunk: r.taskId, attempt: r.attempt, fn: r.fn, tasks: r.tasks, status: r.status, failed: r.failedTasks }));
    expect(summary).toEqual([
      { chunk: 0, attempt: 1, fn: oldFn, tasks: 3, status: 'FAILED', failed: 1 },
      { chunk: 0, attempt: 2, fn: newFn, tasks: 1, status: 'COMPLETED', failed: 0 },
      { chunk: 1, attempt: 1, fn: oldFn, tasks: 3, status: 'FAILED', failed: 1 },
      { chunk: 1, attempt: 2, fn: newFn, tasks: 1, status: 'COMPLETED', failed: 0 },
      { chunk: 2, attempt: 1, fn: oldFn, tasks: 3, status: 'FAILED', failed: 1 },
      { chunk: 2, attempt: 2, fn: newFn, tasks: 1, status: 'COMPLETED', failed: 0 },
    ]);
    expect(rows[1]!.name).toBe('chunk 0 (tasks 0-2), rerun of task 0');
  });

  it('keeps the successes of a chunk whose rerun was given up, and merges them when it runs again', async () => {
    const { runs, badFile, workDir, env } = await setUp('given-up', [4]);
    // 'exit' kills the worker process at the bad task: its job leaves no result at all.
    const dying = async (x: number) => {
      const { appendFileSync, readFileSync } = await import('node:fs');
      appendFileSync(process.env.QMR_TEST_RUNS!, `${x}\n`);
      const bad = readFileSync(process.env.QMR_TEST_BAD!, 'utf8');
      if (bad === `exit ${x}`) process.exit(3);
      if (bad === String(x)) throw new Error(`input ${x} is broken`);
      return x * 10;
    };
    const options = { workDir, keepWorkDir: 'always' as const, chunkSize: 3, maxResubmissions: 0, env };
    await expect(new Pool(options).map(dying, TASKS)).rejects.toThrow(MapError);
    await writeFile(badFile, 'exit 4');
    const givenUp = (await new Pool(options).map(dying, TASKS).catch((e: unknown) => e)) as MapError<number>;
    // Chunk 1 (tasks 3-5) was given up, but only task 4 ran in it: 3 and 5 keep their values.
    expect(givenUp.failures.map((f) => f.index)).toEqual([4]);
    expect(givenUp.results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([0, 10, 20, 30, 'failed', 50, 60, 70, 80]);
    await writeFile(badFile, '');
    expect(await new Pool(options).map(dying, TASKS)).toEqual(EXPECTED);
    expect(await ranTasks(runs)).toEqual([0, 1, 2, 3, 4, 4, 4, 5, 6, 7, 8]);
  });

  it('reruns the failed tasks of an elastic map, unit by unit', async () => {
    const { runs, badFile, workDir, env } = await setUp('elastic', [1, 5, 6]);
    const options = { workDir, keepWorkDir: 'always' as const, env, concurrency: 2 };
    const tasks = Array.from({ length: 40 }, (_, i) => i);
    const first = await new Pool(options).map(flaky, tasks).catch((e: unknown) => e);
    expect((first as MapError).failures.map((f) => f.index)).toEqual([1, 5, 6]);
    expect((await readJournal(path.join(workDir, 'journal.jsonl'))).some((r) => r.t === 'workers')).toBe(true);
    await writeFile(badFile, '');
    expect(await new Pool(options).map(flaky, tasks)).toEqual(tasks.map((x) => x * 10));
    expect(await ranTasks(runs)).toEqual([...tasks, 1, 5, 6].sort((a, b) => a - b));
  });
});
