/**
 * LSF `bsub`: `bsub [options] command [args]` (the command line is stored and run by /bin/sh at
 * run time, so a script named there is read when the job starts, as on LSF) or `bsub < script`
 * (the script is spooled; its `#BSUB` lines are options). Arrays: `-J "name[1-10]%2"`.
 * Answers `Job <N> is submitted to queue <q>.` (`default queue` when -q is not given).
 */
import { hostname as machineName } from 'node:os';
import { resolve } from 'node:path';
import { companionPaths } from '../../engine/state-file.js';
import { submitJob, type JobRequest } from '../../engine/submit.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { currentUser, minimalEnvironment, submitterEnvironment } from '../common/environment.js';
import { directiveWords, OptionError, parseCommandLine, type OptionTable, type ParsedCommandLine } from '../common/options.js';
import { parseJobName } from './array-spec.js';
import type { LsfAttributes } from './attributes.js';

const one = { values: 1 } as const;
const flag = { values: 0 } as const;
const OPTIONS: OptionTable = {
  '-J': one, '-o': one, '-e': one, '-oo': one, '-eo': one, '-q': one, '-n': one, '-M': one, '-R': one, '-W': one,
  '-cwd': one, '-P': one, '-env': one, '-w': one, '-H': flag, '-G': one, '-g': one, '-m': one, '-u': one, '-B': flag,
  '-N': flag, '-x': flag, '-r': flag, '-rn': flag, '-b': one, '-t': one, '-L': one, '-app': one, '-sla': one,
  '-Jd': one, '-i': one, '-E': one, '-Ep': one, '-We': one, '-c': one, '-sp': one, '-a': one, '-ti': flag,
};

const USAGE = 'Usage: bsub [-h] [-V] [-H] [-x] [-r | -rn] [-N] [-B] [-I | -Ip | -Is | -IS | -ISp | -ISs | -IX] [-J job_name] [-q queue_name] [-n min_processors[,max_processors]] [-R "res_req"] [-W [hour:]minute] [-M mem_limit] [-cwd "working_dir"] [-o out_file] [-e err_file] [-oo out_file] [-eo err_file] [-P project_name] [-env "none" | "all, [var_name[=var_value]]"] [command [argument ...]]\n';

class BsubError extends Error {}

/** Quotes a word for the stored command line when the shell would otherwise split it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `-env "all"` (default), `"none"`, `"all, A=1, B"`, `"~A"` (all but A). */
function jobEnvironment(spec: string | undefined, submitter: NodeJS.ProcessEnv): { env: Record<string, string>; explicit: Record<string, string> } {
  const words = (spec ?? 'all').split(',').map((w) => w.trim()).filter(Boolean);
  const none = words.some((w) => w.toLowerCase() === 'none');
  const env = none ? minimalEnvironment() : submitterEnvironment(submitter);
  const explicit: Record<string, string> = {};
  for (const word of words) {
    if (/^(all|none)$/i.test(word)) continue;
    if (word.startsWith('~')) delete env[word.slice(1)];
    else if (word.includes('=')) explicit[word.slice(0, word.indexOf('='))] = word.slice(word.indexOf('=') + 1);
    else if (submitter[word] !== undefined) explicit[word] = submitter[word]!;
  }
  return { env: { ...env, ...explicit }, explicit };
}

function runLimitMinutes(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(?:(\d+):)?(\d+)$/.exec(text);
  if (!match) throw new BsubError(`${text}: Bad RUNLIMIT specification. Job not submitted.\n`);
  return Number(match[1] ?? 0) * 60 + Number(match[2]);
}

function buildRequest(io: CommandIO, parsed: ParsedCommandLine, stdinScript: string | null): JobRequest {
  const value = (name: string) => parsed.options.filter((o) => o.name === name).pop()?.values[0];
  const has = (name: string) => parsed.options.some((o) => o.name === name);
  const user = currentUser();
  const words = parsed.operands;
  const command = stdinScript !== null ? 'STDIN' : words.map(shellWord).join(' ');
  const jobName = value('-J');
  const parsedName = jobName === undefined ? { name: command, array: null } : parseJobName(jobName);
  if (!parsedName) throw new BsubError(`${jobName}: Bad job array specification. Job not submitted.\n`);
  const { env, explicit } = jobEnvironment(value('-env'), io.env);
  const attributes: LsfAttributes = {
    command,
    slots: Number.parseInt(value('-n') ?? '1', 10) || 1,
    ...(value('-M') !== undefined ? { memLimit: value('-M')! } : {}),
    ...(value('-R') !== undefined ? { resourceReq: value('-R')! } : {}),
    ...(value('-W') !== undefined ? { runLimitMinutes: runLimitMinutes(value('-W'))! } : {}),
    project: value('-P') ?? 'default',
    overwriteOut: has('-oo'),
    overwriteErr: has('-eo'),
    submitHost: machineName(),
    queueGiven: value('-q') !== undefined,
  };
  // The spooled job file: the stdin script as given, or the command line for /bin/sh.
  const jobFile = stdinScript ?? `#!/bin/sh\n${command}\n`;
  const cwd = value('-cwd');
  return {
    flavor: 'lsf',
    name: parsedName.name,
    owner: user.name,
    queue: value('-q') ?? 'normal',
    script: { content: jobFile, mode: 0o700 },
    scriptName: command,
    args: words,
    env,
    explicitEnv: explicit,
    submitDir: io.cwd,
    cwd: cwd === undefined ? io.cwd : resolve(io.cwd, cwd),
    stdout: value('-oo') ?? value('-o') ?? null,
    stderr: value('-eo') ?? value('-e') ?? null,
    join: false,
    array: parsedName.array,
    hold: has('-H'),
    attributes: attributes as unknown as Record<string, unknown>,
  };
}

async function bsub(io: CommandIO): Promise<number> {
  try {
    let commandLine: ParsedCommandLine;
    try {
      commandLine = parseCommandLine(io.args, OPTIONS, 'exact');
    } catch (error) {
      if (!(error instanceof OptionError)) throw error;
      throw new BsubError(`${error.kind === 'unknown' ? `bsub: illegal option -- ${error.option.replace(/^-/, '')}` : `bsub: option requires an argument -- ${error.option.replace(/^-/, '')}`}\n${USAGE}`);
    }
    let stdinScript: string | null = null;
    let parsed = commandLine;
    if (commandLine.operands.length === 0) {
      stdinScript = await io.readStdin();
      if (stdinScript.trim() === '') throw new BsubError('bsub: no command given. Job not submitted.\n');
      const embedded = parseCommandLine(directiveWords(stdinScript, '#BSUB', true), OPTIONS, 'exact');
      parsed = { options: [...embedded.options, ...commandLine.options], operands: [] };
    }
    const request = buildRequest(io, parsed, stdinScript);
    const job = await io.transact((state, now) => submitJob(state, request, now, companionPaths(io.statePath).spool));
    const queueGiven = (request.attributes as unknown as LsfAttributes).queueGiven;
    io.out(`Job <${job.id}> is submitted to ${queueGiven ? '' : 'default '}queue <${job.queue}>.\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof BsubError)) throw error;
    io.err(error.message);
    return 255;
  }
}

export const bsubCommand: CommandDef = { kind: 'submit', run: bsub };
