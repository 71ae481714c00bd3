/**
 * Reading the job script a submit command names, as every scheduler does at submit time (they
 * spool a copy, so later edits to the file do not reach the job). Each front words the failure
 * its own way, so the caller says how.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { CommandIO } from './command.js';

export interface SubmittedScript {
  content: string;
  mode: number;
  /** The file's base name (a job's default name), or `STDIN`. */
  name: string;
  /** Absolute path, or null when the script came from standard input. */
  path: string | null;
}

/**
 * The script at `path` (relative to the command's cwd), or standard input when `path` is
 * undefined. `unreadable(reason)` builds the front's error; reason is the system's wording.
 */
export async function readSubmittedScript(
  io: CommandIO,
  path: string | undefined,
  unreadable: (reason: string) => Error,
  stdinMode = 0o644,
): Promise<SubmittedScript> {
  if (path === undefined) return { content: await io.readStdin(), mode: stdinMode, name: 'STDIN', path: null };
  const absolute = resolve(io.cwd, path);
  try {
    const [content, info] = await Promise.all([readFile(absolute, 'utf8'), stat(absolute)]);
    return { content, mode: info.mode, name: basename(path), path: absolute };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw unreadable(code === 'ENOENT' ? 'No such file or directory' : (error as Error).message);
  }
}
