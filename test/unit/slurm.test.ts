import { describe, expect, it } from 'vitest';
import { CommandOutputError, HistoryUnavailableError, type CommandResult } from '../../src/queues/queue.js';
import {
  baseJobIds,
  expandSlurmIds,
  formatSlurmTime,
  parseMaxArraySize,
  parseSacctOutput,
  parseSbatchParsable,
  parseSinfoCpus,
  parseSqueueOutput,
  slurm,
  slurmState,
} from '../../src/queues/slurm/commands.js';
import { fixture, fixtureResult } from '../helpers/fixtures.js';
import { submitRequest } from '../helpers/flavor-tests.js';

// Fixtures: live/ = captured on this machine's Slurm 22.05.8 with the flavor's own commands;
// acct-none/, acct-slurmdbd/ = copies from the shared research folder. Origins: SOURCES.md.
const live = (name: string, exitCode: number) =>
  fixtureResult('slurm', `live/${name}.out`, exitCode, `live/${name}.err`);
const shared = (dir: 'acct-none' | 'acct-slurmdbd', name: string, exitCode: number) =>
  fixtureResult('slurm', `${dir}/${name}.out`, exitCode, `${dir}/${name}.err`);

const summary = (statuses: Map<string, { state: string; native: string; outcome?: string; fatal?: boolean }>) =>
  Object.fromEntries(
    [...statuses].map(([id, s]) => [id, [s.state, s.outcome, s.fatal ? 'fatal' : undefined, s.native].filter(Boolean).join(':')]),
  );
const status = (name: string, exitCode = 0) => summary(slurm.parseStatusOutput(live(name, exitCode), []));

/**
 * The shared research fixtures were captured with `--format='%i %T %r'` (spaces), the flavor asks
 * for `%i|%T|%r`: the first two spaces become bars (the reason, last, may hold spaces itself).
 */
const spaced = (dir: 'acct-none' | 'acct-slurmdbd', name: string) =>
  summary(parseSqueueOutput(fixture('slurm', `${dir}/${name}.out`).replace(/^(\S+) (\S+) /gm, '$1|$2|')));

const request = submitRequest({ throttle: 2, resources: { queue: 'debug' }, submitArgs: ['--qos=short'] });
const path = (name: string) => `/opt/slurm/bin/${name}`;

describe('slurm status (squeue --array --states=all) on real Slurm 22.05.8 output', () => {
  it('reads pending, running, held by user and admin, never-satisfied dependencies and finished jobs', () => {
    // Verbatim: plain jobs and a 4-element array (one line per element thanks to --array).
    expect(status('squeue_mixed_states')).toEqual({
      '37': 'finished:failure:CANCELLED (Priority)', // scancel'ed while pending
      '26': 'finished:success:COMPLETED',
      '27': 'finished:failure:FAILED (NonZeroExitCode)',
      '25': 'finished:failure:fatal:OUT_OF_MEMORY (OutOfMemory)',
      '33_0': 'pending:PENDING (Resources)',
      '33_1': 'pending:PENDING (Resources)',
      '33_2': 'pending:PENDING (Resources)',
      '33_3': 'pending:PENDING (Resources)',
      '36': 'error:fatal:PENDING (DependencyNeverSatisfied)',
      '35': 'held:PENDING (JobHeldAdmin)',
      '34': 'held:PENDING (JobHeldUser)',
      '24': 'running:RUNNING',
      '32': 'running:RUNNING',
    });
  });

  it('reads suspended, stopped, completing, requeue-held, special-exit, deadline and timeout', () => {
    expect(status('squeue_suspended')).toEqual({ '32': 'suspended:SUSPENDED' });
    expect(status('squeue_after_sigstop')).toEqual({ '32': 'suspended:STOPPED' });
    expect(status('squeue_completing')).toEqual({ '43': 'running:COMPLETING' });
    expect(status('squeue_requeue_hold_immediately')).toEqual({ '32': 'running:COMPLETING (job requeued in held state)' });
    expect(status('squeue_requeue_hold_later')).toEqual({ '32': 'held:PENDING (job requeued in held state)' });
    expect(status('squeue_special_exit')).toEqual({
      '42': 'finished:failure:CANCELLED (Resources)',
      '41': 'error:SPECIAL_EXIT (job requeued in held state)',
    });
    expect(status('squeue_deadline')).toEqual({ '44': 'finished:failure:DEADLINE (DeadLine)' });
  });

  it('reads every end state the shared research produced (TIMEOUT, PREEMPTED, NODE_FAIL...)', () => {
    expect(spaced('acct-none', 'squeue_finished_jobs_states_all')).toEqual({
      '5': 'finished:failure:CANCELLED',
      '8': 'finished:failure:CANCELLED',
      '11': 'finished:failure:CANCELLED (BeginTime)',
      '2': 'finished:success:COMPLETED',
      '3': 'finished:failure:FAILED (NonZeroExitCode)',
      '4': 'finished:failure:FAILED (JobLaunchFailure)',
      '10': 'finished:failure:NODE_FAIL (NodeDown)',
      '6': 'finished:failure:fatal:OUT_OF_MEMORY (OutOfMemory)',
      '7': 'finished:failure:PREEMPTED',
      '1': 'finished:failure:fatal:TIMEOUT (TimeLimit)',
      '9': 'finished:success:COMPLETED',
    });
    expect(spaced('acct-none', 'squeue_pending_running_format')).toMatchObject({
      '14': 'pending:PENDING (Resources)',
      '15': 'pending:PENDING (Priority)',
      '17': 'pending:PENDING (Dependency)',
      '18': 'pending:PENDING (BeginTime)',
      '16': 'held:PENDING (JobHeldUser)',
      '12': 'running:RUNNING',
    });
    expect(spaced('acct-none', 'squeue_after_cancel_dependency_never_satisfied')['17']).toBe('error:fatal:PENDING (DependencyNeverSatisfied)');
    // A job Slurm requeued itself after its node failed (no --no-requeue) waits as BeginTime.
    expect(spaced('acct-none', 'squeue_after_node_down_format')).toEqual({ '11': 'pending:PENDING (BeginTime)' });
    expect(spaced('acct-none', 'squeue_array_mixed_states_all')).toMatchObject({
      '19_0': 'finished:success:COMPLETED',
      '19_1': 'finished:failure:FAILED (NonZeroExitCode)',
      '19_2': 'running:RUNNING',
      '19_4': 'pending:PENDING (Resources)',
    });
  });

  it('says which resource to raise for the failures a resubmission would repeat', () => {
    const [oom, timeout] = [slurmState('OUT_OF_MEMORY', 'OutOfMemory'), slurmState('TIMEOUT', 'TimeLimit')];
    expect(oom).toMatchObject({ state: 'finished', outcome: 'failure', fatal: true });
    expect(oom.reason).toMatch(/resources\.memory/);
    expect(timeout).toMatchObject({ state: 'finished', outcome: 'failure', fatal: true });
    expect(timeout.reason).toMatch(/resources\.walltime/);
    for (const word of ['FAILED', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED', 'CANCELLED']) {
      expect(slurmState(word, 'None'), word).toMatchObject({ state: 'finished', outcome: 'failure' });
      expect(slurmState(word, 'None').fatal, word).toBeUndefined();
    }
  });

  it('maps the states and reasons no fixture shows', () => {
    const state = (word: string, reason = 'None') => slurmState(word, reason).state;
    expect(state('CONFIGURING')).toBe('pending');
    expect(state('REQUEUED')).toBe('pending');
    expect(state('REQUEUE_FED')).toBe('pending');
    expect(state('RESIZING')).toBe('pending');
    expect(state('REQUEUE_HOLD')).toBe('held');
    expect(state('RESV_DEL_HOLD')).toBe('held');
    expect(state('SIGNALING')).toBe('running');
    expect(state('STAGE_OUT')).toBe('running');
    expect(state('BOOT_FAIL')).toBe('finished');
    expect(state('REVOKED')).toBe('stalled');
    expect(state('PENDING', 'launch failed requeued held')).toBe('error');
    expect(state('PENDING', 'BadConstraints')).toBe('error');
    expect(state('PENDING', 'PartitionConfig')).toBe('error');
    expect(state('PENDING', 'PartitionTimeLimit')).toBe('error');
    expect(state('PENDING', 'InvalidAccount')).toBe('error');
    expect(state('PENDING', 'JobHoldMaxRequeue')).toBe('error');
    expect(state('PENDING', 'QOSMaxWallDurationPerJobLimit')).toBe('error');
    expect(state('PENDING', 'AssocMaxCpuPerJobLimit')).toBe('error');
    expect(state('PENDING', 'QOSMinGRES')).toBe('error');
    // Limits that pass when other jobs end, and nodes or partitions that come back.
    expect(state('PENDING', 'AssocMaxJobsLimit')).toBe('pending');
    expect(state('PENDING', 'QOSGrpCpuLimit')).toBe('pending');
    expect(state('PENDING', 'PartitionDown')).toBe('pending');
    expect(state('PENDING', 'PartitionNodeLimit')).toBe('pending');
    expect(state('PENDING', 'ReqNodeNotAvail, UnavailableNodes:vm')).toBe('pending');
    expect(state('PENDING', 'JobArrayTaskLimit')).toBe('pending');
  });

  it('marks the never-starting reasons a resubmission would repeat, and names what to change', () => {
    expect(slurmState('PENDING', 'InvalidAccount')).toMatchObject({ state: 'error', fatal: true, reason: expect.stringMatching(/resources\.account/) });
    expect(slurmState('PENDING', 'PartitionTimeLimit').reason).toMatch(/resources\.walltime/);
    expect(slurmState('PENDING', 'QOSMaxWallDurationPerJobLimit')).toMatchObject({ state: 'error', fatal: true });
    // A failed launch is the node's problem: a resubmission may land elsewhere.
    expect(slurmState('PENDING', 'launch failed requeued held').fatal).toBeUndefined();
    expect(slurmState('PENDING', 'JobHoldMaxRequeue').fatal).toBeUndefined();
  });

  it('lists one line per array element, also for throttled and partly cancelled arrays', () => {
    expect(status('squeue_array_throttled')).toEqual({
      '63_0': 'running:RUNNING',
      '63_1': 'pending:PENDING (JobArrayTaskLimit)',
      '63_2': 'pending:PENDING (JobArrayTaskLimit)',
      '63_3': 'pending:PENDING (JobArrayTaskLimit)',
    });
    // An element cancelled while pending leaves no line at all: it is gone, not CANCELLED.
    expect(Object.keys(status('squeue_array_after_element_cancel')).sort()).toEqual(['33_0', '33_1', '33_2']);
  });

  it('expands folded array lines (squeue without --array)', () => {
    expect(status('squeue_array_throttled_without_array_flag')).toEqual({
      '63_0': 'running:RUNNING',
      '63_1': 'pending:PENDING (JobArrayTaskLimit)',
      '63_2': 'pending:PENDING (JobArrayTaskLimit)',
      '63_3': 'pending:PENDING (JobArrayTaskLimit)',
    });
    expect(Object.keys(spaced('acct-none', 'squeue_array_throttled_format')).sort()).toEqual(['24_0', '24_1', '24_2', '24_3']);
    expect(expandSlurmIds('12', '[1-3,7,10-14:2%2]')).toEqual(['12_1', '12_2', '12_3', '12_7', '12_10', '12_12', '12_14']);
    expect(expandSlurmIds('12', undefined)).toEqual(['12']);
  });

  it('leaves unknown ids out when some listed ids are known (exit 0)', () => {
    expect(status('squeue_known_and_unknown_ids')).toEqual({
      '26': 'finished:success:COMPLETED',
      '33_0': 'finished:success:COMPLETED',
      '33_1': 'finished:success:COMPLETED',
      '33_2': 'finished:success:COMPLETED',
    });
    expect(status('squeue_several_unknown_ids')).toEqual({});
  });

  it('reads "Invalid job id specified" (a single unknown id, exit 1) as gone, not as a failure', () => {
    expect(slurm.parseStatusOutput(live('squeue_one_unknown_id', 1), ['999991']).size).toBe(0);
    expect(slurm.parseStatusOutput(shared('acct-none', 'squeue_unknown_job', 1), ['999999']).size).toBe(0);
  });

  it('reports an unreachable controller or a hung squeue as a failed status command', () => {
    expect(() => slurm.parseStatusOutput(live('squeue_controller_unreachable', 1), ['32', '33_0'])).toThrow(CommandOutputError);
    expect(() => slurm.parseStatusOutput(live('squeue_controller_unreachable_one_id', 1), ['32'])).toThrow(CommandOutputError);
    const hung: CommandResult = { command: { file: 'squeue', args: [] }, exitCode: undefined, stdout: '', stderr: '', timedOut: true };
    expect(() => slurm.parseStatusOutput(hung, ['1'])).toThrow(CommandOutputError);
  });

  it('skips noise lines around the job lines', () => {
    const text = `squeue: warning: something odd\nCLUSTER: local\n${fixture('slurm', 'live/squeue_deadline.out')}\n`;
    expect(summary(parseSqueueOutput(text))).toEqual({ '44': 'finished:failure:DEADLINE (DeadLine)' });
  });

  it('asks once for all ids, by base job id, in batches only when the list is long', () => {
    const lines = slurm.statusCommands(['40_0', '40_1', '41', '40_2', '42_5'], path);
    expect(lines).toEqual([
      {
        file: '/opt/slurm/bin/squeue',
        args: ['--noheader', '--array', '--states=all', '--format=%i|%T|%r', '--jobs=40,41,42'],
      },
    ]);
    const many = Array.from({ length: 1200 }, (_, i) => String(1000 + i));
    expect(slurm.statusCommands(many, path)).toHaveLength(3);
    expect(baseJobIds(['7_1', '7_2', '8'])).toEqual(['7', '8']);
  });
});

describe('slurm submit', () => {
  it('builds an array submission with resources, extra args and the chunk list', () => {
    const line = slurm.submitCommand(request, path);
    expect(line.file).toBe('/opt/slurm/bin/sbatch');
    expect(line.args).toEqual([
      '--parsable', '--job-name=qmr-abc',
      '--output=/w/run/logs/scheduler/%x-%A_%a.out', '--error=/w/run/logs/scheduler/%x-%A_%a.err',
      '--chdir=/w', '--no-requeue', '--array=0-3%2',
      '--partition=debug', '--account=proj', '--time=00:02:00', '--cpus-per-task=2', '--mem=2048M',
      '--qos=short',
      '/w/run/job.sh', '--chunks', '0-2,5',
    ]);
  });

  it('builds a plain job submission that names its own index', () => {
    const plain = { ...request, chunks: [7], array: false, throttle: undefined, resources: {}, submitArgs: [] };
    expect(slurm.submitCommand(plain, (n) => n).args).toEqual([
      '--parsable', '--job-name=qmr-abc',
      '--output=/w/run/logs/scheduler/%x-%j.out', '--error=/w/run/logs/scheduler/%x-%j.err',
      '--chdir=/w', '--no-requeue',
      '/w/run/job.sh', '--chunks', '7', '--index', '0',
    ]);
  });

  it('keeps a % in the log folder literal', () => {
    const args = slurm.submitCommand({ ...request, schedulerLogDir: '/w/100%/logs' }, (n) => n).args;
    expect(args).toContain('--output=/w/100%%/logs/%x-%A_%a.out');
  });

  it('formats time limits as Slurm reads them, in whole minutes, at least one', () => {
    expect(formatSlurmTime(1)).toBe('00:01:00');
    expect(formatSlurmTime(60)).toBe('00:01:00');
    expect(formatSlurmTime(61)).toBe('00:02:00');
    expect(formatSlurmTime(3600)).toBe('01:00:00');
    expect(formatSlurmTime(86400 + 30)).toBe('1-00:01:00'); // seen on the daemon as TimeLimit=1-00:01:00
    expect(formatSlurmTime(3 * 86400 + 5 * 3600)).toBe('3-05:00:00');
  });

  it('reads the job id from sbatch --parsable, plain and array, among noise', () => {
    expect(parseSbatchParsable(fixture('slurm', 'acct-none/sbatch_parsable_single.out'))).toBe('13');
    expect(parseSbatchParsable(fixture('slurm', 'live/sbatch_flavor_array.out'))).toBe('55');
    expect(parseSbatchParsable('site banner: be nice\n4711;cluster2\n')).toBe('4711');
    expect(parseSbatchParsable(fixture('slurm', 'acct-none/sbatch_plain.out'))).toBe('12'); // without --parsable
    expect(() => parseSbatchParsable('')).toThrow(/no job id/);
    expect(() => parseSbatchParsable('error: 2 nodes down\n')).toThrow(/no job id/);
  });

  it('names array elements ID_K from index 0, and a plain job by its id', () => {
    const arrayIds = slurm.parseSubmitOutput(live('sbatch_flavor_array', 0), request);
    expect(arrayIds).toEqual(['55_0', '55_1', '55_2', '55_3']);
    const plain = { ...request, chunks: [7], array: false };
    expect(slurm.parseSubmitOutput(live('sbatch_flavor_plain', 0), plain)).toEqual(['56']);
  });

  it('has the array convention job.sh needs', () => {
    expect(slurm.convention).toEqual({
      indexExpression: '${SLURM_ARRAY_TASK_ID:-}',
      indexBase: 0,
      jobIdExpression: '${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-unknown}}${SLURM_ARRAY_JOB_ID:+_${SLURM_ARRAY_TASK_ID:-}}',
      explicitIndexJobIdExpression: '${SLURM_JOB_ID:-unknown}',
    });
  });
});

describe('slurm cancel', () => {
  it('cancels array elements and plain jobs in one scancel', () => {
    expect(slurm.cancelCommands(['40_1', '41', '40_1'], path)).toEqual([{ file: '/opt/slurm/bin/scancel', args: ['40_1', '41'] }]);
  });

  it('treats jobs already gone as cancelled, and an unreachable controller as a failure', () => {
    expect(slurm.cancelFailed(live('scancel_unknown_and_finished', 0))).toBe(false);
    expect(slurm.cancelFailed(live('scancel_array_element', 0))).toBe(false);
    expect(slurm.cancelFailed(shared('acct-none', 'scancel_unknown_job', 0))).toBe(false);
    expect(slurm.cancelFailed(shared('acct-none', 'scancel_already_finished', 0))).toBe(false);
    expect(slurm.cancelFailed(live('scancel_controller_unreachable', 8))).toBe(true);
  });
});

describe('slurm history (sacct)', () => {
  it('asks sacct for the base ids, allocations only', () => {
    expect(slurm.historyCommands!(['40_0', '40_1', '41'], path)).toEqual([
      {
        file: '/opt/slurm/bin/sacct',
        args: ['--noheader', '--parsable2', '--allocations', '--format=JobID,State,ExitCode', '--jobs=40,41'],
      },
    ]);
  });

  it('reads final states, array elements and `CANCELLED by UID`', () => {
    const history = summary(slurm.parseHistoryOutput!(live('sacct_history', 0), []));
    expect(history).toEqual({
      '24': 'finished:failure:fatal:TIMEOUT',
      '25': 'finished:failure:fatal:OUT_OF_MEMORY (ExitCode 0:125)',
      '26': 'finished:success:COMPLETED',
      '27': 'finished:failure:FAILED (ExitCode 3:0)',
      '37': 'finished:failure:CANCELLED by 0',
      '33_0': 'finished:success:COMPLETED',
      '33_1': 'finished:success:COMPLETED',
      '33_2': 'finished:success:COMPLETED',
      '32': 'running:RUNNING',
      '41': 'pending:PENDING',
      '43': 'finished:failure:CANCELLED by 0',
    });
    expect(summary(slurm.parseHistoryOutput!(live('sacct_deadline', 0), []))).toEqual({ '44': 'finished:failure:DEADLINE (ExitCode 1:0)' });
    expect(parseSacctOutput(fixture('slurm', 'live/sacct_history.out')).get('27')?.reason).toBe('exit status 3');
  });

  it('reads the shared research outputs: all end states, steps skipped', () => {
    expect(summary(parseSacctOutput(fixture('slurm', 'acct-slurmdbd/sacct_parsable_finished_allocations_only.out')))).toEqual({
      '1': 'finished:failure:fatal:TIMEOUT',
      '2': 'finished:success:COMPLETED',
      '3': 'finished:failure:FAILED (ExitCode 1:0)',
      '4': 'finished:failure:FAILED (ExitCode 0:9)',
      '5': 'finished:failure:CANCELLED by 0',
      '6': 'finished:failure:fatal:OUT_OF_MEMORY (ExitCode 0:125)',
      '7': 'finished:failure:PREEMPTED',
      '8': 'finished:failure:CANCELLED by 0',
      '9': 'finished:success:COMPLETED',
      '10': 'finished:failure:NODE_FAIL',
      '11': 'finished:failure:CANCELLED by 0',
    });
    // Without -X: `ID.batch` step lines are skipped, the job lines are the same.
    const withSteps = parseSacctOutput(fixture('slurm', 'acct-slurmdbd/sacct_parsable_finished.out'));
    expect([...withSteps.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    expect(summary(parseSacctOutput(fixture('slurm', 'acct-slurmdbd/sacct_parsable_array.out')))).toEqual({
      '12_0': 'finished:success:COMPLETED',
      '12_1': 'finished:failure:FAILED (ExitCode 1:0)',
      '12_2': 'finished:success:COMPLETED',
      '12_3': 'finished:failure:CANCELLED by 0',
      '12_4': 'finished:success:COMPLETED',
    });
  });

  it('takes the last row of a job that ran more than once', () => {
    // sacct -D: job 11 ended NODE_FAIL, was requeued by Slurm, then cancelled.
    expect(summary(parseSacctOutput(fixture('slurm', 'acct-slurmdbd/sacct_duplicates_requeued_job.out')))).toEqual({
      '11': 'finished:failure:CANCELLED by 0',
    });
  });

  it('reads unknown ids as nothing', () => {
    expect(slurm.parseHistoryOutput!(live('sacct_unknown_id', 0), ['999991']).size).toBe(0);
    expect(parseSacctOutput(fixture('slurm', 'acct-slurmdbd/sacct_unknown_job.out')).size).toBe(0);
  });

  it('says the history is unavailable when the site keeps no accounting', () => {
    expect(() => slurm.parseHistoryOutput!(shared('acct-none', 'sacct_parsable_finished', 1), ['2'])).toThrow(HistoryUnavailableError);
  });

  it('reports an unreachable slurmdbd as a failed command, not as "no history"', () => {
    const run = () => slurm.parseHistoryOutput!(live('sacct_dbd_unreachable', 1), ['26']);
    expect(run).toThrow(CommandOutputError);
    expect(run).not.toThrow(HistoryUnavailableError);
  });
});

describe('slurm info', () => {
  it('asks sinfo for CPUs per partition and scontrol for MaxArraySize', () => {
    expect(slurm.infoCommands!(path)).toEqual([
      { file: '/opt/slurm/bin/sinfo', args: ['--noheader', '--format=%P|%a|%C'] },
      { file: '/opt/slurm/bin/scontrol', args: ['show', 'config'] },
    ]);
  });

  it('reads the default partition\'s usable CPUs and the array size limit', () => {
    const info = slurm.parseInfoOutputs!([live('sinfo_partitions_cpus', 0), live('scontrol_show_config', 0)], {});
    expect(info).toEqual({ slots: 2, maxArraySize: 10001 });
    // MaxArraySize=10001 let --array=0-10000 through and refused 0-10001 (live/sbatch_array_*).
    expect(parseMaxArraySize(fixture('slurm', 'live/scontrol_show_config.out'))).toBe(10001);
  });

  it('uses the largest partition that is up when none is the default, and leaves out what it cannot read', () => {
    expect(parseSinfoCpus('gpu|up|4/60/0/64\nbig|up|100/28/0/128\nold|down|0/0/512/512\n')).toBe(128);
    expect(parseSinfoCpus('batch*|up|10/20/2/32\n')).toBe(30);
    expect(parseSinfoCpus('')).toBeUndefined();
    // The partition the jobs go to (resources.queue), when named.
    expect(parseSinfoCpus('gpu|up|4/60/0/64\nbatch*|up|10/20/2/32\n', 'gpu')).toBe(64);
    expect(parseSinfoCpus('gpu|up|4/60/0/64\nbatch*|up|10/20/2/32\n', 'nosuch')).toBe(30);
    const down = slurm.parseInfoOutputs!([live('sinfo_controller_unreachable', 1), live('scontrol_show_config_controller_unreachable', 1)], {});
    expect(down).toEqual({});
  });
});

describe('slurm: documented shapes no capture shows (squeue(1), sacct(1), heterogeneous_jobs.html)', () => {
  it('reads heterogeneous jobs (`ID+OFFSET`) under the id sbatch printed, by the component that runs the script', () => {
    const statuses = summary(parseSqueueOutput(fixture('slurm', 'doc-squeue_het_and_folded_arrays.out')));
    expect(statuses['90']).toBe('running:RUNNING');
    expect(statuses['91']).toBe('pending:PENDING (Resources)');
    expect(Object.keys(statuses).filter((id) => id.includes('+'))).toEqual([]);
  });

  it('expands folded pending elements with a throttle or a step (`ID_[4-9%2]`, `ID_[1,5-7:2]`)', () => {
    const statuses = summary(parseSqueueOutput(fixture('slurm', 'doc-squeue_het_and_folded_arrays.out')));
    expect(Object.keys(statuses).filter((id) => id.startsWith('92_')).sort()).toEqual(['92_3', '92_4', '92_5', '92_6', '92_7', '92_8', '92_9']);
    expect(statuses['92_5']).toBe('pending:PENDING (JobArrayTaskLimit)');
    expect(statuses['92_3']).toBe('running:RUNNING');
    expect(Object.keys(statuses).filter((id) => id.startsWith('93_')).sort()).toEqual(['93_1', '93_5', '93_7']);
  });

  it('reads sacct allocation lines and skips .batch, .extern and numbered step lines', () => {
    expect(summary(parseSacctOutput(fixture('slurm', 'doc-sacct_steps_het_cancelled_by.out')))).toEqual({
      '94': 'finished:failure:CANCELLED by 1000',
      '95_2': 'finished:success:COMPLETED',
      '96': 'finished:failure:FAILED (ExitCode 2:0)',
      '97': 'finished:failure:NODE_FAIL',
    });
  });

  it('tolerates CRLF line ends, trailing blank lines and warning lines', () => {
    const crlf = (name: string) => `squeue: warning: something odd\r\n${fixture('slurm', name).replace(/\n/g, '\r\n')}\r\n\r\n`;
    expect(summary(parseSqueueOutput(crlf('doc-squeue_het_and_folded_arrays.out')))['92_9']).toBe('pending:PENDING (JobArrayTaskLimit)');
    expect(summary(parseSacctOutput(crlf('doc-sacct_steps_het_cancelled_by.out')))['94']).toBe('finished:failure:CANCELLED by 1000');
    expect(parseSbatchParsable('4711\r\n')).toBe('4711');
    expect(parseSbatchParsable('Submitted batch job 4712 on cluster blue\n')).toBe('4712');
  });
});

describe('Slurm out-of-memory and time-limit kills (real squeue/sacct output, docs/research/OOM-TIMELIMIT-FINDINGS.md)', () => {
  it('says which request the job ran past, so a retry can raise it', async () => {
    const { parseSqueueOutput, parseSacctOutput } = await import('../../src/queues/slurm/commands.js');
    expect(parseSqueueOutput(fixture('slurm', 'oom-squeue-after.txt')).get('565')).toMatchObject({ state: 'finished', outcome: 'failure', fatal: true, limit: 'memory' });
    const array = parseSqueueOutput(fixture('slurm', 'timelimit-array-squeue-after.txt'));
    expect([array.get('570_0')?.limit, array.get('570_1')?.limit]).toEqual(['walltime', 'walltime']);
    expect(parseSacctOutput(fixture('slurm', 'oom-sacct-product-format.txt')).get('565')).toMatchObject({ fatal: true, limit: 'memory' });
    expect(parseSacctOutput(fixture('slurm', 'timelimit-sacct-product-format.txt')).get('566')).toMatchObject({ fatal: true, limit: 'walltime' });
  });
});
