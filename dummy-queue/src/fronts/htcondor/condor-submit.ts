/**
 * `condor_submit [-terse] [-batch-name N] [-queue ...] [-append line] [key=value ...] [file|-]`:
 * reads the submit description (file or stdin), makes one cluster with a proc per queued job,
 * spools the executable (transfer_executable) and answers `Submitting job(s).` + `N job(s)
 * submitted to cluster C.`, or `C.0 - C.N-1` with -terse.
 */
import { readFile, stat } from 'node:fs/promises';
import { hostname as machineName } from 'node:os';
import { basename, isAbsolute, resolve } from 'node:path';
import { companionPaths } from '../../engine/state-file.js';
import { submitJob, type JobRequest } from '../../engine/submit.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { currentUser, minimalEnvironment, submitterEnvironment } from '../common/environment.js';
import { parseArguments, parseEnvironment } from './arguments.js';
import type { CondorAttributes, CondorProc, CondorTransfer } from './attributes.js';
import { parseLiteral } from './classad.js';
import { expandCluster, parseSubmitDescription, SubmitError, unusedLines, withCluster, type ProcSettings } from './submit-description.js';

const UNIVERSES: Record<string, number> = { vanilla: 5, scheduler: 7, grid: 9, java: 10, parallel: 11, local: 12, vm: 13, docker: 5, container: 5 };

function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(true|yes|1)$/i.test(value.trim());
}

/** `2GB`, `512M`, `1024` (MB) → MB. */
function megabytes(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)B?\s*$/i.exec(value);
  if (!match) return fallback;
  const factor = { '': 1, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 }[match[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return Math.ceil(Number(match[1]) * factor);
}

/** A proc's initialdir, absolute (relative ones are taken from where condor_submit runs). */
function initialDir(values: Record<string, string>, io: CommandIO): string {
  return resolve(io.cwd, values.initialdir ?? values.initial_dir ?? '.');
}

function toProc(settings: ProcSettings, io: CommandIO): CondorProc {
  const v = settings.values;
  const iwd = initialDir(v, io);
  const getenv = v.getenv;
  let env = minimalEnvironment();
  if (truthy(getenv)) env = { ...submitterEnvironment(io.env), ...env };
  else if (getenv !== undefined && !/^(false|no|0)$/i.test(getenv.trim())) {
    for (const name of getenv.split(/[\s,]+/).filter(Boolean)) if (io.env[name] !== undefined) env[name] = io.env[name]!;
  }
  const explicitEnv = v.environment !== undefined ? parseEnvironment(v.environment) : {};
  const args = v.arguments !== undefined ? parseArguments(v.arguments) : [];
  const custom = Object.fromEntries(Object.entries(settings.custom).map(([k, text]) => [k, parseLiteral(text)]));
  return {
    args,
    argsText: args.map((a) => (/[\s']/.test(a) ? `'${a.replace(/'/g, "''")}'` : a)).join(' '),
    output: v.output ?? null,
    error: v.error ?? null,
    input: v.input ?? null,
    log: v.log ?? null,
    iwd,
    env: { ...env, ...explicitEnv },
    explicitEnv,
    custom,
    ...(transferring(v) ? { transfer: transferOf(v, iwd) } : {}),
  };
}

/**
 * should_transfer_files = YES turns HTCondor's file transfer on. (IF_NEEDED transfers only when
 * the execute machine is in another FILESYSTEM_DOMAIN: never here, where it is this machine.)
 */
function transferring(values: Record<string, string>): boolean {
  return /^\s*yes\s*$/i.test(values.should_transfer_files ?? '');
}

function listOf(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

/** A proc's transfer commands (condor_submit manual: transfer_input_files, transfer_output_files, transfer_output_remaps). */
function transferOf(values: Record<string, string>, iwd: string): CondorTransfer {
  const inputs = listOf(values.transfer_input_files).map((file) => {
    // Relative to initialdir; the trailing / (contents, not the folder) is kept.
    const absolute = resolve(iwd, file);
    return file.endsWith('/') ? `${absolute}/` : absolute;
  });
  const remaps: Record<string, string> = {};
  const remapText = (values.transfer_output_remaps ?? '').trim().replace(/^"(.*)"$/s, '$1');
  for (const pair of remapText.split(';').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw new SubmitError(`ERROR: transfer_output_remaps: "${pair}" is not name = newname`);
    remaps[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  const outputs = values.transfer_output_files === undefined ? null : listOf(values.transfer_output_files);
  return { inputs, outputs, remaps };
}

interface CommandLine {
  terse: boolean;
  batchName?: string;
  maxJobs?: number;
  extraLines: string[];
  assignments: string[];
  file?: string;
}

function parseCommandLine(args: readonly string[]): CommandLine {
  const line: CommandLine = { terse: false, extraLines: [], assignments: [] };
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const next = () => {
      const value = args[++i];
      if (value === undefined) throw new SubmitError(`ERROR: ${word} requires another argument`);
      return value;
    };
    if (word === '-terse') line.terse = true;
    else if (word === '-batch-name' || word === '-batch_name') line.batchName = next();
    else if (word === '-queue' || word === '-q') line.extraLines.push(`queue ${next()}`);
    else if (word === '-append' || word === '-a') line.extraLines.push(next());
    else if (word === '-maxjobs') line.maxJobs = Number(next());
    else if (['-verbose', '-v', '-debug', '-disable', '-spool', '-single-cluster', '-unused'].includes(word)) continue;
    else if (['-name', '-remote', '-pool', '-addr'].includes(word)) next();
    else if (word === '-') line.file = '-';
    else if (word.startsWith('-')) throw new SubmitError(`ERROR: unknown option ${word}`);
    else if (/^[+A-Za-z_][\w.]*\s*=/.test(word)) line.assignments.push(word);
    else line.file = word;
  }
  return line;
}

async function condorSubmit(io: CommandIO): Promise<number> {
  try {
    const line = parseCommandLine(io.args);
    let text: string;
    if (line.file === undefined || line.file === '-') text = await io.readStdin();
    else {
      try {
        text = await readFile(resolve(io.cwd, line.file), 'utf8');
      } catch {
        throw new SubmitError(`ERROR: Can't open "${line.file}"  with flags 00 (No such file or directory)`);
      }
    }
    // Lines from -append come after the file; -queue adds its statement last.
    const procsSettings = parseSubmitDescription(`${text}\n${line.extraLines.join('\n')}\n`, io.env, line.assignments);
    if (procsSettings.length === 0) throw new SubmitError("ERROR: the submit file has no 'queue' statement: no jobs were submitted");
    if (line.maxJobs !== undefined && procsSettings.length > line.maxJobs) throw new SubmitError(`ERROR: Number of submitted jobs would exceed -maxjobs (${line.maxJobs})`);
    const first = procsSettings[0]!.values;
    if (first.executable === undefined) throw new SubmitError("ERROR: No 'executable' parameter was provided");
    const universeName = (first.universe ?? 'vanilla').toLowerCase();
    if (UNIVERSES[universeName] === undefined) throw new SubmitError(`ERROR: I don't know about the '${first.universe}' universe.`);
    const executable = isAbsolute(first.executable) ? first.executable : resolve(initialDir(first, io), first.executable);
    let content: Buffer;
    let mode: number;
    try {
      [content, mode] = await Promise.all([readFile(executable), stat(executable).then((s) => s.mode)]);
    } catch {
      throw new SubmitError(`ERROR: Executable file ${executable} does not exist`);
    }
    const batchName = line.batchName ?? first.batch_name ?? first.jobbatchname;
    const n = procsSettings.length;
    const user = currentUser();
    const job = await io.transact((state, now) => {
      // The cluster id is the next job number, known only here, under the state lock. condor_submit
      // expands $(Cluster)/$(ClusterId) in every value (environment, arguments, output, error, log,
      // initialdir, +Attrs) before it writes the job ads, so the ads and the job see the number.
      const cluster = state.nextJobId;
      const procs = procsSettings.map((p) => toProc(withCluster(p, cluster), io));
      const jobBatchName = batchName === undefined ? undefined : expandCluster(batchName, cluster);
      const attributes: CondorAttributes = {
        procs,
        cmd: executable,
        inPlace: /^(false|no|0)$/i.test((first.transfer_executable ?? 'true').trim()),
        universe: UNIVERSES[universeName]!,
        requestCpus: Number.parseInt(first.request_cpus ?? '1', 10) || 1,
        requestMemory: megabytes(first.request_memory, 128),
        requestDisk: Math.ceil(megabytes(first.request_disk, 1) * 1024),
        ...(jobBatchName !== undefined ? { batchName: jobBatchName } : {}),
        ...(first.periodic_remove !== undefined ? { periodicRemove: first.periodic_remove } : {}),
        leaveInQueue: truthy(first.leave_in_queue),
        submitHost: machineName(),
      };
      const request: JobRequest = {
        flavor: 'htcondor',
        name: jobBatchName ?? basename(executable),
        owner: user.name,
        queue: 'vanilla',
        // Transferred executables get their execute bits whatever the original had.
        script: attributes.inPlace ? null : { content, mode: mode | 0o700 },
        scriptName: executable,
        args: procs[0]!.args,
        env: procs[0]!.env,
        explicitEnv: procs[0]!.explicitEnv,
        submitDir: io.cwd,
        cwd: procs[0]!.iwd,
        stdout: procs[0]!.output,
        stderr: procs[0]!.error,
        join: false,
        array: n > 1 ? { indices: procs.map((_, i) => i), first: 0, last: n - 1, step: 1 } : null,
        hold: truthy(first.hold),
        attributes: attributes as unknown as Record<string, unknown>,
      };
      return submitJob(state, request, now, companionPaths(io.statePath).spool);
    });
    for (const unused of unusedLines(text)) io.out(`\nWARNING: the line '${unused}' was unused by condor_submit. Is it a typo?\n\n`);
    io.out(line.terse ? `${job.id}.0 - ${job.id}.${n - 1}\n` : `Submitting job(s)${'.'.repeat(n)}\n${n} job(s) submitted to cluster ${job.id}.\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof SubmitError)) throw error;
    io.err(`\n${error.message}\n`);
    return 1;
  }
}

export const condorSubmitCommand: CommandDef = { kind: 'submit', run: condorSubmit };
