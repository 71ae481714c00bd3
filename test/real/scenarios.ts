/**
 * The scenarios every real scheduler must pass, written once and run for each flavor against
 * the daemons on this machine: a full map, a throwing task, the caller's environment and
 * resources reaching the job, a job deleted from outside, the scheduler's error/held states
 * (recovered, and with the limit exhausted), and abort leaving nothing in the queue.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AbortError, MapError, Pool, type PoolOptions, type Progress } from '../../src/index.js';
import { readJournal } from '../../src/resume/journal.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { startsPerLog as workerStarts } from '../helpers/unit-starts.js';

export interface RealFlavor {
  flavor: 'sge' | 'slurm' | 'pbs';
  commands?: Record<string, string>;
  /** Whether the flavor submits job arrays here (Slurm's PBS wrappers take one job per chunk). */
  arrays: boolean;
  /** Ids of this user's jobs with the given name still in the queue (not finished). */
  jobsNamed(name: string): Promise<string[]>;
  /** Ids of running jobs (or array elements) with the given name. */
  runningJobsNamed(name: string): Promise<string[]>;
  deleteFromOutside(jobId: string): Promise<void>;
  /** What an admin does to suspend a running job and let it go on (SGE qmod, Slurm scontrol). */
  suspension: {
    suspend(jobId: string): Promise<void>;
    resume(jobId: string): Promise<void>;
    /** Ids of suspended jobs (or array elements) with the given name. */
    suspendedJobsNamed(name: string): Promise<string[]>;
  };
  /** What the job sees of its resources, asked from inside the job (a shell command's output). */
  resourceProbe: string;
  /** Expected in the probe's output when resources = { walltime: 600, memory: '300M' } (and the queue). */
  resourceExpectations: RegExp[];
  queueName: string;
  /**
   * Puts the scheduler in its error/held state for this map: returns the options to add and a
   * hook called on progress, given the map's job name, which provokes it and later lets it go.
   */
  trouble: TroubleScenario;
}

export interface TroubleScenario {
  /** What the scheduler shows, for the assertion on the final message (e.g. /Eqw/). */
  shows: RegExp;
  /** Options for a map that meets the trouble `times` times and then runs. */
  setUp(folder: string, times: number | 'always'): Promise<{ options: PoolOptions; onProgress: (p: Progress, jobName: string) => Promise<void> }>;
}

const rich = (i: number) => ({
  i,
  when: new Date(Date.UTC(2026, 0, 1 + (i % 28))),
  tags: new Map([[`k${i}`, BigInt(i) ** 3n]]),
  samples: new Float64Array([i, i / 2]),
});

/**
 * A temporary folder for one block of scenarios, made before its tests and removed after them
 * (`folder.path` once the tests run).
 */
export function scenarioFolder(prefix: string): { readonly path: string } {
  let made: { path: string; cleanup: () => Promise<void> } | undefined;
  beforeAll(async () => {
    made = await temporaryFolder(prefix);
  });
  afterAll(async () => made?.cleanup());
  return {
    get path() {
      if (!made) throw new Error('scenarioFolder: used outside a test');
      return made.path;
    },
  };
}

/**
 * The options of a real-scheduler test map: its own work dir (kept) and job name in `folder`,
 * quick polls, a short grace for vanished jobs, no progress line.
 */
export function realMapOptions(real: RealFlavor, folder: string, jobName: string, extra: PoolOptions = {}): PoolOptions {
  return {
    flavor: real.flavor,
    ...(real.commands ? { commands: real.commands } : {}),
    workDir: path.join(folder, jobName),
    resources: { jobName },
    pollInterval: 500,
    maxPollInterval: 2000,
    missingGrace: 3000,
    keepWorkDir: 'always',
    progress: false,
    ...extra,
  };
}

/** A job name of its own for each map, so that a test finds its jobs in the queue by name. */
export const jobNameFor = (what: string) => `q${what}${randomBytes(3).toString('hex')}`;

export function realScenarios(real: RealFlavor): void {
  const folder = scenarioFolder(`qmr-real-${real.flavor}-`);
  const name = jobNameFor;
  const base = (jobName: string, extra: PoolOptions = {}): PoolOptions => ({
    flavor: real.flavor,
    ...(real.commands ? { commands: real.commands } : {}),
    workDir: path.join(folder.path, jobName),
    resources: { jobName, ...(extra.resources ?? {}) },
    pollInterval: 500,
    maxPollInterval: 2000,
    missingGrace: 3000,
    progress: false,
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'resources')),
  });

  it('maps hundreds of tasks in tens of chunks, keeping types and order', async () => {
    const jobName = name('full');
    const tasks = Array.from({ length: 240 }, (_, i) => rich(i));
    const out = await new Pool(base(jobName, { numChunks: 24 })).map(
      (t: ReturnType<typeof rich>) => ({
        i: t.i,
        day: t.when.getUTCDate(),
        cube: t.tags.get(`k${t.i}`)! + 1n,
        sum: t.samples[0]! + t.samples[1]!,
        job: process.env.QMR_JOB_ID,
      }),
      tasks,
    );
    expect(out.map((o) => o.i)).toEqual(tasks.map((t) => t.i));
    expect(out[7]).toMatchObject({ i: 7, day: 8, cube: 344n, sum: 10.5 });
    const jobs = new Set(out.map((o) => o.job));
    expect(jobs.size).toBe(24); // one job (array element) per chunk
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });

  // Only where arrays are submitted: Slurm's PBS wrappers take one job per chunk.
  if (real.arrays) it('runs at most maxRunning elements of an array at once', async () => {
    const jobName = name('throttle');
    // Each chunk records when it ran; with a limit of 1 on a two-slot queue no two overlap.
    const spans = await new Pool(base(jobName, { chunkSize: 1, maxRunning: 1 })).map(async (i: number) => {
      const start = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { i, start, end: Date.now() };
    }, [0, 1, 2]);
    const sorted = [...spans].sort((a, b) => a.start - b.start);
    for (let k = 1; k < sorted.length; k++) expect(sorted[k]!.start).toBeGreaterThanOrEqual(sorted[k - 1]!.end);
  });

  it('brings back a thrown error with its remote stack, chunk, job and logs', async () => {
    const jobName = name('throw');
    const error = (await new Pool(base(jobName, { chunkSize: 2 }))
      .map(function checkEven(x: number) {
        if (x === 3) throw new RangeError(`odd one out: ${x}`);
        return x;
      }, [0, 1, 2, 3])
      .catch((e: unknown) => e)) as MapError<number>;
    expect(error).toBeInstanceOf(MapError);
    expect(error.failures).toHaveLength(1);
    const failure = error.failures[0]!;
    expect(failure).toMatchObject({ index: 3, chunk: 1 });
    expect(failure.remote?.name).toBe('RangeError');
    expect(failure.remote?.stack).toMatch(/odd one out: 3\n\s+at checkEven/);
    expect(failure.jobId).toBeTruthy();
    expect(await readFile(failure.stderrPath, 'utf8')).toMatch(/chunk 1 \(tasks 2-3\) started as job/);
    expect(error.results[2]).toEqual({ status: 'fulfilled', value: 2 });
  });

  it('restores the environment, sources envScript, applies env, changes to workingDir and requests resources', async () => {
    const jobName = name('env');
    const hostile = `"'$(touch ${folder.path}/owned)'" \`id\`\nline 2 ü`;
    const envScript = path.join(folder.path, `${jobName}.sh`);
    await writeFile(envScript, 'export FROM_ENV_SCRIPT="sourced on $(hostname)"\n');
    const workingDir = path.join(folder.path, `${jobName}-cwd`);
    await mkdir(workingDir);
    process.env.QMR_REAL_HOSTILE_TEST = hostile;
    process.env.REAL_HOSTILE = hostile;
    try {
      const [seen] = await new Pool(
        base(jobName, {
          envScript,
          env: { FROM_OPTION: "it's here" },
          workingDir,
          resources: { walltime: 600, memory: '2G', queue: real.queueName },
        }),
      ).map(
        async (probe: string) => {
          const { execSync } = await import('node:child_process');
          return {
            hostile: process.env.REAL_HOSTILE,
            script: process.env.FROM_ENV_SCRIPT,
            option: process.env.FROM_OPTION,
            cwd: process.cwd(),
            resources: execSync(probe, { encoding: 'utf8' }),
          };
        },
        [real.resourceProbe],
      );
      expect(seen!.hostile).toBe(hostile);
      expect(seen!.script).toMatch(/^sourced on /);
      expect(seen!.option).toBe("it's here");
      expect(seen!.cwd).toBe(workingDir);
      for (const expected of real.resourceExpectations) expect(seen!.resources).toMatch(expected);
      await expect(readFile(path.join(folder.path, 'owned'))).rejects.toThrow();
    } finally {
      delete process.env.QMR_REAL_HOSTILE_TEST;
      delete process.env.REAL_HOSTILE;
    }
  });

  it('notices a running job deleted from outside, resubmits its chunk and still succeeds', async () => {
    const jobName = name('del');
    let deleted: string | undefined;
    const workDir = path.join(folder.path, jobName);
    const out = await new Pool(
      base(jobName, {
        chunkSize: 1,
        keepWorkDir: 'always',
        onProgress: (p) => {
          if (deleted !== undefined || p.chunksRunning === 0) return;
          deleted = '';
          void real.runningJobsNamed(jobName).then(async (ids) => {
            deleted = ids[0] ?? '';
            if (deleted) await real.deleteFromOutside(deleted);
          });
        },
      }),
    ).map(
      async (x: number) => {
        await new Promise((r) => setTimeout(r, 4000));
        return x * 3;
      },
      [1, 2, 3],
    );
    expect(out).toEqual([3, 6, 9]);
    expect(deleted).toBeTruthy();
    const journal = await readFile(path.join(workDir, 'journal.jsonl'), 'utf8');
    expect(journal).toMatch(/"t":"retire".*without writing a result/);
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });

  it('waits out a job suspended from outside until it is resumed, without resubmitting it', async () => {
    const jobName = name('susp');
    let target: string | undefined;
    let sawSuspended = false;
    let resumed = false;
    let last: Progress | undefined;
    // The tasks run until the test lets them end (after the resume), not for a fixed time: on a
    // busy machine a 4 s task could end before it was suspended, and qmod then found no job.
    const release = path.join(folder.path, `${jobName}-release`);
    const suspendOnce = async () => {
      const [id] = await real.runningJobsNamed(jobName);
      if (!id) {
        target = undefined; // not running yet after all: try at the next progress event
        return;
      }
      target = id;
      await real.suspension.suspend(id);
      for (let i = 0; i < 50 && !sawSuspended; i++) {
        sawSuspended = (await real.suspension.suspendedJobsNamed(jobName)).includes(id);
        if (!sawSuspended) await new Promise((r) => setTimeout(r, 200));
      }
      // Longer than stalledTimeout and a few polls: a suspended job is waited for, not replaced.
      await new Promise((r) => setTimeout(r, 20_000));
      await real.suspension.resume(id);
      resumed = true;
      await writeFile(release, '');
    };
    const out = await new Pool(
      base(jobName, {
        chunkSize: 1,
        keepWorkDir: 'always',
        // Below the suspension (20 s), and well above how long a loaded SGE shows a starting job
        // as `t` (4 s was not, on a busy machine: the starting job was replaced as stalled).
        stalledTimeout: 15_000,
        onProgress: (p) => {
          last = p;
          if (target !== undefined || p.chunksRunning === 0) return;
          target = '';
          // A failure here (the job gone before qmod) ends the tasks too; the assertions say what was missed.
          void suspendOnce().catch(() => writeFile(release, ''));
        },
      }),
    ).map(async (task: { x: number; release: string }) => {
      const { existsSync } = await import('node:fs');
      for (let waited = 0; !existsSync(task.release) && waited < 180_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
      return task.x * 5;
    }, [{ x: 1, release }, { x: 2, release }]);
    expect(out).toEqual([5, 10]);
    expect(target).toBeTruthy();
    expect(sawSuspended).toBe(true);
    expect(resumed).toBe(true);
    // The suspended job's chunk was submitted once: it was waited for, not replaced.
    const submits = (await readJournal(path.join(folder.path, jobName, 'journal.jsonl'))).flatMap((r) => (r.t === 'submit' ? [r] : []));
    const record = submits.find((r) => r.ids.includes(target!));
    expect(record).toBeDefined();
    const chunk = record!.chunks[record!.ids.indexOf(target!)]!;
    expect(submits.filter((r) => r.chunks.includes(chunk))).toHaveLength(1);
    expect(last?.tasksDone).toBe(2);
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });

  it(`resubmits a job in the scheduler's error or held state (${real.trouble.shows.source}) and succeeds`, async () => {
    const jobName = name('err');
    const { options, onProgress } = await real.trouble.setUp(folder.path, 1);
    const out = await new Pool(
      // Static chunks: the trouble hooks watch chunks held or resubmitted (elastic-scenarios.ts has workers).
      base(jobName, { ...options, elastic: false, onProgress: (p) => void onProgress(p, jobName), maxResubmissions: 5 }),
    ).map((x: number) => x + 1, [1, 2]);
    expect(out).toEqual([2, 3]);
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });

  it('fails clearly when the error state outlasts maxResubmissions, leaving no job behind', async () => {
    const jobName = name('lim');
    const { options, onProgress } = await real.trouble.setUp(folder.path, 'always');
    const error = (await new Pool(
      base(jobName, { ...options, elastic: false, onProgress: (p) => void onProgress(p, jobName), maxResubmissions: 2 }),
    )
      .map((x: number) => x, [1])
      .catch((e: unknown) => e)) as MapError;
    expect(error).toBeInstanceOf(MapError);
    expect(error.message).toMatch(/gave up after 3 attempts \(maxResubmissions is 2\)/);
    expect(error.message).toMatch(real.trouble.shows);
    expect(error.message).toMatch(/logs: /);
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });

  it('aborts: every job of the map leaves the queue', async () => {
    const jobName = name('abort');
    const controller = new AbortController();
    const pool = new Pool(base(jobName, { chunkSize: 1, signal: controller.signal }));
    const running = pool.map(() => new Promise((r) => setTimeout(r, 120_000)), [1, 2, 3, 4, 5]);
    // Abort once the scheduler has the jobs.
    for (let i = 0; i < 100 && (await real.jobsNamed(jobName)).length === 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect((await real.jobsNamed(jobName)).length).toBeGreaterThan(0);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });
}

const INDEX_JS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'src', 'index.js');

/** Starts a map in a child process (so that it can be killed), with a slow module function. */
export async function mapInChild(real: RealFlavor, folder: string, jobName: string, extra: PoolOptions = {}) {
  const workDir = path.join(folder, jobName);
  const module = path.join(folder, `${jobName}-slow.mjs`);
  await writeFile(module, 'export async function slow(x) { await new Promise((r) => setTimeout(r, 2500)); return x * 10; }\n');
  const options: PoolOptions = {
    flavor: real.flavor,
    ...(real.commands ? { commands: real.commands } : {}),
    workDir,
    keepWorkDir: 'always',
    chunkSize: 1,
    pollInterval: 500,
    maxPollInterval: 2000,
    missingGrace: 3000,
    resources: { jobName },
    ...extra,
  };
  const script = path.join(folder, `${jobName}.mjs`);
  await writeFile(
    script,
    `import { Pool } from ${JSON.stringify(INDEX_JS)};\n` +
      `const out = await new Pool(${JSON.stringify(options)}).map({ module: ${JSON.stringify(module)}, export: 'slow' }, [0, 1, 2, 3, 4, 5]);\n` +
      'console.log(JSON.stringify(out));\n',
  );
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, workDir, module, options, stderr: () => stderr };
}

export async function resultsIn(workDir: string): Promise<string[]> {
  return (await readdir(path.join(workDir, 'results')).catch(() => [] as string[])).filter((n) => n.endsWith('.result'));
}


/** Scenarios of a map whose submitting process is killed or interrupted (issue: operations). */
export function realInterruptionScenarios(real: RealFlavor): void {
  const folder = scenarioFolder(`qmr-real-${real.flavor}-kill-`);
  const name = jobNameFor;

  it('survives SIGKILL of the submitting process: resumed, no chunk computed twice, same results', async () => {
    const jobName = name('kill');
    const started = await mapInChild(real, folder.path, jobName);
    for (let i = 0; i < 600 && (await resultsIn(started.workDir)).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    started.child.kill('SIGKILL');
    await started.exited;
    expect((await resultsIn(started.workDir)).length).toBeGreaterThanOrEqual(2);
    expect((await resultsIn(started.workDir)).length).toBeLessThan(6);
    const out = await new Pool({ ...started.options, progress: false }).map({ module: started.module, export: 'slow' }, [0, 1, 2, 3, 4, 5]);
    expect(out).toEqual([0, 10, 20, 30, 40, 50]);
    const starts = await workerStarts(started.workDir);
    expect(Object.keys(starts)).toHaveLength(6);
    for (const [log, count] of Object.entries(starts)) expect([log, count]).toEqual([log, 1]);
    const journal = await readFile(path.join(started.workDir, 'journal.jsonl'), 'utf8');
    expect(journal).toContain('"t":"resume"');
    expect(await jobsLeft(real, jobName)).toEqual([]);
  });

  it('stops on Ctrl-C (SIGINT): cancels every job, records it, exits with status 130', async () => {
    const jobName = name('int');
    const started = await mapInChild(real, folder.path, jobName);
    for (let i = 0; i < 100 && (await real.jobsNamed(jobName)).length === 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect((await real.jobsNamed(jobName)).length).toBeGreaterThan(0);
    started.child.kill('SIGINT');
    const { code, signal } = await started.exited;
    expect(code === 130 || signal === 'SIGINT').toBe(true);
    expect(started.stderr()).toMatch(/SIGINT received, stopping 1 map/);
    expect(await jobsLeft(real, jobName)).toEqual([]);
    const journal = await readFile(path.join(started.workDir, 'journal.jsonl'), 'utf8');
    expect(journal).toMatch(/"t":"end"[^\n]*"outcome":"aborted"/);
  });

  it('with keepJobsOnExit, SIGTERM leaves the jobs running for a later resume', async () => {
    const jobName = name('keep');
    const started = await mapInChild(real, folder.path, jobName, { keepJobsOnExit: true });
    for (let i = 0; i < 100 && (await real.jobsNamed(jobName)).length === 0; i++) await new Promise((r) => setTimeout(r, 200));
    started.child.kill('SIGTERM');
    await started.exited;
    const journal = await readFile(path.join(started.workDir, 'journal.jsonl'), 'utf8');
    expect(journal).toMatch(/"outcome":"detached"/);
    // The jobs are still there (or already done), and a resume collects everything.
    const out = await new Pool({ ...started.options, keepJobsOnExit: false, progress: false }).map({ module: started.module, export: 'slow' }, [0, 1, 2, 3, 4, 5]);
    expect(out).toEqual([0, 10, 20, 30, 40, 50]);
    for (const count of Object.values(await workerStarts(started.workDir))) expect(count).toBe(1);
  });
}

/**
 * The map's jobs still in the queue, waiting up to 15 s for them to go: a job whose result is in
 * stays listed while its process exits (SGE shows `r`/`t`, then nothing, about a second later),
 * and a cancelled one while the scheduler kills it (`dr`).
 */
export async function jobsLeft(real: RealFlavor, jobName: string): Promise<string[]> {
  let left: string[] = [];
  for (let i = 0; i < 60; i++) {
    left = await real.jobsNamed(jobName);
    if (left.length === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return left;
}

/**
 * A working dir that is missing for the first `times` submissions, then appears. SGE holds such a
 * job in Eqw; elsewhere job.sh fails to change into it, and the job ends without a result.
 */
export function missingWorkingDir(shows: RegExp): TroubleScenario {
  return {
    shows,
    async setUp(folder, times) {
      const dir = path.join(folder, `late-dir-${randomBytes(3).toString('hex')}`);
      await rm(dir, { recursive: true, force: true });
      let seen = 0;
      return {
        options: { workingDir: dir, heldTimeout: 1000 },
        onProgress: async (p) => {
          // An error state (SGE Eqw) shows as held; a job that fails in job.sh, as a resubmission.
          if (times === 'always' || (p.chunksHeld === 0 && p.resubmissions === 0)) return;
          seen += 1;
          if (seen >= times) await mkdir(dir, { recursive: true });
        },
      };
    },
  };
}
