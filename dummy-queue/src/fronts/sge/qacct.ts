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
  if (task.outcome === 'limit') return '37  : qmaster enforced h_rt, h_cpu, or h_vmem limit';
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

/** The job's `-l` requests as one comma list (`h_rt=600,h_vmem=1024M`), h_rt in seconds as SGE keeps it. */
function requests(job: Job): string[] {
  return sgeAttributes(job)
    .resources.flatMap((r) => r.split(','))
    .map((r) => r.replace(/^(h_rt|s_rt)=(\d+(?::\d+){1,2})$/, (_m, name: string, hms: string) => `${name}=${hms.split(':').reduce((t, p) => t * 60 + Number(p), 0)}`));
}

function requested(job: Job, name: string): string | undefined {
  return requests(job).find((r) => r.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** `category`: the job's requests (`-l h_rt=5`), NONE without any. */
function category(job: Job): string {
  const list = requests(job);
  return list.length > 0 ? `-l ${list.join(',')}` : 'NONE';
}

/** An h_vmem value as qacct prints memory (`370.852MB`, `2.000GB`). */
function vmemText(value: string): string {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/i.exec(value);
  if (!m) return '0.000B';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let amount = Number(m[1]) * 1024 ** (m[2] ? 'BKMGT'.indexOf(m[2].toUpperCase()) : 0);
  let unit = 0;
  while (amount >= 1024 && unit < units.length - 1) {
    amount /= 1024;
    unit++;
  }
  return `${amount.toFixed(3)}${units[unit]}`;
}

function record(job: Job, task: Task, state: State): string {
  const a = sgeAttributes(job);
  const ran = task.startTime !== undefined && task.outcome !== 'failed';
  // A limit fault ends the task at once; its record shows it killed at the limit, as execd does:
  // ru_wallclock a second past h_rt (test/fixtures/sge/qacct-j-h_rt-exceeded.txt), maxvmem at h_vmem.
  const hRt = task.outcome === 'limit' && task.limit === 'walltime' ? requested(job, 'h_rt') : undefined;
  const hVmem = task.outcome === 'limit' && task.limit !== 'walltime' ? requested(job, 'h_vmem') : undefined;
  const wallclock = hRt !== undefined ? Number(hRt) + 1 : ran ? Math.round(((task.endTime ?? task.startTime!) - task.startTime!) / 1000) : 0;
  const endTime = hRt !== undefined ? task.startTime! + wallclock * 1000 : task.endTime!;
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
    plain('end_time', ran ? ctime(endTime) : '-/-') +
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
    plain('maxvmem', hVmem !== undefined ? vmemText(hVmem) : '0.000B') +
    plain('arid', 'undefined') +
    plain('ar_sub_time', 'undefined') +
    plain('category', category(job))
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
