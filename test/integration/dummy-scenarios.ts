/**
 * Whole maps of the Pool against the emulated schedulers (dummy-queue), written once and run for
 * each flavor and dialect by test/integration/dummy-<flavor>.test.ts: a full map (order, rich
 * types, async and module functions, call counts), a throwing task and keepWorkDir, the
 * scheduler's error and held states (recovered, and past maxResubmissions), vanished and
 * early-gone jobs, a lagging history, failing, hanging and chatty status commands, failing
 * submits, abort, jobs killed at their memory or time request (retried with it raised), and
 * a map run again after tasks failed (only they run again, with a fixed fn if the user says so).
 * Every failure scenario also checks that no job is left in the emulator.
 *
 * Each test has its own emulated cluster (state file, dispatcher). The pool finds it through
 * wrapper scripts that set QMR_DUMMY_STATE and exec the emulator's command: the pool runs its
 * commands with this process's environment, and the tests of a file run concurrently, each on
 * its own cluster. The emulator runs the compiled code in dist/: build first (npm test does).
 */
import { readJournal } from '../../src/resume/journal.js';
import { readTrace, type RunTrace } from '../../src/trace/read-trace.js';
import { waitFor } from '../helpers/wait-for.js';
import { flaky, rerunTasks, type RerunTask } from '../helpers/rerun-tasks.js';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import { DummyQueue, type FaultSpec, type Flavor, type Job, type Settings } from '../../dummy-queue/src/control.js';
import { shellQuote } from '../../src/protocol/job-script.js';
import { AbortError, MapError, Pool, QueueCommandError, type PoolOptions, type Progress } from '../../src/index.js';
import { pollerFor } from '../../src/map/poller.js';
import { openQueue } from '../../src/queues/registry.js';
import { assertBuilt } from '../dummy-queue/helpers.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { startsPerLog, unitStarts } from '../helpers/unit-starts.js';
import { mapWithGarbageResult, setAside } from '../helpers/garbage-result.js';

/** How many times each chunk's job started, in chunk order (static chunks: one log per chunk). */
export const workerStarts = async (workDir: string) => Object.values(await startsPerLog(workDir, /^chunk-\d+\.err$/));

/** What the scenarios need to know about one flavor (or dialect) of the emulator. */
export interface DummyTarget {
  /** Name in test titles and folder names. */
  label: string;
  flavor: Flavor;
  /** Emulator settings for every cluster of this target (PBS dialect, Slurm accounting). */
  settings?: Partial<Settings>;
  /** Pool options for every map of this target. */
  options?: PoolOptions;
  submitCommand: string;
  statusCommand: string;
  /** The command the pool asks about jobs that left the queue, where it is not the status command. */
  historyCommand?: string;
  /** Whether that history answers (false: Slurm without accounting, asked once, then never again). */
  historyAnswers?: boolean;
  /** Calls of the status command outside polls: SGE's queue size (`qstat -g c`), PBS's `qstat --version`. */
  statusCallsOutsidePolls: number;
  /** What the scheduler shows for a job in its error state, as the pool words it in messages. */
  errorShows: RegExp;
  /** The emulator's "server down" answer of the status command. */
  statusFail: { exitCode: number; stderr: RegExp };
}

export type ScenarioName =
  | 'full'
  | 'accounting'
  | 'throw'
  | 'error-recovers'
  | 'error-exhausted'
  | 'held-recovers'
  | 'held-exhausted'
  | 'vanish'
  | 'early-gone'
  | 'status-fail-passing'
  | 'status-fail-persistent'
  | 'status-hang'
  | 'status-warning'
  | 'submit-fail-passing'
  | 'submit-fail-later'
  | 'abort'
  | 'elastic-end'
  | 'limit-memory'
  | 'limit-walltime'
  | 'elastic-limit-memory'
  | 'elastic-full'
  | 'elastic-crash'
  | 'elastic-error-recovers'
  | 'elastic-error-exhausted'
  | 'elastic-abort'
  | 'rerun-failed'
  | 'elastic-rerun-failed'
  | 'unreadable-result'
  | 'elastic-unreadable-result';

/** The scenarios of static chunks (all but the elastic ones). */
export const STATIC_SCENARIOS: readonly ScenarioName[] = [
  'full', 'accounting', 'throw', 'error-recovers', 'error-exhausted', 'held-recovers', 'held-exhausted', 'vanish', 'early-gone',
  'status-fail-passing', 'status-fail-persistent', 'status-hang', 'status-warning', 'submit-fail-passing', 'submit-fail-later',
  'abort', 'limit-memory', 'limit-walltime', 'rerun-failed',
];

const WORK_MODULE = path.join(FIXTURES, 'modules', 'work.mjs');
const DUMMY_WORK = path.join(FIXTURES, 'modules', 'dummy-work.mjs');

interface Rich {
  i: number;
  when: Date;
  tags: Map<string, bigint>;
  samples: Float64Array;
  bytes: Uint8Array;
}

const rich = (i: number): Rich => ({
  i,
  when: new Date(Date.UTC(2026, 0, 1 + (i % 28))),
  tags: new Map([[`k${i}`, BigInt(i) ** 3n]]),
  samples: new Float64Array([i, i / 2]),
  bytes: new Uint8Array([i % 256, 255]),
});

type JournalRecord = { t: string; [key: string]: unknown };

export async function journalOf(workDir: string): Promise<JournalRecord[]> {
  return (await readJournal(path.join(workDir, 'journal.jsonl'))) as unknown as JournalRecord[];
}


/**
 * Tasks still waiting, held, in error or running in the emulator, after giving cancelled ones up
 * to 15 s to end (a killed task gets SIGTERM, then SIGKILL after killGrace).
 */
export async function jobsLeft(queue: DummyQueue): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const left = (await queue.jobs()).flatMap((job) =>
      job.tasks.filter((t) => t.state !== 'finished' && t.state !== 'vanished').map((t) => `${job.id}[${t.index ?? '-'}] ${t.state}`),
    );
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}


/**
 * The emulator's commands for this flavor, each behind a wrapper that points it at this cluster:
 * the pool runs commands with this process's environment, which the tests share.
 */
async function wrapCommands(queue: DummyQueue, flavor: Flavor, dir: string): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true });
  const wrapped: Record<string, string> = {};
  for (const [name, target] of Object.entries(await queue.commands(flavor))) {
    const file = path.join(dir, name);
    await writeFile(file, `#!/bin/sh\nQMR_DUMMY_STATE=${shellQuote(queue.statePath)}\nexport QMR_DUMMY_STATE\nexec ${shellQuote(target)} "$@"\n`);
    await chmod(file, 0o755);
    wrapped[name] = file;
  }
  return wrapped;
}

/**
 * What a job asked the emulated scheduler for, in its submit command's words (from what the
 * front recorded of the call), and how a request raised from 1G to 2048M and from 600 s to
 * 1200 s shows there. Every flavor can express both causes (HTCondor's walltime is the
 * periodic_remove the pool submits).
 */
const asked = (job: Job) => job.attributes as Record<string, unknown>;
const REQUESTS: Record<Flavor, { text: (job: Job) => string; memory: RegExp; walltime: RegExp }> = {
  sge: { text: (j) => (asked(j).resources as string[]).map((r) => `-l ${r}`).join(' '), memory: /h_vmem=2048M\b/, walltime: /h_rt=00:20:00\b/ },
  slurm: { text: (j) => `--mem=${String(asked(j).memory)} --time=${String(asked(j).timeLimitMinutes)}`, memory: /--mem=2048M\b/, walltime: /--time=20\b/ },
  pbs: { text: (j) => (asked(j).resources as string[]).map((r) => `-l ${r}`).join(' '), memory: /mem=2048mb\b/, walltime: /walltime=00:20:00\b/ },
  lsf: { text: (j) => `-M ${String(asked(j).memLimit)} -R ${String(asked(j).resourceReq)} -W ${String(asked(j).runLimitMinutes)}`, memory: /-M 2048MB\b/, walltime: /-W 20\b/ },
  htcondor: { text: (j) => `request_memory = ${String(asked(j).requestMemory)}\nperiodic_remove = ${String(asked(j).periodicRemove)}`, memory: /request_memory = 2048\b/, walltime: /> 1200\)/ },
};

export const firedOf = async (queue: DummyQueue, kind: FaultSpec['kind']) => (await queue.fired()).filter((f) => f.kind === kind);

/** A fresh emulated cluster for one test under `root`, stopped when the test ends. */
export async function dummyCluster(root: string, target: DummyTarget, ctx: TestContext, what: string, settings: Partial<Settings> = {}) {
  const dir = path.join(root, what);
  await mkdir(dir, { recursive: true });
  const queue = await DummyQueue.create(dir, { slots: 4, keepFinished: 30, idleExit: 3, ...target.settings, ...settings });
  ctx.onTestFinished(() => queue.stop());
  const commands = await wrapCommands(queue, target.flavor, path.join(dir, 'bin'));
  const workDir = path.join(dir, 'work');
  const options = (extra: PoolOptions = {}): PoolOptions => ({
    flavor: target.flavor,
    commands,
    workDir,
    pollInterval: 200,
    maxPollInterval: 1000,
    missingGrace: 3000,
    progress: false,
    ...target.options,
    ...extra,
  });
  return { queue, dir, workDir, commands, options };
}

export function dummyScenarios(target: DummyTarget, only?: readonly ScenarioName[]): void {
  let root: string | undefined;
  beforeAll(async () => {
    assertBuilt();
    root = await mkdtemp(path.join(tmpdir(), `qmr-dummy-${target.label.replace(/\W+/g, '-')}-`));
  });
  // A status call the pool started before its map ended may still be writing its cluster's state
  // file: retry the removal rather than leave a half-removed folder behind.
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  const cluster = (ctx: TestContext, what: string, settings: Partial<Settings> = {}) => dummyCluster(root!, target, ctx, what, settings);

  const scenario = (name: ScenarioName, title: string, body: (ctx: TestContext) => Promise<void>) => {
    if (!only || only.includes(name)) it(title, body);
  };

  // Concurrent: the tests mostly wait for jobs and polls. The longest come first, so that they
  // start at once (at most 5 tests run at a time).
  describe.concurrent(`${target.label} (emulated): whole maps`, () => {
    scenario('error-exhausted', 'gives up on a chunk in the error state 11 times (maxResubmissions 10), naming it and its logs, leaving no job behind', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'error-exhausted');
      await c.queue.addFault({ kind: 'error', chunk: 0, times: 11 });
      const error = (await new Pool(c.options({ chunkSize: 1, maxResubmissions: 10, heldTimeout: 300 }))
        .map((x: number) => x, [1])
        .catch((e: unknown) => e)) as MapError;
      expect(error).toBeInstanceOf(MapError);
      const failure = error.failures[0]!;
      expect(failure).toMatchObject({ index: 0, chunk: 0 });
      expect(error.message).toMatch(/task 0 \(chunk 0, job [^)]+\): chunk 0 gave up after 11 attempts \(maxResubmissions is 10\)/);
      expect(error.message).toMatch(target.errorShows);
      expect(error.message).toContain(`logs: ${failure.stdoutPath} ${failure.stderrPath}`);
      expect(await firedOf(c.queue, 'error')).toHaveLength(11);
      expect(await c.queue.jobs()).toHaveLength(11);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('status-fail-persistent', 'rejects when the status command keeps failing, with its command line, exit code and stderr; cancels every job', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'status-fail-persistent');
      await c.queue.addFault({ kind: 'statusFail', times: 10_000, command: target.statusCommand });
      const error = (await new Pool(c.options({ chunkSize: 1, maxStatusFailures: 2 }))
        .map({ module: DUMMY_WORK, export: 'slow' }, [{ x: 1, ms: 120_000 }, { x: 2, ms: 120_000 }])
        .catch((e: unknown) => e)) as QueueCommandError;
      expect(error).toBeInstanceOf(QueueCommandError);
      expect(error.message).toMatch(new RegExp(`the ${target.flavor} status command failed 2 polls in a row \\(maxStatusFailures\\)`));
      expect(error.message).toContain(c.commands[target.statusCommand]!);
      expect(error.message).toContain(`exited with ${target.statusFail.exitCode}`);
      expect(error.message).toMatch(target.statusFail.stderr);
      expect(error.exitCode).toBe(target.statusFail.exitCode);
      expect(error.stderr).toMatch(target.statusFail.stderr);
      expect(await jobsLeft(c.queue)).toEqual([]);
      expect((await c.queue.jobs()).flatMap((j) => j.tasks.map((t) => t.outcome))).toEqual(['cancelled', 'cancelled']);
    });

    scenario('status-hang', 'kills a hung status command after commandTimeout and asks again', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'status-hang');
      // The hang (600 s) is far past commandTimeout, and commandTimeout, which bounds every command
      // (the submit too), is far past what an emulated command takes on a loaded machine (a 3 s
      // one killed a slow bsub there): only the hung calls can run into it.
      await c.queue.addFault({ kind: 'statusHang', seconds: 600, times: 2, command: target.statusCommand });
      // The tasks end only after a third status call: one made after both hangs.
      const wait = { statePath: c.queue.statePath, kind: 'statusHang', count: 2, command: target.statusCommand, calls: 3 };
      // maxStatusFailures 1: the timeouts are retried within a poll, not counted as failed polls.
      const out = await new Pool(c.options({ chunkSize: 1, commandTimeout: 15_000, maxStatusFailures: 1 })).map({ module: DUMMY_WORK, export: 'afterFaults' }, [{ x: 1, ...wait }]);
      expect(out).toEqual([10]);
      expect(await firedOf(c.queue, 'statusHang')).toHaveLength(2);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('error-recovers', "resubmits a chunk put into the scheduler's error state 3 times and succeeds (maxResubmissions 10)", async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'error-recovers');
      await c.queue.addFault({ kind: 'error', chunk: 0, times: 3 });
      let last: Progress | undefined;
      // heldTimeout: PBS shows its error state as a hold (H with a comment).
      const out = await new Pool(c.options({ chunkSize: 1, maxResubmissions: 10, heldTimeout: 300, keepWorkDir: 'always', onProgress: (p) => (last = p) })).map((x: number) => x * 2, [1, 2]);
      expect(out).toEqual([2, 4]);
      expect(await firedOf(c.queue, 'error')).toHaveLength(3);
      expect(last?.resubmissions).toBe(3);
      const retired = (await journalOf(c.workDir)).filter((r) => r.t === 'retire');
      expect(retired.map((r) => r.chunk)).toEqual([0, 0, 0]);
      expect(await workerStarts(c.workDir)).toEqual([1, 1]);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    for (const resource of ['memory', 'walltime'] as const) {
      scenario(`limit-${resource}`, `resubmits a chunk killed for running past its ${resource} request with the request doubled, in a submission of its own`, async (ctx) => {
        const { expect } = ctx;
        const c = await cluster(ctx, `limit-${resource}`);
        await c.queue.addFault({ kind: 'limit', resource, chunk: 1, times: 1 });
        const out = await new Pool(c.options({ elastic: false, chunkSize: 1, keepWorkDir: 'always', resources: { memory: '1G', walltime: 600 } })).map((x: number) => x * 2, [1, 2, 3]);
        expect(out).toEqual([2, 4, 6]);
        expect(await firedOf(c.queue, 'limit')).toHaveLength(1);
        const journal = await journalOf(c.workDir);
        const submits = journal.filter((r) => r.t === 'submit');
        expect(submits).toHaveLength(2);
        const raised = submits[1]!;
        expect(raised.chunks).toEqual([1]);
        expect(raised.resources).toMatchObject(resource === 'memory' ? { memory: '2048M', walltime: 600 } : { memory: '1G', walltime: 1200 });
        expect(submits[0]!.resources).toBeUndefined();
        const retires = journal.filter((r) => r.t === 'retire');
        expect(retires).toHaveLength(1);
        expect(retires[0]).toMatchObject({ chunk: 1 });
        // What happened, in one unit per quantity, and no advice to do what the retry already did.
        expect(retires[0]!.reason).toContain(resource === 'memory' ? 'memory 1024M → 2048M' : 'walltime 00:10:00 → 00:20:00');
        expect(retires[0]!.reason).not.toMatch(/raise resources\./);
        // The scheduler was asked for the raised request by the resubmission only.
        const jobs = [...(await c.queue.jobs())].sort((a, b) => a.id - b.id);
        expect(jobs).toHaveLength(2);
        const request = REQUESTS[target.flavor];
        expect(request.text(jobs[0]!)).not.toMatch(request[resource]);
        expect(request.text(jobs[1]!)).toMatch(request[resource]);
        expect((await c.queue.calls())[target.submitCommand]).toBe(2);
        expect(await jobsLeft(c.queue)).toEqual([]);
      });
    }

    scenario('full', 'maps hundreds of tasks in order with rich types, async and module functions; one submit per array, at most one status call per poll', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'full');
      const pool = new Pool(c.options({ numChunks: 5, keepWorkDir: 'always' }));
      const tasks = Array.from({ length: 300 }, (_, i) => rich(i));
      const out = await pool.map(async (t: Rich) => {
        await new Promise((r) => setTimeout(r, 1));
        return {
          i: t.i,
          day: t.when.getUTCDate(),
          cube: t.tags.get(`k${t.i}`)! + 1n,
          sum: t.samples[0]! + t.samples[1]!,
          back: t,
          job: process.env.QMR_JOB_ID,
        };
      }, tasks);
      expect(out.map((o) => o.i)).toEqual(tasks.map((t) => t.i));
      expect(out[7]).toMatchObject({ i: 7, day: 8, cube: 344n, sum: 10.5 });
      expect(out[299]!.back.when).toEqual(tasks[299]!.when);
      expect(out[299]!.back.tags).toEqual(new Map([['k299', 299n ** 3n]]));
      expect(out[299]!.back.samples).toBeInstanceOf(Float64Array);
      expect([...out[299]!.back.bytes]).toEqual([299 % 256, 255]);
      expect(out[299]!.back.bytes).toBeInstanceOf(Uint8Array);
      // The id each worker saw is the id the pool tracked for its chunk.
      const submits = (await journalOf(c.workDir)).filter((r) => r.t === 'submit');
      expect(submits).toHaveLength(1);
      expect(new Set(out.map((o) => o.job))).toEqual(new Set(submits[0]!.ids as string[]));
      expect(await workerStarts(c.workDir)).toEqual([1, 1, 1, 1, 1]);

      const words = ['a', 'b', 'c', 'd', 'e', 'f'];
      const digests = await new Pool(c.options({ workDir: path.join(c.dir, 'module'), chunkSize: 3 })).map({ module: WORK_MODULE, export: 'digest' }, words);
      expect(digests).toEqual(words.map((w) => createHash('sha256').update(w).digest('hex').slice(0, 12)));

      const calls = await c.queue.calls();
      expect(calls[target.submitCommand]).toBe(2); // one array per map
      // Both maps share the pool's queue and its poller (same commands): one status call per poll.
      const polls = pollerFor(openQueue(pool.options, pool.flavor)).polls;
      expect(polls).toBeGreaterThan(0);
      expect(calls[target.statusCommand] ?? 0).toBeLessThanOrEqual(polls + target.statusCallsOutsidePolls);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('accounting', "shows the emulated scheduler's accounting of each job in the trace, or says why it cannot", async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'accounting');
      await new Pool(c.options({ chunkSize: 2, keepWorkDir: 'always' })).map((x: number) => x * 2, [1, 2, 3, 4]);
      let trace: RunTrace | undefined;
      await waitFor(async () => {
        trace = await readTrace(c.workDir, { accounting: true });
        return target.historyAnswers === false || trace.rows.every((r) => r.schedExit !== undefined);
      }, 'the accounting of both jobs');
      if (target.historyAnswers === false) {
        expect(trace!.accountingNote).toMatch(/keeps no accounting qmr can read here/);
        expect(trace!.rows.map((r) => r.schedState)).toEqual([undefined, undefined]);
        return;
      }
      expect(trace!.accountingNote).toBeUndefined();
      // The emulators print zeros (or nothing) for usage: state, exit and host are what they show.
      for (const row of trace!.rows) {
        expect(row).toMatchObject({ status: 'COMPLETED', schedExit: 0 });
        expect(row.schedState).toBeTruthy();
      }
      const end = (await journalOf(c.workDir)).findLast((r) => r.t === 'end');
      expect(end?.calls).toMatchObject({ submit: 1 });
    });

    scenario('early-gone', 'waits for the result of a job gone from the live view while it runs, with a lagging history: nothing computed twice', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'early-gone', { historyLag: 3, keepFinished: 1 });
      await c.queue.addFault({ kind: 'earlyGone', chunk: 0 });
      let last: Progress | undefined;
      const tasks = [{ x: 0, ms: 2500 }, { x: 1, ms: 2500 }, { x: 2 }, { x: 3 }];
      const out = await new Pool(c.options({ chunkSize: 2, missingGrace: 20_000, keepWorkDir: 'always', onProgress: (p) => (last = p) })).map({ module: DUMMY_WORK, export: 'slow' }, tasks);
      expect(out).toEqual([0, 10, 20, 30]);
      expect(await firedOf(c.queue, 'earlyGone')).toHaveLength(1);
      expect(last?.resubmissions).toBe(0);
      expect(await workerStarts(c.workDir)).toEqual([1, 1]);
      if (target.historyCommand) {
        // The job was missing from the queue while it ran: the pool looked it up in the history.
        const asked = (await c.queue.calls())[target.historyCommand] ?? 0;
        if (target.historyAnswers === false) expect(asked).toBe(1); // "no accounting": never asked again
        else expect(asked).toBeGreaterThan(0);
      }
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('held-exhausted', 'fails a chunk held on every attempt once maxResubmissions is used up, leaving no job behind', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'held-exhausted');
      await c.queue.addFault({ kind: 'held', chunk: 0, times: 5 });
      const error = (await new Pool(c.options({ chunkSize: 1, heldTimeout: 500, maxResubmissions: 1 }))
        .map((x: number) => x, [1])
        .catch((e: unknown) => e)) as MapError;
      expect(error).toBeInstanceOf(MapError);
      expect(error.message).toMatch(/chunk 0 gave up after 2 attempts \(maxResubmissions is 1\)/);
      expect(error.message).toMatch(/attempt 2: job \S+ .*was held for \d+(?:\.\d)? s \(heldTimeout 0\.5 s\)/);
      expect(await firedOf(c.queue, 'held')).toHaveLength(2);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('held-recovers', 'deletes a job held past heldTimeout and resubmits its chunk', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'held-recovers');
      await c.queue.addFault({ kind: 'held', chunk: 0 });
      let last: Progress | undefined;
      const out = await new Pool(c.options({ chunkSize: 1, heldTimeout: 1000, keepWorkDir: 'always', onProgress: (p) => (last = p) })).map((x: number) => x + 1, [1, 2]);
      expect(out).toEqual([2, 3]);
      const [held] = await firedOf(c.queue, 'held');
      expect(held).toBeDefined();
      expect(last?.resubmissions).toBe(1);
      const retired = (await journalOf(c.workDir)).filter((r) => r.t === 'retire');
      expect(retired).toHaveLength(1);
      expect(retired[0]).toMatchObject({ chunk: 0 });
      expect(retired[0]!.reason).toMatch(/was held for \d+(?:\.\d)? s \(heldTimeout 1\.0 s\)/);
      // The held job was deleted, not left waiting for a release.
      const heldTask = (await c.queue.jobs()).find((j) => j.id === held!.jobId)!.tasks.find((t) => t.index === held!.index)!;
      expect(heldTask).toMatchObject({ state: 'finished', outcome: 'cancelled' });
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('vanish', 'resubmits the chunk of a job that vanished, after the grace period', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'vanish');
      await c.queue.addFault({ kind: 'vanish', chunk: 1 });
      let last: Progress | undefined;
      const out = await new Pool(c.options({ chunkSize: 1, missingGrace: 1000, keepWorkDir: 'always', onProgress: (p) => (last = p) })).map((x: number) => x * 10, [0, 1, 2]);
      expect(out).toEqual([0, 10, 20]);
      expect(await firedOf(c.queue, 'vanish')).toHaveLength(1);
      expect(last?.resubmissions).toBe(1);
      const retired = (await journalOf(c.workDir)).filter((r) => r.t === 'retire');
      expect(retired).toHaveLength(1);
      expect(retired[0]).toMatchObject({ chunk: 1 });
      expect(retired[0]!.reason).toMatch(/left the queue without writing a result/);
      expect(await workerStarts(c.workDir)).toEqual([1, 1, 1]); // the vanished job never ran
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('throw', 'brings back a thrown error with index, remote stack, chunk, job id and logs; keepWorkDir decides the work dir', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'throw');
      const checkEven = function checkEven(x: number) {
        if (x === 3) throw new RangeError(`odd one out: ${x}`);
        return x;
      };
      const never = path.join(c.dir, 'never');
      const always = path.join(c.dir, 'always');
      const [onError, removed, kept] = (await Promise.all([
        new Pool(c.options({ chunkSize: 2 })).map(checkEven, [0, 1, 2, 3]).catch((e: unknown) => e),
        new Pool(c.options({ chunkSize: 2, workDir: never, keepWorkDir: 'never' })).map(checkEven, [0, 1, 2, 3]).catch((e: unknown) => e),
        new Pool(c.options({ chunkSize: 2, workDir: always, keepWorkDir: 'always' })).map(checkEven, [0, 1, 2, 3]).catch((e: unknown) => e),
      ])) as MapError<number>[];

      expect(onError).toBeInstanceOf(MapError);
      expect(onError!.failures).toHaveLength(1);
      const failure = onError!.failures[0]!;
      expect(failure).toMatchObject({ index: 3, chunk: 1 });
      expect(failure.remote?.name).toBe('RangeError');
      expect(failure.remote?.stack).toMatch(/odd one out: 3\n\s+at checkEven/);
      // The job id the worker reported is the id the pool submitted chunk 1 as.
      const submit = (await journalOf(c.workDir)).find((r) => r.t === 'submit')!;
      expect(failure.jobId).toBe((submit.ids as string[])[1]);
      expect(onError!.message).toContain('1 of 4 tasks failed');
      expect(onError!.message).toContain(`task 3 (chunk 1, job ${failure.jobId}): RangeError: odd one out: 3`);
      expect(onError!.message).toContain(`logs: ${failure.stdoutPath} ${failure.stderrPath}`);
      expect(onError!.message).toContain(`work dir kept: ${c.workDir}`);
      expect(onError!.workDir).toBe(c.workDir);
      expect(failure.stderrPath.startsWith(c.workDir)).toBe(true);
      expect(await readFile(failure.stderrPath, 'utf8')).toMatch(/chunk 1 \(tasks 2-3\) started as job/);
      expect(onError!.results[2]).toEqual({ status: 'fulfilled', value: 2 });

      expect(removed).toBeInstanceOf(MapError);
      expect(removed!.workDir).toBeUndefined();
      expect(removed!.message).toContain(`work dir ${never} removed (keepWorkDir: 'never')`);
      expect(existsSync(never)).toBe(false);

      expect(kept).toBeInstanceOf(MapError);
      expect(kept!.workDir).toBe(always);
      expect(kept!.message).toContain(`work dir kept: ${always}`);
      expect(existsSync(path.join(always, 'journal.jsonl'))).toBe(true);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('rerun-failed', 'run again after tasks threw and a chunk was given up: only the failed tasks run again, every success kept; a fixed fn only with rerunFailed any-fn', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'rerun-failed');
      const t = await rerunTasks(c.dir, 9, '2,7');
      const options = c.options({ chunkSize: 3, maxResubmissions: 0, keepWorkDir: 'always', missingGrace: 1000 });
      const first = (await new Pool(options).map(flaky, t.tasks).catch((e: unknown) => e)) as MapError<number>;
      expect(first.failures.map((f) => f.index)).toEqual([2, 7]);
      // Task 4 now kills its job: chunk 1 (tasks 3-5), which had succeeded, is not rerun at all;
      // task 2's rerun ends well, task 7's job dies and its chunk is given up, keeping 6 and 8.
      await t.setBad('exit 7');
      const second = (await new Pool(options).map(flaky, t.tasks).catch((e: unknown) => e)) as MapError<number>;
      expect(second.failures.map((f) => f.index)).toEqual([7]);
      expect(second.results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([0, 10, 20, 30, 40, 50, 60, 'failed', 80]);
      // Fixed: with the same fn, the default reruns task 7 alone.
      await t.setBad('');
      expect(await new Pool(options).map(flaky, t.tasks)).toEqual(t.tasks.map((task) => task.x * 10));
      expect(await t.ran()).toEqual([0, 1, 2, 2, 3, 4, 5, 6, 7, 7, 7, 8]);
      const journal = await journalOf(c.workDir);
      expect(journal.filter((r) => r.t === 'rerun').map((r) => [r.chunk, r.tasks])).toEqual([[0, [2]], [2, [1]], [2, [1]]]);
      // Each rerun submitted only the chunks with failures: 3 chunks first, then 2, then 1.
      const submitted = journal.filter((r) => r.t === 'submit').flatMap((r) => r.chunks as number[]);
      expect(submitted.sort()).toEqual([0, 0, 1, 2, 2, 2]);
      // A different fn is refused, naming the option; with it, nothing failed, so nothing runs.
      const other = async (task: RerunTask) => task.x * 10 + 0;
      await expect(new Pool(options).map(other, t.tasks)).rejects.toThrow(/rerunFailed: 'any-fn'/);
      expect(await new Pool({ ...options, rerunFailed: 'any-fn' }).map(other, t.tasks)).toEqual(t.tasks.map((task) => task.x * 10));
      expect(await t.ran()).toHaveLength(12);
      const trace = await readTrace(c.workDir);
      const rerunRows = trace.rows.filter((r) => r.name.includes('rerun'));
      expect(rerunRows.map((r) => [r.taskId, r.tasks, r.status])).toEqual([[0, 1, 'COMPLETED'], [2, 1, 'FAILED'], [2, 1, 'COMPLETED']]);
      expect(new Set(trace.rows.map((r) => r.fn)).size).toBe(1);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('elastic-rerun-failed', 'an elastic map run again after tasks threw: only the failed tasks run again, by new workers', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'elastic-rerun-failed');
      const t = await rerunTasks(c.dir, 30, '3,17,18');
      const options = c.options({ keepWorkDir: 'always' });
      const first = (await new Pool(options).map(flaky, t.tasks).catch((e: unknown) => e)) as MapError<number>;
      expect(first.failures.map((f) => f.index)).toEqual([3, 17, 18]);
      expect((await journalOf(c.workDir)).some((r) => r.t === 'workers')).toBe(true);
      await t.setBad('');
      expect(await new Pool(options).map(flaky, t.tasks)).toEqual(t.tasks.map((task) => task.x * 10));
      expect(await t.ran()).toEqual([...t.tasks.map((task) => task.x), 3, 17, 18].sort((a, b) => a - b));
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('status-fail-passing', 'rides out a status command failing 3 times', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'status-fail-passing');
      await c.queue.addFault({ kind: 'statusFail', times: 3, command: target.statusCommand });
      let last: Progress | undefined;
      const wait = { statePath: c.queue.statePath, kind: 'statusFail', count: 3 };
      const out = await new Pool(c.options({ chunkSize: 1, keepWorkDir: 'always', onProgress: (p) => (last = p) })).map({ module: DUMMY_WORK, export: 'afterFaults' }, [{ x: 1, ...wait }, { x: 2, ...wait }]);
      expect(out).toEqual([10, 20]);
      expect(await firedOf(c.queue, 'statusFail')).toHaveLength(3);
      expect(last?.resubmissions).toBe(0);
      expect(await workerStarts(c.workDir)).toEqual([1, 1]);
    });

    scenario('status-warning', 'reads status output that starts with warning lines', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'status-warning');
      await c.queue.addFault({ kind: 'statusWarning', times: 10_000 });
      let last: Progress | undefined;
      const wait = { statePath: c.queue.statePath, kind: 'statusWarning', count: 4, ms: 2500 };
      // One unreadable poll would fail the map (maxStatusFailures 1); a parser that lost the jobs
      // would have them resubmitted after missingGrace.
      const out = await new Pool(c.options({ chunkSize: 1, maxStatusFailures: 1, missingGrace: 1000, keepWorkDir: 'always', onProgress: (p) => (last = p) }))
        .map({ module: DUMMY_WORK, export: 'afterFaults' }, [{ x: 1, ...wait }, { x: 2, ...wait }]);
      expect(out).toEqual([10, 20]);
      expect((await firedOf(c.queue, 'statusWarning')).length).toBeGreaterThanOrEqual(4);
      expect(last?.resubmissions).toBe(0);
      expect(await workerStarts(c.workDir)).toEqual([1, 1]);
    });

    scenario('abort', 'aborts through its AbortSignal: AbortError, every job cancelled', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'abort');
      const controller = new AbortController();
      const running = new Pool(c.options({ chunkSize: 1, signal: controller.signal }))
        .map({ module: DUMMY_WORK, export: 'slow' }, [{ x: 1, ms: 120_000 }, { x: 2, ms: 120_000 }, { x: 3, ms: 120_000 }])
        .catch((e: unknown) => e);
      await waitFor(async () => (await c.queue.jobs()).some((j) => j.tasks.some((t) => t.state === 'running')), 'a running job');
      controller.abort();
      expect(await running).toBeInstanceOf(AbortError);
      expect(await jobsLeft(c.queue)).toEqual([]);
      const outcomes = (await c.queue.jobs()).flatMap((j) => j.tasks.map((t) => t.outcome));
      expect(outcomes).toEqual(['cancelled', 'cancelled', 'cancelled']);
    });

    scenario('submit-fail-later', 'rejects when a later submit is refused, and cancels every job already submitted', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'submit-fail-later');
      await c.queue.addFault({ kind: 'submitFail', every: 2, times: 1, message: 'qmr test: job rejected by the site policy', exitCode: 1 });
      const error = (await new Pool(c.options({ chunkSize: 1, arrays: false }))
        .map({ module: DUMMY_WORK, export: 'slow' }, [{ x: 1, ms: 120_000 }, { x: 2, ms: 120_000 }, { x: 3, ms: 120_000 }])
        .catch((e: unknown) => e)) as QueueCommandError;
      expect(error).toBeInstanceOf(QueueCommandError);
      expect(error.message).toContain(c.commands[target.submitCommand]!);
      expect(error.message).toContain('exited with 1');
      expect(error.message).toContain('qmr test: job rejected by the site policy');
      expect(await firedOf(c.queue, 'submitFail')).toHaveLength(1);
      expect(await jobsLeft(c.queue)).toEqual([]);
      const jobs = await c.queue.jobs();
      expect(jobs).toHaveLength(1); // the first chunk's job, submitted before the refusal
      expect(jobs[0]!.tasks.map((t) => t.outcome)).toEqual(['cancelled']);
    });

    scenario('unreadable-result', 'a garbage result file written while its job runs ends that attempt: the job is deleted, the chunk runs again, the file is set aside', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'unreadable-result');
      const pool = new Pool(c.options({ elastic: false, chunkSize: 1, keepWorkDir: 'always' }));
      const { out, reasons } = await mapWithGarbageResult(pool, c.workDir, c.dir);
      expect(out).toEqual([0, 10, 20]);
      expect(reasons).toEqual([expect.stringMatching(/its result file \S*chunk-000001\.result cannot be decoded .*set aside as/)]);
      expect(await setAside(c.workDir)).toHaveLength(1);
      expect(await workerStarts(c.workDir)).toEqual([1, 2, 1]);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('submit-fail-passing', 'retries a submit that failed because the scheduler was briefly down', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'submit-fail-passing');
      await c.queue.addFault({ kind: 'submitFail', times: 1 });
      const out = await new Pool(c.options({ chunkSize: 2 })).map((x: number) => x - 1, [1, 2, 3, 4]);
      expect(out).toEqual([0, 1, 2, 3]);
      expect(await firedOf(c.queue, 'submitFail')).toHaveLength(1);
      expect((await c.queue.calls())[target.submitCommand]).toBe(2);
      expect(await c.queue.jobs()).toHaveLength(1);
    });
  });

  // Elastic maps (the default when no chunkSize or numChunks is given): worker jobs claim units.
  const elasticNames: ScenarioName[] = ['elastic-unreadable-result', 'elastic-limit-memory', 'elastic-full', 'elastic-end', 'elastic-crash', 'elastic-error-recovers', 'elastic-error-exhausted', 'elastic-abort'];
  if (!only || elasticNames.some((n) => only.includes(n))) describe.concurrent(`${target.label} (emulated): elastic workers`, () => {
    scenario('elastic-error-exhausted', 'fails clearly when every worker job lands in the error state, leaving no job behind', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'elastic-error-exhausted');
      await c.queue.addFault({ kind: 'error', name: '*qmrel*', times: 1000 });
      const error = (await new Pool(c.options({ maxResubmissions: 2, maxWorkers: 1, heldTimeout: 300, resources: { jobName: 'qmrel' } }))
        .map((x: number) => x, [1, 2])
        .catch((e: unknown) => e)) as MapError;
      expect(error).toBeInstanceOf(MapError);
      expect(error.failures).toHaveLength(2);
      // One worker (maxWorkers 1), maxResubmissions 2: the third failed worker in a row ends the map.
      expect(error.message).toMatch(/3 worker jobs in a row ended without finishing a unit \(more than maxResubmissions × workers = 2\)/);
      expect(error.message).toMatch(target.errorShows);
      expect(await firedOf(c.queue, 'error')).toHaveLength(3);
      const ends = (await journalOf(c.workDir)).filter((r) => r.t === 'worker-end');
      expect(ends.map((r) => r.how)).toEqual(['failed', 'failed', 'failed']);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('elastic-full', 'spreads uneven tasks over one array of workers that claim by time: results in order, one submit, each unit run once', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'elastic-full');
      // Uneven: every 10th task takes 400 ms, the rest 20 ms.
      const tasks = Array.from({ length: 60 }, (_, x) => ({ x, ms: x % 10 === 3 ? 400 : 20 }));
      let last: Progress | undefined;
      const out = await new Pool(c.options({ keepWorkDir: 'always', maxWorkers: 4, onProgress: (p) => (last = p) })).map({ module: DUMMY_WORK, export: 'slow' }, tasks);
      expect(out).toEqual(tasks.map((t) => t.x * 10));
      const journal = await journalOf(c.workDir);
      const workers = journal.filter((r) => r.t === 'workers');
      expect(workers).toHaveLength(1); // one array of workers
      const ids = workers[0]!.ids as string[];
      expect(ids.length).toBeGreaterThanOrEqual(1);
      expect(ids.length).toBeLessThanOrEqual(4); // the least of the slots (4 where the queue tells, else 100 assumed), the tasks and maxWorkers
      expect((await c.queue.calls())[target.submitCommand]).toBe(1);
      // Each unit was claimed once, by one of those workers, and ran once. (A claim the pool saw
      // only after the unit's result is not journaled: there is nothing left to watch.)
      const claims = journal.filter((r) => r.t === 'submit');
      expect(claims.length).toBeLessThanOrEqual(60);
      // One record may hold several claims (the pool journals what it saw in one look).
      const claimed = claims.flatMap((r) => r.chunks as number[]);
      expect(new Set(claimed).size).toBe(claimed.length);
      for (const id of claims.flatMap((r) => r.ids as string[])) expect(ids).toContain(id);
      const done = journal.filter((r) => r.t === 'done');
      expect(new Set(done.map((r) => r.chunk)).size).toBe(60);
      for (const d of done) expect(ids).toContain(d.job);
      const starts = await unitStarts(c.workDir);
      expect(starts.size).toBe(60);
      expect([...starts.values()].every((n) => n === 1)).toBe(true);
      expect(last?.tasksDone).toBe(60);
      expect(last?.workersSubmitted).toBe(ids.length);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('elastic-unreadable-result', "a garbage result file written while its worker runs the unit ends that unit's attempt: the unit is claimed again and the map finishes", async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'elastic-unreadable-result');
      const { out, reasons } = await mapWithGarbageResult(new Pool(c.options({ keepWorkDir: 'always' })), c.workDir, c.dir);
      expect(out).toEqual([0, 10, 20]);
      expect(reasons).toEqual([expect.stringMatching(/its result file \S*chunk-000001\.result cannot be decoded .*set aside as/)]);
      expect(await setAside(c.workDir)).toHaveLength(1);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('elastic-end', 'a finished elastic map cancels no worker: each one that ran writes its exit file and is journalled as exited', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'elastic-end');
      const tasks = Array.from({ length: 20 }, (_, i) => i);
      // One worker: it must start to do the work, so none is left that never started (those are cancelled).
      const out = await new Pool(c.options({ keepWorkDir: 'always', maxWorkers: 1 })).map((x: number) => x * 2, tasks);
      expect(out).toEqual(tasks.map((x) => x * 2));
      const journal = await journalOf(c.workDir);
      const workers = journal.filter((r) => r.t === 'workers').flatMap((r) => r.ids as string[]);
      expect(workers).toHaveLength(1);
      const ends = journal.filter((r) => r.t === 'worker-end');
      expect(ends.map((r) => [r.job, r.how, r.reason])).toEqual([[workers[0], 'exited', 'no-work']]);
      expect(journal.filter((r) => r.t === 'cancel')).toEqual([]);
      expect((journal.find((r) => r.t === 'end')!.calls as Record<string, number>).cancel).toBe(0);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('elastic-crash', 'a worker that dies mid-claim: only its unfinished units run again, by another worker', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'elastic-crash');
      const marker = path.join(c.dir, 'crashed');
      const tasks = Array.from({ length: 20 }, (_, x) => ({ x, marker }));
      const out = await new Pool(c.options({ keepWorkDir: 'always', missingGrace: 1000, maxWorkers: 4 })).map(async (t: { x: number; marker: string }) => {
        const fs = await import('node:fs');
        await new Promise((r) => setTimeout(r, 50));
        if (t.x === 7 && !fs.existsSync(t.marker)) {
          fs.writeFileSync(t.marker, String(process.pid));
          process.kill(process.pid, 'SIGKILL');
        }
        return t.x + 100;
      }, tasks);
      expect(out).toEqual(tasks.map((t) => t.x + 100));
      const journal = await journalOf(c.workDir);
      const failedWorkers = journal.filter((r) => r.t === 'worker-end' && r.how === 'failed');
      expect(failedWorkers).toHaveLength(1);
      const dead = failedWorkers[0]!.job as string;
      const retired = journal.filter((r) => r.t === 'retire');
      expect(retired.map((r) => r.chunk)).toContain(7);
      // Only units the dead worker held went back, and each ran at most once more.
      const starts = await unitStarts(c.workDir);
      for (const r of retired) {
        expect(r.job).toBe(dead);
        expect(starts.get(r.chunk as number)).toBeLessThanOrEqual(2);
      }
      const rerun = [...starts].filter(([, n]) => n > 1).map(([unit]) => unit);
      expect(rerun).toEqual([7]); // units the dead worker had finished, or not started, ran once
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('elastic-error-recovers', 'replaces worker jobs that land in the error state and succeeds', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'elastic-error-recovers');
      await c.queue.addFault({ kind: 'error', name: '*qmrel*', times: 2 });
      const out = await new Pool(c.options({ maxResubmissions: 10, maxWorkers: 1, heldTimeout: 300, keepWorkDir: 'always', resources: { jobName: 'qmrel' } })).map((x: number) => x * 2, [1, 2, 3]);
      expect(out).toEqual([2, 4, 6]);
      expect(await firedOf(c.queue, 'error')).toHaveLength(2);
      const journal = await journalOf(c.workDir);
      const failed = journal.filter((r) => r.t === 'worker-end' && r.how === 'failed');
      expect(failed).toHaveLength(2);
      expect(journal.filter((r) => r.t === 'workers').length).toBe(3); // the first worker, then one replacement each
      expect([...(await unitStarts(c.workDir)).values()]).toEqual([1, 1, 1]);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    // One flavor is enough for the elastic path (the causes per flavor are covered above).
    if (target.label === 'slurm') scenario('elastic-limit-memory', 'replaces a worker killed for running past its memory request with one that asks for twice as much', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'elastic-limit-memory');
      await c.queue.addFault({ kind: 'limit', resource: 'memory', name: '*qmrel*', times: 1 });
      const out = await new Pool(c.options({ keepWorkDir: 'always', maxWorkers: 1, resources: { jobName: 'qmrel', memory: '1G' } })).map((x: number) => x * 2, [1, 2, 3]);
      expect(out).toEqual([2, 4, 6]);
      expect(await firedOf(c.queue, 'limit')).toHaveLength(1);
      const workers = (await journalOf(c.workDir)).filter((r) => r.t === 'workers');
      expect(workers).toHaveLength(2);
      expect(workers[0]!.resources).toBeUndefined();
      expect(workers[1]!.resources).toMatchObject({ memory: '2048M' });
      const jobs = [...(await c.queue.jobs())].sort((a, b) => a.id - b.id);
      expect(REQUESTS[target.flavor].text(jobs.at(-1)!)).toMatch(REQUESTS[target.flavor].memory);
      expect([...(await unitStarts(c.workDir)).values()]).toEqual([1, 1, 1]);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    scenario('elastic-abort', 'aborts an elastic map: AbortError, every worker cancelled', async (ctx) => {
      const { expect } = ctx;
      const c = await cluster(ctx, 'elastic-abort');
      const controller = new AbortController();
      const tasks = Array.from({ length: 30 }, (_, x) => ({ x, ms: 120_000 }));
      const running = new Pool(c.options({ signal: controller.signal, maxWorkers: 4 })).map({ module: DUMMY_WORK, export: 'slow' }, tasks).catch((e: unknown) => e);
      await waitFor(async () => (await c.queue.jobs()).some((j) => j.tasks.some((t) => t.state === 'running')), 'a running worker');
      controller.abort();
      expect(await running).toBeInstanceOf(AbortError);
      expect(await jobsLeft(c.queue)).toEqual([]);
      const outcomes = (await c.queue.jobs()).flatMap((j) => j.tasks.map((t) => t.outcome));
      expect(outcomes.length).toBeGreaterThan(0);
      expect(outcomes.every((o) => o === 'cancelled')).toBe(true);
    });
  });
}
