import { describe, expect, it } from 'vitest';
import { clockSeconds, localTime, memoryKb } from '../../src/queues/accounting-units.js';
import { parseSacctAccounting, parseSacctAccountingOutput } from '../../src/queues/slurm/accounting.js';
import { parseQacct, parseQacctHistory, parseQacctOutput } from '../../src/queues/sge/accounting.js';
import { htcondor } from '../../src/queues/htcondor/commands.js';
import { lsf } from '../../src/queues/lsf/commands.js';
import { pbsFlavor } from '../../src/queues/pbs/commands.js';
import { CommandOutputError, HistoryUnavailableError, type CommandResult } from '../../src/queues/queue.js';
import { sge } from '../../src/queues/sge/commands.js';
import { slurm } from '../../src/queues/slurm/commands.js';
import { fixture, fixtureResult } from '../helpers/fixtures.js';

const name = (n: string) => n;
/** Local time, as sacct and qacct print it (both without a zone). */
const local = (h: number, m: number, s: number) => new Date(2026, 11, 3, h, m, s).getTime();
const result = (stdout: string, exitCode = 0, stderr = ''): CommandResult => ({ command: { file: 'x', args: [] }, exitCode, stdout, stderr, timedOut: false });

describe('accounting units', () => {
  it('reads memory in the units each scheduler prints, as KB', () => {
    expect([memoryKb('1076K'), memoryKb('3.5M'), memoryKb('0'), memoryKb('2G')]).toEqual([1076, 3584, 0, 2 * 1024 * 1024]);
    expect([memoryKb('2 Mbytes'), memoryKb('3520kb'), memoryKb('1.2 Gbytes')]).toEqual([2048, 3520, 1.2 * 1024 * 1024]);
    expect([memoryKb('71.145MB', 'B'), memoryKb('0.000B', 'B'), memoryKb('2048', 'B')]).toEqual([71.145 * 1024, 0, 2]);
    expect([memoryKb(''), memoryKb('Unknown'), memoryKb(undefined)]).toEqual([undefined, undefined, undefined]);
  });

  it('reads clock durations and plain seconds', () => {
    expect([clockSeconds('00:01.165'), clockSeconds('00:01:07'), clockSeconds('1-02:03:04'), clockSeconds('1.054s'), clockSeconds('6s')]).toEqual([
      1.165, 67, 93784, 1.054, 6,
    ]);
    expect([clockSeconds(''), clockSeconds('INVALID')]).toEqual([undefined, undefined]);
  });

  it('reads the local time stamps of sacct and qacct, and nothing else', () => {
    expect(localTime('2026-12-03T09:09:28')).toBe(local(9, 9, 28));
    expect(localTime('Thu Dec  3 09:09:28 2026')).toBe(local(9, 9, 28));
    expect([localTime('Unknown'), localTime('-/-'), localTime('None')]).toEqual([undefined, undefined, undefined]);
  });
});

describe('slurm accounting (real sacct of Slurm 22.05.8)', () => {
  const jobs = parseSacctAccounting(fixture('slurm', 'live/sacct_accounting.out'));

  it('builds one sacct for all jobs, array elements by their base id, with the step lines', () => {
    const [line, ...more] = slurm.accountingCommands!(['560', '562_0', '562_1', '563'], name);
    expect(more).toEqual([]);
    expect(line).toEqual({
      file: 'sacct',
      args: ['--noheader', '--parsable2', '--format=JobID,State,ExitCode,MaxRSS,TotalCPU,Elapsed,NodeList,Start,End', '--jobs=560,562,563'],
    });
  });

  it("keys jobs and array elements as sbatch's ids, MaxRSS from the .batch step", () => {
    expect([...jobs.keys()].sort()).toEqual(['560', '561', '562_0', '562_1', '562_2', '563', '564', '569']);
    expect(jobs.get('560')).toEqual({
      state: 'COMPLETED', exitCode: 0, maxRssKb: 1076, cpuSeconds: 1.165, elapsedSeconds: 2, host: 'vm', start: local(9, 9, 28), end: local(9, 9, 30),
    });
    expect(jobs.get('569')).toMatchObject({ state: 'COMPLETED', maxRssKb: 77916, cpuSeconds: 2.164, elapsedSeconds: 41 });
    expect(jobs.get('562_1')).toMatchObject({ state: 'COMPLETED', exitCode: 0, maxRssKb: 1076, cpuSeconds: 1.194 });
  });

  it('gives failures in their own words: exit 3, OUT_OF_MEMORY, TIMEOUT', () => {
    expect(jobs.get('561')).toMatchObject({ state: 'FAILED', exitCode: 3, maxRssKb: 3196 });
    // Slurm 22.05 prints OUT_OF_MEMORY with ExitCode 0:125 on the allocation line.
    expect(jobs.get('563')).toEqual(expect.objectContaining({ state: 'OUT_OF_MEMORY', exitCode: 0, signal: 125 }));
    expect(jobs.get('564')).toMatchObject({ state: 'TIMEOUT', exitCode: 0, elapsedSeconds: 67, end: local(9, 10, 41) });
    expect(jobs.get('564')!.signal).toBeUndefined();
  });

  it('answers an unknown id with nothing, and says when accounting is off', () => {
    expect(parseSacctAccountingOutput(fixtureResult('slurm', 'live/sacct_accounting_unknown.out', 0))).toEqual(new Map());
    expect(() => parseSacctAccountingOutput(fixtureResult('slurm', 'acct-none/sacct_parsable_finished.out', 1, 'acct-none/sacct_parsable_finished.err'))).toThrow(
      HistoryUnavailableError,
    );
    expect(() => parseSacctAccountingOutput(fixtureResult('slurm', 'live/sacct_dbd_unreachable.out', 1, 'live/sacct_dbd_unreachable.err'))).toThrow(CommandOutputError);
  });
});

describe('sge accounting (real qacct of SGE 8.1.9)', () => {
  it('runs one qacct per job: an array is one job', () => {
    expect(sge.accountingCommands!(['71', '73.1', '73.2', '75'], name)).toEqual([
      { file: 'qacct', args: ['-j', '71'] },
      { file: 'qacct', args: ['-j', '73'] },
      { file: 'qacct', args: ['-j', '75'] },
    ]);
  });

  it('reads a finished job: exit, cpu, wallclock, host, times, and ru_maxrss as the KB it is', () => {
    expect(parseQacct(fixture('sge', 'qacct-j-ok.txt')).get('71')).toEqual({
      state: 'exit_status 0', exitCode: 0, maxRssKb: 69472, cpuSeconds: 1.054, elapsedSeconds: 2, host: 'vm', start: local(9, 9, 28), end: local(9, 9, 30),
    });
    expect(parseQacct(fixture('sge', 'qacct-j-exit3-acct.txt')).get('72')).toMatchObject({ state: 'exit_status 3', exitCode: 3, maxRssKb: 4656 });
  });

  it('keys array tasks JOB.TASK', () => {
    const tasks = parseQacct(fixture('sge', 'qacct-j-array-t1-3.txt'));
    expect([...tasks.keys()]).toEqual(['73.1', '73.2', '73.3']);
    expect(tasks.get('73.2')).toMatchObject({ exitCode: 0, cpuSeconds: 1.064, maxRssKb: 69632 });
  });

  it("gives SGE's own words for jobs it ended: h_rt (failed 37, exit 137), qdel (failed 100)", () => {
    expect(parseQacct(fixture('sge', 'qacct-j-h_rt-exceeded.txt')).get('75')).toMatchObject({
      state: 'failed 37: qmaster enforced h_rt, h_cpu, or h_vmem limit',
      exitCode: 137,
      elapsedSeconds: 6,
    });
    expect(parseQacct(fixture('sge', 'qacct-j-running-job-killed-by-qdel.txt')).get('72')).toMatchObject({ state: 'failed 100: assumedly after job', exitCode: 137 });
    // h_vmem is a ulimit: the job's own allocation failed and it exited 1; SGE saw nothing wrong.
    expect(parseQacct(fixture('sge', 'qacct-j-h_vmem-exceeded.txt')).get('74')).toMatchObject({ state: 'exit_status 1', exitCode: 1 });
  });

  it('answers an unknown job with nothing, and other failures with an error', () => {
    expect(parseQacctOutput(result('', 1, fixture('sge', 'qacct-j-nonexistent.txt.stderr')))).toEqual(new Map());
    expect(() => parseQacctOutput(result('', 1, 'error: commlib error: got select error (Connection refused)'))).toThrow(CommandOutputError);
  });
});

describe('lsf accounting (shaped as IBM documents bjobs -o -json)', () => {
  it('asks bjobs for the usage fields with -hms, arrays by their id', () => {
    expect(lsf.accountingCommands!(['4711', '4712[2]'], name)).toEqual([
      { file: 'bjobs', args: ['-o', 'jobid jobindex stat exit_code exit_reason max_mem cpu_used run_time exec_host', '-json', '-a', '-hms', '4711', '4712'] },
    ]);
  });

  it('reads usage per job and element, skipping ids LSF no longer knows', () => {
    const jobs = lsf.parseAccountingOutput!(fixtureResult('lsf', 'doc-bjobs-json-accounting.json', 0), []);
    expect([...jobs.keys()]).toEqual(['4711', '4712[2]', '4713']);
    expect(jobs.get('4711')).toEqual({ state: 'DONE', exitCode: 0, maxRssKb: 58 * 1024, cpuSeconds: 2, elapsedSeconds: 41, host: 'hostA' });
    expect(jobs.get('4712[2]')).toMatchObject({ state: 'EXIT', exitCode: 3, host: 'hostB' });
    expect(jobs.get('4713')).toMatchObject({ state: 'EXIT (TERM_MEMLIMIT: job killed after reaching LSF memory usage limit)', exitCode: 130, cpuSeconds: 65 });
  });

  it('reads durations in seconds too, where -hms is not honoured', () => {
    const text = JSON.stringify({ COMMAND: 'bjobs', JOBS: 1, RECORDS: [{ JOBID: '4714', JOBINDEX: '0', STAT: 'DONE', EXIT_CODE: '', CPU_USED: '0.4 second(s)', RUN_TIME: '3 second(s)' }] });
    expect(lsf.parseAccountingOutput!(result(text), []).get('4714')).toMatchObject({ exitCode: 0, cpuSeconds: 0.4, elapsedSeconds: 3 });
  });
});

describe('htcondor accounting (shaped as the HTCondor manual shows condor_history -json)', () => {
  it('asks condor_history for the exact ids and stops the scan when all are found', () => {
    const [line] = htcondor.accountingCommands!(['4711.0', '4711.1'], name);
    expect(line!.args.slice(-4)).toEqual(['-match', '2', '-constraint', '(ClusterId == 4711 && (ProcId == 0 || ProcId == 1))']);
  });

  it('reads usage, a signal apart from the exit code, and a removal in its reason', () => {
    const jobs = htcondor.parseAccountingOutput!(fixtureResult('htcondor', 'doc-condor_history-json-accounting.json', 0), []);
    expect(jobs.get('4711.0')).toEqual({
      state: 'Completed', exitCode: 0, maxRssKb: 69472, cpuSeconds: 1.25, elapsedSeconds: 41, host: 'node7.example.org', start: 1764752942000, end: 1764752983000,
    });
    expect(jobs.get('4711.1')).toMatchObject({ state: 'Completed', signal: 9, maxRssKb: 3520 });
    expect(jobs.get('4711.1')!.exitCode).toBeUndefined();
    expect(jobs.get('4712.0')!.state).toMatch(/^Removed \(The job attribute PeriodicRemove/);
    expect(htcondor.parseAccountingOutput!(result(''), [])).toEqual(new Map());
  });
});

describe('pbs accounting (shaped as the OpenPBS and Torque manuals show qstat -f)', () => {
  it('reads resources_used from PBS Pro JSON', () => {
    const pro = pbsFlavor('pro');
    expect(pro.accountingCommands!(['4730.pbs', '4731[1].pbs'], name)[0]!.args).toEqual(['-f', '-F', 'json', '-x', '-t', '4730.pbs', '4731[].pbs']);
    const jobs = pro.parseAccountingOutput!(fixtureResult('pbs', 'doc-pro-qstat-x-f-F-json-accounting.json', 0), []);
    expect(jobs.get('4730.pbs')).toEqual({
      state: 'F', exitCode: 0, maxRssKb: 69472, cpuSeconds: 2, elapsedSeconds: 41, host: 'node3', start: local(9, 9, 2), end: local(9, 9, 43),
    });
    expect(jobs.get('4731[1].pbs')).toMatchObject({ state: 'X', exitCode: 265, host: 'node4', maxRssKb: 3520 });
  });

  it("reads Torque's text blocks; Slurm's wrappers have no accounting", () => {
    const jobs = pbsFlavor('torque').parseAccountingOutput!(fixtureResult('pbs', 'doc-torque-qstat-f-accounting.txt', 0), []);
    expect(jobs.get('4740.torque-server')).toEqual({
      state: 'C', exitCode: 3, maxRssKb: 69472, cpuSeconds: 2, elapsedSeconds: 41, host: 'n003', start: local(9, 9, 2), end: local(9, 9, 43),
    });
    expect(pbsFlavor('slurm').accountingCommands).toBeUndefined();
  });
});

describe('SGE history from qacct (real SGE 8.1.9 output)', () => {
  const ok = (name: string) => ({ command: { file: 'qacct', args: [] }, exitCode: 0, stdout: fixture('sge', name), stderr: '', timedOut: false });
  it('tells a time-limit kill (failed 37, ran its h_rt) from a memory kill (failed 37, maxvmem at its h_vmem)', () => {
    expect(parseQacctHistory(ok('qacct-j-h_rt-exceeded.txt')).get('75')).toMatchObject({ state: 'finished', outcome: 'failure', fatal: true, limit: 'walltime' });
    const array = parseQacctHistory(ok('timelimit-array-qacct.txt'));
    expect([array.get('78.1')?.limit, array.get('78.2')?.limit]).toEqual(['walltime', 'walltime']);
    expect(parseQacctHistory(ok('oom-multiproc-killed-qacct.txt')).get('80')).toMatchObject({ fatal: true, limit: 'memory', native: 'failed 37, exit_status 137' });
  });
  it('reads success and a plain non-zero exit without a limit', () => {
    expect(parseQacctHistory(ok('qacct-j-ok.txt')).get('71')).toEqual({ state: 'finished', native: 'exit_status 0', outcome: 'success' });
    const exit3 = parseQacctHistory(ok('qacct-j-exit3-acct.txt')).get('72');
    expect(exit3).toMatchObject({ state: 'finished', outcome: 'failure', native: 'exit_status 3' });
    expect(exit3?.limit).toBeUndefined();
  });
  it('answers nothing for a job not in the accounting file yet', () => {
    expect(parseQacctHistory({ command: { file: 'qacct', args: [] }, exitCode: 1, stdout: '', stderr: 'error: job id 999999 not found\n', timedOut: false })).toEqual(new Map());
  });
});
