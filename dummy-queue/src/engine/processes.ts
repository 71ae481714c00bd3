/** Small process helpers shared by the lock, the dispatcher and `dummyq stop`. */
import { readFileSync } from 'node:fs';

/**
 * Linux: a zombie (state Z) has exited but not been reaped yet. Containers whose PID 1 reaps late
 * keep dead detached processes in that state for a while, and kill(pid, 0) still succeeds on them.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the command name, which is in parentheses and may contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (macOS) or the process is gone: kill() decides
  }
}

/** True if a process with this pid exists and is not a zombie we could never reap. */
export function isProcessAlive(pid: number | undefined): boolean {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Sends a signal to a job's whole process group (jobs are started as group leaders), falling
 * back to the single process: a job script's children must die with it, as under a scheduler.
 */
export function signalJob(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
