/**
 * LSF `bkill`: ids (`4711`, `"4711[3]"`), `0` (all own jobs), `-J name`, `-s SIGNAL` (signal
 * only), `-r` (remove at once). Per job: `Job <N> is being terminated`, `Job <N>: Job has already
 * finished`, `Job <N>: No matching job found` (the last two on stderr, exit 255).
 */
import { cancelTask } from '../../engine/cancel.js';
import { isActive, isKnown, isLive, isRunning } from '../../engine/jobs.js';
import { signalJob } from '../../engine/processes.js';
import type { Job, Task } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { currentUser } from '../common/environment.js';
import { OptionError, parseCommandLine, type OptionTable } from '../common/options.js';
import { parseLsfId } from './job-ids.js';

const OPTIONS: OptionTable = { '-J': { values: 1 }, '-s': { values: 1 }, '-r': { values: 0 }, '-u': { values: 1 }, '-q': { values: 1 }, '-b': { values: 0 } };

async function bkill(io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(io.args, OPTIONS, 'exact');
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    io.err(`bkill: illegal option -- ${error.option.replace(/^-/, '')}\nUsage: bkill [-h] [-V] [-r] [-s signal_value | signal_name] [-J job_name] [-u user_name | -u all] [0] [job_ID ...]\n`);
    return 255;
  }
  const value = (name: string) => parsed.options.filter((o) => o.name === name).pop()?.values[0];
  const signal = value('-s');
  const remove = parsed.options.some((o) => o.name === '-r');
  return io.transact((state, now) => {
    let exitCode = 0;
    const targets: { label: string; job: Job | undefined; tasks: Task[] }[] = [];
    const name = value('-J');
    const everything = parsed.operands.includes('0');
    if (name !== undefined || everything) {
      for (const job of state.jobs.filter((j) => j.owner === currentUser().name && (name === undefined || j.name === name) && j.tasks.some(isActive))) {
        targets.push({ label: String(job.id), job, tasks: job.tasks });
      }
      if (targets.length === 0) {
        io.err('No unfinished job found\n');
        return 255;
      }
    }
    for (const text of parsed.operands.filter((o) => o !== '0')) {
      const request = parseLsfId(text);
      const job = request ? state.jobs.find((j) => j.id === request.id) : undefined;
      const tasks = job?.tasks.filter((t) => isKnown(t) && (request!.indices === null || (t.index !== null && request!.indices.includes(t.index)))) ?? [];
      targets.push({ label: text, job, tasks });
    }
    for (const { label, job, tasks } of targets) {
      // LSF forgets finished jobs after CLEAN_PERIOD: then they are not found at all.
      const known = tasks.filter((t) => isLive(t, now, state.settings.keepFinished));
      if (!job || known.length === 0) {
        io.err(`Job <${label}>: No matching job found\n`);
        exitCode = 255;
        continue;
      }
      const active = known.filter(isActive);
      if (active.length === 0) {
        io.err(`Job <${label}>: Job has already finished\n`);
        exitCode = 255;
        continue;
      }
      for (const task of active) {
        if (signal !== undefined) {
          if (isRunning(task)) signalJob(task.pid, (signal.toUpperCase().startsWith('SIG') ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`) as NodeJS.Signals);
          continue;
        }
        if (remove && isRunning(task)) {
          // -r: LSF forgets the job at once instead of waiting for the process to go.
          signalJob(task.pid, 'SIGKILL');
          Object.assign(task, { state: 'finished', outcome: 'cancelled', signal: 'SIGKILL', exitCode: null, endTime: now });
        } else {
          cancelTask(state, job, task, now);
        }
      }
      io.out(signal !== undefined ? `Job <${label}> is being signaled\n` : `Job <${label}> is being terminated\n`);
    }
    return exitCode;
  });
}

export const bkillCommand: CommandDef = { kind: 'other', run: bkill };
