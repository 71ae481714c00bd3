/**
 * Cancelling (qdel, scancel, bkill, condor_rm). A waiting task ends at once; a running one is
 * marked, and the dispatcher sends SIGTERM and, after `killGrace` seconds, SIGKILL, recording the
 * task as cancelled when the process is gone. Fronts turn the result into their own messages.
 */
import { detachTask } from './task-ids.js';
import type { Job, State, Task } from './types.js';

export type CancelResult =
  /** It was waiting (pending, held, error) and is now finished as cancelled. */
  | 'removed'
  /** It was running; the kill is under way. */
  | 'signalled'
  /** A kill had already been requested. */
  | 'already-cancelling'
  /** It had already finished. */
  | 'finished'
  /** Never known, or vanished without trace. */
  | 'unknown';

export function cancelTask(state: State, job: Job, task: Task, now: number): CancelResult {
  switch (task.state) {
    case 'pending':
    case 'held':
    case 'error':
      detachTask(state, job, task);
      task.state = 'finished';
      task.outcome = 'cancelled';
      task.endTime = now;
      task.exitCode = null;
      task.signal = null;
      return 'removed';
    case 'running':
    case 'suspended':
      if (task.cancelRequestedAt !== undefined) return 'already-cancelling';
      task.cancelRequestedAt = now;
      return 'signalled';
    case 'finished':
      return 'finished';
    case 'vanished':
      return 'unknown';
  }
}
