/**
 * Whole maps on the one-machine Slurm cluster (scripts/cluster-up.sh): run by an ordinary user on
 * the submit host, jobs on two other hosts, the work dir on a shared tree each host sees through
 * its own caching FUSE client. Judged by outcomes: results, how often each unit ran, which host.
 */
import { expect, it } from 'vitest';
import { unitStarts } from '../helpers/unit-starts.js';
import { clusterOptions, describeCluster, jobsLeft, journalText, mapResults, onDisk, startClusterMap } from './cluster.js';
import { randomBytes } from 'node:crypto';

const name = (what: string) => `c${what}${randomBytes(3).toString('hex')}`;

/** A task that reports where it ran, as the ordinary user. */
const whereFn = `async (t) => {
  const { hostname, userInfo } = await import('node:os');
  await new Promise((r) => setTimeout(r, t.ms));
  return { i: t.i, host: hostname(), user: userInfo().username };
}`;

describeCluster('the one-machine Slurm cluster', () => {
  it('a static map: every chunk a job on a compute node, run as the ordinary user, results in order', async () => {
    const jobName = name('static');
    const tasks = Array.from({ length: 12 }, (_, i) => ({ i, ms: 200 }));
    const results = (await mapResults(startClusterMap(whereFn, tasks, clusterOptions(jobName, { elastic: false, numChunks: 4 })))) as { i: number; host: string; user: string }[];
    expect(results.map((r) => r.i)).toEqual(tasks.map((t) => t.i));
    expect(new Set(results.map((r) => r.user))).toEqual(new Set(['qmr-cluster-user']));
    for (const r of results) expect(['qmr-node1', 'qmr-node2']).toContain(r.host);
    expect(await journalText(clusterOptions(jobName).workDir as string)).toContain('"t":"submit"');
    expect(await jobsLeft(jobName)).toEqual([]);
  });

  it('an elastic map with uneven tasks: both nodes work, each unit runs once, results in order', async () => {
    const jobName = name('elastic');
    const tasks = Array.from({ length: 30 }, (_, i) => ({ i, ms: i % 7 === 3 ? 3000 : 150 }));
    const results = (await mapResults(startClusterMap(whereFn, tasks, clusterOptions(jobName)))) as { i: number; host: string }[];
    expect(results.map((r) => r.i)).toEqual(tasks.map((t) => t.i));
    expect(new Set(results.map((r) => r.host))).toEqual(new Set(['qmr-node1', 'qmr-node2']));
    const starts = await unitStarts(onDisk(clusterOptions(jobName).workDir as string));
    expect(starts.size).toBe(30);
    expect([...starts.values()].every((n) => n === 1)).toBe(true);
    expect(await jobsLeft(jobName)).toEqual([]);
  });
});
