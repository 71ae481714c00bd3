/**
 * Small pieces the command-line flavors (SGE, Slurm, PBS, LSF, HTCondor) share: reading ids and
 * JSON out of outputs that may carry noise lines, judging a failed command by its messages,
 * batching ids into command lines, and turning an exit code into an outcome. Pure, like the flavors.
 */
import { parseMemoryMegabytes, parseWalltimeSeconds, type Resources } from '../options.js';
import { splitIntoBatches } from './batches.js';
import type { CommandFlavor, CommandLine, CommandResult, JobStatus, SubmitRequest } from './queue.js';
import { CommandOutputError } from './queue.js';

/** The non-empty lines of a command's stdout and stderr, trimmed. */
export function messageLines(result: CommandResult): string[] {
  return `${result.stdout}\n${result.stderr}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * For cancel commands: true when the command failed for a reason other than "the job is
 * already gone". A non-zero exit whose every message is harmless (the job finished, is unknown,
 * is already being removed) is what we wanted. `silentIsGone`: a non-zero exit with no message
 * at all also means gone (Slurm's qdel wrapper says nothing for unknown or finished jobs).
 */
export function cancelFailedUnless(result: CommandResult, harmless: RegExp, silentIsGone = false): boolean {
  if (result.timedOut) return true;
  if (result.exitCode === 0) return false;
  const lines = messageLines(result);
  if (lines.length === 0) return !silentIsGone;
  return lines.some((line) => !harmless.test(line));
}

/**
 * The cancel side of a flavor whose cancel command takes job ids as arguments (qdel, scancel,
 * bkill, condor_rm): its command lines, batched, and whether a run of it failed, which it did
 * unless every message it printed is one of `harmless` (the job is already gone, or going).
 */
export function cancelByIds(commandName: string, harmless: RegExp, silentIsGone = false): Pick<CommandFlavor, 'cancelCommands' | 'cancelFailed'> {
  return {
    cancelCommands: (jobIds, command) => commandsForIds(command(commandName), [], jobIds),
    cancelFailed: (result) => cancelFailedUnless(result, harmless, silentIsGone),
  };
}

/** For commands whose every non-zero exit is a failure, whatever they print (SGE's qstat, Slurm's scancel). */
export const NO_HARMLESS_MESSAGE = /(?!)/;

/**
 * For status commands: throws CommandOutputError (so the poll is retried) when the command
 * timed out, or exited non-zero with a message that is not in `harmless` (unknown ids are
 * harmless: such a job has left the queue). `silentExitAnswers: false` for commands that explain
 * every failure, so that a non-zero exit without a word is not taken for "all these jobs are gone".
 */
export function assertStatusRan(result: CommandResult, what: string, harmless: RegExp, { silentExitAnswers = true } = {}): void {
  if (result.timedOut) throw new CommandOutputError(`${what} timed out`);
  if (result.exitCode === 0) return;
  const lines = result.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const stray = lines.filter((line) => !harmless.test(line));
  if (stray.length > 0 || result.exitCode === undefined || (lines.length === 0 && !silentExitAnswers)) {
    const said = stray.length > 0 ? `: ${stray.slice(0, 3).join(' | ')}` : '';
    throw new CommandOutputError(`${what} exited with ${result.exitCode ?? 'no exit code'}${said}`);
  }
}

/** The first match of `pattern` anywhere in the output: site wrappers print banners around ids. */
export function matchSubmitOutput(stdout: string, pattern: RegExp, command: string): RegExpExecArray {
  const m = pattern.exec(stdout);
  if (!m) throw new Error(`no job id in ${command}'s output: ${JSON.stringify(stdout.slice(0, 500))}`);
  return m;
}

/**
 * Parses the JSON document in a command's output, skipping any warning lines printed before or
 * after it. Returns undefined when the output holds no JSON at all; throws CommandOutputError when
 * it holds broken JSON (callers with a fallback catch it).
 */
export function parseJsonDocument(text: string, opening: '{' | '[', what: string): unknown {
  // The document starts a line with its bracket followed by a quote, a bracket or the line's end;
  // a warning line may start with the same character (`[WARN] ...`) or hold it further on.
  const lineStart = new RegExp(`^[ \\t]*\\${opening}(?=[ \\t]*(?:$|["{}[\\]]))`, 'm').exec(text);
  const start = lineStart ? lineStart.index + lineStart[0].length - 1 : text.indexOf(opening);
  if (start < 0) return undefined;
  // To the bracket that closes it (noise after it may hold a closing bracket too), else to the
  // last closing bracket (the document itself may be broken in a way that misleads the scan).
  const ends = new Set([documentEnd(text, start), text.lastIndexOf(opening === '{' ? '}' : ']') + 1]);
  let firstError: Error | undefined;
  for (const end of ends) {
    if (end === undefined) continue;
    try {
      return JSON.parse(text.slice(start, end)) as unknown;
    } catch (error) {
      firstError ??= error as Error;
    }
  }
  throw new CommandOutputError(`${what} printed malformed JSON: ${firstError?.message ?? 'no closing bracket'}`);
}

/** The index just past the bracket that closes the one at `start`, skipping strings; undefined if none does. */
function documentEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
  }
  return undefined;
}

/** One command line per batch of ids (long id lists would overflow the command line). */
export function commandsForIds(file: string, args: readonly string[], ids: readonly string[]): CommandLine[] {
  return splitIntoBatches([...new Set(ids)]).map((batch) => ({ file, args: [...args, ...batch] }));
}

/** A job's exit code as an outcome: 0 success, anything else failure, unknown left undecided. */
export function exitOutcome(code: number | undefined): JobStatus['outcome'] {
  if (code === undefined || !Number.isFinite(code)) return undefined;
  return code === 0 ? 'success' : 'failure';
}

/** A number from a value that may be a number, a numeric string, empty or missing. */
export function numberOrUndefined(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/** A finished job's status from its exit code; `fatal` marks failures the same job would meet again. */
export function finishedStatus(native: string, exitCode: number | undefined, fatal = false, reason?: string): JobStatus {
  const outcome = exitOutcome(exitCode);
  const status: JobStatus = { state: 'finished', native };
  if (outcome) status.outcome = outcome;
  if (outcome === 'failure' && fatal) status.fatal = true;
  const why = [reason, exitCode !== undefined && exitCode !== 0 ? `exit status ${exitCode}` : undefined].filter(Boolean).join(', ');
  if (why) status.reason = why;
  return status;
}

/** The resources every flavor turns into flags, in the units they share. */
export interface ResourceNumbers {
  cpus: number | undefined;
  memoryMb: number | undefined;
  walltimeSeconds: number | undefined;
}

/** The resources in shared units, with `-q QUEUE` and `ACCOUNTFLAG ACCOUNT` already as flags (PBS, LSF). */
export function queueAccountAndNumbers(r: Resources, accountFlag: string): ResourceNumbers & { args: string[] } {
  const args: string[] = [];
  if (r.queue) args.push('-q', r.queue);
  if (r.account) args.push(accountFlag, r.account);
  return { ...resourceNumbers(r), args };
}

export function resourceNumbers(r: Resources): ResourceNumbers {
  return {
    cpus: r.cpus,
    memoryMb: r.memory === undefined ? undefined : parseMemoryMegabytes(r.memory),
    walltimeSeconds: r.walltime === undefined ? undefined : parseWalltimeSeconds(r.walltime),
  };
}

/** How many chunks a request holds, and whether they go as an array (never an array of one). */
export function arrayShape(request: Pick<SubmitRequest, 'chunks' | 'array'>): { count: number; array: boolean } {
  const count = request.chunks.length;
  return { count, array: request.array && count > 1 };
}

/** The job ids of an array's elements, for the k-th chunk of the request. */
export function elementIds(count: number, idOf: (k: number) => string): string[] {
  return Array.from({ length: count }, (_, k) => idOf(k));
}
