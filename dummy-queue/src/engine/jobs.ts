/** Questions about jobs and tasks that every front and the dispatcher ask. */
import { chunkAt } from './chunk-spec.js';
import type { Job, State, Task } from './types.js';

export function findJob(state: State, id: number): Job | undefined {
  return state.jobs.find((job) => job.id === id);
}

export function findTask(job: Job, index: number | null): Task | undefined {
  return job.tasks.find((task) => task.index === index);
}

/** Still in the scheduler's hands: waiting, held, in error, running or suspended. */
export function isActive(task: Task): boolean {
  return task.state !== 'finished' && task.state !== 'vanished';
}

export function isRunning(task: Task): boolean {
  return task.state === 'running' || task.state === 'suspended';
}

/** Known to the scheduler at all (a vanished task left no trace anywhere). */
export function isKnown(task: Task): boolean {
  return task.state !== 'vanished';
}

/**
 * In the live status view (qstat, squeue, bjobs, condor_q): active tasks, plus finished ones for
 * keepSeconds after their end. earlyGone tasks are hidden from their start on.
 */
export function isLive(task: Task, now: number, keepSeconds: number): boolean {
  if (!isKnown(task) || task.hiddenFromLive) return false;
  if (isActive(task)) return true;
  return task.endTime !== undefined && now - task.endTime < keepSeconds * 1000;
}

/** In history views (sacct, condor_history, qstat -x, bjobs -d): finished, and past the lag. */
export function isInHistory(task: Task, now: number, lagSeconds: number): boolean {
  return task.state === 'finished' && task.endTime !== undefined && now - task.endTime >= lagSeconds * 1000;
}

/** Position k of a task in its job's chunk list: array index minus the array's first index. */
export function taskPosition(job: Job, task: Task): number {
  return job.array && task.index !== null ? task.index - job.array.first : 0;
}

/** The chunk this task runs under the queue-map-reduce convention, or null if the job has no list. */
export function taskChunk(job: Job, task: Task): number | null {
  return job.chunkSpec === null ? null : chunkAt(job.chunkSpec, taskPosition(job, task));
}

/** True if the task ended badly (nonzero exit, signal, never ran). */
export function endedInFailure(task: Task): boolean {
  return task.state === 'finished' && !(task.outcome === 'exited' && task.exitCode === 0);
}
