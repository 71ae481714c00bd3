/**
 * How slurmd starts a batch task: in --chdir (default: the submit directory), output to
 * slurm-%j.out (arrays slurm-%A_%a.out) with Slurm's filename patterns, stderr merged unless -e,
 * the submitter's environment (per --export) plus SLURM_* variables. A task that cannot start
 * (no such directory, unwritable output) fails.
 */
import { isAbsolute, join } from 'node:path';
import { defaultArgv, type LaunchContext, type Launcher, type LaunchSpec } from '../../engine/launch.js';
import { ownJobId } from '../../engine/task-ids.js';
import type { Job, Task } from '../../engine/types.js';
import { slurmAttributes } from './attributes.js';

/** Slurm's NO_VAL, which %a expands to outside arrays. */
const NO_ARRAY_INDEX = '4294967294';

/** Expands %j %A %a %x %u %N %n %s %t %J %% (with optional zero-pad width, e.g. %3a). */
export function expandFilenamePattern(pattern: string, job: Job, task: Task, hostname: string): string {
  return pattern.replace(/%(\d*)([%AaJjNnstux])/g, (_, width: string, letter: string) => {
    const pad = (value: string | number) => (width ? String(value).padStart(Number(width), '0') : String(value));
    switch (letter) {
      case '%': return '%';
      case 'A': return pad(job.id);
      case 'a': return task.index === null ? NO_ARRAY_INDEX : pad(task.index);
      case 'j': return pad(ownJobId(job, task));
      case 'J': return `${ownJobId(job, task)}.batch`;
      case 'x': return job.name;
      case 'u': return job.owner;
      case 'N': return hostname;
      case 's': return 'batch';
      default: return pad(0); // %n node index, %t task index
    }
  });
}

function outputPath(given: string | null, job: Job, task: Task, hostname: string): string {
  const pattern = given ?? (job.array ? 'slurm-%A_%a.out' : 'slurm-%j.out');
  const path = expandFilenamePattern(pattern, job, task, hostname);
  return isAbsolute(path) ? path : join(job.cwd, path);
}

function spec(job: Job, task: Task, { state }: LaunchContext): LaunchSpec {
  const a = slurmAttributes(job);
  const host = state.settings.hostname;
  const id = ownJobId(job, task);
  const stdout = outputPath(job.stdout, job, task, host);
  const stderr = job.stderr === null ? null : outputPath(job.stderr, job, task, host);
  const arrayVars: Record<string, string> =
    job.array && task.index !== null
      ? {
          SLURM_ARRAY_JOB_ID: String(job.id),
          SLURM_ARRAY_TASK_ID: String(task.index),
          SLURM_ARRAY_TASK_COUNT: String(job.array.indices.length),
          SLURM_ARRAY_TASK_MIN: String(job.array.first),
          SLURM_ARRAY_TASK_MAX: String(job.array.last),
          SLURM_ARRAY_TASK_STEP: String(job.array.step),
        }
      : {};
  const env: Record<string, string> = {
    ...job.env,
    ENVIRONMENT: 'BATCH',
    HOSTNAME: host,
    SLURM_JOB_ID: String(id),
    SLURM_JOBID: String(id),
    SLURM_JOB_NAME: job.name,
    SLURM_JOB_USER: job.owner,
    SLURM_JOB_UID: String(a.uid),
    SLURM_JOB_GID: String(a.gid),
    SLURM_JOB_PARTITION: a.partition,
    SLURM_JOB_NODELIST: host,
    SLURM_NODELIST: host,
    SLURMD_NODENAME: host,
    SLURM_JOB_NUM_NODES: '1',
    SLURM_NNODES: '1',
    SLURM_NTASKS: String(a.ntasks),
    SLURM_NPROCS: String(a.ntasks),
    SLURM_CPUS_ON_NODE: String(a.cpusPerTask * a.ntasks),
    SLURM_JOB_CPUS_PER_NODE: String(a.cpusPerTask * a.ntasks),
    ...(a.cpusPerTask > 1 ? { SLURM_CPUS_PER_TASK: String(a.cpusPerTask) } : {}),
    SLURM_SUBMIT_DIR: job.submitDir,
    SLURM_SUBMIT_HOST: a.submitHost,
    SLURM_CLUSTER_NAME: 'local',
    SLURM_EXPORT_ENV: a.exportSpec,
    SLURM_TASK_PID: '0',
    SLURM_PRIO_PROCESS: '0',
    ...arrayVars,
  };
  return { argv: defaultArgv(job), env, cwd: job.cwd, stdout, stderr, join: stderr === null, append: a.append };
}

// scancel: SIGTERM (after SIGCONT for suspended jobs), SIGKILL after KillWait.
export const slurmLauncher: Launcher = { spec, onLaunchFailure: 'fail', cancelSignals: ['SIGTERM'] };
