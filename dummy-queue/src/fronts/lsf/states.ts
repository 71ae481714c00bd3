/**
 * Engine task states in LSF words (STAT, EXIT_CODE, EXIT_REASON). The persistent error state is
 * ZOMBI (LSF's "host unreachable" state, which never progresses by itself); held is PSUSP;
 * a failure before running is EXIT with TERM_ZOMBIE; a missing -cwd is TERM_CWD_NOTEXIST.
 */
import type { Task } from '../../engine/types.js';
import { signalNumber } from '../common/signals.js';

export interface LsfStatus {
  stat: string;
  exitCode: string;
  exitReason: string;
}

export function lsfStatus(task: Task): LsfStatus {
  switch (task.state) {
    case 'pending':
      return { stat: 'PEND', exitCode: '', exitReason: '' };
    case 'held':
      return { stat: 'PSUSP', exitCode: '', exitReason: '' };
    case 'error':
      return { stat: 'ZOMBI', exitCode: '', exitReason: '' };
    case 'running':
      return { stat: 'RUN', exitCode: '', exitReason: '' };
    case 'suspended':
      return { stat: 'SSUSP', exitCode: '', exitReason: '' };
    default:
      break;
  }
  switch (task.outcome) {
    case 'exited':
      return task.exitCode === 0
        ? { stat: 'DONE', exitCode: '', exitReason: '' }
        : { stat: 'EXIT', exitCode: String(task.exitCode ?? 1), exitReason: '' };
    case 'cancelled':
      return { stat: 'EXIT', exitCode: task.signal ? String(128 + signalNumber(task.signal)) : '', exitReason: 'TERM_OWNER: job killed by owner' };
    case 'killed':
      return { stat: 'EXIT', exitCode: String(128 + signalNumber(task.signal)), exitReason: 'TERM_EXTERNAL_SIGNAL: job killed by a signal external to LSF' };
    case 'limit':
      // LSF's own kills at -M and -W (its kill sequence starts with SIGINT; the run limit warns with SIGUSR2).
      return task.limit === 'walltime'
        ? { stat: 'EXIT', exitCode: '140', exitReason: 'TERM_RUNLIMIT: job killed after reaching LSF run time limit' }
        : { stat: 'EXIT', exitCode: '130', exitReason: 'TERM_MEMLIMIT: job killed after reaching LSF memory usage limit' };
    default:
      if (task.message?.startsWith("can't chdir")) return { stat: 'EXIT', exitCode: '', exitReason: 'TERM_CWD_NOTEXIST: current working directory not accessible or does not exist on the execution host' };
      return { stat: 'EXIT', exitCode: '', exitReason: 'TERM_ZOMBIE: job exited while LSF is not available' };
  }
}
