/**
 * Slurm gives every array task its own job id, but only when the task leaves the array's pending
 * record (starts, is cancelled, ...): it then takes the next number of the job sequence, and the
 * last task to leave keeps the array's own id (`12_4` is job 12, `12_0` is job 13). Jobs of other
 * schedulers don't set `tasksTakeIds` and are untouched.
 */
import type { Job, State, Task } from './types.js';

function inPendingRecord(task: Task): boolean {
  return task.rawId === undefined && (task.state === 'pending' || task.state === 'held');
}

/** Call before a task leaves pending/held for good. */
export function detachTask(state: State, job: Job, task: Task): void {
  if (!job.tasksTakeIds || task.rawId !== undefined) return;
  if (job.array === null) {
    task.rawId = job.id;
    return;
  }
  const othersWaiting = job.tasks.some((other) => other !== task && inPendingRecord(other));
  task.rawId = othersWaiting ? state.nextJobId++ : job.id;
}

/** The id a scheduler shows for this task on its own (Slurm %A, SLURM_JOB_ID). */
export function ownJobId(job: Job, task: Task): number {
  return task.rawId ?? job.id;
}
