/**
 * The PBS front in both dialects, against the formats in FORMATS-lsf-htcondor-pbs.md §3 (no real
 * Torque or PBS Pro can be installed here; Slurm's Torque wrappers give the table's shape).
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeCluster, waitFor, type Cluster } from './helpers.js';

let c: Cluster;
const torque = { env: { QMR_DUMMY_PBS_DIALECT: 'torque' } };
beforeEach(async () => {
  c = await makeCluster({ slots: 2, keepFinished: 30, pbsServer: 'server1' });
  await writeFile(join(c.dir, 'job.sh'), '#!/bin/sh\ntag=${TAG:-x}\nenv | sort > "$PBS_O_WORKDIR/env.$tag"\necho "ran $tag in $PWD"\nsleep "${S:-0}"\nexit "${CODE:-0}"\n');
  await chmod(join(c.dir, 'job.sh'), 0o755);
});
afterEach(async () => c.dispose());

const allEnded = async () => (await c.queue.jobs()).every((j) => j.tasks.every((t) => t.state === 'finished'));

describe('PBS Torque', () => {
  it('submits, runs in $HOME with PBS variables, keeps C jobs for keep_completed, then forgets them', async () => {
    const single = await c.run('pbs', 'qsub', ['-N', 'single', '-v', 'TAG=single,QMR_CHUNKS=0-9', 'job.sh'], torque);
    expect(single).toEqual({ stdout: '1.server1\n', stderr: '', code: 0 });
    const array = await c.run('pbs', 'qsub', ['-N', 'arr', '-t', '1-2', '-v', 'TAG=arr', 'job.sh'], torque);
    expect(array.stdout).toBe('2[].server1\n');
    const failing = await c.run('pbs', 'qsub', ['-N', 'fails', '-d', c.dir, '-v', 'TAG=fails,CODE=3', 'job.sh'], torque);
    expect(failing.stdout).toBe('3.server1\n');
    await waitFor(allEnded, 'jobs to end', 10_000);
    const env = await readFile(join(c.dir, 'env.single'), 'utf8');
    expect(env).toContain('PBS_JOBID=1.server1\n');
    expect(env).toContain(`PBS_O_WORKDIR=${c.dir}\n`);
    expect(env).toContain('PATH=/usr/local/bin:/bin:/usr/bin\n');
    expect(env).toContain('QMR_CHUNKS=0-9\n');
    expect(await readFile(join(c.dir, 'single.o1'), 'utf8')).toBe(`ran single in ${userInfo().homedir}\n`);
    expect(await readFile(join(c.dir, 'fails.o3'), 'utf8')).toBe(`ran fails in ${c.dir}\n`);
    expect(await readFile(join(c.dir, 'env.arr'), 'utf8')).toMatch(/^PBS_ARRAYID=[12]$/m);
    expect(await readFile(join(c.dir, 'arr.o2-1'), 'utf8')).toContain('ran arr');
    // C (completed) stays visible, with exit_status.
    const table = (await c.run('pbs', 'qstat', [], torque)).stdout;
    expect(table.split('\n').slice(0, 2)).toEqual([
      'Job ID                    Name             User            Time Use S Queue',
      '------------------------- ---------------- --------------- -------- - -----',
    ]);
    expect(table).toMatch(/^1\.server1 +single +\S+ +\d\d:\d\d:\d\d C batch$/m);
    expect(table).toMatch(/^2\[\]\.server1 +arr /m);
    const full = (await c.run('pbs', 'qstat', ['-f', '3'], torque)).stdout;
    expect(full.split('\n')[0]).toBe('Job Id: 3.server1');
    expect(full).toMatch(/^ {4}job_state = C$/m);
    expect(full).toMatch(/^ {4}exit_status = 3$/m);
    expect(full.endsWith('\n\n')).toBe(true);
    const subjobs = (await c.run('pbs', 'qstat', ['-t', '2[]'], torque)).stdout;
    expect(subjobs).toMatch(/^2\[1\]\.server1 /m);
    expect(subjobs).toMatch(/^2\[2\]\.server1 /m);
    const xml = (await c.run('pbs', 'qstat', ['-x', '1'], torque)).stdout;
    expect(xml).toMatch(/^<Data><Job><Job_Id>1\.server1<\/Job_Id><Job_Name>single<\/Job_Name>.*<job_state>C<\/job_state>.*<\/Job><\/Data>\n$/);
    // qdel of a completed job is refused; after keep_completed the job is unknown.
    const finished = await c.run('pbs', 'qdel', ['1'], torque);
    expect(finished.code).toBe(170);
    await c.queue.settings({ keepFinished: 0 });
    const unknown = await c.run('pbs', 'qstat', ['1.server1'], torque);
    expect(unknown).toEqual({ stdout: '', stderr: 'qstat: Unknown Job Id 1.server1\n', code: 153 });
    expect((await c.run('pbs', 'qstat', [], torque)).stdout).toBe('');
  });

  it('rejects PBS Pro flags, prints bare ids when asked, deletes quietly', async () => {
    const wrongArray = await c.run('pbs', 'qsub', ['-J', '1-3', 'job.sh'], torque);
    expect(wrongArray.code).toBe(2);
    expect(wrongArray.stderr).toMatch(/^qsub: invalid option -- 'J'\nusage: qsub /);
    await c.queue.settings({ pbsSuffix: false });
    expect((await c.run('pbs', 'qsub', ['-h', 'job.sh'], torque)).stdout).toBe('1\n');
    expect((await c.run('pbs', 'qstat', [], torque)).stdout).toMatch(/^1 +job\.sh +\S+ +0 H batch$/m);
    expect(await c.run('pbs', 'qdel', ['1'], torque)).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(await c.run('pbs', 'qdel', ['99'], torque)).toEqual({ stdout: '', stderr: 'qdel: Unknown Job Id 99\n', code: 153 });
    expect((await c.run('pbs', 'qdel', ['x.y'], torque)).stderr).toBe('qdel: illegally formed job identifier: x.y\n');
  });
});

describe('PBS Pro', () => {
  it('hides finished jobs without -x, prints -F json, and reports history with F/X and Exit_status', async () => {
    await c.queue.settings({ dialect: 'pro' });
    expect((await c.run('pbs', 'qsub', ['-N', 'ok', '-v', 'TAG=ok', 'job.sh'])).stdout).toBe('1.server1\n');
    expect((await c.run('pbs', 'qsub', ['-N', 'arr', '-J', '1-3', '-v', 'TAG=arr', 'job.sh'])).stdout).toBe('2[].server1\n');
    expect((await c.run('pbs', 'qsub', ['-N', 'bad', '-v', 'TAG=bad,CODE=5', 'job.sh'])).stdout).toBe('3.server1\n');
    const wrong = await c.run('pbs', 'qsub', ['-t', '1-3', 'job.sh']);
    expect(wrong.stderr).toMatch(/^qsub: invalid option -- 't'/);
    await waitFor(allEnded, 'jobs to end', 10_000);
    expect(await readFile(join(c.dir, 'env.arr'), 'utf8')).toMatch(/^PBS_ARRAY_INDEX=[123]$/m);
    expect(await readFile(join(c.dir, 'env.arr'), 'utf8')).toContain('PBS_ARRAY_ID=2[].server1\n');
    expect(await readFile(join(c.dir, 'arr.o2.1'), 'utf8')).toContain('ran arr');
    expect((await c.run('pbs', 'qstat')).stdout).toBe('');
    const finished = await c.run('pbs', 'qstat', ['-f', '-F', 'json', '1.server1']);
    expect(finished.code).toBe(35);
    expect(finished.stderr).toBe('qstat: 1.server1 Job has finished, use -x or -H to obtain historical job information\n');
    expect(Object.keys(JSON.parse(finished.stdout))).toEqual(['timestamp', 'pbs_version', 'pbs_server']);
    const history = await c.run('pbs', 'qstat', ['-f', '-F', 'json', '-x', '1.server1', '3.server1', '2[].server1']);
    expect(history.code).toBe(0);
    const json = JSON.parse(history.stdout) as { Jobs: Record<string, Record<string, unknown>> };
    expect(Object.keys(json.Jobs)).toEqual(['1.server1', '3.server1', '2[].server1']);
    expect(json.Jobs['1.server1']).toMatchObject({ job_state: 'F', Exit_status: 0, Job_Name: 'ok' });
    expect(json.Jobs['3.server1']).toMatchObject({ job_state: 'F', Exit_status: 5 });
    expect(json.Jobs['2[].server1']).toMatchObject({ job_state: 'F', array: 'True', array_indices_submitted: '1-3' });
    expect((json.Jobs['1.server1']!.Variable_List as Record<string, string>).PBS_O_WORKDIR).toBe(c.dir);
    expect(history.stdout).toMatch(/^ {4}"Jobs":\{\n {8}"1\.server1":\{\n {12}"Job_Name":"ok",$/m);
    const subjobs = (await c.run('pbs', 'qstat', ['-x', '-t', '2[]'])).stdout;
    expect(subjobs).toMatch(/^2\[1\]\.server1 +arr +\S+ +\d\d:\d\d:\d\d X workq$/m);
    const none = await c.run('pbs', 'qstat', ['-f', '-F', 'json', '99']);
    expect(none.code).toBe(153);
    expect(none.stderr).toBe('qstat: Unknown Job Id 99.server1\n');
    expect(JSON.parse(none.stdout).Jobs).toBeUndefined();
    expect(await c.run('pbs', 'qdel', ['1.server1'])).toEqual({ stdout: '', stderr: 'qdel: Job has finished 1.server1\n', code: 35 });
  });

  it('shows running arrays as B, cancels running jobs with 256+signal, runs `-- program`', async () => {
    await c.queue.settings({ dialect: 'pro' });
    await c.run('pbs', 'qsub', ['-J', '1-2', '-v', 'S=30', 'job.sh']);
    await waitFor(async () => (await c.run('pbs', 'qstat')).stdout.includes(' B workq'), 'array begun', 5000);
    expect(await c.run('pbs', 'qdel', ['1[]'])).toEqual({ stdout: '', stderr: '', code: 0 });
    await waitFor(allEnded, 'array killed', 5000);
    const json = JSON.parse((await c.run('pbs', 'qstat', ['-f', '-F', 'json', '-x', '-t', '1[]'])).stdout) as { Jobs: Record<string, Record<string, unknown>> };
    expect(json.Jobs['1[1].server1']).toMatchObject({ job_state: 'X', Exit_status: 271 });
    const program = await c.run('pbs', 'qsub', ['-N', 'prog', '-o', join(c.dir, 'prog.out'), '-j', 'oe', '--', '/bin/sh', '-c', 'echo hi; echo err >&2']);
    expect(program.stdout).toBe('2.server1\n');
    await waitFor(allEnded, 'program', 5000);
    expect(await readFile(join(c.dir, 'prog.out'), 'utf8')).toBe('hi\nerr\n');
  });
});
