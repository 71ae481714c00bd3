/**
 * Engine task states in PBS words. Torque: Q H R S E C (C kept keep_completed = keepFinished
 * seconds). PBS Pro: Q H R S E, F for finished jobs and X for finished subjobs (only with -x),
 * B for an array with subjobs begun. Persistent errors are holds (H) with a comment.
 */
import { isActive, isRunning } from '../../engine/jobs.js';
import type { Job, Task } from '../../engine/types.js';
import { signalNumber } from '../common/signals.js';
import type { PbsDialect } from './attributes.js';

export function taskStateLetter(task: Task, dialect: PbsDialect, subjob: boolean): string {
  switch (task.state) {
    case 'pending':
      return 'Q';
    case 'held':
    case 'error':
      return 'H';
    case 'running':
      return task.cancelRequestedAt !== undefined ? 'E' : 'R';
    case 'suspended':
      return 'S';
    default:
      return dialect === 'torque' ? 'C' : subjob ? 'X' : 'F';
  }
}

/** An array's own state, derived from its subjobs. */
export function parentStateLetter(job: Job, dialect: PbsDialect): string {
  const tasks = job.tasks.filter((t) => t.state !== 'vanished');
  if (tasks.length > 0 && !tasks.some(isActive)) return dialect === 'torque' ? 'C' : 'F';
  if (dialect === 'pro' && tasks.some((t) => isRunning(t) || t.state === 'finished')) return 'B';
  if (tasks.some(isRunning)) return 'R';
  if (tasks.some((t) => t.state === 'pending')) return 'Q';
  return 'H';
}

/**
 * The exit status PBS records: the script's code, 256+signal for a job killed by a signal
 * (271 after qdel's SIGTERM, 265 after SIGKILL), a negative value when PBS itself could not run
 * it (-1, JOB_EXEC_FAIL1), or when it killed the job at a limit (limit fault: Torque -10
 * JOB_EXEC_OVERLIMIT_MEM / -11 _WT, PBS Pro -27 JOB_EXEC_KILL_MEM / -29 _WALLTIME). A job
 * deleted before it ran has none.
 */
export function exitStatus(task: Task, dialect: PbsDialect = 'torque'): number | undefined {
  if (task.state !== 'finished') return undefined;
  switch (task.outcome) {
    case 'exited':
      return task.exitCode ?? 0;
    case 'killed':
      return 256 + signalNumber(task.signal);
    case 'cancelled':
      return task.signal ? 256 + signalNumber(task.signal) : undefined;
    case 'limit':
      if (dialect === 'pro') return task.limit === 'walltime' ? -29 : -27;
      return task.limit === 'walltime' ? -11 : -10;
    default:
      return -1;
  }
}

/** The `comment` attribute: why a job is held, or what became of it. */
export function comment(task: Task, hostname: string, startText: (ms: number) => string): string | undefined {
  if (task.state === 'error') return task.message ?? 'job held, too many failed attempts to run';
  if (task.state === 'held' && task.holdCause === 'fault') return task.message ?? 'Job held by user';
  if (task.state === 'pending') return 'Not Running: Insufficient amount of resource: ncpus';
  if (task.startTime === undefined) return undefined;
  if (task.outcome === 'failed') return task.message ?? 'Job failed to start';
  if (task.outcome === 'limit') return task.message ?? `Job run at ${startText(task.startTime)} on (${hostname}:ncpus=1) and exceeded its ${task.limit === 'walltime' ? 'walltime' : 'mem'} limit`;
  const run = `Job run at ${startText(task.startTime)} on (${hostname}:ncpus=1)`;
  return task.state === 'finished' ? `${run} and ${task.outcome === 'exited' ? 'finished' : 'terminated'}` : run;
}
