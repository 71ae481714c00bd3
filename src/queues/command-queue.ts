/**
 * Runs a CommandFlavor's commands: the one place that knows about timeouts, retries of
 * transient failures, "command not found" messages, and the count of calls per command
 * (benchmarks report them: the pool promises one submit per array and one status call per poll).
 */
import { execa } from 'execa';
import pRetry, { AbortError as RetryAbort } from 'p-retry';
import { QueueCommandError } from '../errors.js';
import type { Resources } from '../options.js';
import type { FlavorName } from './flavor-names.js';
import type { CallKind, CommandFlavor, CommandLine, CommandResult, JobAccounting, JobStatus, Queue, QueueInfo, SubmitRequest } from './queue.js';
import { CALL_KINDS, CommandOutputError, HistoryUnavailableError } from './queue.js';

export interface CommandQueueOptions {
  /** Paths for the scheduler's commands, by command name. */
  commands: Readonly<Record<string, string>>;
  /** Milliseconds before a command counts as hung and is killed. */
  commandTimeout: number;
  /** Retries of a failed status command within one poll. */
  statusRetries?: number;
  /** Retries of a submit that failed in a way that looks transient. */
  submitRetries?: number;
  /** First wait between retries, in milliseconds (doubles each time). */
  retryDelay?: number;
}

/** The command's program does not exist (ENOENT): no retry will help. */
class CommandNotFoundError extends QueueCommandError {}

/**
 * Text that marks a failure as passing (the scheduler is busy or restarting), not as a bad request.
 * HTCondor's condor_submit says only "Can't find address of local schedd" while the schedd is
 * down or restarting (and CEDAR's "Failed to connect to <addr>" when it cannot reach it).
 */
const TRANSIENT =
  /timed? ?out|connection refused|unable to (contact|send|connect)|try again|temporar|socket|busy|commlib error|slurm_load|not responding|resource temporarily unavailable|too many|can'?t find address of|failed to connect/i;

export class CommandQueue implements Queue {
  readonly flavor: FlavorName;
  readonly convention;
  readonly supportsArrays: boolean;
  readonly resultsMayLag = true;
  /** How many times each command ran; read by benchmarks and tests. */
  readonly calls: Record<string, number> = {};
  /** The same calls by what they were for (the journal's end record keeps these). */
  private readonly kindCalls = Object.fromEntries(CALL_KINDS.map((k) => [k, 0])) as Record<CallKind, number>;
  private readonly cachedInfo = new Map<string, Promise<QueueInfo>>();

  constructor(
    readonly spec: CommandFlavor,
    private readonly options: CommandQueueOptions,
  ) {
    this.flavor = spec.name;
    this.convention = spec.convention;
    this.supportsArrays = spec.supportsArrays;
  }

  /** The path to run for a scheduler command: the `commands` option's, else the name (found on PATH). */
  readonly command = (name: string): string => this.options.commands[name] ?? name;

  async submit(request: SubmitRequest): Promise<string[]> {
    const line = this.spec.submitCommand(request, this.command);
    const result = await this.retrying(this.options.submitRetries ?? 2, async () => {
      const r = await this.run(line, 'submit');
      if (r.exitCode !== 0) {
        const error = this.failure('submit', r);
        // Only failures that look passing are retried: a rejected request would fail again.
        throw r.timedOut || TRANSIENT.test(r.stderr + r.stdout) ? error : new RetryAbort(error);
      }
      return r;
    });
    try {
      return this.spec.parseSubmitOutput(result, request);
    } catch (error) {
      throw this.failure('submit', result, (error as Error).message);
    }
  }

  async status(jobIds: readonly string[]): Promise<Map<string, JobStatus>> {
    const merged = new Map<string, JobStatus>();
    if (jobIds.length === 0) return merged;
    for (const line of this.spec.statusCommands(jobIds, this.command)) {
      const statuses = await this.retrying(this.options.statusRetries ?? 2, async () => {
        const r = await this.run(line, 'status');
        try {
          return this.spec.parseStatusOutput(r, jobIds);
        } catch (error) {
          if (error instanceof CommandOutputError) throw this.failure('status', r, error.message);
          throw error;
        }
      });
      for (const [id, status] of statuses) merged.set(id, status);
    }
    return merged;
  }

  async history(jobIds: readonly string[]): Promise<Map<string, JobStatus>> {
    const merged = new Map<string, JobStatus>();
    if (!this.historyAvailable || !this.spec.historyCommands || !this.spec.parseHistoryOutput || jobIds.length === 0) {
      return merged;
    }
    for (const line of this.spec.historyCommands(jobIds, this.command)) {
      let r: CommandResult;
      try {
        r = await this.run(line, 'history');
      } catch (error) {
        if (!(error instanceof CommandNotFoundError)) throw error;
        // A site without the history command (sacct not installed): same as no history.
        this.historyAvailable = false;
        return merged;
      }
      try {
        for (const [id, status] of this.spec.parseHistoryOutput(r, jobIds)) merged.set(id, status);
      } catch (error) {
        if (!(error instanceof HistoryUnavailableError)) throw error;
        // Found out once; from now on the grace period alone decides about vanished jobs.
        this.historyAvailable = false;
        return merged;
      }
    }
    return merged;
  }

  /** False once the scheduler said it keeps no history (e.g. Slurm without accounting). */
  historyAvailable = true;

  async cancel(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    for (const line of this.spec.cancelCommands(jobIds, this.command)) {
      await this.retrying(this.options.statusRetries ?? 2, async () => {
        const r = await this.run(line, 'cancel');
        if (this.spec.cancelFailed(r)) throw this.failure('cancel', r);
      });
    }
  }

  info(resources: Resources = {}): Promise<QueueInfo> {
    const key = resources.queue ?? '';
    let info = this.cachedInfo.get(key);
    if (!info) {
      info = (async () => {
        if (!this.spec.infoCommands || !this.spec.parseInfoOutputs) return {};
        // Side by side: they are independent, and the first map waits for them before anything.
        const results = await Promise.all(this.spec.infoCommands(this.command, resources).map((line) => this.run(line, 'info')));
        try {
          return this.spec.parseInfoOutputs(results, resources);
        } catch {
          return {}; // the size is a hint for chunking; without it the defaults apply
        }
      })();
      this.cachedInfo.set(key, info);
    }
    return info;
  }

  /**
   * The accounting of finished jobs, for the trace: no retries (a trace without it is still a
   * trace), and once the site turns out to keep none (no qacct or sacct, accounting disabled)
   * it is not asked again. Throws QueueCommandError when a command failed otherwise.
   */
  async accounting(jobIds: readonly string[], until = Infinity): Promise<Map<string, JobAccounting>> {
    const merged = new Map<string, JobAccounting>();
    if (!this.accountingAvailable || !this.spec.accountingCommands || !this.spec.parseAccountingOutput || jobIds.length === 0) {
      return merged;
    }
    for (const line of this.spec.accountingCommands(jobIds, this.command)) {
      if (Date.now() > until) break;
      try {
        const r = await this.run(line, 'accounting');
        try {
          for (const [id, record] of this.spec.parseAccountingOutput(r, jobIds)) merged.set(id, record);
        } catch (error) {
          if (error instanceof CommandOutputError) throw this.failure('accounting', r, error.message);
          throw error;
        }
      } catch (error) {
        if (!(error instanceof CommandNotFoundError || error instanceof HistoryUnavailableError)) throw error;
        this.accountingAvailable = false;
        return merged;
      }
    }
    return merged;
  }

  /** False once the scheduler said it keeps no accounting we can read. */
  accountingAvailable = true;

  callCounts(): Record<CallKind, number> {
    return { ...this.kindCalls };
  }

  /** Runs a command once. Never throws for a non-zero exit: the caller judges the result. */
  async run(line: CommandLine, kind?: CallKind): Promise<CommandResult> {
    this.calls[line.file] = (this.calls[line.file] ?? 0) + 1;
    if (kind) this.kindCalls[kind] += 1;
    const r = await execa(line.file, line.args, {
      reject: false,
      timeout: this.options.commandTimeout,
      forceKillAfterDelay: 2000,
      stripFinalNewline: false,
      ...(line.input !== undefined ? { input: line.input } : { stdin: 'ignore' as const }),
    });
    const errno = (r as { code?: string }).code;
    if (errno === 'ENOENT' && r.exitCode === undefined) {
      throw new CommandNotFoundError({
        message:
          `${line.file} was not found. The ${this.flavor} flavor runs ${this.spec.commandNames.join(', ')}: ` +
          `is the scheduler's client set up in this shell (PATH)? Or give the path with the commands option, ` +
          `e.g. { commands: { ${this.spec.commandNames[0]}: '/path/to/${this.spec.commandNames[0]}' } }.`,
        command: line.file,
        exitCode: undefined,
        stderr: '',
        stdout: '',
        timedOut: false,
      });
    }
    return {
      command: line,
      exitCode: r.exitCode,
      stdout: String(r.stdout ?? ''),
      stderr: String(r.stderr ?? ''),
      timedOut: Boolean(r.timedOut),
    };
  }

  private failure(what: string, r: CommandResult, detail?: string): QueueCommandError {
    const text = [r.command.file, ...r.command.args].map(quoteForMessage).join(' ');
    const how = r.timedOut
      ? `timed out after ${this.options.commandTimeout} ms`
      : `exited with ${r.exitCode ?? 'no exit code'}`;
    return new QueueCommandError({
      message:
        `${this.flavor} ${what} command failed: \`${text}\` ${how}` +
        (detail ? ` (${detail})` : '') +
        (r.stderr.trim() ? `\nstderr: ${r.stderr.trim().slice(0, 2000)}` : '') +
        (r.stdout.trim() && r.exitCode !== 0 ? `\nstdout: ${r.stdout.trim().slice(0, 2000)}` : ''),
      command: text,
      exitCode: r.exitCode,
      stderr: r.stderr,
      stdout: r.stdout,
      timedOut: r.timedOut,
    });
  }

  private retrying<T>(retries: number, attempt: () => Promise<T>): Promise<T> {
    const once = async () => {
      try {
        return await attempt();
      } catch (error) {
        // A missing program stays missing: fail at once with the message that says so.
        throw error instanceof CommandNotFoundError ? new RetryAbort(error) : (error as Error);
      }
    };
    return pRetry(once, {
      retries,
      minTimeout: this.options.retryDelay ?? 500,
      factor: 2,
      randomize: true,
    });
  }
}

function quoteForMessage(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

