/**
 * SGE `qsub`: options from `#$` lines in the script, then from the command line (which win);
 * answers `Your job N ("name") has been submitted`, `Your job-array N.1-5:1 ...`, or just the
 * id with -terse; `-sync y` waits for the end and exits with the job's exit code.
 */
import { hostname as machineName } from 'node:os';
import { basename, resolve } from 'node:path';
import { waitForJobEnd } from '../../engine/store.js';
import { companionPaths } from '../../engine/state-file.js';
import { submitJob, type JobRequest } from '../../engine/submit.js';
import type { ArraySpec, Job } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { readSubmittedScript, type SubmittedScript } from '../common/script-file.js';
import { currentUser, minimalEnvironment, parseVariableList, submitterEnvironment } from '../common/environment.js';
import { directiveWords, OptionError, parseCommandLine, type OptionTable, type ParsedCommandLine } from '../common/options.js';
import type { SgeAttributes } from './attributes.js';
import { formatArrayRange, parseTaskRange } from './task-range.js';

const QSUB_OPTIONS: OptionTable = {
  '-terse': { values: 0 }, '-N': { values: 1 }, '-o': { values: 1 }, '-e': { values: 1 }, '-j': { values: 1 },
  '-q': { values: 1 }, '-l': { values: 1 }, '-pe': { values: 2 }, '-t': { values: 1 }, '-tc': { values: 1 },
  '-wd': { values: 1 }, '-cwd': { values: 0 }, '-V': { values: 0 }, '-v': { values: 1 }, '-S': { values: 1 },
  '-b': { values: 1 }, '-h': { values: 0 }, '-r': { values: 1 }, '-P': { values: 1 }, '-A': { values: 1 },
  '-notify': { values: 0 }, '-now': { values: 1 }, '-sync': { values: 1 }, '-m': { values: 1 }, '-M': { values: 1 },
  '-p': { values: 1 }, '-hold_jid': { values: 1 }, '-hold_jid_ad': { values: 1 }, '-R': { values: 1 },
  '-a': { values: 1 }, '-js': { values: 1 }, '-shell': { values: 1 }, '-soft': { values: 0 }, '-hard': { values: 0 },
  '-binding': { values: 1 }, '-ckpt': { values: 1 }, '-c': { values: 1 }, '-dl': { values: 1 }, '-ac': { values: 1 },
  '-masterq': { values: 1 }, '-ar': { values: 1 }, '-i': { values: 1 }, '-clear': { values: 0 },
};

class UsageError extends Error {}
class ScriptError extends Error {}

function yes(value: string | undefined): boolean {
  return value !== undefined && /^(y|yes|true)$/i.test(value);
}

/** Options as SGE applies them: later wins for single values, -v and -l accumulate. */
function collect(parsed: ParsedCommandLine) {
  const single = new Map<string, string[]>();
  const variables: string[] = [];
  const resources: string[] = [];
  const flags = new Set<string>();
  for (const option of parsed.options) {
    if (option.name === '-v') variables.push(option.values[0]!);
    else if (option.name === '-l') resources.push(option.values[0]!);
    else if (option.values.length === 0) flags.add(option.name);
    else single.set(option.name, option.values);
  }
  const value = (name: string) => single.get(name)?.[0];
  return { single, value, variables, resources, flags };
}

function buildRequest(io: CommandIO, all: ReturnType<typeof collect>, operands: string[], script: SubmittedScript | null): JobRequest {
  const user = currentUser();
  const binary = script === null;
  const home = user.home;
  const array: ArraySpec | null = (() => {
    const t = all.value('-t');
    if (t === undefined) return null;
    const parsed = parseTaskRange(t);
    if (!parsed) throw new UsageError(`ERROR! -t option argument has invalid format: "${t}"`);
    const tc = all.value('-tc');
    if (tc !== undefined) parsed.throttle = Number(tc);
    return parsed;
  })();
  const wd = all.value('-wd');
  const cwd = wd !== undefined ? resolve(io.cwd, wd) : all.flags.has('-cwd') ? io.cwd : home;
  const explicitEnv: Record<string, string> = {};
  for (const list of all.variables) Object.assign(explicitEnv, parseVariableList(list, io.env));
  const base = all.flags.has('-V')
    ? { ...submitterEnvironment(io.env), HOME: home, USER: user.name, LOGNAME: user.name, SHELL: user.shell }
    : minimalEnvironment();
  const pe = all.single.get('-pe');
  const command = binary ? operands[0]! : undefined;
  const attributes: SgeAttributes = {
    slots: pe ? Number.parseInt(pe[1]!, 10) || 1 : 1,
    ...(pe ? { pe: pe[0]! } : {}),
    resources: all.resources,
    ...(all.value('-P') !== undefined ? { project: all.value('-P')! } : {}),
    account: all.value('-A') ?? 'sge',
    ...(all.value('-S') !== undefined ? { shell: all.value('-S')! } : {}),
    binary,
    cwdGiven: wd !== undefined || all.flags.has('-cwd'),
    notify: all.flags.has('-notify'),
    origin: {
      home,
      host: machineName(),
      logname: user.name,
      path: io.env.PATH ?? '',
      shell: io.env.SHELL ?? user.shell,
      workdir: io.cwd,
    },
  };
  const queue = all.value('-q')?.split(',')[0]?.split('@')[0] ?? 'all.q';
  return {
    flavor: 'sge',
    name: all.value('-N') ?? basename(command ?? script?.name ?? 'STDIN'),
    owner: user.name,
    queue,
    script: script ? { content: script.content, mode: script.mode } : null,
    scriptName: script?.name ?? command!,
    args: script ? operands.slice(1) : operands,
    env: { ...base, ...explicitEnv },
    explicitEnv,
    submitDir: io.cwd,
    cwd,
    stdout: all.value('-o') ?? null,
    stderr: all.value('-e') ?? null,
    join: yes(all.value('-j')),
    array,
    hold: all.flags.has('-h'),
    attributes: attributes as unknown as Record<string, unknown>,
  };
}

function submittedMessage(job: Job, terse: boolean): string {
  const id = job.array ? `${job.id}.${formatArrayRange(job.array)}` : String(job.id);
  if (terse) return `${id}\n`;
  return job.array ? `Your job-array ${id} ("${job.name}") has been submitted\n` : `Your job ${id} ("${job.name}") has been submitted\n`;
}

/** `-sync y`: wait for every task to end, report like qsub does, exit with the job's code. */
async function waitForEnd(io: CommandIO, jobId: number): Promise<number> {
  const job = await waitForJobEnd(io.statePath, jobId);
  if (!job) return 1;
  let exitCode = 0;
  for (const task of job.tasks) {
    const label = task.index === null ? String(job.id) : `${job.id}.${task.index}`;
    const code = task.exitCode ?? (task.signal ? 137 : 1);
    const line = `Job ${label} exited with exit code ${code}.\n`;
    if (code === 0) io.out(line);
    else io.err(line);
    if (exitCode === 0) exitCode = code;
  }
  return exitCode;
}

// `qsub -help` starts with the version line clients use to tell Grid Engine from PBS.
const HELP = 'SGE 8.1.9\nusage: qsub [options] [job_script [job_script_args]]\n   [-b y[es]|n[o]]  handle command as binary\n   [-cwd]  use current working directory\n   [-e path_list]  specify standard error stream path(s)\n   [-h]  place user hold on job\n   [-j y[es]|n[o]]  merge stdout and stderr stream of job\n   [-N name]  specify job name\n   [-o path_list]  specify standard output stream path(s)\n   [-t task_id_range]  create a job-array with these tasks\n   [-terse]  tersed output, print only the job-id\n   [-v variable_list]  export these environment variables\n   [-V]  export all environment variables\n   [-wd working_directory]\n';

async function qsub(io: CommandIO): Promise<number> {
  if (io.args[0] === '-help') {
    io.out(HELP);
    return 0;
  }
  let commandLine: ParsedCommandLine;
  try {
    commandLine = parseCommandLine(io.args, QSUB_OPTIONS, 'exact');
    const first = collect(commandLine);
    const binary = yes(first.value('-b'));
    if (binary && commandLine.operands.length === 0) throw new UsageError('ERROR! no command given with -b y');
    const script = binary ? null : await readSubmittedScript(io, commandLine.operands[0], (reason) => new ScriptError(`Unable to read script file because of error: error opening ${commandLine.operands[0]}: ${reason}`));
    // `#$` lines come first so that the command line overrides them.
    const embedded = script ? directiveWords(script.content, '#$', false) : [];
    const all = collect({ options: [...parseCommandLine(embedded, QSUB_OPTIONS, 'exact').options, ...commandLine.options], operands: [] });
    const request = buildRequest(io, all, commandLine.operands, script);
    const job = await io.transact((state, now) => submitJob(state, request, now, companionPaths(io.statePath).spool));
    io.out(submittedMessage(job, all.flags.has('-terse')));
    return yes(all.value('-sync')) ? await waitForEnd(io, job.id) : 0;
  } catch (error) {
    if (error instanceof ScriptError) {
      io.err(`${error.message}\n`);
      return 14;
    }
    if (error instanceof OptionError) {
      io.err(error.kind === 'unknown' ? `qsub: ERROR! invalid option argument "${error.option}"\n` : `qsub: ERROR! ${error.option} option must have argument\n`);
      return 1;
    }
    if (error instanceof UsageError) {
      io.err(`qsub: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export const qsubCommand: CommandDef = { kind: 'submit', offline: (args) => args[0] === '-help', run: qsub };
