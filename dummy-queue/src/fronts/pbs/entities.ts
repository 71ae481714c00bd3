/**
 * What `qstat` can show: plain jobs, array parents (`12[]`) and subjobs (`12[3]`), with the
 * visibility rules of each PBS: Torque keeps finished jobs (state C) for keep_completed =
 * keepFinished seconds and then forgets them; PBS Pro hides finished jobs unless `-x`, and keeps
 * them in its history for good.
 */
import { isActive, isKnown, isLive } from '../../engine/jobs.js';
import type { Job, State, Task } from '../../engine/types.js';
import type { PbsDialect } from './attributes.js';
import { pbsJobId, type PbsIdRequest } from './job-ids.js';

export interface Entity {
  job: Job;
  /** The task of a plain job or subjob; undefined for an array parent. */
  task?: Task;
  kind: 'job' | 'parent' | 'subjob';
  id: string;
}

export interface ViewOptions {
  dialect: PbsDialect;
  /** PBS Pro -x: include finished jobs. */
  history: boolean;
  now: number;
}

/** Is this task in the view at all (as opposed to finished and hidden, or forgotten)? */
export function taskVisible(state: State, task: Task, view: ViewOptions): boolean {
  if (!isKnown(task) || task.hiddenFromLive) return false;
  if (view.dialect === 'torque') return isLive(task, view.now, state.settings.keepFinished);
  return isActive(task) || view.history;
}

export function entitiesOf(state: State, job: Job, view: ViewOptions, withSubjobs: boolean): Entity[] {
  const visible = job.tasks.filter((t) => taskVisible(state, t, view));
  if (visible.length === 0) return [];
  if (!job.array) return [{ job, task: visible[0]!, kind: 'job', id: pbsJobId(job, undefined, state.settings, view.dialect) }];
  const parent: Entity = { job, kind: 'parent', id: pbsJobId(job, undefined, state.settings, view.dialect) };
  const subjobs = visible.map((task): Entity => ({ job, task, kind: 'subjob', id: pbsJobId(job, task, state.settings, view.dialect) }));
  // Torque's -t lists the elements instead of the summary; PBS Pro's -t adds them after it.
  if (!withSubjobs) return [parent];
  return view.dialect === 'torque' ? subjobs : [parent, ...subjobs];
}

export type Lookup = { entities: Entity[] } | { error: 'unknown' | 'finished' };

/** The entities one requested id names, or why there are none. */
export function lookUp(state: State, request: PbsIdRequest, view: ViewOptions, withSubjobs: boolean): Lookup {
  const job = state.jobs.find((j) => j.id === request.id);
  const known = job?.tasks.filter((t) => isKnown(t) && !t.hiddenFromLive) ?? [];
  if (!job || known.length === 0) return { error: 'unknown' };
  const named = request.index === undefined || request.index === null ? known : known.filter((t) => t.index === request.index);
  if (named.length === 0) return { error: 'unknown' };
  const visible = named.filter((t) => taskVisible(state, t, view));
  if (visible.length === 0) return { error: view.dialect === 'pro' ? 'finished' : 'unknown' };
  if (typeof request.index === 'number') {
    const task = visible[0]!;
    return { entities: [{ job, task, kind: 'subjob', id: pbsJobId(job, task, state.settings, view.dialect) }] };
  }
  return { entities: entitiesOf(state, job, view, withSubjobs) };
}
