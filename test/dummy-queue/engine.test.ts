/**
 * The engine and the control surface: chunk lists, the state lock under concurrency and after a
 * crash, checked settings and faults, `dummyq`, the TS control API, and shims reached through
 * symlinks.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile, chmod, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkAt, findChunkSpec } from '../../dummy-queue/src/engine/chunk-spec.js';
import { checkFaultSpec } from '../../dummy-queue/src/engine/faults.js';
import { isProcessAlive } from '../../dummy-queue/src/engine/processes.js';
import { checkSetting } from '../../dummy-queue/src/engine/settings.js';
import { companionPaths } from '../../dummy-queue/src/engine/state-file.js';
import { transact } from '../../dummy-queue/src/engine/store.js';
import { makeCluster, runProgram, waitFor, type Cluster } from './helpers.js';

describe('chunk convention', () => {
  it('finds the list in arguments or QMR_CHUNKS and picks the k-th chunk', () => {
    expect(findChunkSpec(['--chunks', '0-99,105,107-110'], {})).toBe('0-99,105,107-110');
    expect(findChunkSpec(['x', '--chunks=3'], {})).toBe('3');
    expect(findChunkSpec([], { QMR_CHUNKS: '5-6' })).toBe('5-6');
    // PBS's -v splits at commas, so queue-map-reduce writes `+` there.
    expect(findChunkSpec([], { QMR_CHUNKS: '0-2+5' })).toBe('0-2,5');
    expect(findChunkSpec(['--chunks', 'nonsense'], {})).toBeNull();
    expect(findChunkSpec([], {})).toBeNull();
    expect([0, 99, 100, 101, 102, 104, 105].map((k) => chunkAt('0-99,105,107-110', k))).toEqual([0, 99, 105, 107, 108, 110, null]);
  });
});

describe('settings and fault checks', () => {
  it('refuses unknown or malformed values', () => {
    expect(checkSetting('slots', '3')).toBe(3);
    expect(checkSetting('accounting', 'false')).toBe(false);
    expect(() => checkSetting('slots', 0)).toThrow(/slots/);
    expect(() => checkSetting('dialect', 'lsf')).toThrow(/torque/);
    expect(() => checkSetting('nosuch', 1)).toThrow(/unknown setting/);
    expect(() => checkFaultSpec({ kind: 'explode' })).toThrow(/kind/);
    expect(() => checkFaultSpec({ kind: 'error', times: 0 })).toThrow(/times/);
    expect(() => checkFaultSpec({ kind: 'suspend' })).toThrow(/seconds/);
    expect(() => checkFaultSpec({ kind: 'error', chunks: 3 })).toThrow(/unknown fault field/);
  });
});

describe('state lock', () => {
  let c: Cluster;
  beforeEach(async () => {
    c = await makeCluster();
  });
  afterEach(async () => c.dispose());

  it('serializes concurrent read-modify-write transactions', async () => {
    await Promise.all(
      Array.from({ length: 40 }, () =>
        transact(c.queue.statePath, (state) => {
          state.calls.test = (state.calls.test ?? 0) + 1;
        }),
      ),
    );
    expect((await c.queue.calls()).test).toBe(40);
  });

  it('breaks a lock whose holder died', async () => {
    const dead = spawnSync('true').pid!;
    expect(isProcessAlive(dead)).toBe(false);
    const lock = companionPaths(c.queue.statePath).lock;
    await mkdir(lock);
    await writeFile(join(lock, 'owner'), `${dead} deadbeef`);
    // Past the grace a dead owner's lock gets (lock.ts), so it is broken at once; a lock that is
    // never broken would hang the transaction until the test's timeout.
    const past = new Date(Date.now() - 10_000);
    await utimes(lock, past, past);
    await transact(c.queue.statePath, (state) => void (state.calls.after = 1));
    expect((await c.queue.calls()).after).toBe(1);
  });
});

describe('dummyq and the control API', () => {
  let c: Cluster;
  beforeEach(async () => {
    c = await makeCluster();
    await writeFile(join(c.dir, 'sleep.sh'), '#!/bin/sh\nsleep 30\n');
    await chmod(join(c.dir, 'sleep.sh'), 0o755);
  });
  afterEach(async () => c.dispose());

  it('initializes, takes faults, counts calls, waits, releases and stops', async () => {
    expect((await c.dummyq(['init', '--slots', '3', '--keep-finished', '7', '--dialect', 'pro'])).code).toBe(0);
    expect((await c.queue.state()).settings).toMatchObject({ slots: 3, keepFinished: 7, dialect: 'pro' });
    expect((await c.dummyq(['set', 'historyLag=2'])).stdout).toContain('"historyLag":2');
    expect((await c.dummyq(['init', '--slots', 'many'])).code).toBe(2);
    const fault = await c.dummyq(['fault', '[{"kind":"statusFail","times":1},{"kind":"held","name":"h*"}]']);
    expect(fault.stdout).toBe('[1,2]\n');
    expect((await c.dummyq(['fault', '{"kind":"nope"}'])).code).toBe(2);
    await c.run('sge', 'qstat');
    await c.run('sge', 'qsub', ['-N', 'held', '-cwd', 'sleep.sh']);
    await c.run('sge', 'qsub', ['-N', 'runs', '-cwd', 'sleep.sh']);
    expect(JSON.parse((await c.dummyq(['calls'])).stdout)).toEqual({ qstat: 1, qsub: 2 });
    expect(JSON.parse((await c.dummyq(['fired'])).stdout).map((f: { kind: string }) => f.kind)).toEqual(['statusFail', 'held']);
    await waitFor(async () => (await c.queue.jobs())[1]!.tasks[0]!.state === 'running', 'running', 30_000);
    expect((await c.dummyq(['wait-idle', '--timeout', '0.2'])).code).toBe(1);
    expect((await c.dummyq(['show'])).stdout).toMatch(/^sge 1 held -:held$/m);
    expect(await c.queue.release(1)).toBe(1);
    await waitFor(async () => (await c.queue.jobs())[0]!.tasks[0]!.state === 'running', 'released job running', 30_000);
    const pids = (await c.queue.jobs()).map((j) => j.tasks[0]!.pid!);
    const dispatcher = (await c.queue.state()).dispatcher!.pid;
    expect((await c.dummyq(['stop'])).stdout).toBe('2\n');
    await waitFor(async () => !pids.some(isProcessAlive) && !isProcessAlive(dispatcher), 'everything to die', 30_000);
    expect((await c.queue.jobs()).map((j) => j.tasks[0]!.outcome)).toEqual(['killed', 'killed']);
    expect((await c.dummyq(['wait-idle', '--timeout', '1'])).code).toBe(0);
  });

  it('holds every job for startDelay seconds before it may start', async () => {
    await c.queue.settings({ startDelay: 0.6 });
    await c.run('sge', 'qsub', ['-cwd', '-b', 'y', 'true']);
    await waitFor(async () => (await c.queue.jobs())[0]!.tasks[0]!.state === 'finished', 'job to run', 30_000);
    // The emulator's own record: the start came no sooner than startDelay after the submit.
    const job = (await c.queue.jobs())[0]!;
    expect(job.tasks[0]!.startTime! - job.submitTime).toBeGreaterThanOrEqual(600);
  });

  it('answers the informational commands clients use to size the cluster and tell flavors apart', async () => {
    await c.queue.addFault({ kind: 'statusFail', times: 5 });
    // Answered without a server, so the fault passes them by.
    expect((await c.run('pbs', 'qstat', ['--version'], { env: { QMR_DUMMY_PBS_DIALECT: 'pro' } })).stdout).toBe('pbs_version = 2022.1.1\n');
    expect((await c.run('pbs', 'qstat', ['--version'])).stdout).toMatch(/^Version: \d/);
    expect((await c.run('sge', 'qsub', ['-help'])).stdout.split('\n')[0]).toBe('SGE 8.1.9');
    expect((await c.run('sge', 'qstat', ['-help'])).code).toBe(0);
    expect(await c.queue.fired()).toEqual([]);
    // A fresh cluster (no faults) for the commands that do ask the server.
    await c.dummyq(['init', '--slots', '3']);
    expect((await c.run('sge', 'qconf', ['-sconf'])).stdout).toMatch(/^max_aj_tasks\s+75000$/m);
    expect((await c.run('sge', 'qstat', ['-g', 'c', '-xml'])).stdout).toMatch(/<cluster_queue_summary>\s*<name>all\.q<\/name>[\s\S]*<total>3<\/total>/);
    expect((await c.run('slurm', 'sinfo', ['--noheader', '--format=%P|%a|%C'])).stdout).toBe('debug*|up|0/3/0/3\n');
    expect((await c.run('slurm', 'scontrol', ['show', 'config'])).stdout).toMatch(/^MaxArraySize\s+= 10001$/m);
    expect((await c.run('lsf', 'bparams', ['-a'])).stdout).toMatch(/MAX_JOB_ARRAY_SIZE = 1000\n/);
  });

  it('runs the shims through symlinks and without the state variable says why', async () => {
    const link = join(c.dir, 'my-qstat');
    await symlink(join(c.queue.binDir('sge'), 'qstat'), link);
    const viaLink = await runProgram(link, ['-xml'], { ...process.env, ...c.queue.env() });
    expect(viaLink.code).toBe(0);
    expect(viaLink.stdout).toContain('<job_info');
    const { QMR_DUMMY_STATE: _, ...withoutState } = process.env;
    const missing = await runProgram(join(c.queue.binDir('slurm'), 'squeue'), [], withoutState);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('QMR_DUMMY_STATE is not set');
    expect(Object.keys(await c.queue.commands('htcondor')).sort()).toEqual(['condor_history', 'condor_q', 'condor_rm', 'condor_submit']);
    expect(c.queue.env('lsf').PATH!.startsWith(c.queue.binDir('lsf'))).toBe(true);
  });
});
