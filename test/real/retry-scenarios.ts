/**
 * Retry by cause on a real scheduler: a job killed for running past its memory (or time)
 * request is resubmitted with the request raised, and the map succeeds; the journal shows the
 * raised request and why. Written once, run for SGE and Slurm with each one's way of killing:
 * Slurm's cgroup kills a job over --mem (OUT_OF_MEMORY) and ends one over --time (TIMEOUT); SGE's
 * h_vmem is a per-process address-space limit under which node cannot even start, which the
 * job's log shows (docs/research/OOM-TIMELIMIT-FINDINGS.md has what each scheduler printed here).
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { Pool, type PoolOptions, type Resources } from '../../src/index.js';
import { readJournal, type JournalRecord } from '../../src/resume/journal.js';
import { jobNameFor, jobsLeft, realMapOptions, scenarioFolder, type RealFlavor } from './scenarios.js';

export interface RetryExpectations {
  /** A memory request the first attempt dies under, and the megabytes the task holds. */
  memory: { request: string; taskMegabytes: number };
  /** The retire reason's words for the memory kill (the scheduler's or the log's). */
  memoryShows: RegExp;
  /** A walltime the task outlives, and how long the task sleeps (omit to skip the time-limit case). */
  walltime?: { request: number; taskSeconds: number };
}

const of = <T extends JournalRecord['t']>(records: JournalRecord[], t: T) => records.filter((r): r is Extract<JournalRecord, { t: T }> => r.t === t);

export function realRetryScenarios(real: RealFlavor, expected: RetryExpectations): void {
  const folder = scenarioFolder(`qmr-real-${real.flavor}-retry-`);
  const base = (jobName: string, resources: Resources, extra: PoolOptions = {}): PoolOptions =>
    // node killed at start-up under SGE's h_vmem dumps core in the working directory.
    realMapOptions(real, folder.path, jobName, { workingDir: folder.path, resources: { jobName, ...resources }, ...extra });
  // Holds `mb` megabytes resident (every page written) for a moment, then answers.
  const hold = async (task: { i: number; mb: number }) => {
    const block = Buffer.alloc(task.mb * 1024 * 1024, 1);
    await new Promise((r) => setTimeout(r, 500));
    return task.i + block[0]! - 1;
  };

  for (const elastic of [false, true]) {
    it(`retry (${elastic ? 'elastic workers' : 'static chunks'}): a job killed for memory is resubmitted with memory doubled until it fits`, async () => {
      const jobName = jobNameFor(elastic ? 'rtmel' : 'rtmem');
      const options = base(jobName, { memory: expected.memory.request }, elastic ? {} : { elastic: false, chunkSize: 1 });
      const tasks = [{ i: 0, mb: 1 }, { i: 1, mb: expected.memory.taskMegabytes }];
      const out = await new Pool(options).map(hold, tasks);
      expect(out).toEqual([0, 1]);
      const records = await readJournal(path.join(options.workDir!, 'journal.jsonl'));
      const submissions = elastic ? of(records, 'workers') : of(records, 'submit');
      const raised = submissions.filter((r) => r.resources !== undefined);
      expect(raised.length).toBeGreaterThan(0);
      expect(raised[0]!.resources!.memory).not.toBe(expected.memory.request);
      // Each raise doubles the request before it: per chunk (static), or the fleet's (elastic).
      // Judged per chunk, not per submit: chunks killed at the same request are raised in one
      // submit or in several, as the kills happen to land between polls (a busy machine spreads them).
      const first = Number.parseInt(expected.memory.request, 10);
      const mb = (r: { resources?: Resources }) => Number.parseInt(String(r.resources!.memory), 10);
      const series = elastic
        ? [[...new Set(raised.map(mb))]]
        : [0, 1].map((chunk) => of(records, 'submit').filter((r) => r.chunks.includes(chunk) && r.resources !== undefined).map(mb));
      for (const asked of series) asked.forEach((m, k) => expect(m).toBe(first * 2 ** (k + 1)));
      const why = elastic ? of(records, 'worker-end').map((r) => r.reason ?? '') : of(records, 'retire').map((r) => r.reason);
      expect(why.join('\n')).toMatch(expected.memoryShows);
      expect(why.join('\n')).toMatch(/memory \d+M → \d+M/);
      expect(await jobsLeft(real, jobName)).toEqual([]);
    });
  }

  const walltime = expected.walltime;
  if (walltime) {
    it('retry: a job killed at its time limit is resubmitted with the walltime doubled', async () => {
      const jobName = jobNameFor('rttime');
      const options = base(jobName, { walltime: walltime.request }, { elastic: false, chunkSize: 1 });
      const out = await new Pool(options).map(async (s: number) => {
        await new Promise((r) => setTimeout(r, s * 1000));
        return s;
      }, [walltime.taskSeconds]);
      expect(out).toEqual([walltime.taskSeconds]);
      const records = await readJournal(path.join(options.workDir!, 'journal.jsonl'));
      const raised = of(records, 'submit').filter((r) => r.resources !== undefined);
      expect(raised.map((r) => r.resources!.walltime)).toEqual([walltime.request * 2]);
      expect(of(records, 'retire').map((r) => r.reason).join('\n')).toMatch(/TIMEOUT|time limit/i);
    }, (walltime.request * 3 + walltime.taskSeconds + 120) * 1000);
  }
}
