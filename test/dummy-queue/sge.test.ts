/**
 * The SGE front end to end: the real shims in dummy-queue/bin/sge, jobs that really run, outputs
 * compared with captured SGE 8.1.9 output (exactly where nothing varies, by shape otherwise).
 */
import { readFile, writeFile, chmod } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../dummy-queue/src/engine/processes.js';
import { fixture, makeCluster, recordingScript, sgeFixtureExitCode, waitFor, type Cluster } from './helpers.js';

const me = userInfo().username;
let c: Cluster;

beforeEach(async () => {
  c = await makeCluster({ slots: 2, hostname: 'vm' });
  await writeFile(join(c.dir, 'job.sh'), recordingScript());
  await chmod(join(c.dir, 'job.sh'), 0o755);
  await writeFile(join(c.dir, 'sleeper.sh'), '#!/bin/sh\nsleep "${1:-30}"\n');
  await chmod(join(c.dir, 'sleeper.sh'), 0o755);
  await writeFile(join(c.dir, 'exit3.sh'), '#!/bin/sh\necho "this is stdout of job $JOB_ID"\necho "this is stderr of job $JOB_ID" >&2\nexit 3\n');
  await chmod(join(c.dir, 'exit3.sh'), 0o755);
});
afterEach(async () => c.dispose());

/** The shape of a qstat -xml document: element names and attributes, text blanked out. */
function xmlBlocks(xml: string): Set<string> {
  const blocks = xml.match(/    <job_list state="[a-z]+">\n[\s\S]*?    <\/job_list>\n/g) ?? [];
  return new Set(blocks.map((b) => b.replace(/>[^<\n]+</g, '>…<').replace(/<state>…</, '<state>…<')));
}

/** Blank out digits, so that job numbers, times and users can be compared by shape. */
const shape = (text: string) => text.replace(/\d+/g, 'N').replaceAll(me, 'USER').replaceAll('root', 'USER');

const taskStates = async (jobId: number) => (await c.queue.jobs()).find((j) => j.id === jobId)?.tasks.map((t) => t.state) ?? [];

describe('SGE qsub', () => {
  it('answers like SGE for single, array, terse and held submissions', async () => {
    const plain = await c.run('sge', 'qsub', ['-cwd', '-N', 'okjob', 'job.sh', 'one']);
    expect(plain.code).toBe(0);
    expect(shape(plain.stdout)).toBe(shape(await fixture('sge', 'qsub-plain.txt')));
    expect(plain.stdout).toBe('Your job 1 ("okjob") has been submitted\n');
    const array = await c.run('sge', 'qsub', ['-cwd', '-N', 'okarray', '-t', '1-5', 'job.sh']);
    expect(array.stdout).toBe('Your job-array 2.1-5:1 ("okarray") has been submitted\n');
    expect(shape(array.stdout)).toBe(shape(await fixture('sge', 'qsub-array-t1-5.txt')));
    const step = await c.run('sge', 'qsub', ['-cwd', '-N', 'steparray', '-t', '1-10:2', 'job.sh']);
    expect(shape(step.stdout)).toBe(shape(await fixture('sge', 'qsub-array-step-t1-10-2.txt')));
    expect((await c.run('sge', 'qsub', ['-terse', '-cwd', 'job.sh'])).stdout).toBe('4\n');
    expect((await c.run('sge', 'qsub', ['-terse', '-cwd', '-t', '1-5', 'job.sh'])).stdout).toBe('5.1-5:1\n');
    const held = await c.run('sge', 'qsub', ['-h', '-cwd', '-N', 'heldjob', 'sleeper.sh', '60']);
    expect(shape(held.stdout)).toBe(shape(await fixture('sge', 'qsub-hold-h.txt')));
    expect(await taskStates(6)).toEqual(['held']);
  });

  it('runs jobs like execd: cwd, output files, minimal environment, SGE variables', async () => {
    process.env.QMR_TEST_SECRET = 'not exported';
    await c.run('sge', 'qsub', ['-cwd', '-N', 'single', '-v', 'GIVEN=yes,OTHER=a b', 'job.sh', 'single']);
    await c.run('sge', 'qsub', ['-cwd', '-N', 'arr', '-t', '2-4:2', '-j', 'y', 'job.sh', 'arr']);
    expect(await c.queue.waitIdle(30_000)).toBe(true);
    const env = await readFile(join(c.dir, 'env.single'), 'utf8');
    expect(env).toContain('JOB_ID=1\n');
    expect(env).toContain('JOB_NAME=single\n');
    expect(env).toContain('SGE_TASK_ID=undefined\n');
    expect(env).toContain('PATH=/usr/local/bin:/bin:/usr/bin\n');
    expect(env).toContain('GIVEN=yes\n');
    expect(env).toContain('OTHER=a b\n');
    expect(env).toContain(`SGE_O_WORKDIR=${c.dir}\n`);
    expect(env).toMatch(/^TMPDIR=.+\n/m);
    expect(env).not.toContain('QMR_TEST_SECRET');
    expect(await readFile(join(c.dir, 'single.o1'), 'utf8')).toBe(`ran single in ${c.dir} with single\n`);
    expect(await readFile(join(c.dir, 'single.e1'), 'utf8')).toBe('');
    // Array tasks: SGE_TASK_* set, one output file per task, -j y merges stderr.
    const arrEnv = await readFile(join(c.dir, 'env.arr'), 'utf8');
    expect(arrEnv).toMatch(/SGE_TASK_ID=[24]\n/);
    for (const line of ['SGE_TASK_FIRST=2', 'SGE_TASK_LAST=4', 'SGE_TASK_STEPSIZE=2']) expect(arrEnv).toContain(`${line}\n`);
    expect(await readFile(join(c.dir, 'arr.o2.2'), 'utf8')).toContain('ran arr');
    expect(await readFile(join(c.dir, 'arr.o2.4'), 'utf8')).toContain('ran arr');
    // -V exports the submitter's environment.
    await c.run('sge', 'qsub', ['-cwd', '-V', 'job.sh', 'exported'], { env: { QMR_TEST_SECRET: 'exported' } });
    expect(await c.queue.waitIdle(30_000)).toBe(true);
    expect(await readFile(join(c.dir, 'env.exported'), 'utf8')).toContain('QMR_TEST_SECRET=exported\n');
    delete process.env.QMR_TEST_SECRET;
  });

  it('runs in $HOME without -cwd and appends to existing output files', async () => {
    const out = join(c.dir, 'out.txt');
    await writeFile(out, 'earlier\n');
    await c.run('sge', 'qsub', ['-o', out, '-e', '/dev/null', 'job.sh', 'home']);
    expect(await c.queue.waitIdle(30_000)).toBe(true);
    expect(await readFile(out, 'utf8')).toBe(`earlier\nran home in ${userInfo().homedir} with home\n`);
  });

  it('refuses a missing script like SGE (exit 14) and unknown options', async () => {
    const missing = await c.run('sge', 'qsub', ['/tmp/sge-fixture-work/does-not-exist.sh']);
    expect(missing.stderr).toBe(await fixture('sge', 'qsub-script-not-found.txt.stderr'));
    expect(missing.code).toBe(await sgeFixtureExitCode('qsub-script-not-found.txt'));
    const unknown = await c.run('sge', 'qsub', ['-bogus', 'job.sh']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('-bogus');
    expect((await c.queue.jobs()).length).toBe(0);
  });

  it('-sync y waits and exits with the job exit code', async () => {
    const result = await c.run('sge', 'qsub', ['-sync', 'y', '-cwd', '-N', 'syncexit3', 'exit3.sh']);
    expect(result.code).toBe(3);
    expect(shape(result.stdout)).toBe(shape(await fixture('sge', 'qsub-sync-y-exit3.txt')));
    expect(shape(result.stderr)).toBe(shape(await fixture('sge', 'qsub-sync-y-exit3.txt.stderr')));
  });

  it('keeps the state consistent under 20 parallel qsubs', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => c.run('sge', 'qsub', ['-terse', '-h', 'job.sh'])));
    // Every qsub answers with an id; a failure shows its stderr here rather than as a missing id.
    expect(results.filter((r) => r.code !== 0 || !/^\d+\n$/.test(r.stdout))).toEqual([]);
    const ids = results.map((r) => Number(r.stdout.trim())).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await c.queue.jobs()).length).toBe(20);
    expect((await c.queue.calls()).qsub).toBe(20);
  });
});

describe('SGE qstat', () => {
  it('prints the captured -xml shapes for r, qw, hqw, Eqw and array task groups', async () => {
    await c.queue.settings({ slots: 1 });
    // Started and failed at once (no such directory): Eqw, without taking the slot.
    await c.run('sge', 'qsub', ['-wd', '/nonexistent', '-N', 'badwd', 'sleeper.sh']);
    await waitFor(async () => (await taskStates(1))[0] === 'error', 'badwd in Eqw', 30_000);
    await c.run('sge', 'qsub', ['-cwd', '-N', 'run1', 'sleeper.sh', '30']);
    await waitFor(async () => (await taskStates(2))[0] === 'running', 'job 2 running', 30_000);
    await c.run('sge', 'qsub', ['-cwd', '-N', 'pendarray', '-t', '1-3', 'sleeper.sh']);
    await c.run('sge', 'qsub', ['-h', '-cwd', '-N', 'heldjob', 'sleeper.sh']);
    const ours = await c.run('sge', 'qstat', ['-xml']);
    expect(ours.code).toBe(0);
    const captured = new Set([
      ...xmlBlocks(await fixture('sge', 'qstat-xml-mixed.xml')),
      ...xmlBlocks(await fixture('sge', 'qstat-xml-pending-running.xml')),
    ]);
    const blocks = xmlBlocks(ours.stdout);
    expect(blocks.size).toBeGreaterThanOrEqual(3);
    for (const block of blocks) expect(captured, block).toContain(block);
    expect(ours.stdout.split('\n').slice(0, 3)).toEqual((await fixture('sge', 'qstat-xml-empty.xml')).split('\n').slice(0, 3));
    expect(ours.stdout).toMatch(/<state>Eqw<\/state>/);
    expect(ours.stdout).toMatch(/<state>hqw<\/state>/);
    expect(ours.stdout).toContain('<tasks>1-3:1</tasks>');
    // -j shows why a job sits in Eqw.
    const details = await c.run('sge', 'qstat', ['-j', '1']);
    expect(details.stdout).toMatch(/^error reason {10}1: {6}\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d \[0:\d+\]: error: can't chdir to \/nonexistent: No such file or directory$/m);
    expect(details.stdout.split('\n')[0]).toBe((await fixture('sge', 'qstat-j-eqw.txt')).split('\n')[0]);
  });

  it('prints the empty skeleton, forgets finished jobs at once, and reports unknown -j ids', async () => {
    expect((await c.run('sge', 'qstat', ['-xml'])).stdout).toBe(await fixture('sge', 'qstat-xml-empty.xml'));
    expect((await c.run('sge', 'qstat')).stdout).toBe('');
    await c.run('sge', 'qsub', ['-cwd', 'job.sh']);
    expect(await c.queue.waitIdle(30_000)).toBe(true);
    expect((await c.run('sge', 'qstat', ['-xml', '-u', '*'])).stdout).toBe(await fixture('sge', 'qstat-xml-empty.xml'));
    const unknown = await c.run('sge', 'qstat', ['-j', '999999']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(await fixture('sge', 'qstat-j-nonexistent.txt.stderr'));
    const unknownXml = await c.run('sge', 'qstat', ['-j', '999999', '-xml']);
    expect(unknownXml.code).toBe(0);
    expect(unknownXml.stdout).toBe(await fixture('sge', 'qstat-j-xml-nonexistent.xml'));
  });
});

describe('SGE qdel and qacct', () => {
  it('deletes pending, held, running and array tasks with the captured messages', async () => {
    // cancelLinger: deleted running jobs show `dr` that long (SGE: about a second), long enough
    // to be seen by the qstat below on a loaded machine.
    await c.queue.settings({ slots: 1, cancelLinger: 10 });
    await c.run('sge', 'qsub', ['-cwd', 'sleeper.sh', '30']); // 1 runs
    await waitFor(async () => (await taskStates(1))[0] === 'running', 'job 1 running', 30_000);
    await c.run('sge', 'qsub', ['-cwd', 'sleeper.sh']); // 2 waits
    await c.run('sge', 'qsub', ['-h', '-cwd', 'sleeper.sh']); // 3 held
    const pending = await c.run('sge', 'qdel', ['2']);
    expect(pending.stdout).toBe(`${me} has deleted job 2\n`);
    expect(shape(pending.stdout)).toBe(shape(await fixture('sge', 'qdel-pending-job.txt')));
    expect((await c.run('sge', 'qdel', ['3'])).stdout).toBe(`${me} has deleted job 3\n`);
    const running = await c.run('sge', 'qdel', ['1']);
    expect(running.stdout).toBe(`${me} has registered the job 1 for deletion\n`);
    expect(shape(running.stdout)).toBe(shape(await fixture('sge', 'qdel-running-job.txt')));
    expect((await c.run('sge', 'qstat', ['-xml'])).stdout).toContain('<state>dr</state>');
    await waitFor(async () => (await taskStates(1))[0] === 'finished', 'job 1 killed', 30_000);
    const job1 = (await c.queue.jobs())[0]!.tasks[0]!;
    expect(job1).toMatchObject({ outcome: 'cancelled', signal: 'SIGKILL' });
    expect(job1.endTime! - job1.cancelRequestedAt!).toBeGreaterThanOrEqual(10_000); // reported after the linger
    // qacct shows the kill like SGE: failed 100, exit_status 137 (Killed).
    const acct = await c.run('sge', 'qacct', ['-j', '1']);
    const capturedKill = await fixture('sge', 'qacct-j-running-job-killed-by-qdel.txt');
    const line = (text: string, key: string) => text.split('\n').find((l) => l.startsWith(key));
    expect(line(acct.stdout, 'failed')).toBe(line(capturedKill, 'failed'));
    expect(line(acct.stdout, 'exit_status')).toBe(line(capturedKill, 'exit_status'));
    // Array: a running task is registered for deletion, the rest deleted.
    await c.queue.settings({ slots: 2, cancelLinger: 1 });
    await c.run('sge', 'qsub', ['-cwd', '-t', '1-4', 'sleeper.sh', '30']); // job 4
    await waitFor(async () => (await taskStates(4)).filter((s) => s === 'running').length === 2, 'two tasks running', 30_000);
    const task = await c.run('sge', 'qdel', ['4.1']);
    expect(task.stdout).toBe(`${me} has registered the job-array task 4.1 for deletion\n`);
    expect(shape(task.stdout)).toBe(shape(await fixture('sge', 'qdel-running-array-task.txt')));
    const whole = await c.run('sge', 'qdel', ['4']);
    expect(shape(whole.stdout)).toBe(shape(await fixture('sge', 'qdel-whole-array-job.txt')));
    expect(await c.queue.waitIdle(30_000)).toBe(true);
  });

  it('denies unknown and finished jobs on stdout with exit 1', async () => {
    const unknown = await c.run('sge', 'qdel', ['999999']);
    expect(unknown).toEqual({ stdout: await fixture('sge', 'qdel-nonexistent.txt'), stderr: '', code: await sgeFixtureExitCode('qdel-nonexistent.txt') });
    await c.run('sge', 'qsub', ['-cwd', '-N', 'exit3', 'exit3.sh']);
    expect(await c.queue.waitIdle(30_000)).toBe(true);
    const finished = await c.run('sge', 'qdel', ['1']);
    expect(finished).toEqual({ stdout: 'denied: job "1" does not exist\n', stderr: '', code: 1 });
    const acct = await c.run('sge', 'qacct', ['-j', '1']);
    expect(acct.code).toBe(0);
    const captured = await fixture('sge', 'qacct-j-exit3.txt');
    expect(acct.stdout.split('\n').map((l) => l.slice(0, 13))).toEqual(captured.split('\n').map((l) => l.slice(0, 13)));
    expect(acct.stdout).toContain('exit_status  3                   \n');
    const none = await c.run('sge', 'qacct', ['-j', '999999']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(await fixture('sge', 'qacct-j-nonexistent.txt.stderr'));
  });
});

describe('SGE with qmaster unreachable (statusFail / submitFail faults)', () => {
  it('prints what the clients print when qmaster is down', async () => {
    await c.queue.addFault({ kind: 'statusFail' });
    await c.queue.addFault({ kind: 'submitFail' });
    const qstat = await c.run('sge', 'qstat', ['-xml']);
    expect(qstat).toEqual({ stdout: '', stderr: await fixture('sge', 'qstat-qmaster-down.txt.stderr'), code: await sgeFixtureExitCode('qstat-xml-qmaster-down.xml') });
    const qsub = await c.run('sge', 'qsub', ['-terse', '-b', 'y', 'true']);
    expect(qsub).toEqual({ stdout: '', stderr: await fixture('sge', 'qsub-terse-qmaster-down.txt.stderr'), code: await sgeFixtureExitCode('qsub-terse-qmaster-down.txt') });
    expect((await c.run('sge', 'qstat', ['-xml'])).code).toBe(0);
  });
});

describe('SGE dispatcher', () => {
  it('leaves when idle and is started again by the next submit', async () => {
    await c.queue.settings({ idleExit: 1 });
    await c.run('sge', 'qsub', ['-cwd', 'job.sh']);
    const first = (await c.queue.state()).dispatcher!.pid;
    expect(isProcessAlive(first)).toBe(true);
    await waitFor(async () => (await c.queue.state()).dispatcher === null, 'dispatcher to leave', 30_000);
    await waitFor(async () => !isProcessAlive(first), 'dispatcher process to end', 30_000);
    await c.run('sge', 'qsub', ['-cwd', 'job.sh']);
    expect(await c.queue.waitIdle(30_000)).toBe(true);
    expect((await c.queue.jobs()).map((j) => j.tasks[0]!.outcome)).toEqual(['exited', 'exited']);
  });
});
