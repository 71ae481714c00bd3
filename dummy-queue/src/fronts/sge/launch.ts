/**
 * How sge_execd starts a task: in the job's working directory (the owner's home unless -cwd or
 * -wd), output appended to NAME.oJOB[.TASK] there unless -o/-e say otherwise, and a minimal
 * environment plus the SGE variables (SGE_TASK_ID is literally "undefined" outside arrays).
 * A task whose directory or output file is unusable goes to Eqw, as on the real system.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { defaultArgv, type LaunchContext, type Launcher, type LaunchSpec } from '../../engine/launch.js';
import type { Job, Task } from '../../engine/types.js';
import { sgeAttributes } from './attributes.js';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Resolves an -o/-e path: pseudo variables, host prefix, directories, the default name. */
export function sgeOutputPath(given: string | null, kind: 'o' | 'e', job: Job, task: Task, hostname: string): string {
  const home = job.env.HOME ?? sgeAttributes(job).origin.home;
  const taskSuffix = task.index === null ? '' : `.${task.index}`;
  const defaultName = `${job.name}.${kind}${job.id}${taskSuffix}`;
  if (given === null) return join(job.cwd, defaultName);
  // Only the first of several `[host:]path` entries matters on a single host.
  const first = given.split(',')[0]!;
  const path = first.includes(':') ? first.slice(first.indexOf(':') + 1) : first;
  const expanded = path
    .replace(/\$HOME/g, home)
    .replace(/\$USER/g, job.owner)
    .replace(/\$JOB_ID/g, String(job.id))
    .replace(/\$JOB_NAME/g, job.name)
    .replace(/\$HOSTNAME/g, hostname)
    .replace(/\$TASK_ID/g, task.index === null ? 'undefined' : String(task.index));
  const absolute = isAbsolute(expanded) ? expanded : join(job.cwd, expanded);
  return isDirectory(absolute) ? join(absolute, defaultName) : absolute;
}

function arrayVariables(job: Job, task: Task): Record<string, string> {
  if (!job.array || task.index === null) {
    return { SGE_TASK_ID: 'undefined', SGE_TASK_FIRST: 'undefined', SGE_TASK_LAST: 'undefined', SGE_TASK_STEPSIZE: 'undefined' };
  }
  return {
    SGE_TASK_ID: String(task.index),
    SGE_TASK_FIRST: String(job.array.first),
    SGE_TASK_LAST: String(job.array.last),
    SGE_TASK_STEPSIZE: String(job.array.step),
  };
}

function spec(job: Job, task: Task, { state, scratchRoot }: LaunchContext): LaunchSpec {
  const attributes = sgeAttributes(job);
  const hostname = state.settings.hostname;
  const stdout = sgeOutputPath(job.stdout, 'o', job, task, hostname);
  const stderr = job.join ? stdout : sgeOutputPath(job.stderr, 'e', job, task, hostname);
  const scratchDir = join(scratchRoot, `${job.id}.${task.index ?? 1}.${job.queue}`);
  const origin = attributes.origin;
  const env: Record<string, string> = {
    ...job.env,
    JOB_ID: String(job.id),
    JOB_NAME: job.name,
    JOB_SCRIPT: job.script ?? job.args[0] ?? '',
    REQUEST: job.name,
    QUEUE: job.queue,
    NQUEUES: '1',
    NHOSTS: '1',
    NSLOTS: String(attributes.slots),
    HOSTNAME: hostname,
    ENVIRONMENT: 'BATCH',
    RESTARTED: '0',
    ARC: 'lx-amd64',
    SGE_ARCH: 'lx-amd64',
    SGE_CELL: 'default',
    SGE_ACCOUNT: attributes.account,
    SGE_O_HOME: origin.home,
    SGE_O_HOST: origin.host,
    SGE_O_LOGNAME: origin.logname,
    SGE_O_PATH: origin.path,
    SGE_O_SHELL: origin.shell,
    SGE_O_WORKDIR: origin.workdir,
    SGE_CWD_PATH: job.cwd,
    SGE_STDIN_PATH: '/dev/null',
    SGE_STDOUT_PATH: stdout,
    SGE_STDERR_PATH: stderr,
    TMPDIR: scratchDir,
    TMP: scratchDir,
    ...arrayVariables(job, task),
    ...(attributes.pe ? { PE: attributes.pe } : {}),
  };
  const argv = attributes.shell && job.script ? [attributes.shell, job.script, ...job.args] : defaultArgv(job);
  return { argv, env, cwd: job.cwd, stdout, stderr: job.join ? null : stderr, join: job.join, append: true, scratchDir };
}

// qdel kills a running job with SIGKILL straight away (qacct then shows exit_status 137).
// The killed job shows `dr` for the cancelLinger setting's seconds (about a second), until execd reports it gone.
export const sgeLauncher: Launcher = { spec, onLaunchFailure: 'error', cancelSignals: ['SIGKILL'], lingersAfterCancel: true };
