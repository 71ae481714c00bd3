/**
 * What the one-machine cluster does to a map, as scenarios a cluster test file runs: the submitter
 * killed or interrupted, a node that dies, a node whose shared file system hangs, stale caches,
 * the controller restarted. Every scenario judges outcomes (results, how often each unit ran,
 * where, what the journal says), never speed; the numbers it measures are printed for reports.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { unitStarts } from '../helpers/unit-starts.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  CACHE_SECONDS, HOME, NODES, SUBMIT, type ClusterFlavor, clusterOptions, ctl, journalText, mapResults, onDisk, onHost, resultFiles, sleep, startClusterMap,
} from './cluster.js';

export const name = (what: string) => `c${what}${randomBytes(3).toString('hex')}`;

/** A task that waits t.ms and reports where it ran and as whom. */
export const whereFn = `async (t) => {
  const { hostname, userInfo } = await import('node:os');
  await new Promise((r) => setTimeout(r, t.ms));
  return { i: t.i, host: hostname(), user: userInfo().username };
}`;
export type Where = { i: number; host: string; user: string };

const tasksOf = (n: number, ms: number) => Array.from({ length: n }, (_, i) => ({ i, ms }));

/** Each unit's starts with the host it started on, from the workers' logs (on disk). */
async function startsByHost(workDir: string): Promise<Map<number, string[]>> {
  const logs = path.join(onDisk(workDir), 'logs');
  const starts = new Map<number, string[]>();
  for (const f of (await readdir(logs)).filter((n) => /^worker-\d+\.err$/.test(n))) {
    for (const m of (await readFile(path.join(logs, f), 'utf8')).matchAll(/chunk (\d+) \(tasks [^)]*\) started as job \S+ on (\S+?),/g)) {
      starts.set(Number(m[1]), [...(starts.get(Number(m[1])) ?? []), m[2]!]);
    }
  }
  return starts;
}

/** How long a cluster test waits, at most, for what it can observe (leases, caches, a node's return are slower). */
const LONG_WAIT_MS = 240_000;
const POLL_MS = 250;

/** A unit has started on `host` in this work dir (read on disk). */
const startedOn = async (workDir: string, host: string) =>
  [...(await startsByHost(workDir).catch(() => new Map<number, string[]>())).values()].some((hosts) => hosts.includes(host));

/** A finished map's jobs still in the queue, once the scheduler had time to forget them (up to 60 s). */
async function jobsLeftAfter(cf: ClusterFlavor, jobName: string): Promise<string[]> {
  let left = await cf.jobsLeft(jobName);
  for (let i = 0; i < 240 && left.length > 0; i++) {
    await sleep(250);
    left = await cf.jobsLeft(jobName);
  }
  return left;
}

/** Wait until a unit started on `host` (fails at once if the map ended without one there). */
async function untilStartedOn(started: { exited: Promise<unknown> }, workDir: string, host: string): Promise<void> {
  let ended = false;
  void started.exited.then(() => (ended = true));
  await waitFor(async () => ended || (await startedOn(workDir, host)), `a unit started on ${host}`, LONG_WAIT_MS, POLL_MS);
  expect(await startedOn(workDir, host), `the map ended before any unit started on ${host}`).toBe(true);
}

/** Results right, in order, every one from a compute node as the ordinary user. */
function expectRight(results: unknown[], n: number): void {
  const rs = results as Where[];
  expect(rs.map((r) => r.i)).toEqual(Array.from({ length: n }, (_, i) => i));
  for (const r of rs) expect(NODES as readonly string[]).toContain(r.host);
  expect(new Set(rs.map((r) => r.user))).toEqual(new Set(['qmr-cluster-user']));
}

/** Units that ran more than once ran first on `host`, and at most twice; the others once. */
async function expectRerunsOnlyFrom(workDir: string, host: string, units: number): Promise<number> {
  const starts = await startsByHost(workDir);
  expect(starts.size).toBe(units);
  let reruns = 0;
  for (const [unit, hosts] of starts) {
    expect([unit, hosts.length <= 2]).toEqual([unit, true]);
    if (hosts.length === 2) {
      reruns += 1;
      expect([unit, hosts[0]]).toEqual([unit, host]);
    }
  }
  return reruns;
}

export function clusterFacts(): void {
  it(`the shared tree caches like NFS: a file written on a node stays invisible on the submit host until the cache expires (${CACHE_SECONDS} s set)`, async () => {
    const probe = `${HOME}/cache-probe-${randomBytes(4).toString('hex')}`;
    const exists = async (host: string) => (await onHost(host, 'sh', '-c', `test -e ${probe} && echo yes || echo no`)).trim() === 'yes';
    expect(await exists(SUBMIT)).toBe(false); // the submit host looks first: a negative entry
    await onHost(NODES[0], 'sh', '-c', `echo x > ${probe}`);
    const written = Date.now();
    expect(await exists(NODES[0])).toBe(true);
    expect(await exists(SUBMIT)).toBe(false);
    await waitFor(() => exists(SUBMIT), 'the file shows on the submit host', CACHE_SECONDS * 4000 + 30_000, POLL_MS);
    const invisible = (Date.now() - written) / 1000;
    // An mtime changed on the node: the submit host keeps the old one until its attributes expire.
    const mtime = async (host: string) => Number((await onHost(host, 'stat', '-c', '%Y', probe)).trim());
    const before = await mtime(SUBMIT);
    await onHost(NODES[0], 'touch', '-d', '@1000000000', probe);
    const touched = Date.now();
    expect(await mtime(SUBMIT)).toBe(before);
    await waitFor(async () => (await mtime(SUBMIT)) === 1000000000, 'the new mtime shows on the submit host', CACHE_SECONDS * 4000 + 30_000, POLL_MS);
    const stale = (Date.now() - touched) / 1000;
    process.stderr.write(`[cluster numbers] new file invisible on the submit host for ${invisible.toFixed(1)} s; changed mtime stale for ${stale.toFixed(1)} s (cache ${CACHE_SECONDS} s)\n`);
    expect(invisible).toBeGreaterThan(1);
  });
}

export function clusterMapScenarios(cf: ClusterFlavor): void {
  const opts = (jobName: string, extra: Record<string, unknown> = {}) => clusterOptions(cf, jobName, extra);
  it('a static map: every chunk a job on a compute node, run as the ordinary user, results in order', async () => {
    const jobName = name('static');
    const results = await mapResults(startClusterMap(whereFn, tasksOf(12, 200), opts(jobName, { elastic: false, numChunks: 4 })));
    expectRight(results, 12);
    expect(await journalText(opts(jobName).workDir as string)).toContain('"t":"submit"');
    expect(await jobsLeftAfter(cf, jobName)).toEqual([]);
  });

  it('an elastic map with uneven tasks: both nodes work, each unit runs once, no false resubmission under stale caches', async () => {
    const jobName = name('elastic');
    const workDir = opts(jobName).workDir as string;
    const tasks = Array.from({ length: 30 }, (_, i) => ({ i, ms: i % 7 === 3 ? 3000 : 150 }));
    const results = (await mapResults(startClusterMap(whereFn, tasks, opts(jobName)))) as Where[];
    expectRight(results, 30);
    expect(new Set(results.map((r) => r.host))).toEqual(new Set(NODES));
    const starts = await unitStarts(onDisk(workDir));
    expect(starts.size).toBe(30);
    expect([...starts.values()].every((n) => n === 1)).toBe(true);
    // No worker was given up on or replaced: the caches made nothing look lost.
    const journal = await journalText(workDir);
    expect(journal).not.toContain('"t":"retire"');
    expect(journal.match(/"t":"workers"/g)).toHaveLength(1);
    expect([...journal.matchAll(/"t":"worker-end"[^\n]*"how":"(\w+)"/g)].map((m) => m[1]).every((how) => how === 'exited')).toBe(true);
    // How long after the last result was written on a node the map noticed its end (a number for the report).
    const lastResult = Math.max(...(await Promise.all((await resultFiles(workDir)).map(async (f) => (await import('node:fs/promises')).stat(path.join(onDisk(workDir), 'results', f))))).map((s) => s.mtimeMs));
    const end = Date.parse(/"t":"end","time":"([^"]+)"/.exec(journal)![1]!);
    process.stderr.write(`[cluster numbers] ${cf.flavor}: elastic map end noticed ${((end - lastResult) / 1000).toFixed(1)} s after the last result file was written\n`);
    expect(await jobsLeftAfter(cf, jobName)).toEqual([]);
  });

  it('survives SIGKILL of the submitting process: resumed, no unit run twice, same results', async () => {
    const jobName = name('kill');
    const workDir = opts(jobName).workDir as string;
    const tasks = tasksOf(16, 1500);
    const first = startClusterMap(whereFn, tasks, opts(jobName));
    await waitFor(async () => (await resultFiles(workDir)).length >= 2, 'two results', LONG_WAIT_MS, POLL_MS);
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await resultFiles(workDir)).length).toBeLessThan(16);
    const results = await mapResults(startClusterMap(whereFn, tasks, opts(jobName)));
    expectRight(results, 16);
    expect((await unitStarts(onDisk(workDir))).size).toBe(16);
    for (const [unit, n] of await unitStarts(onDisk(workDir))) expect([unit, n]).toEqual([unit, 1]);
    expect(await journalText(workDir)).toContain('"t":"resume"');
    expect(await jobsLeftAfter(cf, jobName)).toEqual([]);
  });

  it('stops on Ctrl-C (SIGINT): cancels every job on the nodes, records it', async () => {
    const jobName = name('int');
    const workDir = opts(jobName).workDir as string;
    // Tasks of 30 s: left alone, the workers would run on for about two minutes, so a queue
    // empty within a minute of Ctrl-C is the pool's cancel at work, not the work ending.
    const started = startClusterMap(whereFn, tasksOf(16, 30_000), opts(jobName));
    await waitFor(async () => (await unitStarts(onDisk(workDir)).catch(() => new Map())).size > 0, 'a unit started', LONG_WAIT_MS, POLL_MS);
    started.child.kill('SIGINT');
    const { code, signal } = await started.exited;
    expect(code === 130 || signal === 'SIGINT').toBe(true);
    await waitFor(async () => (await cf.jobsLeft(jobName)).length === 0, 'no job of the map left', 60_000, POLL_MS);
    const journal = await journalText(workDir);
    expect(journal).toMatch(/"t":"cancel"[^\n]*"why":"map aborted"/);
    expect(journal).toMatch(/"t":"end"[^\n]*"outcome":"aborted"/);
  });
}

/** A fault test waits out leases, caches and a node's return: more than vitest's 180 s default. */
const FAULT_TIMEOUT = 600_000;

export function clusterFaultScenarios(cf: ClusterFlavor): void {
  const opts = (jobName: string, extra: Record<string, unknown> = {}) => clusterOptions(cf, jobName, extra);
  // Above the caches (a heartbeat's mtime may look CACHE_SECONDS old on the submit host).
  const leaseTimeout = (CACHE_SECONDS + 30) * 1000;

  it('a node dies mid-map (every process of its namespaces killed): only its units rerun, once, results right', async () => {
    const jobName = name('nodedies');
    const workDir = opts(jobName).workDir as string;
    const tasks = tasksOf(24, 2000);
    const started = startClusterMap(whereFn, tasks, opts(jobName, { leaseTimeout }));
    try {
      await untilStartedOn(started, workDir, 'qmr-node1');
      await ctl('kill-host', 'qmr-node1');
      const results = await mapResults(started);
      expectRight(results, 24);
      const reruns = await expectRerunsOnlyFrom(workDir, 'qmr-node1', 24);
      process.stderr.write(`[cluster numbers] ${cf.flavor}: node death: ${reruns} unit(s) ran again\n`);
      // node1 died with units in hand (24 tasks of 2 s on 4 slots): they ran again elsewhere.
      expect(reruns).toBeGreaterThan(0);
    } finally {
      started.child.kill('SIGKILL');
    }
    // The node comes back (SGE keeps the dead node's jobs until its execd reports again): then
    // nothing of the map is left in the queue.
    await ctl('start-node', 'qmr-node1');
    await waitFor(async () => (await cf.jobsLeft(jobName)).length === 0, 'no job of the map left', 120_000, POLL_MS);
  }, FAULT_TIMEOUT);

  it("a node's shared file system hangs longer than leaseTimeout: its claims go to the others, its late writes neither corrupt nor duplicate", async () => {
    const jobName = name('fusehang');
    const workDir = opts(jobName).workDir as string;
    const tasks = tasksOf(24, 2000);
    const options = opts(jobName, { leaseTimeout });
    const started = startClusterMap(whereFn, tasks, options);
    let stopped = false;
    try {
      await untilStartedOn(started, workDir, 'qmr-node1');
      await ctl('fuse-stop', 'qmr-node1');
      stopped = true;
      const stoppedAt = Date.now();
      // Hung longer than leaseTimeout (or until the map got everything from the other node).
      let ended = false;
      void started.exited.then(() => (ended = true));
      while (!ended && Date.now() - stoppedAt < leaseTimeout + 30_000) await sleep(500);
      await ctl('fuse-cont', 'qmr-node1');
      stopped = false;
      const results = await mapResults(started);
      expectRight(results, 24);
      // node1's claims in hand when its file system hung went back to node2 after leaseTimeout.
      expect(await expectRerunsOnlyFrom(workDir, 'qmr-node1', 24)).toBeGreaterThan(0);
      // Whatever node1 still had in flight lands now: give it time, then the work dir must still
      // hold one good result per unit: a map run again in it returns the same, running nothing.
      await waitFor(async () => (await cf.jobsLeft(jobName)).length === 0, 'no job of the map left', 120_000, POLL_MS);
      const before = await startsByHost(workDir);
      const again = await mapResults(startClusterMap(whereFn, tasks, options));
      expect(again).toEqual(results);
      expect(await startsByHost(workDir)).toEqual(before);
    } finally {
      if (stopped) await ctl('fuse-cont', 'qmr-node1');
      started.child.kill('SIGKILL');
      await ctl('heal');
    }
  }, FAULT_TIMEOUT);

  it(`the controller (${cf.flavor === 'slurm' ? 'slurmctld' : 'sge_qmaster'}) restarts mid-map: the map rides it out, no unit runs twice`, async () => {
    const jobName = name('ctld');
    const workDir = opts(jobName).workDir as string;
    const tasks = tasksOf(16, 4000);
    const started = startClusterMap(whereFn, tasks, opts(jobName));
    try {
      await waitFor(async () => (await resultFiles(workDir)).length >= 1, 'a result', LONG_WAIT_MS, POLL_MS);
      // Down for a while, as a restart by an admin (SIGTERM: its state saved), while workers run.
      await ctl(cf.stopController);
      await sleep(5000);
      await ctl(cf.startController);
      const results = await mapResults(started);
      expectRight(results, 16);
      for (const [unit, n] of await unitStarts(onDisk(workDir))) expect([unit, n]).toEqual([unit, 1]);
      expect(await jobsLeftAfter(cf, jobName)).toEqual([]);
    } finally {
      started.child.kill('SIGKILL');
      await ctl('heal');
    }
  }, FAULT_TIMEOUT);
}
