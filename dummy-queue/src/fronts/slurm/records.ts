/**
 * What squeue and scontrol list: one record per array task that has left the array's pending
 * record (it has its own job id), one folded record for the tasks still in it (`12_[2-4]`,
 * `24_[1-3%1]`), and one record per plain job. `--array` unfolds the pending record.
 */
import { expandIndexRanges, parseIndexRangeList } from '../../../../src/protocol/index-ranges.js';
import { isLive } from '../../engine/jobs.js';
import { ownJobId } from '../../engine/task-ids.js';
import type { Job, State, Task } from '../../engine/types.js';
import { formatIndexSet } from './array-spec.js';
import { slurmAttributes } from './attributes.js';
import { slurmPriority, slurmStatus, type SlurmStatus } from './states.js';

export interface SlurmRecord {
  job: Job;
  /** One task, or the tasks folded into the array's pending record. */
  tasks: Task[];
  /** %A: the record's own job id. */
  ownId: number;
  /** %i: `12`, `12_3`, `12_[2-4%1]`. */
  displayId: string;
  /** %K: the array index or folded index list, null outside arrays. */
  taskLabel: string | null;
  status: SlurmStatus;
  priority: number;
}

function inPendingRecord(task: Task): boolean {
  return task.rawId === undefined && (task.state === 'pending' || task.state === 'held');
}

function record(state: State, job: Job, tasks: Task[]): SlurmRecord {
  const first = tasks[0]!;
  let taskLabel: string | null = null;
  let displayId = String(job.id);
  if (job.array) {
    const throttle = job.array.throttle !== undefined ? `%${job.array.throttle}` : '';
    taskLabel = tasks.length === 1 ? String(first.index) : `[${formatIndexSet(tasks.map((t) => t.index!))}${throttle}]`;
    displayId = `${job.id}_${taskLabel}`;
  }
  return { job, tasks, ownId: ownJobId(job, first), displayId, taskLabel, status: slurmStatus(state, job, first), priority: slurmPriority(job, first) };
}

export interface RecordOptions {
  /** One record per array task (squeue --array). */
  unfold: boolean;
  now: number;
}

/** Every record Slurm still holds in memory (active, or finished within MinJobAge = keepFinished). */
export function slurmRecords(state: State, options: RecordOptions): SlurmRecord[] {
  const records: SlurmRecord[] = [];
  for (const job of state.jobs) {
    const visible = job.tasks.filter((t) => isLive(t, options.now, state.settings.keepFinished));
    const folded = options.unfold || !job.array ? [] : visible.filter(inPendingRecord);
    if (folded.length > 0) records.push(record(state, job, folded));
    for (const task of visible) if (!folded.includes(task)) records.push(record(state, job, [task]));
  }
  return records.sort(
    (a, b) =>
      slurmAttributes(a.job).partition.localeCompare(slurmAttributes(b.job).partition) ||
      a.status.state.localeCompare(b.status.state) ||
      b.priority - a.priority ||
      a.ownId - b.ownId,
  );
}

export interface JobSelector {
  id: number;
  /** Array indices, or null for the whole job (or a raw task id). */
  indices: number[] | null;
}

/** Parses `12`, `12_3`, `12_[1-3,5]` (comma lists are split by the caller). */
export function parseJobSelector(text: string): JobSelector | undefined {
  const match = /^(\d+)(?:_(\d+|\[([\d,-]+)\]))?$/.exec(text.trim());
  if (!match) return undefined;
  const id = Number(match[1]);
  if (match[2] === undefined) return { id, indices: null };
  if (match[3] === undefined) return { id, indices: [Number(match[2])] };
  const ranges = parseIndexRangeList(match[3], { steps: false });
  return ranges && { id, indices: expandIndexRanges(ranges) };
}

/** Splits `--jobs=1,2_[3-4],5` at the commas that are not inside brackets. */
export function splitJobList(text: string): string[] {
  return text.split(/,(?![^[]*\])/).filter(Boolean);
}

/** The tasks a selector names: a whole job, some array elements, or one task by its own raw id. */
export function selectTasks(state: State, selector: JobSelector): { job: Job; tasks: Task[] }[] {
  const out: { job: Job; tasks: Task[] }[] = [];
  for (const job of state.jobs) {
    if (job.id === selector.id) {
      const tasks = selector.indices === null ? job.tasks : job.tasks.filter((t) => t.index !== null && selector.indices!.includes(t.index));
      if (selector.indices === null && job.array) {
        // A bare array id names the whole array (scancel 12) ...
        out.push({ job, tasks });
      } else if (tasks.length > 0) {
        out.push({ job, tasks });
      }
    } else if (selector.indices === null) {
      // ... or one element by the job id it took when it left the pending record.
      const task = job.tasks.find((t) => t.rawId === selector.id && job.id !== selector.id);
      if (task) out.push({ job, tasks: [task] });
    }
  }
  return out;
}
