/**
 * Starting one task's process the way an execution daemon would: in its working directory, with
 * the environment the front computed, stdout/stderr to files, stdin from /dev/null, as the leader
 * of its own process group (so a cancel reaches the script's children too).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Job, LimitResource, State, Task } from './types.js';

export interface LaunchSpec {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** Output file, or null for /dev/null. */
  stdout: string | null;
  /** Error file, or null for /dev/null; ignored when join is set. */
  stderr: string | null;
  join: boolean;
  /** Append to existing files (SGE, LSF -o) instead of truncating them. */
  append: boolean;
  /** A per-task scratch directory (TMPDIR) to create before the start and delete after the end. */
  scratchDir?: string;
  /** Files to write before the start, e.g. PBS's node file inside the scratch directory. */
  files?: { path: string; content: string }[];
  /**
   * Files and folders to copy in before the start (HTCondor's input transfer into the scratch
   * directory); one that cannot be copied fails the start with the cause 'transfer-in'.
   */
  inputs?: { from: string; to: string }[];
  /**
   * Run once the process has ended by itself (not when cancelled), before the scratch directory
   * is deleted: HTCondor's output transfer. Returns what failed, if anything (the job is held).
   */
  collect?: () => string | undefined;
}

export interface LaunchContext {
  state: State;
  /** A directory private to this state file under which scratch directories may be made. */
  scratchRoot: string;
}

export interface Launcher {
  /** The command, environment and files of one task, per the scheduler's rules. */
  spec(job: Job, task: Task, context: LaunchContext): LaunchSpec;
  /** What a task whose launch fails (missing directory, unwritable output) becomes. */
  onLaunchFailure: 'error' | 'fail';
  /**
   * Signals a cancel sends first; SIGKILL follows after `killGrace` seconds if the process is
   * still there. Most schedulers send SIGTERM; SGE kills at once with SIGKILL.
   */
  cancelSignals: readonly NodeJS.Signals[];
  /**
   * A cancelled task still shows as running/being deleted for the `cancelLinger` setting's
   * seconds after its process is gone (SGE's execd reports the end on its next cycle: `dr` stays
   * visible about a second).
   */
  lingersAfterCancel?: boolean;
  /**
   * Limits at which the scheduler holds the job instead of ending it (limit fault): HTCondor
   * holds a job over its memory request (HoldReasonCode 34).
   */
  limitHolds?: readonly LimitResource[];
}

/** True for files the kernel can exec: a `#!` script or an ELF binary. */
function isExecFormat(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const read = readSync(fd, head, 0, 4, 0);
    return (read >= 2 && head.toString('latin1', 0, 2) === '#!') || (read === 4 && head.toString('latin1') === '\x7fELF');
  } finally {
    closeSync(fd);
  }
}

/**
 * The command line of a job: a spooled script runs directly if it has a `#!` line (or is a
 * binary) and is executable (what unix_behavior shells and most schedulers do), otherwise
 * through /bin/sh; a job without a spooled file runs its first argument as the command.
 */
export function defaultArgv(job: Job): string[] {
  if (job.script === null) return [...job.args];
  const executable = (statSync(job.script).mode & 0o111) !== 0;
  return executable && isExecFormat(job.script) ? [job.script, ...job.args] : ['/bin/sh', job.script, ...job.args];
}

export type StartResult = { child: ChildProcess } | { failure: string; cause?: 'transfer-in' };

function openOutput(path: string | null, append: boolean): number {
  return openSync(path ?? '/dev/null', path === null ? 'w' : append ? 'a' : 'w');
}

/** Copies the inputs in; the first that fails, in the words of HTCondor's hold reason. */
function copyInputs(spec: LaunchSpec): string | undefined {
  for (const { from, to } of spec.inputs ?? []) {
    try {
      cpSync(from, to, { recursive: true, dereference: true });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return `reading from file ${from}: (errno ${e.errno === undefined ? '?' : Math.abs(e.errno)}) ${e.code === 'ENOENT' ? 'No such file or directory' : e.message}`;
    }
  }
  return undefined;
}

export function startProcess(spec: LaunchSpec): StartResult {
  // A job that runs in its scratch directory (HTCondor file transfer) needs it before the check.
  if (spec.scratchDir !== undefined && spec.cwd === spec.scratchDir) mkdirSync(spec.scratchDir, { recursive: true, mode: 0o700 });
  try {
    if (!statSync(spec.cwd).isDirectory()) return { failure: `can't chdir to ${spec.cwd}: Not a directory` };
  } catch {
    return { failure: `can't chdir to ${spec.cwd}: No such file or directory` };
  }
  const opened: number[] = [];
  try {
    let out: number;
    let err: number;
    try {
      out = openOutput(spec.stdout, spec.append);
      opened.push(out);
      err = spec.join ? out : openOutput(spec.stderr, spec.append);
      if (!spec.join) opened.push(err);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return { failure: `can't open output file "${e.path ?? spec.stdout}": ${e.code === 'ENOENT' ? 'No such file or directory' : e.message}` };
    }
    const [command, ...args] = spec.argv;
    try {
      if (spec.scratchDir) mkdirSync(spec.scratchDir, { recursive: true, mode: 0o700 });
      for (const file of spec.files ?? []) writeFileSync(file.path, file.content);
      const copyFailure = copyInputs(spec);
      if (copyFailure) {
        if (spec.scratchDir) rmSync(spec.scratchDir, { recursive: true, force: true });
        return { failure: copyFailure, cause: 'transfer-in' };
      }
      const child = spawn(command!, args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', out, err], detached: true });
      return { child };
    } catch (error) {
      // Nothing runs, so nothing would delete the scratch directory later.
      try {
        if (spec.scratchDir) rmSync(spec.scratchDir, { recursive: true, force: true });
      } catch {
        // left behind; the failure below is what matters
      }
      return { failure: `can't start ${command}: ${(error as Error).message}` };
    }
  } finally {
    for (const fd of opened) closeSync(fd);
  }
}
