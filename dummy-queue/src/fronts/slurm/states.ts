/**
 * Engine task states in Slurm's words: state name, compact code, reason and `ExitCode` (exit:signal),
 * as observed on Slurm 22.05 (see test/fixtures/slurm/).
 */
import { isRunning } from '../../engine/jobs.js';
import type { Job, State, Task } from '../../engine/types.js';
import { signalNumber } from '../common/signals.js';

export interface SlurmStatus {
  state: string;
  compact: string;
  reason: string;
  exitCode: string;
}

const COMPACT: Record<string, string> = {
  PENDING: 'PD', RUNNING: 'R', SUSPENDED: 'S', COMPLETING: 'CG', COMPLETED: 'CD', CANCELLED: 'CA',
  FAILED: 'F', TIMEOUT: 'TO', NODE_FAIL: 'NF', PREEMPTED: 'PR', OUT_OF_MEMORY: 'OOM', BOOT_FAIL: 'BF', DEADLINE: 'DL',
};

export function compactState(state: string): string {
  return COMPACT[state] ?? state;
}

export function stateFromCompact(code: string): string {
  const upper = code.toUpperCase();
  return Object.entries(COMPACT).find(([, c]) => c === upper)?.[0] ?? upper;
}

function status(state: string, reason: string, exitCode = '0:0'): SlurmStatus {
  return { state, compact: compactState(state), reason, exitCode };
}

/**
 * Why a waiting task waits: the array's throttle, a full node (the job first in line waits for
 * Resources, all its array tasks alike, the others for Priority), or nothing yet (before the
 * first scheduling cycle).
 */
function pendingReason(state: State, job: Job): string {
  const running = state.jobs.reduce((n, j) => n + j.tasks.filter(isRunning).length, 0);
  const runningInJob = job.tasks.filter(isRunning).length;
  if (job.array?.throttle !== undefined && runningInJob >= job.array.throttle) return 'JobArrayTaskLimit';
  if (running < state.settings.slots) return 'None';
  const firstInLine = [...state.jobs].sort((a, b) => a.id - b.id).find((j) => j.tasks.some((t) => t.state === 'pending'));
  return firstInLine === job ? 'Resources' : 'Priority';
}

export function slurmStatus(state: State, job: Job, task: Task): SlurmStatus {
  switch (task.state) {
    case 'pending':
      return status('PENDING', pendingReason(state, job));
    case 'held':
      return status('PENDING', 'JobHeldUser');
    case 'error':
      // A launch failure requeues the job and holds it, which is Slurm's persistent error state.
      // squeue prints this reason with spaces; scontrol shows it with underscores.
      return status('PENDING', 'launch failed requeued held');
    case 'running':
      return status(task.cancelRequestedAt !== undefined ? 'COMPLETING' : 'RUNNING', 'None');
    case 'suspended':
      return status('SUSPENDED', 'None');
    default:
      return finishedStatus(task);
  }
}

export function finishedStatus(task: Task): SlurmStatus {
  switch (task.outcome) {
    case 'exited':
      return task.exitCode === 0 ? status('COMPLETED', 'None') : status('FAILED', 'NonZeroExitCode', `${task.exitCode ?? 1}:0`);
    case 'killed':
      return status('FAILED', 'JobLaunchFailure', `0:${signalNumber(task.signal)}`);
    case 'cancelled':
      return status('CANCELLED', 'None', task.signal ? `0:${signalNumber(task.signal)}` : '0:0');
    case 'limit':
      // As Slurm 22.05 ends a job over --mem (cgroup OOM kill) or --time (docs/research/OOM-TIMELIMIT-FINDINGS.md).
      return task.limit === 'walltime' ? status('TIMEOUT', 'TimeLimit', '0:0') : status('OUT_OF_MEMORY', 'OutOfMemory', '0:125');
    default:
      // Never ran (the `fail` fault) or lost: Slurm's node failure.
      return status('NODE_FAIL', 'NodeDown');
  }
}

/** Slurm priorities fall with each submission; held jobs (also requeued held ones) have 0. */
export function slurmPriority(job: Job, task: Task): number {
  return task.state === 'held' || task.state === 'error' ? 0 : 4294901760 - job.id;
}
