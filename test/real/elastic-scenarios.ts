/**
 * Elastic maps on a real scheduler (the default when neither chunkSize nor numChunks is given):
 * one array of worker jobs claims units from the work dir. Written once, run for SGE and Slurm:
 * uneven tasks pulled in claims, a worker deleted from outside in the middle of a claim, the
 * submitting process killed and the map resumed, and abort.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { AbortError, Pool, type PoolOptions } from '../../src/index.js';
import { readJournal, type JournalRecord } from '../../src/resume/journal.js';
import { jobNameFor, jobsLeft, mapInChild, realMapOptions, resultsIn, scenarioFolder, type RealFlavor } from './scenarios.js';
import { unitStarts } from '../helpers/unit-starts.js';

const of = <T extends JournalRecord['t']>(records: JournalRecord[], t: T) => records.filter((r): r is Extract<JournalRecord, { t: T }> => r.t === t);

export function realElasticScenarios(real: RealFlavor): void {
  const folder = scenarioFolder(`qmr-real-${real.flavor}-elastic-`);
  const name = jobNameFor;
  const base = (jobName: string, extra: PoolOptions = {}): PoolOptions => realMapOptions(real, folder.path, jobName, extra);

  it('elastic: pulls uneven tasks in claims from one array of workers, each task run once', async () => {
    const jobName = name('eluneven');
    const tasks = Array.from({ length: 40 }, (_, i) => ({ i, ms: i % 8 === 5 ? 2000 : 100 }));
    const out = await new Pool(base(jobName)).map(async (t: { i: number; ms: number }) => {
      await new Promise((r) => setTimeout(r, t.ms));
      return t.i * 2;
    }, tasks);
    expect(out).toEqual(tasks.map((t) => t.i * 2));
    const workDir = path.join(folder.path, jobName);
    const journal = await readJournal(path.join(workDir, 'journal.jsonl'));
    const workers = of(journal, 'workers');
    expect(workers).toHaveLength(1); // one array of workers for the whole map
    expect(workers[0]!.ids).toHaveLength(2); // the 2 slots of this machine
    const starts = await unitStarts(workDir);
    expect(starts.size).toBe(40);
    expect([...starts.values()].every((n) => n === 1)).toBe(true);
    // Work was pulled in several claims per worker, not split up front.
    let claims = 0;
    for (const n of (await readdir(path.join(workDir, 'logs'))).filter((f) => /^worker-\d+\.err$/.test(f))) {
      claims += ((await readFile(path.join(workDir, 'logs', n), 'utf8')).match(/claimed \d+ units?/g) ?? []).length;
    }
    expect(claims).toBeGreaterThan(2);
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });

  it('elastic: a worker deleted from outside mid-claim: its unfinished units run once more, results right', async () => {
    const jobName = name('eldel');
    const workDir = path.join(folder.path, jobName);
    let victim: string | undefined;
    const tasks = Array.from({ length: 24 }, (_, i) => i);
    const running = new Pool(base(jobName)).map(async (i: number) => {
      await new Promise((r) => setTimeout(r, 1000));
      return i * 7;
    }, tasks);
    // Once a worker holds a claim and runs, delete it the way a user or an admin would.
    for (let k = 0; k < 600 && victim === undefined; k++) {
      const claims = of(await readJournal(path.join(workDir, 'journal.jsonl')), 'submit');
      const runningIds = await real.runningJobsNamed(jobName);
      victim = claims.flatMap((c) => c.ids).find((id) => runningIds.includes(id));
      if (victim === undefined) await new Promise((r) => setTimeout(r, 200));
    }
    expect(victim).toBeDefined();
    await real.deleteFromOutside(victim!);
    expect(await running).toEqual(tasks.map((i) => i * 7));
    const journal = await readJournal(path.join(workDir, 'journal.jsonl'));
    expect(of(journal, 'worker-end').filter((r) => r.how === 'failed').map((r) => r.job)).toContain(victim);
    const retired = of(journal, 'retire');
    expect(retired.length).toBeGreaterThan(0);
    for (const r of retired) expect(r.job).toBe(victim);
    const starts = await unitStarts(workDir);
    const rerun = [...starts].filter(([, n]) => n > 1).map(([unit]) => unit);
    for (const unit of rerun) {
      expect(starts.get(unit)).toBe(2);
      expect(retired.map((r) => r.chunk)).toContain(unit);
    }
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });

  it('elastic: survives SIGKILL of the submitting process; the resumed map computes no finished task again', async () => {
    const jobName = name('elkill');
    const started = await mapInChild(real, folder.path, jobName, { chunkSize: undefined });
    for (let i = 0; i < 600 && (await resultsIn(started.workDir)).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    started.child.kill('SIGKILL');
    await started.exited;
    expect((await resultsIn(started.workDir)).length).toBeGreaterThanOrEqual(2);
    const { chunkSize: _static, ...options } = started.options;
    const out = await new Pool({ ...options, progress: false }).map({ module: started.module, export: 'slow' }, [0, 1, 2, 3, 4, 5]);
    expect(out).toEqual([0, 10, 20, 30, 40, 50]);
    const starts = await unitStarts(started.workDir);
    expect(starts.size).toBe(6);
    for (const [unit, count] of starts) expect([unit, count]).toEqual([unit, 1]);
    const journal = await readJournal(path.join(started.workDir, 'journal.jsonl'));
    expect(journal.some((r) => r.t === 'resume')).toBe(true);
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });

  it('elastic: aborts, and every worker job leaves the queue', async () => {
    const jobName = name('elabort');
    const controller = new AbortController();
    const running = new Pool(base(jobName, { signal: controller.signal })).map(() => new Promise((r) => setTimeout(r, 120_000)), Array.from({ length: 30 }, (_, i) => i));
    for (let i = 0; i < 100 && (await real.jobsNamed(jobName)).length === 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect((await real.jobsNamed(jobName)).length).toBeGreaterThan(0);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });
}
