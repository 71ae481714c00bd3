/**
 * The HTCondor front, against the formats in FORMATS-lsf-htcondor-pbs.md §2 and the HTCondor
 * manual pages (HTCondor cannot be installed here).
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeCluster, waitFor, type Cluster } from './helpers.js';

let c: Cluster;
beforeEach(async () => {
  c = await makeCluster({ slots: 2, keepFinished: 30 });
  await writeFile(join(c.dir, 'job.sh'), '#!/bin/sh\nenv | sort > "$_CONDOR_JOB_IWD/env.$1"\necho "proc $1 args $* in $PWD"\nsleep "${S:-0}"\nexit "${CODE:-0}"\n');
  await chmod(join(c.dir, 'job.sh'), 0o755);
});
afterEach(async () => c.dispose());

const allEnded = async () => (await c.queue.jobs()).every((j) => j.tasks.every((t) => t.state === 'finished'));
const submit = (description: string, ...args: string[]) => c.run('htcondor', 'condor_submit', [...args, '-'], { input: description });

const BASIC = `universe = vanilla
executable = job.sh
arguments = "$(Process) 'two words' --cluster $(Cluster)"
output = out.$(Cluster).$(Process)
error = err.$(Cluster).$(Process)
log = job.log
environment = "GREETING='hello there' CODE=$(Process)"
request_memory = 1GB
+QmrRun = "run-7"
queue 3
`;

describe('HTCondor condor_submit', () => {
  it('answers like condor_submit and runs procs with $(Process)/$(Cluster), environment and outputs', async () => {
    const r = await submit(BASIC, '-batch-name', 'qmr-test');
    expect(r).toEqual({ stdout: 'Submitting job(s)...\n3 job(s) submitted to cluster 1.\n', stderr: '', code: 0 });
    expect((await submit(BASIC, '-terse')).stdout).toBe('2.0 - 2.2\n');
    await waitFor(allEnded, 'procs to end', 30_000);
    expect(await readFile(join(c.dir, 'out.1.1'), 'utf8')).toBe(`proc 1 args 1 two words --cluster 1 in ${c.dir}\n`);
    const env = await readFile(join(c.dir, 'env.2'), 'utf8');
    expect(env).toContain('GREETING=hello there\n');
    expect(env).toContain('PATH=/usr/local/bin:/bin:/usr/bin\n');
    expect(env).toMatch(/^_CONDOR_SCRATCH_DIR=\//m);
    expect(env).toMatch(/^_CONDOR_JOB_AD=\//m);
    // Completed jobs leave condor_q at once and show in condor_history with their ExitCode.
    expect((await c.run('htcondor', 'condor_q', ['-json'])).stdout).toBe('');
    const history = await c.run('htcondor', 'condor_history', ['1', '-af:j', 'JobStatus', 'ExitCode', 'JobBatchName', 'QmrRun']);
    expect(history.stdout.trim().split('\n').sort()).toEqual(['1.0 4 0 qmr-test run-7', '1.1 4 1 qmr-test run-7', '1.2 4 2 qmr-test run-7']);
    const limited = JSON.parse((await c.run('htcondor', 'condor_history', ['-limit', '2', '-json', '-attributes', 'ClusterId,ProcId,ExitCode'])).stdout) as unknown[];
    expect(limited).toHaveLength(2);
  });

  it('expands $(Cluster), $(ClusterId), $(Process) and $(ProcId) in environment, arguments, output, error, log, initialdir and +Attrs', async () => {
    await mkdir(join(c.dir, 'iwd-1'));
    const description = `executable = ${join(c.dir, 'job.sh')}
arguments = "$(ProcId) c$(ClusterId)"
environment = "QMR_JOB_ID=$(Cluster).$(Process) PAIR=$(ClusterId)/$(ProcId)"
initialdir = iwd-$(Cluster)
output = out.$(Cluster).$(Process)
error = err.$(ClusterId).$(ProcId)
log = cluster-$(Cluster).log
+Origin = "run $(Cluster)"
+Later = "$$(Cluster)"
queue 2
`;
    expect((await submit(description, '-terse')).stdout).toBe('1.0 - 1.1\n');
    await waitFor(allEnded, 'procs to end', 30_000);
    for (const proc of [0, 1]) {
      const env = await readFile(join(c.dir, 'iwd-1', `env.${proc}`), 'utf8');
      expect(env).toContain(`QMR_JOB_ID=1.${proc}\n`);
      expect(env).toContain(`PAIR=1/${proc}\n`);
      expect(await readFile(join(c.dir, 'iwd-1', `out.1.${proc}`), 'utf8')).toBe(`proc ${proc} args ${proc} c1 in ${join(c.dir, 'iwd-1')}\n`);
      expect(await readFile(join(c.dir, 'iwd-1', `err.1.${proc}`), 'utf8')).toBe('');
    }
    const ads = await c.run('htcondor', 'condor_history', ['1', '-af:j', 'Environment', 'Iwd', 'UserLog', 'Origin', 'Later']);
    expect(ads.stdout.trim().split('\n').sort()).toEqual([
      `1.0 QMR_JOB_ID=1.0 PAIR=1/0 ${join(c.dir, 'iwd-1')} cluster-1.log run 1 $$(Cluster)`,
      `1.1 QMR_JOB_ID=1.1 PAIR=1/1 ${join(c.dir, 'iwd-1')} cluster-1.log run 1 $$(Cluster)`,
    ]);
  });

  it('refuses bad submit files with ERROR lines', async () => {
    const noExecutable = await submit('queue\n');
    expect(noExecutable.code).toBe(1);
    expect(noExecutable.stderr).toContain("ERROR: No 'executable' parameter was provided");
    const missing = await submit('executable = /no/such/program\nqueue\n');
    expect(missing.stderr).toContain('ERROR: Executable file /no/such/program does not exist');
    const file = await c.run('htcondor', 'condor_submit', ['nothere.sub']);
    expect(file.code).toBe(1);
    expect(file.stderr).toContain('ERROR: Can\'t open "nothere.sub"');
  });
});

describe('HTCondor condor_q, condor_rm, condor_history', () => {
  it('prints -json in HTCondor layout, -af, -constraint; nothing at all when nothing matches', async () => {
    await submit('executable = job.sh\narguments = $(Process)\nenvironment = "S=30"\nbatch_name = longrun\nqueue 2\n');
    await submit('executable = job.sh\nhold = true\nqueue\n');
    await waitFor(async () => (await c.run('htcondor', 'condor_q', ['-af', 'JobStatus'])).stdout.split('\n').filter((l) => l === '2').length === 2, 'running', 30_000);
    const json = (await c.run('htcondor', 'condor_q', ['-json', '-attributes', 'ClusterId,ProcId,JobStatus'])).stdout;
    expect(json).toBe(
      '[\n{\n  "ClusterId": 1,\n  "JobStatus": 2,\n  "ProcId": 0\n}\n,\n{\n  "ClusterId": 1,\n  "JobStatus": 2,\n  "ProcId": 1\n}\n,\n{\n  "ClusterId": 2,\n  "JobStatus": 5,\n  "ProcId": 0\n}\n]\n',
    );
    expect(JSON.parse(json)).toHaveLength(3);
    expect((await c.run('htcondor', 'condor_q', ['2', '-af:j', 'JobStatus', 'HoldReasonCode', 'HoldReason'])).stdout).toBe('2.0 5 15 submitted on hold\n');
    expect((await c.run('htcondor', 'condor_q', ['-constraint', 'JobBatchName == "LONGRUN" && ProcId > 0', '-af:j', 'Args'])).stdout).toBe('1.1 1\n');
    const none = await c.run('htcondor', 'condor_q', ['99', '-json']);
    expect(none).toEqual({ stdout: '', stderr: '', code: 0 });
    // condor_rm: removed jobs pass through JobStatus 3, then leave the queue for the history.
    // removedLinger: how long they show 3 (HTCondor: about a second), long enough to be seen below.
    await c.queue.settings({ removedLinger: 10 });
    expect(await c.run('htcondor', 'condor_rm', ['1.0'])).toEqual({ stdout: 'Job 1.0 marked for removal\n', stderr: '', code: 0 });
    expect(await c.run('htcondor', 'condor_rm', ['2'])).toEqual({ stdout: 'All jobs in cluster 2 have been marked for removal\n', stderr: '', code: 0 });
    expect((await c.run('htcondor', 'condor_q', ['2', '-af', 'JobStatus'])).stdout).toBe('3\n');
    expect((await c.run('htcondor', 'condor_rm', ['99'])).code).toBe(1);
    await waitFor(async () => (await c.run('htcondor', 'condor_q', ['2', '-af', 'JobStatus'])).stdout === '', 'removed job to leave', 30_000);
    const history = (await c.run('htcondor', 'condor_history', ['2', '-af', 'JobStatus', 'RemoveReason'])).stdout;
    expect(history).toMatch(/^3 via condor_rm \(by user \S+\)\n$/);
    await c.run('htcondor', 'condor_rm', ['1']);
  });

  it('holds a proc whose initialdir is missing (code 14); history lags behind by historyLag', async () => {
    // Long enough that the gap below is still there on a loaded machine.
    await c.queue.settings({ historyLag: 10 });
    await submit(`executable = ${join(c.dir, 'job.sh')}\ninitialdir = /no/such/dir\nqueue\n`);
    await waitFor(async () => (await c.run('htcondor', 'condor_q', ['-af', 'JobStatus'])).stdout === '5\n', 'held', 30_000);
    expect((await c.run('htcondor', 'condor_q', ['-af', 'HoldReasonCode'])).stdout).toBe('14\n');
    await submit('executable = job.sh\narguments = quick\nqueue\n');
    await waitFor(async () => (await c.queue.jobs())[1]!.tasks[0]!.state === 'finished', 'quick job', 30_000);
    // In neither condor_q nor condor_history for a moment (b2luigi retries for this).
    expect((await c.run('htcondor', 'condor_q', ['2', '-af', 'JobStatus'])).stdout).toBe('');
    expect((await c.run('htcondor', 'condor_history', ['2', '-af', 'JobStatus'])).stdout).toBe('');
    await waitFor(async () => (await c.run('htcondor', 'condor_history', ['2', '-af', 'JobStatus'])).stdout === '4\n', 'history', 30_000);
  });
});

/**
 * File transfer (condor_submit manual: should_transfer_files, transfer_input_files,
 * transfer_output_files, transfer_output_remaps; hold codes 13/12 for input/output transfer
 * failures): the job runs in a scratch folder with only what was transferred, its initialdir
 * hidden from it, and its outputs reach the submit side only when it exits.
 */
describe('HTCondor file transfer', () => {
  const TRANSFER_JOB = `#!/bin/sh
echo "files: $(ls -A | grep -v '^_condor_\\|^\\.' | tr '\\n' ' ')"
echo "submit side: $(ls -A "$1" 2>&1 | tr '\\n' ' ')"
cat in.txt table.txt
mkdir -p out && echo made > out/a.txt && echo also > out/b.txt
sleep "$2"
`;
  const description = (iwd: string, extra = '') => `executable = ${join(c.dir, 'transfer-job.sh')}
arguments = "'${iwd}' $(Process)"
initialdir = ${iwd}
output = job.out
error = job.err
should_transfer_files = YES
when_to_transfer_output = ON_EXIT
transfer_input_files = in.txt, data/
transfer_output_files = out/
transfer_output_remaps = "a.txt = results/renamed.txt"
${extra}queue 1
`;
  const submitSide = async () => {
    const iwd = join(c.dir, 'submit side');
    await mkdir(join(iwd, 'data'), { recursive: true });
    await mkdir(join(iwd, 'results'), { recursive: true });
    await writeFile(join(iwd, 'in.txt'), 'input file\n');
    await writeFile(join(iwd, 'data', 'table.txt'), 'folder contents\n');
    await writeFile(join(c.dir, 'transfer-job.sh'), TRANSFER_JOB, { mode: 0o755 });
    return iwd;
  };
  const holdOf = async (id: string) => (await c.run('htcondor', 'condor_q', [id, '-af', 'JobStatus', 'HoldReasonCode', 'HoldReason'])).stdout.trim();

  it('runs the job in a scratch folder with only the transferred files, its initialdir out of reach; outputs come back, renamed, at its exit', async () => {
    const iwd = await submitSide();
    expect((await submit(description(iwd).replace('$(Process)', '0'))).code).toBe(0);
    await waitFor(allEnded, 'the job to end', 30_000);
    const out = await readFile(join(iwd, 'job.out'), 'utf8');
    expect(out).toContain('files: in.txt table.txt transfer-job.sh \n');
    expect(out).toContain('submit side: \n'); // an empty folder where the submit side's is
    expect(out).toContain('input file\nfolder contents\n');
    expect(await readFile(join(iwd, 'results', 'renamed.txt'), 'utf8')).toBe('made\n');
    expect(await readFile(join(iwd, 'b.txt'), 'utf8')).toBe('also\n');
    expect((await c.run('htcondor', 'condor_history', ['1', '-af', 'JobStatus', 'ExitCode'])).stdout.trim()).toBe('4 0');
  });

  it('sends nothing back while the job runs, nor when it is removed', async () => {
    const iwd = await submitSide();
    await submit(description(iwd).replace('$(Process)', '30'));
    await waitFor(async () => (await c.queue.jobs())[0]!.tasks[0]!.state === 'running', 'the job to run', 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(join(iwd, 'job.out'))).toBe(false);
    await c.run('htcondor', 'condor_rm', ['1']);
    await waitFor(allEnded, 'the job to be removed', 30_000);
    expect(existsSync(join(iwd, 'job.out'))).toBe(false);
    expect(existsSync(join(iwd, 'b.txt'))).toBe(false);
  });

  it('holds a job whose input cannot be read (HoldReasonCode 13) and one whose listed output is missing (12)', async () => {
    const iwd = await submitSide();
    await submit(description(iwd).replace('$(Process)', '0').replace('data/', 'data/, no-such-file'));
    await submit(description(iwd).replace('$(Process)', '0').replace('transfer_output_files = out/', 'transfer_output_files = out/, missing.txt'));
    await waitFor(async () => (await c.queue.jobs()).every((j) => j.tasks[0]!.state === 'error'), 'both jobs held', 30_000);
    expect(await holdOf('1.0')).toMatch(/^5 13 Transfer input files failure .*reading from file .*no-such-file: \(errno 2\) No such file or directory$/);
    expect(await holdOf('2.0')).toMatch(/^5 12 Transfer output files failure .*sending file missing.txt: \(errno 2\) No such file or directory$/);
    expect(existsSync(join(iwd, 'job.out'))).toBe(false); // the held job's outputs did not come back
  });
});

describe('HTCondor launch failures in place (no file transfer)', () => {
  it('holds a job whose output file cannot be opened with HoldReasonCode 7 (UnableToOpenOutput), not 12, which is an output transfer failure', async () => {
    await submit(`executable = ${join(c.dir, 'job.sh')}\noutput = ${join(c.dir, 'no-such-folder', 'out')}\nqueue 1\n`);
    await waitFor(async () => (await c.queue.jobs())[0]!.tasks[0]!.state === 'error', 'the job held', 30_000);
    const ad = (await c.run('htcondor', 'condor_q', ['1.0', '-af', 'HoldReasonCode', 'HoldReason'])).stdout.trim();
    expect(ad).toMatch(/^7 Error from slot1@\S+: can't open output file ".*no-such-folder\/out": No such file or directory$/);
  });
});
