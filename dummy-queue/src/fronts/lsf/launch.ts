/**
 * How LSF's sbatchd starts a job: in -cwd (default: the submission directory), the submitter's
 * environment (per -env) plus LSB_* variables, the spooled job file run by /bin/sh. Output: -o/-e
 * files (appended; -oo/-eo overwrite; %J and %I expanded; a directory means DIR/JOBID.out);
 * without -o LSF mails the output, so nothing is written. A job that cannot start ends EXIT.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { LaunchContext, Launcher, LaunchSpec } from '../../engine/launch.js';
import type { Job, Task } from '../../engine/types.js';
import { lsfAttributes } from './attributes.js';

export function expandLsfPattern(text: string, job: Job, task: Task): string {
  return text.replace(/%J/g, String(job.id)).replace(/%I/g, String(task.index ?? 0));
}

function resolveOutput(given: string | null, job: Job, task: Task, suffix: 'out' | 'err'): string | null {
  if (given === null) return null;
  const path = expandLsfPattern(given, job, task);
  const absolute = isAbsolute(path) ? path : join(job.cwd, path);
  try {
    if (statSync(absolute).isDirectory()) return join(absolute, `${job.id}${task.index === null ? '' : `_${task.index}`}.${suffix}`);
  } catch {
    // not there yet: a file
  }
  return absolute;
}

function spec(job: Job, task: Task, { state }: LaunchContext): LaunchSpec {
  const a = lsfAttributes(job);
  const host = state.settings.hostname;
  const stdout = resolveOutput(job.stdout, job, task, 'out');
  const stderr = resolveOutput(job.stderr, job, task, 'err');
  const batchId = task.index === null ? String(job.id) : `${job.id}[${task.index}]`;
  const env: Record<string, string> = {
    ...job.env,
    LSB_JOBID: String(job.id),
    LSB_BATCH_JID: batchId,
    LSB_JOBINDEX: String(task.index ?? 0),
    LSB_JOBNAME: task.index === null ? job.name : `${job.name}[${task.index}]`,
    LSB_QUEUE: job.queue,
    LSB_HOSTS: Array.from({ length: a.slots }, () => host).join(' '),
    LSB_MCPU_HOSTS: `${host} ${a.slots}`,
    LSB_DJOB_NUMPROC: String(a.slots),
    LSB_MAX_NUM_PROCESSORS: String(a.slots),
    LSB_SUB_HOST: a.submitHost,
    LS_SUBCWD: job.submitDir,
    LSB_JOBFILENAME: job.script ?? '',
    LSB_EXEC_CLUSTER: 'cluster1',
    LSFUSER: job.owner,
    ...(stdout ? { LSB_OUTPUTFILE: stdout } : {}),
    ...(stderr ? { LSB_ERRORFILE: stderr } : {}),
    ...(job.array && task.index !== null
      ? { LSB_JOBINDEX_END: String(job.array.last), LSB_JOBINDEX_STEP: String(job.array.step) }
      : {}),
  };
  // -o without -e: stderr goes to the output file too.
  const merged = stdout !== null && stderr === null;
  return {
    argv: ['/bin/sh', job.script!],
    env,
    cwd: expandLsfPattern(job.cwd, job, task),
    stdout,
    stderr,
    join: merged,
    append: !a.overwriteOut,
  };
}

// bkill: SIGINT and SIGTERM, then SIGKILL after JOB_TERMINATE_INTERVAL.
export const lsfLauncher: Launcher = { spec, onLaunchFailure: 'fail', cancelSignals: ['SIGINT', 'SIGTERM'] };
