/**
 * Slurm `scontrol`: `show job [ID]` (also `-o` one line per job) in 22.05's field layout,
 * `show config` (the lines clients read), `hold`/`release ID` (user holds). Unknown ids:
 * `slurm_load_jobs error: Invalid job id specified`.
 */
import { releaseTasks } from '../../engine/submit.js';
import type { State } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { isoLocal, hms } from '../common/time-format.js';
import { slurmAttributes } from './attributes.js';
import { expandFilenamePattern } from './launch.js';
import { parseJobSelector, selectTasks, slurmRecords, splitJobList, type SlurmRecord } from './records.js';
import { formatTimeLimit } from './time-limit.js';

function fields(r: SlurmRecord, state: State, now: number): string[][] {
  const { job } = r;
  const task = r.tasks[0]!;
  const a = slurmAttributes(job);
  const host = state.settings.hostname;
  const started = task.startTime !== undefined && task.outcome !== 'failed';
  const cpus = a.cpusPerTask * a.ntasks;
  const out = expandFilenamePattern(job.stdout ?? (job.array ? 'slurm-%A_%a.out' : 'slurm-%j.out'), job, task, host);
  const err = job.stderr === null ? out : expandFilenamePattern(job.stderr, job, task, host);
  const absolute = (p: string) => (p.startsWith('/') ? p : `${job.cwd}/${p}`);
  const arrayTask = r.taskLabel?.replace(/^\[|\]$/g, '') ?? '';
  const runTime = started ? hms(((task.endTime ?? now) - task.startTime!) / 1000) : '00:00:00';
  return [
    [`JobId=${r.ownId}`, ...(job.array ? [`ArrayJobId=${job.id}`, `ArrayTaskId=${arrayTask}`] : []), `JobName=${job.name}`],
    [`UserId=${job.owner}(${a.uid})`, `GroupId=${job.owner}(${a.gid})`, 'MCS_label=N/A'],
    [`Priority=${r.priority}`, 'Nice=0', `Account=${a.account ?? '(null)'}`, 'QOS=(null)'],
    [`JobState=${r.status.state}`, `Reason=${r.status.reason.replace(/ /g, '_')}`, 'Dependency=(null)'],
    ['Requeue=1', 'Restarts=0', 'BatchFlag=1', 'Reboot=0', `ExitCode=${r.status.state === 'TIMEOUT' ? '0:15' : r.status.exitCode}`],
    [`RunTime=${runTime}`, `TimeLimit=${formatTimeLimit(a.timeLimitMinutes)}`, 'TimeMin=N/A'],
    [`SubmitTime=${isoLocal(job.submitTime)}`, `EligibleTime=${task.state === 'held' ? 'Unknown' : isoLocal(job.submitTime)}`],
    [`AccrueTime=${task.state === 'held' ? 'Unknown' : isoLocal(job.submitTime)}`],
    [`StartTime=${started ? isoLocal(task.startTime!) : 'Unknown'}`, `EndTime=${task.endTime !== undefined ? isoLocal(task.endTime) : 'Unknown'}`, 'Deadline=N/A'],
    ...(started ? [[`PreemptEligibleTime=${isoLocal(task.startTime!)}`, 'PreemptTime=None']] : []),
    ['SuspendTime=None', 'SecsPreSuspend=0', `LastSchedEval=${isoLocal(task.startTime ?? job.submitTime)}`, 'Scheduler=Main'],
    [`Partition=${a.partition}`, `AllocNode:Sid=${a.submitHost}:${process.pid}`],
    ['ReqNodeList=(null)', 'ExcNodeList=(null)'],
    [`NodeList=${started ? host : ''}`],
    ...(started ? [[`BatchHost=${host}`]] : []),
    ['NumNodes=1', `NumCPUs=${cpus}`, `NumTasks=${a.ntasks}`, `CPUs/Task=${a.cpusPerTask}`, 'ReqB:S:C:T=0:0:*:*'],
    [`TRES=cpu=${cpus},mem=1G,node=1,billing=${cpus}`],
    ['Socks/Node=*', 'NtasksPerN:B:S:C=0:0:*:*', 'CoreSpec=*'],
    ['MinCPUsNode=1', 'MinMemoryCPU=1G', 'MinTmpDiskNode=0'],
    ['Features=(null)', 'DelayBoot=00:00:00'],
    ['OverSubscribe=OK', 'Contiguous=0', 'Licenses=(null)', 'Network=(null)'],
    [`Command=${a.wrapped || !a.commandPath ? '(null)' : a.commandPath}`],
    [`WorkDir=${job.cwd}`],
    [`StdErr=${absolute(err)}`],
    ['StdIn=/dev/null'],
    [`StdOut=${absolute(out)}`],
    ['Power='],
  ];
}

function showJobs(io: CommandIO, state: State, words: string[], oneLine: boolean): number {
  const now = Date.now();
  let records = slurmRecords(state, { unfold: false, now }).sort((a, b) => b.ownId - a.ownId);
  if (words.length > 0) {
    const chosen = new Set(words.flatMap(splitJobList).flatMap((w) => {
      const selector = parseJobSelector(w);
      return selector ? selectTasks(state, selector).flatMap((m) => m.tasks) : [];
    }));
    records = records.filter((r) => r.tasks.some((t) => chosen.has(t)));
    if (records.length === 0) {
      io.err('slurm_load_jobs error: Invalid job id specified\n');
      return 1;
    }
  }
  if (records.length === 0) {
    io.out('No jobs in the system\n');
    return 0;
  }
  for (const r of records) {
    const lines = fields(r, state, now).map((f) => f.join(' '));
    io.out(oneLine ? `${lines.join(' ')} \n` : `${lines.join('\n   ')}\n   \n\n`);
  }
  return 0;
}

/** `scontrol show config`, reduced to the lines clients read (MaxArraySize: indices 0..10000). */
function configuration(state: State): string {
  const lines: [string, string][] = [
    ['ClusterName', 'local'],
    ['KillWait', `${state.settings.killGrace} sec`],
    ['MaxArraySize', '10001'],
    ['MaxJobCount', '100000'],
    ['MinJobAge', `${state.settings.keepFinished} sec`],
    ['SLURM_VERSION', '22.05.8'],
    ['SlurmctldHost[0]', `${state.settings.hostname}(127.0.0.1)`],
  ];
  return `Configuration data as of ${isoLocal(Date.now())}\n${lines.map(([k, v]) => `${k.padEnd(23)} = ${v}`).join('\n')}\n`;
}

async function scontrol(io: CommandIO): Promise<number> {
  const words = io.args.filter((w) => w !== '-o' && w !== '--oneliner');
  const oneLine = words.length !== io.args.length;
  const [verb, ...rest] = words;
  if (verb === 'show' && (rest[0] === 'job' || rest[0] === 'jobs')) {
    const state = await io.transact((s) => s);
    return showJobs(io, state, rest.slice(1), oneLine);
  }
  if (verb === 'show' && rest[0] === 'config') {
    const state = await io.transact((s) => s);
    io.out(configuration(state));
    return 0;
  }
  if (verb === 'hold' || verb === 'release' || verb === 'uhold') {
    return io.transact((state) => {
      let touched = 0;
      for (const word of rest.flatMap(splitJobList)) {
        const selector = parseJobSelector(word);
        for (const { job, tasks } of selector ? selectTasks(state, selector) : []) {
          for (const task of tasks) {
            if (verb === 'release' && task.state === 'held') touched += releaseTasks(job, task.index);
            if (verb !== 'release' && task.state === 'pending') {
              task.state = 'held';
              task.holdCause = 'user';
              touched++;
            }
          }
        }
      }
      if (touched === 0) {
        io.err(`${verb === 'release' ? 'Job is no longer pending execution' : 'Invalid job id specified'} for job ${rest.join(',')}\n`);
        return 1;
      }
      return 0;
    });
  }
  io.err(`invalid keyword: ${verb ?? ''} (the emulator supports show job, hold, release)\n`);
  return 1;
}

export const scontrolCommand: CommandDef = { kind: 'status', run: scontrol };
