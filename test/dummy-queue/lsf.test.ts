/**
 * The LSF front, against the formats in FORMATS-lsf-htcondor-pbs.md §1 and IBM's bjobs/bkill
 * documentation (LSF cannot be installed here).
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeCluster, waitFor, type Cluster } from './helpers.js';

let c: Cluster;
beforeEach(async () => {
  c = await makeCluster({ slots: 2, keepFinished: 30 });
  await writeFile(join(c.dir, 'job.sh'), '#!/bin/sh\nenv | sort > "env.$LSB_JOBID.$LSB_JOBINDEX"\necho "ran $LSB_JOBNAME in $PWD"\necho "to stderr" >&2\nsleep "${S:-0}"\nexit "${1:-0}"\n');
  await chmod(join(c.dir, 'job.sh'), 0o755);
});
afterEach(async () => c.dispose());

const allEnded = async () => (await c.queue.jobs()).every((j) => j.tasks.every((t) => t.state === 'finished'));
const bsub = async (...args: string[]) => {
  const r = await c.run('lsf', 'bsub', args);
  if (r.code !== 0) throw new Error(r.stderr);
  return Number(/^Job <(\d+)> is submitted to (default )?queue <\w+>\.$/.exec(r.stdout.trim())![1]);
};

describe('LSF bsub and the jobs it runs', () => {
  it('answers like bsub and runs commands with LSB_* variables, the full environment, %J/%I files', async () => {
    const first = await c.run('lsf', 'bsub', ['-J', 'single', '-o', 'out.%J', './job.sh']);
    expect(first).toEqual({ stdout: 'Job <1> is submitted to default queue <normal>.\n', stderr: '', code: 0 });
    expect((await c.run('lsf', 'bsub', ['-q', 'short', '-J', 'arr[1-3]%2', '-oo', 'arr.%J.%I', './job.sh'])).stdout).toBe('Job <2> is submitted to queue <short>.\n');
    await c.run('lsf', 'bsub', ['-env', 'none', '-J', 'bare', '-o', 'bare.out', './job.sh'], { env: { QMR_TEST_SECRET: 'x' } });
    await c.run('lsf', 'bsub', ['-J', 'inherit', '-o', 'inherit.out', './job.sh'], { env: { QMR_TEST_SECRET: 'x' } });
    await c.run('lsf', 'bsub', [], { input: '#!/bin/sh\n#BSUB -J fromstdin\n#BSUB -o stdin.out\necho "stdin job $LSB_JOBNAME"\n' });
    await waitFor(allEnded, 'jobs to end', 10_000);
    // -o without -e: stderr goes to the same file; LSF appends to -o files.
    expect(await readFile(join(c.dir, 'out.1'), 'utf8')).toBe(`ran single in ${c.dir}\nto stderr\n`);
    expect(await readFile(join(c.dir, 'env.1.0'), 'utf8')).toContain('LSB_JOBINDEX=0\n');
    const element = await readFile(join(c.dir, 'env.2.2'), 'utf8');
    expect(element).toContain('LSB_JOBID=2\n');
    expect(element).toContain('LSB_JOBNAME=arr[2]\n');
    expect(await readFile(join(c.dir, 'arr.2.3'), 'utf8')).toContain('ran arr[3]');
    expect(await readFile(join(c.dir, 'env.3.0'), 'utf8')).not.toContain('QMR_TEST_SECRET');
    expect(await readFile(join(c.dir, 'env.4.0'), 'utf8')).toContain('QMR_TEST_SECRET=x\n');
    expect(await readFile(join(c.dir, 'stdin.out'), 'utf8')).toBe('stdin job fromstdin\n');
    const bad = await c.run('lsf', 'bsub', ['-J', 'x[1-5000]', './job.sh']);
    expect(bad.code).toBe(255);
    expect(bad.stderr).toMatch(/Job not submitted\.\n$/);
    expect((await c.run('lsf', 'bsub', ['-Z', './job.sh'])).stderr).toMatch(/^bsub: illegal option -- Z\n/);
  });
});

describe('LSF bjobs and bkill', () => {
  it('lists elements under one JOBID, prints -o columns and -json records, forgets jobs after CLEAN_PERIOD', async () => {
    const ok = await bsub('-J', 'ok', './job.sh');
    const failing = await bsub('-J', 'failing', './job.sh', '3');
    const array = await bsub('-J', 'arr[1-2]', './job.sh');
    await waitFor(allEnded, 'jobs to end', 10_000);
    expect((await c.run('lsf', 'bjobs')).stderr).toBe('No unfinished job found\n');
    const table = (await c.run('lsf', 'bjobs', ['-a'])).stdout.split('\n');
    expect(table[0]).toBe('JOBID   USER    STAT  QUEUE      FROM_HOST   EXEC_HOST   JOB_NAME   SUBMIT_TIME');
    expect(table.filter((l) => l.startsWith(`${array} `)).map((l) => l.split(/\s+/)[6])).toEqual(['arr[1]', 'arr[2]']);
    const columns = await c.run('lsf', 'bjobs', ['-noheader', '-o', "jobid jobindex stat exit_code delimiter='^'", String(ok), String(failing), String(array)]);
    expect(columns.stdout).toBe(`${ok}^0^DONE^-\n${failing}^0^EXIT^3\n${array}^1^DONE^-\n${array}^2^DONE^-\n`);
    const json = await c.run('lsf', 'bjobs', ['-o', 'jobid jobindex stat exit_code exit_reason', '-json', String(failing), '999']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      COMMAND: 'bjobs',
      JOBS: 2,
      RECORDS: [
        { JOBID: String(failing), JOBINDEX: '0', STAT: 'EXIT', EXIT_CODE: '3', EXIT_REASON: '' },
        { JOBID: '999', ERROR: 'Job <999> is not found' },
      ],
    });
    const header = await c.run('lsf', 'bjobs', ['-o', 'jobid stat', String(ok)]);
    expect(header.stdout).toBe(`JOBID STAT\n${ok} DONE\n`);
    const unknown = await c.run('lsf', 'bjobs', ['999']);
    expect(unknown).toEqual({ stdout: '', stderr: 'Job <999> is not found\n', code: 255 });
    await c.queue.settings({ keepFinished: 0 });
    expect((await c.run('lsf', 'bjobs', [String(ok)])).stderr).toBe(`Job <${ok}> is not found\n`);
  });

  it('bkill: being terminated, already finished, no matching job; killed jobs end EXIT TERM_OWNER', async () => {
    await c.queue.settings({ slots: 1 });
    const running = await bsub('-J', 'quick', './job.sh');
    await c.run('lsf', 'bsub', ['-J', 'long', '-env', 'all, S=30', './job.sh']);
    const pending = await bsub('-J', 'waits', './job.sh');
    await waitFor(async () => (await c.queue.jobs())[1]!.tasks[0]!.state === 'running', 'second job running', 5000);
    expect(await c.run('lsf', 'bkill', [String(running)])).toEqual({ stdout: '', stderr: `Job <${running}>: Job has already finished\n`, code: 255 });
    expect(await c.run('lsf', 'bkill', ['2', String(pending)])).toEqual({ stdout: `Job <2> is being terminated\nJob <${pending}> is being terminated\n`, stderr: '', code: 0 });
    expect(await c.run('lsf', 'bkill', ['999'])).toEqual({ stdout: '', stderr: 'Job <999>: No matching job found\n', code: 255 });
    await waitFor(allEnded, 'kills', 5000);
    const json = JSON.parse((await c.run('lsf', 'bjobs', ['-o', 'jobid stat exit_reason', '-json', '2', String(pending)])).stdout) as { RECORDS: Record<string, string>[] };
    expect(json.RECORDS.map((r) => [r.STAT, r.EXIT_REASON])).toEqual([
      ['EXIT', 'TERM_OWNER: job killed by owner'],
      ['EXIT', 'TERM_OWNER: job killed by owner'],
    ]);
  });
});
