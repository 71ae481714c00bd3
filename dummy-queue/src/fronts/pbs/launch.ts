/**
 * How pbs_mom starts a job: in the owner's home (Torque: in -d/-w when given), the minimal
 * environment plus -v/-V variables and PBS_* (Torque PBS_ARRAYID, PBS Pro PBS_ARRAY_INDEX),
 * output to NAME.oSEQ (subjobs NAME.oSEQ-INDEX on Torque, NAME.oSEQ.INDEX on PBS Pro) in the
 * submit directory unless -o/-e say otherwise. A job that cannot start is held (H).
 */
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { defaultArgv, type LaunchContext, type Launcher, type LaunchSpec } from '../../engine/launch.js';
import type { Job, Task } from '../../engine/types.js';
import { pbsAttributes } from './attributes.js';
import { pbsJobId } from './job-ids.js';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function defaultOutputName(job: Job, task: Task, kind: 'o' | 'e'): string {
  const a = pbsAttributes(job);
  const base = `${job.name}.${kind}${job.id}`;
  if (task.index === null) return base;
  return a.dialect === 'torque' ? `${base}-${task.index}` : `${base}.${task.index}`;
}

/** `[host:]path`, relative to the submit directory, a directory meaning the default name in it. */
export function outputPath(given: string | null, job: Job, task: Task, kind: 'o' | 'e'): string {
  if (given === null) return join(job.submitDir, defaultOutputName(job, task, kind));
  const path = given.includes(':') ? given.slice(given.indexOf(':') + 1) : given;
  const absolute = isAbsolute(path) ? path : join(job.submitDir, path);
  return isDirectory(absolute) ? join(absolute, defaultOutputName(job, task, kind)) : absolute;
}

function spec(job: Job, task: Task, { state, scratchRoot }: LaunchContext): LaunchSpec {
  const a = pbsAttributes(job);
  const host = state.settings.hostname;
  const id = pbsJobId(job, job.array ? task : undefined, state.settings, a.dialect);
  const scratchDir = join(scratchRoot, `${job.id}${task.index === null ? '' : `-${task.index}`}.pbs`);
  const nodeFile = join(scratchDir, 'nodefile');
  const stdout = outputPath(job.stdout, job, task, 'o');
  const stderr = outputPath(job.stderr, job, task, 'e');
  const arrayVars: Record<string, string> =
    job.array && task.index !== null
      ? a.dialect === 'torque'
        ? { PBS_ARRAYID: String(task.index) }
        : { PBS_ARRAY_INDEX: String(task.index), PBS_ARRAY_ID: pbsJobId(job, undefined, state.settings, a.dialect) }
      : {};
  const env: Record<string, string> = {
    ...job.env,
    PBS_JOBID: id,
    PBS_JOBNAME: job.name,
    PBS_QUEUE: job.queue,
    PBS_O_QUEUE: job.queue,
    PBS_O_WORKDIR: a.origin.workdir,
    PBS_O_HOME: a.origin.home,
    PBS_O_HOST: a.origin.host,
    PBS_O_LOGNAME: a.origin.logname,
    PBS_O_PATH: a.origin.path,
    PBS_O_SHELL: a.origin.shell,
    PBS_O_MAIL: a.origin.mail,
    PBS_O_SYSTEM: 'Linux',
    PBS_ENVIRONMENT: 'PBS_BATCH',
    PBS_NODEFILE: nodeFile,
    PBS_NODENUM: '0',
    PBS_TASKNUM: '1',
    PBS_MOMPORT: '15003',
    TMPDIR: scratchDir,
    ...(a.dialect === 'torque' ? { PBS_NP: '1', PBS_NUM_NODES: '1', PBS_NUM_PPN: '1', PBS_SERVER: state.settings.pbsServer } : { PBS_JOBDIR: job.env.HOME ?? a.origin.home }),
    ...arrayVars,
  };
  const argv = a.shell && job.script ? [a.shell, job.script, ...job.args] : defaultArgv(job);
  // -j oe: everything to the output file; -j eo: everything to the error file.
  const joined = a.joinMode === 'oe' || a.joinMode === 'eo';
  return {
    argv,
    env,
    cwd: job.cwd,
    stdout: a.joinMode === 'eo' ? stderr : stdout,
    stderr: joined ? null : stderr,
    join: joined,
    append: false,
    scratchDir,
    files: [{ path: nodeFile, content: `${host}\n` }],
  };
}

// qdel: SIGTERM, then SIGKILL after the server's kill_delay.
export const pbsLauncher: Launcher = { spec, onLaunchFailure: 'error', cancelSignals: ['SIGTERM'] };
