/**
 * What a map checks before it creates anything, so that a refusal leaves no run folder behind:
 * the tasks are iterable, workingDir is a folder (refused on the local flavor, a warning on the
 * others), and the work dir can be made where it is asked for (not under a file, on a read-only
 * file system, in /proc, or where the caller cannot write).
 */
import { access, constants, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { OptionError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';

/** statfs types of pseudo file systems, where a work dir cannot live (mkdir in /proc loops rather than fails). */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x62656570, 'configfs'],
  [0xcafe4a11, 'bpf'],
]);

export async function refuseBeforeCreating(options: ResolvedOptions, flavor: string, cwd: string, tasks: unknown): Promise<void> {
  if (!isIterable(tasks)) throw new OptionError('tasks', tasks, 'an array, an iterable or an async iterable of tasks');
  await checkWorkingDir(options.workingDir, flavor);
  if (options.workDir !== undefined) await checkFolderPlace('workDir', path.resolve(cwd, options.workDir));
  else await checkFolderPlace('workDir', path.join(cwd, '.qmr'), ' (by default ./.qmr in the current directory)');
}

function isIterable(tasks: unknown): boolean {
  if (tasks === null || tasks === undefined) return false;
  const t = tasks as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
  return typeof t[Symbol.iterator] === 'function' || typeof t[Symbol.asyncIterator] === 'function';
}

/**
 * The jobs start in workingDir: a missing one fails every job (spawn ENOENT locally, an error
 * state such as SGE's Eqw on a cluster). The local flavor's jobs run on this host, so a missing
 * one is refused. A cluster's nodes may have folders this host lacks (node-local scratch), so
 * there it is a warning, which says what the jobs will show if the nodes lack it too.
 */
async function checkWorkingDir(dir: string, flavor: string): Promise<void> {
  const stats = await stat(dir).catch((error: NodeJS.ErrnoException) => error);
  const allowed = 'an existing folder, the one the jobs start in (on the worker nodes too)';
  let problem: string | undefined;
  if (stats instanceof Error) problem = `it ${stats.code === 'ENOENT' ? 'does not exist' : `cannot be read (${stats.code})`}`;
  else if (!stats.isDirectory()) problem = 'it is a file';
  if (problem === undefined) return;
  if (flavor === 'local') throw new OptionError('workingDir', dir, `${allowed}; ${problem}`);
  process.emitWarning(
    `workingDir ${dir}: ${problem} on this host. If the worker nodes lack it too, every job fails to start in it ` +
      '(on SGE it stays in the error state Eqw, shown as held).',
    { code: 'QMR_WORKING_DIR_MISSING' },
  );
}

/**
 * Refuses a folder that cannot be made or written where it is asked for, naming the cause. The
 * nearest existing ancestor (or the folder itself) is what decides.
 */
export async function checkFolderPlace(option: string, folder: string, note = ''): Promise<void> {
  const allowed = `a folder you can create and write${note}`;
  let existing = folder;
  let stats = await stat(existing).catch(() => undefined);
  while (!stats && path.dirname(existing) !== existing) {
    existing = path.dirname(existing);
    stats = await stat(existing).catch(() => undefined);
  }
  if (!stats) return; // nothing to judge by: let mkdir say
  if (!stats.isDirectory()) {
    throw new OptionError(option, folder, existing === folder ? `${allowed}; it is a file` : `${allowed}; it is under ${existing}, which is a file`);
  }
  const fsType = await statfs(existing).then((s) => PSEUDO_FILE_SYSTEMS.get(s.type), () => undefined);
  if (fsType) throw new OptionError(option, folder, `${allowed}; ${existing} is on the ${fsType} pseudo file system, which holds no folders of yours`);
  try {
    await access(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EROFS'
      ? `${existing} is on a read-only file system (EROFS)`
      : `${existing} is not writable by you (${code}; owner uid ${stats.uid}, mode 0${(stats.mode & 0o7777).toString(8)})`;
    throw new OptionError(option, folder, `${allowed}; ${why}`);
  }
}
