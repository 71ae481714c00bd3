/**
 * The Slurm front end to end, against captured Slurm 22.05 output (test/fixtures/slurm).
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, makeCluster, waitFor, type Cluster } from './helpers.js';

let c: Cluster;
beforeEach(async () => {
  c = await makeCluster({ slots: 2, keepFinished: 30 });
  await writeFile(join(c.dir, 'job.sh'), '#!/bin/sh\nenv | sort > "env.$SLURM_JOB_ID"\necho "job $SLURM_JOB_ID task ${SLURM_ARRAY_TASK_ID:-none} in $PWD"\nsleep "${1:-0}"\nexit "${2:-0}"\n');
  await chmod(join(c.dir, 'job.sh'), 0o755);
});
afterEach(async () => c.dispose());

const sbatch = async (...args: string[]) => {
  const r = await c.run('slurm', 'sbatch', ['--parsable', ...args]);
  if (r.code !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim());
};
const squeue = async (...args: string[]) => (await c.run('slurm', 'squeue', ['--noheader', ...args])).stdout;
/** Lines with ids, times and names blanked out, for comparison with captured output. */
const shape = (text: string) => text.replace(/\d+/g, 'N').replace(/fx-[\w-]+|job\.sh|wrap/g, 'NAME');
const allEnded = async () => (await c.queue.jobs()).every((j) => j.tasks.every((t) => t.state === 'finished'));

describe('Slurm sbatch', () => {
  it('answers like sbatch and refuses bad requests with its texts and exit codes', async () => {
    const plain = await c.run('slurm', 'sbatch', ['-o', '/dev/null', '-J', 'fx-running1', '--wrap', 'sleep 1']);
    expect(plain).toMatchObject({ stdout: 'Submitted batch job 1\n', code: 0 });
    expect(shape(plain.stdout)).toBe(shape(await fixture('slurm', 'sbatch_plain.out')));
    expect((await c.run('slurm', 'sbatch', ['--parsable', '--wrap', 'true'])).stdout).toBe('2\n');
    const cases: [string[], string, number][] = [
      [['--parsable', '/tmp/slurm-fixture-work/does-not-exist.sh'], 'sbatch_no_script.err', 1],
      [['--parsable', '--time=abc', '--wrap', 'true'], 'sbatch_bad_time.err', 255],
      [['--parsable', '--array=0-20000', '--wrap', 'true'], 'sbatch_array_too_large.err', 1],
      [['--parsable', '-c', '64', '--wrap', 'true'], 'sbatch_too_many_cpus.err', 1],
    ];
    for (const [args, name, code] of cases) {
      const r = await c.run('slurm', 'sbatch', args);
      expect({ stderr: r.stderr, code: r.code, stdout: r.stdout }).toEqual({ stderr: await fixture('slurm', name), code, stdout: '' });
    }
    await writeFile(join(c.dir, 'noshebang.sh'), 'echo hi\n');
    const notBatch = await c.run('slurm', 'sbatch', ['noshebang.sh']);
    expect(notBatch.code).toBe(1);
    expect(notBatch.stderr).toContain('This does not look like a batch script');
    const unknown = await c.run('slurm', 'sbatch', ['--bogus', 'job.sh']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`sbatch: unrecognized option '--bogus'\nTry "sbatch --help" for more information\n`);
  });

  it('runs jobs with the full environment, SLURM_* variables, #SBATCH lines and output patterns', async () => {
    await writeFile(join(c.dir, 'directives.sh'), '#!/bin/sh\n#SBATCH -J from-directive\n#SBATCH --output=dir-%x-%j.out\necho "$SLURM_JOB_NAME"\n');
    await chmod(join(c.dir, 'directives.sh'), 0o755);
    const inherited = await c.run('slurm', 'sbatch', ['--parsable', '-J', 'single', 'job.sh'], { env: { QMR_TEST_INHERITED: 'yes' } });
    const single = Number(inherited.stdout);
    const array = await sbatch('-J', 'arr', '--array=0-2', '-o', 'out-%A_%a.txt', 'job.sh');
    // An array task takes its own job id when it starts (as in Slurm), so a job submitted while
    // tasks still wait would take an id between them: let the array end before the next sbatch
    // (on a busy machine the tasks can start after it).
    await waitFor(allEnded, 'the array to end', 30_000);
    const directives = await sbatch('-J', 'cli-wins', 'directives.sh');
    await waitFor(allEnded, 'jobs to end', 30_000);
    const env = await readFile(join(c.dir, `env.${single}`), 'utf8');
    expect(env).toContain('QMR_TEST_INHERITED=yes\n');
    expect(env).toContain(`SLURM_JOB_ID=${single}\n`);
    expect(env).toContain(`SLURM_SUBMIT_DIR=${c.dir}\n`);
    expect(env).not.toContain('SLURM_ARRAY_TASK_ID');
    expect(await readFile(join(c.dir, `slurm-${single}.out`), 'utf8')).toBe(`job ${single} task none in ${c.dir}\n`);
    // Array tasks got their own job ids (the last to start keeps the array's id).
    const jobs = await c.queue.jobs();
    const rawIds = jobs.find((j) => j.id === array)!.tasks.map((t) => t.rawId);
    expect(rawIds.sort()).toEqual([array, array + 1, array + 2].sort());
    for (const task of jobs.find((j) => j.id === array)!.tasks) {
      const out = await readFile(join(c.dir, `out-${array}_${task.index}.txt`), 'utf8');
      expect(out).toBe(`job ${task.rawId} task ${task.index} in ${c.dir}\n`);
      const taskEnv = await readFile(join(c.dir, `env.${task.rawId}`), 'utf8');
      expect(taskEnv).toContain(`SLURM_ARRAY_JOB_ID=${array}\nSLURM_ARRAY_TASK_COUNT=3\n`);
    }
    // Job numbers and the ids the array tasks took come from one sequence, without gaps or repeats.
    const taken = jobs.flatMap((j) => [j.id, ...j.tasks.map((t) => t.rawId ?? j.id)]);
    expect([...new Set(taken)].sort((a, b) => a - b)).toEqual(Array.from({ length: new Set(taken).size }, (_, i) => i + 1));
    expect(await readFile(join(c.dir, `dir-cli-wins-${jobs.find((j) => j.id === directives)!.tasks[0]!.rawId}.out`), 'utf8')).toBe('cli-wins\n');
    expect(jobs.find((j) => j.id === directives)!.name).toBe('cli-wins');
  });
});

describe('Slurm squeue, scancel, sacct, scontrol', () => {
  it('lists pending, held and running jobs and folds pending array tasks like squeue', async () => {
    expect((await c.run('slurm', 'squeue')).stdout).toBe(await fixture('slurm', 'squeue_empty_default.out'));
    const running = (n: number) => async () => (await squeue('--format=%T')).split('\n').filter((l) => l === 'RUNNING').length === n;
    await sbatch('-J', 'fx-running1', 'job.sh', '30');
    await waitFor(running(1), 'one running', 30_000);
    await sbatch('-J', 'fx-held', '--hold', 'job.sh');
    await sbatch('-J', 'fx-array', '--array=0-4', 'job.sh', '30');
    await waitFor(running(2), 'two running', 30_000);
    await sbatch('-J', 'fx-array-throttled', '--array=0-3%1', 'job.sh', '30');
    const table = (await c.run('slurm', 'squeue')).stdout;
    expect(table.split('\n')[0]).toBe((await fixture('slurm', 'squeue_pending_running_default.out')).split('\n')[0]);
    expect(table).toMatch(/^ {11}3_\[1-4\] {5}debug fx-array {5}\S+ PD {7}0:00 {6}1 \(Resources\)$/m);
    expect(table).toMatch(/^ {17}2 {5}debug  fx-held {5}\S+ PD {7}0:00 {6}1 \(JobHeldUser\)$/m);
    const formatted = await squeue('--format=%i %A %F %K %T %r');
    expect(formatted).toBe(
      [
        '3_[1-4] 3 3 [1-4] PENDING Resources',
        '5_[0-3%1] 5 5 [0-3%1] PENDING Priority',
        '2 2 2 N/A PENDING JobHeldUser',
        '1 1 1 N/A RUNNING None',
        '3_0 4 3 0 RUNNING None',
        '',
      ].join('\n'),
    );
    // Captured shapes: a throttled array waiting for its running element.
    await c.run('slurm', 'scancel', ['1', '3']);
    await waitFor(async () => (await squeue('--format=%i %T %r')).includes('JobArrayTaskLimit'), 'throttle', 30_000);
    const throttled = (await squeue('--format=%i %T %r')).split('\n').filter((l) => l.startsWith('5_'));
    expect(throttled.map(shape)).toEqual((await fixture('slurm', 'squeue_array_throttled_format.out')).trim().split('\n').map(shape));
    const perTask = await squeue('--array', '--format=%i %A %F %K %T %r', '--jobs=5');
    expect(perTask.split('\n')[0]).toBe('5_1 5 5 1 PENDING JobArrayTaskLimit');
    expect(perTask.split('\n')).toHaveLength(5);
    void shape;
    // A single unknown id is an error; scancel stays silent whatever it is given.
    const unknown = await c.run('slurm', 'squeue', ['--jobs=999999']);
    expect(unknown).toEqual({ stdout: '', stderr: await fixture('slurm', 'squeue_unknown_job.err'), code: 1 });
    expect(await c.run('slurm', 'scancel', ['999999'])).toEqual({ stdout: '', stderr: '', code: 0 });
    const verbose = await c.run('slurm', 'scancel', ['-v', '999999']);
    expect(verbose).toEqual({ stdout: '', stderr: await fixture('slurm', 'scancel_verbose_unknown_job.err'), code: 0 });
    expect(await c.run('slurm', 'scancel', ['1', '2', '3', '5'])).toEqual({ stdout: '', stderr: '', code: 0 });
    await waitFor(async () => (await squeue()) === '', 'queue to empty', 30_000);
  });

  it('shows finished jobs only with --states=all, with Slurm states, reasons and exit codes', async () => {
    const ok = await sbatch('-J', 'fx-completed', 'job.sh');
    const failed = await sbatch('-J', 'fx-failed', 'job.sh', '0', '3');
    const cancelled = await sbatch('-J', 'fx-cancelled', 'job.sh', '30');
    await waitFor(async () => (await squeue('--format=%T')).includes('RUNNING'), 'running', 30_000);
    await waitFor(async () => (await c.queue.jobs())[2]!.tasks[0]!.state === 'running', 'cancel target running', 30_000);
    await c.run('slurm', 'scancel', [String(cancelled)]);
    await waitFor(allEnded, 'all ended', 30_000);
    const ids = `--jobs=${ok},${failed},${cancelled}`;
    expect(await squeue('--format=%i %T %r', ids)).toBe('');
    const all = await squeue('--states=all', '--format=%i %T %r', ids);
    expect(all).toBe(`${cancelled} CANCELLED None\n${ok} COMPLETED None\n${failed} FAILED NonZeroExitCode\n`);
    const captured = new Set((await fixture('slurm', 'squeue_finished_jobs_states_all.out')).split('\n'));
    for (const line of all.trim().split('\n')) expect(captured).toContain(line.replace(/^\d+/, (n) => ({ [ok]: '2', [failed]: '3', [cancelled]: '5' })[Number(n)]!));
    // scancel of a finished job: silent, exit 0; -v says why.
    const verbose = await c.run('slurm', 'scancel', ['-v', String(ok)]);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr.replaceAll(String(ok), '12')).toBe(await fixture('slurm', 'scancel_verbose_already_finished.err'));
    // sacct (as with slurmdbd): job and .batch lines, CANCELLED by UID.
    const acct = (await c.run('slurm', 'sacct', ['--parsable2', '--noheader', '--format=JobID,State,ExitCode', ids])).stdout;
    const uid = userInfo().uid;
    expect(acct).toBe(
      [
        `${ok}|COMPLETED|0:0`, `${ok}.batch|COMPLETED|0:0`,
        `${failed}|FAILED|3:0`, `${failed}.batch|FAILED|3:0`,
        `${cancelled}|CANCELLED by ${uid}|0:0`, `${cancelled}.batch|CANCELLED|0:15`, '',
      ].join('\n'),
    );
    const dbd = new Set((await fixture('slurm', 'dbd-sacct_parsable_finished.out')).split('\n').map((l) => l.replace(/^\d+/, 'N').replace('FAILED|1:0', 'FAILED|3:0')));
    for (const line of acct.trim().split('\n')) expect(dbd).toContain(line.replace(/^\d+/, 'N').replace(`by ${uid}`, 'by 0'));
    const table = (await c.run('slurm', 'sacct', [ids])).stdout;
    expect(table.split('\n').slice(0, 2)).toEqual((await fixture('slurm', 'dbd-sacct_default_finished.out')).split('\n').slice(0, 2));
    const invalid = await c.run('slurm', 'sacct', ['-D', '--parsable2', '--noheader', '--format=JobID,State,ExitCode,Restarts', `--jobs=${ok}`]);
    expect(invalid).toEqual({ stdout: '', stderr: await fixture('slurm', 'dbd-sacct_invalid_field.err'), code: 1 });
    expect((await c.run('slurm', 'sacct', ['--parsable2', '--noheader', '--jobs=999999'])).stdout).toBe('');
    // Without slurmdbd.
    await c.queue.settings({ accounting: false });
    const disabled = await c.run('slurm', 'sacct', ['--parsable2', '--noheader', '--format=JobID,State,ExitCode']);
    expect(disabled).toEqual({ stdout: '', stderr: await fixture('slurm', 'sacct_parsable.err'), code: 1 });
    // After MinJobAge (keepFinished) the jobs are gone from squeue: an unknown id again.
    await c.queue.settings({ keepFinished: 0 });
    expect((await c.run('slurm', 'squeue', [`--jobs=${ok}`])).code).toBe(1);
  });

  it('kills a job that ignores SIGTERM with SIGKILL after killGrace, showing COMPLETING meanwhile', async () => {
    await writeFile(join(c.dir, 'stubborn.sh'), '#!/bin/sh\ntrap "" TERM\nsleep 30 &\nwait\nsleep 30\n');
    await chmod(join(c.dir, 'stubborn.sh'), 0o755);
    // COMPLETING lasts until the SIGKILL: long enough to be seen by the squeue below on a loaded machine.
    await c.queue.settings({ killGrace: 10 });
    const id = await sbatch('-J', 'fx-completing', 'stubborn.sh');
    await waitFor(async () => (await squeue('--format=%T')).includes('RUNNING'), 'running', 30_000);
    await c.run('slurm', 'scancel', [String(id)]);
    expect(await squeue('--format=%i|%T|%r')).toBe(`${id}|COMPLETING|None\n`);
    await waitFor(allEnded, 'the kill', 30_000);
    const task = (await c.queue.jobs())[0]!.tasks[0]!;
    expect(task).toMatchObject({ outcome: 'cancelled', signal: 'SIGKILL' });
    expect(task.killSentAt! - task.cancelRequestedAt!).toBeGreaterThanOrEqual(10_000);
    expect(await squeue('--states=all', '--format=%i|%T|%r')).toBe(`${id}|CANCELLED|None\n`);
  });

  it('reports array tasks in sacct as ID_N with their own raw ids', async () => {
    const array = await sbatch('-J', 'fx-array', '--array=0-2', 'job.sh');
    await waitFor(allEnded, 'array done', 30_000);
    const acct = (await c.run('slurm', 'sacct', ['-X', '--parsable2', '--noheader', '--format=JobID,JobIDRaw,State,ExitCode', `--jobs=${array}`])).stdout;
    const lines = acct.trim().split('\n');
    expect(lines.map((l) => l.split('|')[0])).toEqual([`${array}_0`, `${array}_1`, `${array}_2`]);
    expect(new Set(lines.map((l) => Number(l.split('|')[1])))).toEqual(new Set([array, array + 1, array + 2]));
    const captured = (await fixture('slurm', 'dbd-sacct_parsable_array_allocations_only.out')).split('\n').map((l) => l.replace(/\d+/g, 'N'));
    for (const line of lines) expect(captured).toContain(line.replace(/\d+/g, 'N'));
  });

  it('scontrol show job prints the captured field layout', async () => {
    const running = await sbatch('-J', 'fx-running1', 'job.sh', '30');
    const held = await sbatch('-J', 'fx-held', '--hold', 'job.sh');
    await waitFor(async () => (await squeue('--format=%T')).includes('RUNNING'), 'running', 30_000);
    const keys = (text: string) => text.split('\n').map((line) => line.split(' ').map((kv) => kv.split('=')[0]).join(' '));
    const show = await c.run('slurm', 'scontrol', ['show', 'job', String(running)]);
    expect(keys(show.stdout)).toEqual(keys(await fixture('slurm', 'scontrol_show_job_running.out')));
    const showHeld = await c.run('slurm', 'scontrol', ['show', 'job', String(held)]);
    expect(keys(showHeld.stdout)).toEqual(keys(await fixture('slurm', 'scontrol_show_job_pending_held.out')));
    expect(showHeld.stdout).toContain('JobState=PENDING Reason=JobHeldUser');
    const unknown = await c.run('slurm', 'scontrol', ['show', 'job', '999999']);
    expect(unknown).toEqual({ stdout: '', stderr: await fixture('slurm', 'scontrol_show_job_unknown.err'), code: 1 });
    expect((await c.run('slurm', 'scontrol', ['release', String(held)])).code).toBe(0);
    await waitFor(async () => (await c.queue.jobs())[1]!.tasks[0]!.state !== 'held', 'release', 30_000);
  });
});
