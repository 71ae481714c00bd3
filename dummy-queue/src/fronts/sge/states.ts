/**
 * Engine task states in SGE's words. SGE forgets a job the moment it ends (there is no visible
 * "done" state; the client learns of the end by the job's absence), so finished tasks have none.
 */
import type { Job, Task } from '../../engine/types.js';

export type SgeGroup = 'running' | 'pending';

export interface SgeState {
  code: string;
  group: SgeGroup;
}

export function sgeState(task: Task): SgeState | null {
  const deleting = task.cancelRequestedAt !== undefined;
  switch (task.state) {
    case 'pending':
      return { code: 'qw', group: 'pending' };
    case 'held':
      return { code: 'hqw', group: 'pending' };
    case 'error':
      return { code: 'Eqw', group: 'pending' };
    case 'running':
      return { code: deleting ? 'dr' : 'r', group: 'running' };
    case 'suspended':
      return { code: deleting ? 'ds' : 's', group: 'running' };
    default:
      return null;
  }
}

/**
 * SGE's normalized priority (JAT_prio) depends on tickets and waiting times; the emulator uses a
 * fixed rule that reproduces the captured outputs: jobs with a running task 0.75, jobs in error
 * 0.5, waiting jobs 0.25, jobs that are entirely on hold 0.
 */
export function sgePriority(job: Job): number {
  const active = job.tasks.filter((t) => sgeState(t) !== null);
  if (active.some((t) => t.state === 'running' || t.state === 'suspended')) return 0.75;
  if (active.some((t) => t.state === 'error')) return 0.5;
  if (active.some((t) => t.state === 'pending')) return 0.25;
  return 0;
}
