/**
 * PBS `qsub` (Torque or PBS Pro, per dialect): options from `#PBS` lines, then the command line;
 * prints the job id (`12.server`, arrays `12[].server`). Arrays: Torque `-t`, PBS Pro `-J`; the
 * other dialect's flag is an invalid option. Script arguments: Torque `-F "args"`, PBS Pro
 * `qsub [options] -- program args` (runs the program without a script).
 */
import { hostname as machineName } from 'node:os';
import { basename, resolve } from 'node:path';
import { companionPaths } from '../../engine/state-file.js';
import { snapshot, waitForJobEnd } from '../../engine/store.js';
import { submitJob, type JobRequest } from '../../engine/submit.js';
import type { ArraySpec } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { readSubmittedScript, type SubmittedScript } from '../common/script-file.js';
import { currentUser, minimalEnvironment, parseVariableList, submitterEnvironment } from '../common/environment.js';
import { directiveWords, OptionError, parseCommandLine, type OptionTable, type ParsedCommandLine } from '../common/options.js';
import { splitWords } from '../common/words.js';
import { parseProArray, parseTorqueArray } from './array-spec.js';
import type { PbsAttributes, PbsDialect } from './attributes.js';
import { callDialect } from './dialect.js';
import { pbsJobId } from './job-ids.js';
import { exitStatus } from './states.js';

const one = { values: 1 } as const;
const flag = { values: 0 } as const;
const COMMON: OptionTable = {
  '-N': one, '-o': one, '-e': one, '-j': one, '-q': one, '-l': one, '-v': one, '-V': flag, '-h': flag, '-S': one,
  '-W': one, '-A': one, '-m': one, '-M': one, '-r': one, '-a': one, '-k': one, '-p': one, '-z': flag, '-C': one,
  '-u': one, '-c': one,
};
const TABLES: Record<PbsDialect, OptionTable> = {
  torque: { ...COMMON, '-t': one, '-d': one, '-w': one, '-F': one, '-x': flag, '-f': flag, '-n': flag },
  pro: { ...COMMON, '-J': one, '-P': one, '-R': one, '-G': flag, '-X': flag, '-f': flag },
};

class QsubError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const USAGE = 'usage: qsub [-a date_time] [-A account_string] [-c interval] [-C directive_prefix] [-e path] [-h ] [-j oe|eo|n] [-l resource_list] [-m mail_options] [-M user_list] [-N jobname] [-o path] [-p priority] [-q queue] [-r y|n] [-S path] [-u user_list] [-W otherattributes=value...] [-v variable_list] [-V ] [-z] [script | -- command [arg1 ...]]\n';

function collect(parsed: ParsedCommandLine) {
  const single = new Map<string, string>();
  const lists = { '-l': [] as string[], '-v': [] as string[] };
  const flags = new Set<string>();
  for (const o of parsed.options) {
    if (o.name === '-l' || o.name === '-v') lists[o.name].push(o.values[0]!);
    else if (o.values.length === 0) flags.add(o.name);
    else single.set(o.name, o.values[0]!);
  }
  return { value: (name: string) => single.get(name), lists, flags };
}

function arrayOf(dialect: PbsDialect, all: ReturnType<typeof collect>): ArraySpec | null {
  const text = all.value(dialect === 'torque' ? '-t' : '-J');
  if (text === undefined) return null;
  const array = dialect === 'torque' ? parseTorqueArray(text) : parseProArray(text);
  if (!array) throw new QsubError(`qsub: illegal ${dialect === 'torque' ? '-t' : '-J'} value\n${USAGE}`, 2);
  return array;
}

function buildRequest(io: CommandIO, dialect: PbsDialect, all: ReturnType<typeof collect>, script: SubmittedScript | null, operands: string[]): JobRequest {
  const user = currentUser();
  const name = all.value('-N') ?? (script ? script.name : basename(operands[0]!));
  if (!/^[A-Za-z0-9]/.test(name)) throw new QsubError('qsub: illegal -N value\n', 2);
  const explicitEnv: Record<string, string> = {};
  for (const list of all.lists['-v']) Object.assign(explicitEnv, parseVariableList(list, io.env));
  const base = all.flags.has('-V')
    ? { ...submitterEnvironment(io.env), HOME: user.home, USER: user.name, LOGNAME: user.name, SHELL: user.shell }
    : minimalEnvironment();
  const workdir = dialect === 'torque' ? (all.value('-d') ?? all.value('-w')) : undefined;
  const attributes: PbsAttributes = {
    dialect,
    resources: all.lists['-l'],
    ...(all.value('-A') !== undefined ? { account: all.value('-A')! } : {}),
    ...(all.value('-P') !== undefined ? { project: all.value('-P')! } : {}),
    ...(all.value('-S') !== undefined ? { shell: all.value('-S')! } : {}),
    joinMode: all.value('-j') ?? 'n',
    userHold: all.flags.has('-h'),
    rerunnable: all.value('-r') !== 'n',
    origin: {
      home: user.home,
      host: machineName(),
      logname: user.name,
      path: io.env.PATH ?? '',
      shell: io.env.SHELL ?? user.shell,
      workdir: io.cwd,
      mail: `/var/spool/mail/${user.name}`,
    },
    submitArgs: io.args.join(' '),
  };
  const scriptArgs = dialect === 'torque' && all.value('-F') !== undefined ? splitWords(all.value('-F')!) : [];
  return {
    flavor: 'pbs',
    name,
    owner: user.name,
    queue: all.value('-q')?.split('@')[0] || (dialect === 'torque' ? 'batch' : 'workq'),
    script: script ? { content: script.content, mode: script.mode } : null,
    scriptName: script?.name ?? operands[0]!,
    args: script ? scriptArgs : operands,
    env: { ...base, ...explicitEnv },
    explicitEnv,
    submitDir: io.cwd,
    cwd: workdir !== undefined ? resolve(io.cwd, workdir) : user.home,
    stdout: all.value('-o') ?? null,
    stderr: all.value('-e') ?? null,
    join: false,
    array: arrayOf(dialect, all),
    hold: all.flags.has('-h'),
    attributes: attributes as unknown as Record<string, unknown>,
  };
}

/** getopt's complaints, with qsub's usage line. */
function parseOrExplain(words: readonly string[], table: OptionTable): ParsedCommandLine {
  try {
    return parseCommandLine(words, table, 'getopt');
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    const letter = error.option.slice(1, 2);
    throw new QsubError(
      error.kind === 'unknown' ? `qsub: invalid option -- '${letter}'\n${USAGE}` : `qsub: option requires an argument -- '${letter}'\n${USAGE}`,
      2,
    );
  }
}

/** `-W block=true`: wait for the end and exit with the job's exit status. */
async function waitForEnd(io: CommandIO, jobId: number): Promise<number> {
  const job = await waitForJobEnd(io.statePath, jobId);
  if (!job) return 1;
  return Math.max(0, ...job.tasks.map((t) => exitStatus(t, (job.attributes as unknown as PbsAttributes).dialect) ?? 0)) & 0xff;
}

async function qsub(io: CommandIO): Promise<number> {
  const dialect = callDialect(await snapshot(io.statePath), io.env);
  const table = TABLES[dialect];
  try {
    const commandLine = parseOrExplain(io.args, table);
    const dashDash = io.args.length - commandLine.operands.length - 1;
    const program = dialect === 'pro' && io.args[dashDash] === '--';
    if (program && commandLine.operands.length === 0) throw new QsubError(`qsub: no command after --\n${USAGE}`, 2);
    const script = program ? null : await readSubmittedScript(io, commandLine.operands[0], (reason) => new QsubError(`qsub: script file '${commandLine.operands[0]}' cannot be loaded - ${reason}\n`));
    const prefix = collect(commandLine).value('-C') ?? '#PBS';
    const embedded = script ? parseOrExplain(directiveWords(script.content, prefix, true), table).options : [];
    const all = collect({ options: [...embedded, ...commandLine.options], operands: [] });
    const request = buildRequest(io, dialect, all, script, commandLine.operands);
    const job = await io.transact((state, now) => {
      const submitted = submitJob(state, request, now, companionPaths(io.statePath).spool);
      return { job: submitted, id: pbsJobId(submitted, undefined, state.settings, dialect) };
    });
    if (!all.flags.has('-z')) io.out(`${job.id}\n`);
    return /(^|,)block=true/.test(all.value('-W') ?? '') ? await waitForEnd(io, job.job.id) : 0;
  } catch (error) {
    if (!(error instanceof QsubError)) throw error;
    io.err(error.message);
    return error.exitCode;
  }
}

export const qsubCommand: CommandDef = { kind: 'submit', run: qsub };
