/**
 * The rows of `qstat` (table and -xml alike), built from the state: running tasks one row each,
 * waiting tasks grouped per job and state (`4,5` qw, `6` hqw), ordered like SGE orders them:
 * by priority, then job number.
 */
import type { Job, State } from '../../engine/types.js';
import { sgePriority, sgeState } from './states.js';
import { formatTaskSet } from './task-range.js';

export interface SgeRow {
  jobId: number;
  priority: number;
  name: string;
  owner: string;
  state: string;
  /** Start time for running rows, submission time for pending rows. */
  time: number;
  /** `all.q@host` for running rows, '' for pending rows. */
  queue: string;
  slots: number;
  /** Task id(s), absent for jobs that are not arrays. */
  tasks?: string;
}

export interface SgeListing {
  running: SgeRow[];
  pending: SgeRow[];
}

export interface ListingFilter {
  /** Owners to show, or '*' for everybody (qstat shows only the caller's jobs by default). */
  users: readonly string[] | '*';
  /** `qstat -g d`: one row per pending task instead of groups. */
  tasksApart?: boolean;
  /** `qstat -s`: which groups (p, r, s) to show; undefined = all. */
  states?: string;
}

export function jobSlots(job: Job): number {
  const slots = job.attributes.slots;
  return typeof slots === 'number' ? slots : 1;
}

export function buildListing(state: State, filter: ListingFilter): SgeListing {
  const running: SgeRow[] = [];
  const pending: SgeRow[] = [];
  const jobs = state.jobs
    .filter((job) => filter.users === '*' || filter.users.includes(job.owner))
    .sort((a, b) => sgePriority(b) - sgePriority(a) || a.id - b.id);
  for (const job of jobs) {
    const base = { jobId: job.id, priority: sgePriority(job), name: job.name, owner: job.owner, slots: jobSlots(job) };
    const groups = new Map<string, number[]>();
    for (const task of job.tasks) {
      if (task.hiddenFromLive) continue;
      const sge = sgeState(task);
      if (!sge) continue;
      if (sge.group === 'running') {
        if (filter.states && !filter.states.includes(task.state === 'suspended' ? 's' : 'r')) continue;
        running.push({
          ...base,
          state: sge.code,
          time: task.startTime ?? job.submitTime,
          queue: `${job.queue}@${state.settings.hostname}`,
          ...(task.index !== null ? { tasks: String(task.index) } : {}),
        });
      } else {
        if (filter.states && !filter.states.includes('p')) continue;
        const key = filter.tasksApart ? `${sge.code}:${task.index}` : sge.code;
        groups.set(key, [...(groups.get(key) ?? []), task.index ?? 0]);
      }
    }
    const ordered = [...groups.entries()].sort((a, b) => Math.min(...a[1]) - Math.min(...b[1]));
    for (const [key, indices] of ordered) {
      pending.push({
        ...base,
        state: key.split(':')[0]!,
        time: job.submitTime,
        queue: '',
        ...(job.array ? { tasks: formatTaskSet(indices, job.array.step) } : {}),
      });
    }
  }
  running.sort((a, b) => a.jobId - b.jobId || Number(a.tasks ?? 0) - Number(b.tasks ?? 0));
  return { running, pending };
}
