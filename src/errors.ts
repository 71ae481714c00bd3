/**
 * The error classes users catch. Each carries the fields a user needs next (paths, job ids,
 * remote stacks) as properties, so that tests and scripts can read them without parsing text.
 */
import type { RemoteErrorRecord } from './protocol/chunk-files.js';

/** Base class of every error this library throws on purpose. */
export class QmrError extends Error {
  override name = 'QmrError';
}

/**
 * A map was run again on a work dir (to resume it) with other inputs than its first run: another
 * function, other tasks, another chunk size or flavor. Thrown before anything is submitted.
 */
export class ResumeMismatchError extends QmrError {
  override name = 'ResumeMismatchError';
}

/** A Pool option, or a map argument, has a wrong value. Thrown before anything is submitted. */
export class OptionError extends TypeError {
  override name = 'OptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`Option \`${option}\` must be ${allowed}; got ${describeValue(value)}.`);
  }
}

/** `fn` cannot be shipped to a worker node (it reads outer variables, is native, ...). */
export class FunctionShippingError extends QmrError {
  override name = 'FunctionShippingError';
}

/** A task (or a result) cannot make the round trip through the work dir. */
export class SerializationError extends QmrError {
  override name = 'SerializationError';
  constructor(
    message: string,
    /** Index of the offending task in the input, when a task is at fault. */
    readonly taskIndex?: number,
    /** Where inside the value the problem is, like `$.points[3]`. */
    readonly path?: string,
  ) {
    super(message);
  }
}

/** What a QueueCommandError tells about the command that failed, by name (six positional fields were easy to swap). */
export interface QueueCommandFailure {
  message: string;
  /** The command line as run, quoted for a shell. */
  command: string;
  exitCode: number | undefined;
  stderr: string;
  stdout: string;
  timedOut: boolean;
  cause?: unknown;
}

/** A scheduler command failed (after retries) in a way the pool cannot work around. */
export class QueueCommandError extends QmrError {
  override name = 'QueueCommandError';
  readonly command: string;
  readonly exitCode: number | undefined;
  readonly stderr: string;
  readonly stdout: string;
  readonly timedOut: boolean;
  constructor(failure: QueueCommandFailure) {
    super(failure.message, 'cause' in failure ? { cause: failure.cause } : undefined);
    this.command = failure.command;
    this.exitCode = failure.exitCode;
    this.stderr = failure.stderr;
    this.stdout = failure.stdout;
    this.timedOut = failure.timedOut;
  }
}

/** The map was aborted through its AbortSignal, or by SIGINT/SIGTERM. Every job was cancelled. */
export class AbortError extends QmrError {
  override name = 'AbortError';
}

/** One task that did not produce a value: it threw, or its chunk never produced a result file. */
export interface TaskFailure {
  index: number;
  chunk: number;
  /** Queue job id of the attempt that produced (or failed to produce) the result. */
  jobId: string | undefined;
  /** The remote error when the task threw; undefined when the chunk itself failed. */
  remote: RemoteErrorRecord | undefined;
  /** Human summary: the remote message, or why the chunk failed. */
  message: string;
  stdoutPath: string;
  stderrPath: string;
}

/** Rebuilt in the submitting process from a RemoteErrorRecord; `stack` is the remote stack. */
export class RemoteTaskError extends QmrError {
  override name = 'RemoteTaskError';
  readonly remoteName: string;
  readonly props: Record<string, unknown>;
  constructor(
    readonly failure: TaskFailure,
  ) {
    const remote = failure.remote;
    super(remote ? `${remote.name}: ${remote.message}` : failure.message);
    this.remoteName = remote?.name ?? 'ChunkFailed';
    this.props = remote?.props ?? {};
    // The stack users want is the one from the worker node, where the task ran.
    this.stack = remote?.stack ?? `${this.name}: ${this.message}`;
    copyRemoteProps(this, this.props);
  }
}

/**
 * Puts the remote error's own properties (like `code`) on the local error, so that
 * `error.code` reads as it did on the worker. A property the error already has (its own fields
 * such as `failure` or `message`, or anything on its prototype chain, `__proto__` included) is
 * left alone: what a task threw must not break the error that reports it. Those stay readable
 * in `props`. Defined, not assigned, so that no setter runs.
 */
function copyRemoteProps(target: RemoteTaskError, props: Record<string, unknown>): void {
  for (const key of Object.keys(props)) {
    if (key in target) continue;
    Object.defineProperty(target, key, { value: props[key], writable: true, enumerable: true, configurable: true });
  }
}

export type Settled<R> =
  | { status: 'fulfilled'; value: R }
  | { status: 'rejected'; reason: RemoteTaskError };

/** `map` rejects with this when any task failed. `results` keeps everything that did succeed. */
export class MapError<R = unknown> extends QmrError {
  override name = 'MapError';
  constructor(
    message: string,
    readonly failures: TaskFailure[],
    /** Every task's outcome, in task order: nothing computed is lost because another task failed. */
    readonly results: Settled<R>[],
    /** The kept work dir (logs, inputs, results), or undefined when it was removed. */
    readonly workDir: string | undefined,
  ) {
    super(message);
  }
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  const name = proto?.constructor?.name;
  return name && name !== 'Object' ? `an instance of ${name}` : 'an object';
}
