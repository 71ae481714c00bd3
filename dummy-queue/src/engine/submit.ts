/**
 * Turning a front's parsed submission into a job: a number from the sequence, a spooled copy of
 * the script (schedulers copy it at submit time, so later edits of the file do not change the
 * job), one task per array index, and the `held` fault applied at once (the job shows as held
 * from the start, like `qsub -h`).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findChunkSpec } from './chunk-spec.js';
import { takeJobFault } from './faults.js';
import { detachTask } from './task-ids.js';
import type { Job, State, Task } from './types.js';

export interface ScriptToSpool {
  content: string | Uint8Array;
  /** File mode of the original (the executable bits decide how it is started). */
  mode: number;
}

/** A submission as a front parsed it: the job's own fields, before the engine numbers and spools it. */
export interface JobRequest
  extends Pick<
    Job,
    'flavor' | 'name' | 'owner' | 'queue' | 'scriptName' | 'args' | 'env' | 'explicitEnv' | 'submitDir' | 'cwd' | 'stdout' | 'stderr' | 'join' | 'array' | 'tasksTakeIds'
  > {
  /** The script to copy, or null when `args[0]` is a command to run as it is (SGE `-b y`). */
  script: ScriptToSpool | null;
  /** Submitted held (`qsub -h`, `sbatch --hold`, ...). */
  hold: boolean;
  attributes?: Job['attributes'];
}

export function submitJob(state: State, request: JobRequest, now: number, spoolDir: string): Job {
  const id = state.nextJobId++;
  let script: string | null = null;
  if (request.script) {
    mkdirSync(spoolDir, { recursive: true });
    script = join(spoolDir, String(id));
    writeFileSync(script, request.script.content);
    chmodSync(script, request.script.mode & 0o777);
  }
  const indices = request.array ? request.array.indices : [null];
  const tasks: Task[] = indices.map((index) => ({
    index,
    state: request.hold ? 'held' : 'pending',
    ...(request.hold ? { holdCause: 'submitted-held' as const } : {}),
  }));
  const job: Job = {
    id,
    flavor: request.flavor,
    name: request.name,
    owner: request.owner,
    queue: request.queue,
    script,
    scriptName: request.scriptName,
    args: request.args,
    env: request.env,
    explicitEnv: request.explicitEnv,
    submitDir: request.submitDir,
    cwd: request.cwd,
    stdout: request.stdout,
    stderr: request.stderr,
    join: request.join,
    array: request.array,
    chunkSpec: findChunkSpec(request.args, request.explicitEnv),
    submitTime: now,
    tasks,
    attributes: request.attributes ?? {},
    ...(request.tasksTakeIds ? { tasksTakeIds: true } : {}),
  };
  for (const task of job.tasks) {
    if (task.state !== 'pending') continue;
    const fault = takeJobFault(state, 'held', job, task, now);
    if (fault) {
      task.state = 'held';
      task.holdCause = 'fault';
      if (fault.message) task.message = fault.message;
      // Holding one element splits it off the array's pending record (Slurm gives it its own id).
      if (job.array) detachTask(state, job, task);
    }
  }
  state.jobs.push(job);
  return job;
}

/** Releases held tasks (user or fault holds) so they can start. Returns how many were released. */
export function releaseTasks(job: Job, index: number | null | 'all'): number {
  let released = 0;
  for (const task of job.tasks) {
    if (task.state !== 'held' || (index !== 'all' && task.index !== index)) continue;
    task.state = 'pending';
    delete task.holdCause;
    delete task.message;
    released++;
  }
  return released;
}
