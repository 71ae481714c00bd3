/**
 * Rerunning failed tasks against a real scheduler: a map run again in its work dir after tasks
 * threw and after a chunk's job died (given up) runs only those tasks again, in new jobs, keeping
 * every success; an elastic map's units likewise; a fixed fn is accepted with rerunFailed
 * 'any-fn', and the trace names the function version of each attempt. Each execution of a task
 * appends a line to a file, so "only those ran" is judged by what ran.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { MapError, Pool } from '../../src/index.js';
import { readJournal } from '../../src/resume/journal.js';
import { readTrace } from '../../src/trace/read-trace.js';
import { jobNameFor, jobsLeft, realMapOptions, scenarioFolder, type RealFlavor } from './scenarios.js';
import { flaky, rerunTasks, type RerunTask } from '../helpers/rerun-tasks.js';

const values = (e: MapError<number>) => e.results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'));

export function realRerunScenarios(real: RealFlavor): void {
  const folder = scenarioFolder(`qmr-real-rerun-${real.flavor}-`);

  it('run again after tasks threw and a job died: only the failed tasks run again, in new jobs, every success kept', async () => {
    const jobName = jobNameFor('rerun');
    const dir = path.join(folder.path, `${jobName}-files`);
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    const t = await rerunTasks(dir, 9, '2,7');
    const options = realMapOptions(real, folder.path, jobName, { chunkSize: 3, maxResubmissions: 0 });
    const first = (await new Pool(options).map(flaky, t.tasks).catch((e: unknown) => e)) as MapError<number>;
    expect(first).toBeInstanceOf(MapError);
    expect(first.failures.map((f) => f.index)).toEqual([2, 7]);
    // Task 7's job now dies: its chunk is given up after the one attempt, keeping tasks 6 and 8.
    await t.setBad('exit 7');
    const second = (await new Pool(options).map(flaky, t.tasks).catch((e: unknown) => e)) as MapError<number>;
    expect(second.failures.map((f) => f.index)).toEqual([7]);
    expect(values(second)).toEqual([0, 10, 20, 30, 40, 50, 60, 'failed', 80]);
    await t.setBad('');
    expect(await new Pool(options).map(flaky, t.tasks)).toEqual(t.tasks.map((task) => task.x * 10));
    expect(await t.ran()).toEqual([0, 1, 2, 2, 3, 4, 5, 6, 7, 7, 7, 8]);
    const journal = await readJournal(path.join(options.workDir!, 'journal.jsonl'));
    expect(journal.flatMap((r) => (r.t === 'rerun' ? [[r.chunk, r.tasks]] : []))).toEqual([[0, [2]], [2, [1]], [2, [1]]]);
    // New jobs for the reruns only: chunk 1 was submitted once.
    const submitted = journal.flatMap((r) => (r.t === 'submit' ? r.chunks : [])).sort((a, b) => a - b);
    expect(submitted).toEqual([0, 0, 1, 2, 2, 2]);
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });

  it("a fixed fn runs the failed tasks only with rerunFailed 'any-fn'; the trace names each attempt's function version", async () => {
    const jobName = jobNameFor('rerunfn');
    const dir = path.join(folder.path, `${jobName}-files`);
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    const t = await rerunTasks(dir, 6, '');
    const options = realMapOptions(real, folder.path, jobName, { chunkSize: 2 });
    const buggy = async (task: RerunTask) => {
      const fs = await import('node:fs');
      fs.appendFileSync(task.runs, `${task.x}\n`);
      if (task.x % 3 === 2) throw new Error('off by one');
      return task.x * 10;
    };
    const fixed = async (task: RerunTask) => {
      const fs = await import('node:fs');
      fs.appendFileSync(task.runs, `${task.x}\n`);
      return task.x * 10;
    };
    const first = (await new Pool(options).map(buggy, t.tasks).catch((e: unknown) => e)) as MapError<number>;
    expect(first.failures.map((f) => f.index)).toEqual([2, 5]);
    await expect(new Pool(options).map(fixed, t.tasks)).rejects.toThrow(/rerunFailed: 'any-fn'/);
    expect(await new Pool({ ...options, rerunFailed: 'any-fn' }).map(fixed, t.tasks)).toEqual(t.tasks.map((task) => task.x * 10));
    expect(await t.ran()).toEqual([0, 1, 2, 2, 3, 4, 5, 5]);
    const { rows } = await readTrace(options.workDir!);
    const oldFn = rows[0]!.fn;
    const newFn = rows.at(-1)!.fn;
    expect(newFn).not.toBe(oldFn);
    expect(rows.map((r) => [r.taskId, r.attempt, r.tasks, r.fn, r.status])).toEqual([
      [0, 1, 2, oldFn, 'COMPLETED'],
      [1, 1, 2, oldFn, 'FAILED'],
      [1, 2, 1, newFn, 'COMPLETED'],
      [2, 1, 2, oldFn, 'FAILED'],
      [2, 2, 1, newFn, 'COMPLETED'],
    ]);
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });

  if (real.arrays) it('an elastic map run again: only the failed tasks run again, claimed by new workers', async () => {
    const jobName = jobNameFor('rerunel');
    const dir = path.join(folder.path, `${jobName}-files`);
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    const t = await rerunTasks(dir, 30, '3,17,18');
    const options = realMapOptions(real, folder.path, jobName, { maxWorkers: 2 });
    const first = (await new Pool(options).map(flaky, t.tasks).catch((e: unknown) => e)) as MapError<number>;
    expect(first.failures.map((f) => f.index)).toEqual([3, 17, 18]);
    const journal = await readJournal(path.join(options.workDir!, 'journal.jsonl'));
    expect(journal.some((r) => r.t === 'workers')).toBe(true);
    await t.setBad('');
    expect(await new Pool(options).map(flaky, t.tasks)).toEqual(t.tasks.map((task) => task.x * 10));
    expect(await t.ran()).toEqual([...t.tasks.map((task) => task.x), 3, 17, 18].sort((a, b) => a - b));
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });
}
