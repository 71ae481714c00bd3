/**
 * Which job ads condor_q and condor_history see. condor_q: jobs in the queue, i.e. active ones,
 * removed ones for a moment (JobStatus 3 before they leave), completed ones only with
 * leave_in_queue; only the caller's unless -allusers or owners are named. condor_history:
 * finished jobs, `historyLag` seconds after their end, most recent first.
 */
import { isActive, isInHistory, isKnown } from '../../engine/jobs.js';
import type { Job, State, Task } from '../../engine/types.js';
import { currentUser } from '../common/environment.js';
import { condorAttributes, procId } from './attributes.js';
import { evaluateConstraint, type ClassAd } from './classad.js';
import { jobAd, jobStatus } from './job-ad.js';
import type { QueryOptions } from './query-options.js';

/** Removed jobs stay `removedLinger` seconds after their end with JobStatus 3 before they leave. */
function inQueue(job: Job, task: Task, state: State, now: number): boolean {
  if (!isKnown(task) || task.hiddenFromLive) return false;
  if (isActive(task)) return true;
  if (jobStatus(task) === 4) return condorAttributes(job).leaveInQueue;
  return task.endTime !== undefined && now - task.endTime < state.settings.removedLinger * 1000;
}

function selected(job: Job, task: Task, ad: ClassAd, options: QueryOptions, ownersByDefault: string[] | undefined): boolean {
  if (options.jobs.length > 0 && !options.jobs.some((r) => r.cluster === job.id && (r.proc === undefined || r.proc === procId(task.index)))) return false;
  const owners = options.owners.length > 0 ? options.owners : ownersByDefault;
  if (owners && options.jobs.length === 0 && !owners.includes(job.owner)) return false;
  if (options.onlyStatus !== undefined && ad.JobStatus !== options.onlyStatus) return false;
  return options.constraints.every((c) => evaluateConstraint(c, ad));
}

export function queueAds(state: State, options: QueryOptions, now: number): ClassAd[] {
  const defaultOwners = options.allusers ? undefined : [currentUser().name];
  const ads: ClassAd[] = [];
  for (const job of [...state.jobs].sort((a, b) => a.id - b.id)) {
    for (const task of job.tasks) {
      if (!inQueue(job, task, state, now)) continue;
      const ad = jobAd(job, task, state, now);
      if (selected(job, task, ad, options, defaultOwners)) ads.push(ad);
    }
  }
  return ads;
}

export function historyAds(state: State, options: QueryOptions, now: number): ClassAd[] {
  const finished = state.jobs.flatMap((job) => job.tasks.filter((t) => isInHistory(t, now, state.settings.historyLag)).map((task) => ({ job, task })));
  finished.sort((a, b) => b.task.endTime! - a.task.endTime! || b.job.id - a.job.id || procId(b.task.index) - procId(a.task.index));
  const ads: ClassAd[] = [];
  for (const { job, task } of finished) {
    const ad = jobAd(job, task, state, now);
    if (selected(job, task, ad, options, undefined)) ads.push(ad);
    if (options.limit !== undefined && ads.length >= options.limit) break;
  }
  return ads;
}
