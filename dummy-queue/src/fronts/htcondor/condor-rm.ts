/**
 * `condor_rm`: clusters (`All jobs in cluster C have been marked for removal`), procs (`Job C.P
 * marked for removal`), owners, `-all`, `-constraint`. Removed jobs show JobStatus 3 until their
 * process is gone (and a moment longer), then leave the queue for the history.
 */
import { cancelTask } from '../../engine/cancel.js';
import { isActive } from '../../engine/jobs.js';
import type { Job, State, Task } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { currentUser } from '../common/environment.js';
import { procId } from './attributes.js';
import { evaluateConstraint } from './classad.js';
import { jobAd } from './job-ad.js';

function removeAll(state: State, now: number, pick: (job: Job, task: Task) => boolean): number {
  let removed = 0;
  for (const job of state.jobs) {
    for (const task of job.tasks) {
      if (!isActive(task) || task.cancelRequestedAt !== undefined || !pick(job, task)) continue;
      cancelTask(state, job, task, now);
      removed++;
    }
  }
  return removed;
}

async function condorRm(io: CommandIO): Promise<number> {
  const me = currentUser().name;
  return io.transact((state, now) => {
    let exitCode = 0;
    const args = [...io.args];
    if (args.length === 0) {
      io.err('Usage: condor_rm [options] [constraints]\n  where [options] is zero or more of -all, -constraint, -forcex\n');
      return 1;
    }
    while (args.length > 0) {
      const word = args.shift()!;
      if (word === '-forcex' || word === '-f') continue;
      if (word === '-all' || word === '-a') {
        removeAll(state, now, (job) => job.owner === me);
        io.out('All jobs have been marked for removal\n');
        continue;
      }
      if (word.startsWith('-const')) {
        const expr = args.shift() ?? '';
        const count = removeAll(state, now, (job, task) => evaluateConstraint(expr, jobAd(job, task, state, now)));
        if (count > 0) io.out(`All jobs matching constraint (${expr}) have been marked for removal\n`);
        else {
          io.err(`Couldn't find/remove all jobs matching constraint (${expr})\n`);
          exitCode = 1;
        }
        continue;
      }
      const ref = /^(\d+)(?:\.(\d+))?$/.exec(word);
      if (!ref) {
        const count = removeAll(state, now, (job) => job.owner === word);
        if (count > 0) io.out(`All jobs of user "${word}" have been marked for removal\n`);
        else {
          io.err(`Couldn't find/remove all of user ${word}'s job(s)\n`);
          exitCode = 1;
        }
        continue;
      }
      const cluster = Number(ref[1]);
      const proc = ref[2] === undefined ? undefined : Number(ref[2]);
      const count = removeAll(state, now, (job, task) => job.id === cluster && (proc === undefined || procId(task.index) === proc));
      if (count === 0) {
        io.err(proc === undefined ? `Couldn't find/remove all jobs in cluster ${cluster}\n` : `Job ${cluster}.${proc} not found\n`);
        exitCode = 1;
      } else {
        io.out(proc === undefined ? `All jobs in cluster ${cluster} have been marked for removal\n` : `Job ${cluster}.${proc} marked for removal\n`);
      }
    }
    return exitCode;
  });
}

export const condorRmCommand: CommandDef = { kind: 'other', run: condorRm };
