/**
 * Slurm `sbatch`: options from `#SBATCH` lines (up to the first command), then from the command
 * line; a script file, standard input or `--wrap`. Answers `Submitted batch job N` or, with
 * `--parsable`, `N`. Errors use Slurm 22.05's texts and exit codes (see test/fixtures/slurm/).
 */
import { hostname as machineName } from 'node:os';
import { resolve } from 'node:path';
import { companionPaths } from '../../engine/state-file.js';
import { waitForJobEnd } from '../../engine/store.js';
import { submitJob, type JobRequest } from '../../engine/submit.js';
import type { ArraySpec } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { readSubmittedScript, type SubmittedScript } from '../common/script-file.js';
import { currentUser, minimalEnvironment, submitterEnvironment } from '../common/environment.js';
import { directiveWords, hasOption, lastValue, parseCommandLine, type OptionTable, type ParsedCommandLine } from '../common/options.js';
import { parseArraySpec } from './array-spec.js';
import type { SlurmAttributes } from './attributes.js';
import { slurmOptionError } from './errors.js';
import { parseTimeLimit } from './time-limit.js';
import { finishedStatus } from './states.js';

const one = { values: 1 } as const;
const none = { values: 0 } as const;
const optional = { values: 1, optionalValue: true } as const;

const OPTIONS: OptionTable = {
  '-J': one, '--job-name': one, '-o': one, '--output': one, '-e': one, '--error': one, '-a': one, '--array': one,
  '-p': one, '--partition': one, '-c': one, '--cpus-per-task': one, '-n': one, '--ntasks': one, '-N': one, '--nodes': one,
  '--mem': one, '--mem-per-cpu': one, '-t': one, '--time': one, '-D': one, '--chdir': one, '--export': one,
  '-H': none, '--hold': none, '--wrap': one, '--parsable': none, '-A': one, '--account': one, '-q': one, '--qos': one,
  '--requeue': none, '--no-requeue': none, '--open-mode': one, '-W': none, '--wait': none, '-d': one, '--dependency': one,
  '-b': one, '--begin': one, '--mail-type': one, '--mail-user': one, '--exclusive': optional, '--gres': one,
  '-C': one, '--constraint': one, '--nice': optional, '--comment': one, '--signal': one, '-Q': none, '--quiet': none,
  '-v': none, '--verbose': none, '-i': one, '--input': one, '--ntasks-per-node': one, '--tmp': one, '-w': one,
  '--nodelist': one, '-x': one, '--exclude': one, '--get-user-env': optional, '--propagate': optional,
  '--reservation': one, '--gpus': one, '-G': one, '--kill-on-invalid-dep': one, '-k': none, '--no-kill': none,
  '-s': none, '--oversubscribe': none, '--priority': one, '-M': one, '--clusters': one, '--time-min': one,
  '--deadline': one, '--distribution': one, '-m': one, '--licenses': one, '-L': one,
};

class SbatchError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const NOT_A_BATCH_SCRIPT =
  'sbatch: error: This does not look like a batch script.  The first\n' +
  'sbatch: error: line must start with #! followed by the path to an interpreter.\n' +
  'sbatch: error: For instance: #!/bin/sh\n';

/** The job script: `--wrap`'s command line, the named file, or standard input. */
function readScript(io: CommandIO, parsed: ParsedCommandLine): Promise<SubmittedScript> {
  const wrap = lastValue(parsed, '--wrap');
  if (wrap !== undefined) {
    const content = `#!/bin/sh\n# This script was created by sbatch --wrap.\n\n${wrap}\n`;
    return Promise.resolve({ content, mode: 0o755, name: 'wrap', path: null });
  }
  const file = parsed.operands[0];
  // sbatch runs a script read from standard input as if it were executable.
  return readSubmittedScript(io, file, () => new SbatchError(`sbatch: error: Unable to open file ${file}\n`), 0o755);
}

/** The job's environment per --export: ALL (default), NONE/NIL, or a list with or without ALL. */
function exportedEnvironment(spec: string, submitter: NodeJS.ProcessEnv): { env: Record<string, string>; explicit: Record<string, string> } {
  const words = spec.split(',').map((w) => w.trim()).filter(Boolean);
  const all = words.some((w) => w.toUpperCase() === 'ALL');
  const explicit: Record<string, string> = {};
  for (const word of words) {
    if (/^(ALL|NONE|NIL)$/i.test(word)) continue;
    const eq = word.indexOf('=');
    if (eq > 0) explicit[word.slice(0, eq)] = word.slice(eq + 1);
    else if (submitter[word] !== undefined) explicit[word] = submitter[word]!;
  }
  const base = all ? submitterEnvironment(submitter) : minimalEnvironment();
  return { env: { ...base, ...explicit }, explicit };
}

function positiveInteger(text: string | undefined, fallback: number): number {
  const n = text === undefined ? fallback : Number.parseInt(text, 10);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function buildRequest(io: CommandIO, parsed: ParsedCommandLine, script: SubmittedScript, slots: number): JobRequest {
  const value = (...names: string[]) => lastValue(parsed, ...names);
  const user = currentUser();
  const timeText = value('-t', '--time');
  const timeLimit = timeText === undefined ? null : parseTimeLimit(timeText);
  if (timeLimit === undefined) throw new SbatchError('sbatch: error: Invalid --time specification\n', 255);
  let array: ArraySpec | null = null;
  const arrayText = value('-a', '--array');
  if (arrayText !== undefined) {
    const parsedArray = parseArraySpec(arrayText);
    if (!parsedArray) throw new SbatchError('sbatch: error: Batch job submission failed: Invalid job array specification\n');
    array = parsedArray;
  }
  const cpusPerTask = positiveInteger(value('-c', '--cpus-per-task'), 1);
  const ntasks = positiveInteger(value('-n', '--ntasks'), 1);
  // EnforcePartLimits=ALL: a request larger than the node is refused at once.
  if (cpusPerTask * ntasks > slots) throw new SbatchError('sbatch: error: Batch job submission failed: More processors requested than permitted\n');
  const exportSpec = value('--export') ?? 'ALL';
  const { env, explicit } = exportedEnvironment(exportSpec, io.env);
  const chdir = value('-D', '--chdir');
  const openMode = value('--open-mode');
  const attributes: SlurmAttributes = {
    partition: value('-p', '--partition') ?? 'debug',
    ...(value('-A', '--account') !== undefined ? { account: value('-A', '--account')! } : {}),
    cpusPerTask,
    ntasks,
    ...(value('--mem', '--mem-per-cpu') !== undefined ? { memory: value('--mem', '--mem-per-cpu')! } : {}),
    timeLimitMinutes: timeLimit,
    append: openMode === 'append',
    exportSpec,
    submitHost: machineName(),
    uid: user.uid,
    gid: user.gid,
    wrapped: value('--wrap') !== undefined,
    commandPath: script.path,
  };
  const args = value('--wrap') !== undefined ? [] : parsed.operands.slice(1);
  return {
    flavor: 'slurm',
    name: value('-J', '--job-name') ?? (script.path ? script.path.split('/').pop()! : value('--wrap') !== undefined ? 'wrap' : 'sbatch'),
    owner: user.name,
    queue: attributes.partition,
    script: { content: script.content, mode: script.mode | 0o700 },
    scriptName: script.path ?? 'sbatch',
    args,
    env,
    explicitEnv: explicit,
    submitDir: io.cwd,
    cwd: chdir === undefined ? io.cwd : resolve(io.cwd, chdir),
    stdout: value('-o', '--output') ?? null,
    stderr: value('-e', '--error') ?? null,
    join: value('-e', '--error') === undefined,
    array,
    hold: hasOption(parsed, '-H', '--hold'),
    attributes: attributes as unknown as Record<string, unknown>,
    tasksTakeIds: true,
  };
}

/** `--wait`: block until the job ends; exit with its highest exit code, like sbatch does. */
async function waitForEnd(io: CommandIO, jobId: number): Promise<number> {
  const job = await waitForJobEnd(io.statePath, jobId);
  if (!job) return 1;
  return Math.max(0, ...job.tasks.map((t) => (t.state === 'finished' ? Number(finishedStatus(t).exitCode.split(':')[0]) || (t.outcome === 'exited' ? 0 : 1) : 1)));
}

async function sbatch(io: CommandIO): Promise<number> {
  let commandLine: ParsedCommandLine;
  try {
    commandLine = parseCommandLine(io.args, OPTIONS, 'gnu');
  } catch (error) {
    return slurmOptionError(io, 'sbatch', error);
  }
  try {
    const script = await readScript(io, commandLine);
    if (!script.content.startsWith('#!')) throw new SbatchError(NOT_A_BATCH_SCRIPT);
    let embedded: ParsedCommandLine;
    try {
      embedded = parseCommandLine(directiveWords(script.content, '#SBATCH', true), OPTIONS, 'gnu');
    } catch (error) {
      return slurmOptionError(io, 'sbatch', error);
    }
    const parsed = { options: [...embedded.options, ...commandLine.options], operands: commandLine.operands };
    const job = await io.transact((state, now) => {
      const request = buildRequest(io, parsed, script, state.settings.slots);
      return submitJob(state, request, now, companionPaths(io.statePath).spool);
    });
    io.out(hasOption(parsed, '--parsable') ? `${job.id}\n` : `Submitted batch job ${job.id}\n`);
    return hasOption(parsed, '-W', '--wait') ? await waitForEnd(io, job.id) : 0;
  } catch (error) {
    if (!(error instanceof SbatchError)) throw error;
    io.err(error.message);
    return error.exitCode;
  }
}

export const sbatchCommand: CommandDef = { kind: 'submit', run: sbatch };
