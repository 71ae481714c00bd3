/**
 * How the HTCondor starter runs a proc: in its initialdir, the executable (a transferred copy,
 * always executable, or in place with transfer_executable = false), its arguments with `$(Cluster)` expanded, output/error files truncated
 * (relative to initialdir; /dev/null when not given), a minimal environment plus `getenv` and
 * `environment`, and the starter's `_CONDOR_*` variables. A proc that cannot start is held.
 */
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { withFoldersHidden } from '../../engine/isolate.js';
import { defaultArgv, type LaunchContext, type Launcher, type LaunchSpec } from '../../engine/launch.js';
import type { Job, Task } from '../../engine/types.js';
import { formatLong } from './ads-output.js';
import { condorAttributes, procId, type CondorProc, type CondorTransfer } from './attributes.js';
import { jobAd } from './job-ad.js';
import { expandCluster } from './submit-description.js';

function path(given: string | null, job: Job, iwd: string): string | null {
  if (given === null) return null;
  const expanded = expandCluster(given, job.id);
  return isAbsolute(expanded) ? expanded : join(iwd, expanded);
}

function spec(job: Job, task: Task, context: LaunchContext): LaunchSpec {
  const a = condorAttributes(job);
  const proc = a.procs[procId(task.index)] ?? a.procs[0]!;
  return proc.transfer ? transferSpec(job, task, context, proc, proc.transfer) : sharedSpec(job, task, context);
}

function sharedSpec(job: Job, task: Task, { state, scratchRoot }: LaunchContext): LaunchSpec {
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

/**
 * A proc with file transfer (should_transfer_files = YES), as HTCondor's starter runs it: in its
 * scratch directory, which holds the executable and the transfer_input_files and nothing else;
 * with its initialdir (the submit side's folder) hidden from it (engine/isolate.ts), so a path
 * into the submit side leads nowhere; stdout and stderr in the scratch directory. When it exits
 * by itself, its outputs (transfer_output_files, renamed by transfer_output_remaps) and then
 * stdout/stderr reach the submit side; killed or removed, nothing does. A file listed but
 * missing fails the output transfer, which holds the job (HoldReasonCode 12, job-ad.ts).
 */
function transferSpec(job: Job, task: Task, context: LaunchContext, proc: CondorProc, transfer: CondorTransfer): LaunchSpec {
  const shared = sharedSpec(job, task, context);
  const scratchDir = shared.scratchDir!;
  const a = condorAttributes(job);
  const executable = join(scratchDir, basename(a.cmd));
  const inputs = [
    // The executable (its spooled copy; in place with transfer_executable = false, not copied).
    ...(job.script !== null ? [{ from: job.script, to: executable }] : []),
    ...transfer.inputs.map((from) => (from.endsWith('/') ? { from: from.slice(0, -1), to: scratchDir } : { from, to: join(scratchDir, basename(from)) })),
  ];
  const stdout = join(scratchDir, '_condor_stdout');
  const stderr = join(scratchDir, '_condor_stderr');
  const args = proc.args.map((arg) => expandCluster(arg, job.id));
  const command = job.script !== null ? [executable, ...args] : [a.cmd, ...args];
  return {
    ...shared,
    argv: withFoldersHidden([proc.iwd], command),
    cwd: scratchDir,
    env: { ...shared.env, _CONDOR_JOB_IWD: scratchDir },
    stdout,
    stderr,
    join: false,
    inputs,
    collect: () => collectOutputs(job, proc, transfer, scratchDir, { stdout, stderr }),
  };
}

/** HTCondor's output transfer; returns the hold reason's detail when a file cannot be sent. */
function collectOutputs(job: Job, proc: CondorProc, transfer: CondorTransfer, scratchDir: string, std: { stdout: string; stderr: string }): string | undefined {
  const destination = (name: string) => {
    const remapped = transfer.remaps[name];
    return remapped === undefined ? join(proc.iwd, name) : isAbsolute(remapped) ? remapped : join(proc.iwd, remapped);
  };
  const sent: Array<[string, string]> = [];
  for (const output of transfer.outputs ?? newTopLevelFiles(scratchDir)) {
    const from = join(scratchDir, output);
    if (!existsSync(from)) return `sending file ${output}: (errno 2) No such file or directory`;
    if (output.endsWith('/')) {
      for (const name of readdirSync(from)) sent.push([join(from, name), destination(name)]);
    } else {
      sent.push([from, destination(basename(output))]);
    }
  }
  try {
    for (const [from, to] of sent) cpSync(from, to, { recursive: true });
    const out = path(proc.output, job, proc.iwd);
    const err = path(proc.error, job, proc.iwd);
    if (out !== null) cpSync(std.stdout, out);
    if (err !== null) cpSync(std.stderr, err);
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { dest?: string };
    return `writing to file ${e.dest ?? e.path ?? '?'}: (errno ${Math.abs(e.errno ?? 0)}) ${e.message}`;
  }
  return undefined;
}

/** Without transfer_output_files: the files at the top of the scratch directory, but HTCondor's own. */
function newTopLevelFiles(scratchDir: string): string[] {
  return readdirSync(scratchDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('_condor_') && !entry.name.startsWith('.'))
    .map((entry) => entry.name);
}
