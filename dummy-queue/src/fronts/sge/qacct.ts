/**
 * SGE `qacct -j [ID|NAME]`: one accounting record per finished task, in 8.1.9's layout. Tasks
 * deleted while waiting have no record (like the real accounting file); usage figures are zeros.
 */
import { isInHistory } from '../../engine/jobs.js';
import type { Job, State, Task } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { signalNumber } from '../common/signals.js';
import { ctime } from '../common/time-format.js';
import { sgeAttributes } from './attributes.js';

function padded(label: string, value: string | number): string {
  return `${label.padEnd(13)}${String(value).padEnd(20)}\n`;
}

function plain(label: string, value: string | number): string {
  return `${label.padEnd(13)}${value}\n`;
}

/** SGE's `failed` field: why the job did not run normally (0 = it did). */
function failure(task: Task): string {
  if (task.outcome === 'cancelled' && task.startTime !== undefined) return '100 : assumedly after job';
  if (task.outcome === 'failed' || (task.outcome === 'cancelled' && task.errorAt !== undefined)) {
    if (task.message?.startsWith("can't chdir")) return '28  : changing into working directory';
    if (task.message?.startsWith("can't open output")) return '26  : opening input/output file';
    return '1   : assumedly before job';
  }
  return '0    ';
}

function exitStatus(task: Task): string {
  if (task.signal) {
    const code = 128 + signalNumber(task.signal);
    return `${String(code).padEnd(20)} (${task.signal === 'SIGKILL' ? 'Killed' : task.signal === 'SIGTERM' ? 'Terminated' : task.signal})`;
  }
  return String(task.exitCode ?? 0).padEnd(20);
}

function record(job: Job, task: Task, state: State): string {
  const a = sgeAttributes(job);
  const ran = task.startTime !== undefined && task.outcome !== 'failed';
  const wallclock = ran ? Math.round(((task.endTime ?? task.startTime!) - task.startTime!) / 1000) : 0;
  return (
    '==============================================================\n' +
    padded('qname', job.queue) +
    padded('hostname', state.settings.hostname) +
    padded('group', job.owner) +
    padded('owner', job.owner) +
    padded('project', a.project ?? 'NONE') +
    padded('department', 'defaultdepartment') +
    padded('jobname', job.name) +
    padded('jobnumber', job.id) +
    (task.index === null ? plain('taskid', 'undefined') : padded('taskid', task.index)) +
    padded('account', a.account) +
    padded('priority', 0) +
    plain('qsub_time', ctime(job.submitTime)) +
    plain('start_time', ran ? ctime(task.startTime!) : '-/-') +
    plain('end_time', ran ? ctime(task.endTime!) : '-/-') +
    padded('granted_pe', a.pe ?? 'NONE') +
    padded('slots', a.slots) +
    plain('failed', failure(task)) +
    plain('exit_status', exitStatus(task)) +
    plain('ru_wallclock', `${wallclock}s`) +
    plain('ru_utime', '0.000s') +
    plain('ru_stime', '0.000s') +
    plain('ru_maxrss', '0.000B') +
    ['ru_ixrss', 'ru_ismrss', 'ru_idrss', 'ru_isrss'].map((l) => plain(l, '0.000B')).join('') +
    ['ru_minflt', 'ru_majflt', 'ru_nswap', 'ru_inblock', 'ru_oublock', 'ru_msgsnd', 'ru_msgrcv', 'ru_nsignals', 'ru_nvcsw', 'ru_nivcsw']
      .map((l) => padded(l, 0))
      .join('') +
    plain('cpu', '0.000s') +
    plain('mem', '0.000Bs') +
    plain('io', '0.000B') +
    plain('iow', '0.000s') +
    plain('maxvmem', '0.000B') +
    plain('arid', 'undefined') +
    plain('ar_sub_time', 'undefined') +
    plain('category', 'NONE')
  );
}

/** Tasks that left an accounting record: they ran, failed to start, or sat in error. */
function accounted(task: Task, now: number, lag: number): boolean {
  return isInHistory(task, now, lag) && (task.startTime !== undefined || task.errorAt !== undefined);
}

async function qacct(io: CommandIO): Promise<number> {
  const j = io.args.indexOf('-j');
  if (j < 0) {
    io.err('usage: qacct -j [job_id|job_name]   (the emulator supports -j only)\n');
    return 1;
  }
  const wanted = io.args[j + 1];
  const state = await io.transact((s) => s);
  const now = Date.now();
  const jobs = state.jobs.filter((job) => wanted === undefined || String(job.id) === wanted || job.name === wanted);
  const records = jobs.flatMap((job) =>
    job.tasks.filter((t) => accounted(t, now, state.settings.historyLag)).map((t) => record(job, t, state)),
  );
  if (records.length === 0) {
    io.err(`error: job id ${wanted ?? ''} not found\n`);
    return 1;
  }
  io.out(records.join(''));
  return 0;
}

export const qacctCommand: CommandDef = { kind: 'status', run: qacct };
