/**
 * How the HTCondor starter runs a proc: in its initialdir, the executable (a transferred copy,
 * always executable, or in place with transfer_executable = false), its arguments with `$(Cluster)` expanded, output/error files truncated
 * (relative to initialdir; /dev/null when not given), a minimal environment plus `getenv` and
 * `environment`, and the starter's `_CONDOR_*` variables. A proc that cannot start is held.
 */
import { isAbsolute, join } from 'node:path';
import { defaultArgv, type LaunchContext, type Launcher, type LaunchSpec } from '../../engine/launch.js';
import type { Job, Task } from '../../engine/types.js';
import { formatLong } from './ads-output.js';
import { condorAttributes, procId } from './attributes.js';
import { jobAd } from './job-ad.js';
import { expandCluster } from './submit-description.js';

function path(given: string | null, job: Job, iwd: string): string | null {
  if (given === null) return null;
  const expanded = expandCluster(given, job.id);
  return isAbsolute(expanded) ? expanded : join(iwd, expanded);
}

function spec(job: Job, task: Task, { state, scratchRoot }: LaunchContext): LaunchSpec {
  const a = condorAttributes(job);
  const proc = a.procs[procId(task.index)] ?? a.procs[0]!;
  const scratchDir = join(scratchRoot, `dir_${job.id}_${procId(task.index)}`);
  const stdout = path(proc.output, job, proc.iwd);
  const stderr = path(proc.error, job, proc.iwd);
  const jobAdFile = join(scratchDir, '.job.ad');
  const env: Record<string, string> = {
    ...proc.env,
    _CONDOR_SCRATCH_DIR: scratchDir,
    _CONDOR_SLOT: 'slot1',
    _CONDOR_JOB_IWD: proc.iwd,
    _CONDOR_JOB_AD: jobAdFile,
    _CONDOR_MACHINE_AD: join(scratchDir, '.machine.ad'),
    _CONDOR_JOB_PIDS: '',
    TMPDIR: scratchDir,
    TMP: scratchDir,
    TEMP: scratchDir,
    BATCH_SYSTEM: 'HTCondor',
    OMP_NUM_THREADS: String(a.requestCpus),
  };
  const args = proc.args.map((arg) => expandCluster(arg, job.id));
  return {
    argv: a.inPlace ? [a.cmd, ...args] : defaultArgv({ ...job, args }),
    env,
    cwd: proc.iwd,
    stdout,
    stderr,
    join: stdout !== null && stdout === stderr,
    append: false,
    scratchDir,
    files: [
      { path: jobAdFile, content: formatLong([jobAd(job, { ...task, state: 'running', startTime: Date.now() }, state, Date.now())]) },
      { path: join(scratchDir, '.machine.ad'), content: `Machine = "${state.settings.hostname}"\nName = "slot1@${state.settings.hostname}"\n` },
    ],
  };
}

// condor_rm: the job's kill signal (SIGTERM), then SIGKILL.
export const condorLauncher: Launcher = { spec, onLaunchFailure: 'error', cancelSignals: ['SIGTERM'], limitHolds: ['memory'] };
