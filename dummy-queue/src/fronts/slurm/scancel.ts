/**
 * Slurm `scancel`: ids (`12`, `12_3`, `12_[1-3]`, a task's own id), `--name`, `--user`, `--state`,
 * `--signal` (deliver a signal without cancelling). Silent, and exit 0 even for unknown or
 * finished jobs, as the real one; `-v` prints what it did and the errors on stderr.
 */
import { cancelTask } from '../../engine/cancel.js';
import { isActive, isKnown, isRunning } from '../../engine/jobs.js';
import { signalJob } from '../../engine/processes.js';
import type { Job, Task } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { currentUser } from '../common/environment.js';
import { allValues, hasOption, lastValue, parseCommandLine, type OptionTable } from '../common/options.js';
import { slurmOptionError } from './errors.js';
import { parseJobSelector, selectTasks, splitJobList } from './records.js';
import { slurmStatus, stateFromCompact } from './states.js';

const OPTIONS: OptionTable = {
  '-n': { values: 1 }, '--name': { values: 1 }, '--jobname': { values: 1 }, '-u': { values: 1 }, '--user': { values: 1 },
  '--me': { values: 0 }, '-t': { values: 1 }, '--state': { values: 1 }, '-s': { values: 1 }, '--signal': { values: 1 },
  '-v': { values: 0 }, '--verbose': { values: 0 }, '-Q': { values: 0 }, '--quiet': { values: 0 }, '-b': { values: 0 },
  '--batch': { values: 0 }, '-f': { values: 0 }, '--full': { values: 0 }, '-p': { values: 1 }, '--partition': { values: 1 },
  '-A': { values: 1 }, '--account': { values: 1 }, '-M': { values: 1 }, '--clusters': { values: 1 },
};

function normalizeSignal(text: string): NodeJS.Signals {
  const upper = text.toUpperCase();
  return (upper.startsWith('SIG') ? upper : `SIG${upper}`) as NodeJS.Signals;
}

async function scancel(io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(io.args, OPTIONS, 'gnu');
  } catch (error) {
    return slurmOptionError(io, 'scancel', error);
  }
  const verbose = hasOption(parsed, '-v', '--verbose');
  const names = allValues(parsed, '-n', '--name', '--jobname');
  const users = hasOption(parsed, '--me') ? [currentUser().name] : allValues(parsed, '-u', '--user');
  const stateFilter = lastValue(parsed, '-t', '--state')?.split(',').map(stateFromCompact);
  const signal = lastValue(parsed, '-s', '--signal');
  const words = parsed.operands.flatMap(splitJobList);
  if (words.length === 0 && names.length === 0 && users.length === 0) {
    io.err('scancel: error: No job identification provided\n');
    return 1;
  }
  await io.transact((state, now) => {
    const targets: { label: string; matches: { job: Job; tasks: Task[] }[] }[] = words.map((word) => {
      const selector = parseJobSelector(word);
      return { label: word, matches: selector ? selectTasks(state, selector) : [] };
    });
    if (names.length > 0 || users.length > 0) {
      const matches = state.jobs
        .filter((job) => (names.length === 0 || names.includes(job.name)) && (users.length === 0 || users.includes(job.owner)))
        .map((job) => ({ job, tasks: job.tasks }));
      targets.push(...matches.map((m) => ({ label: String(m.job.id), matches: [m] })));
    }
    for (const { label, matches } of targets) {
      const tasks = matches.flatMap((m) => m.tasks.filter(isKnown).map((task) => ({ job: m.job, task })));
      const chosen = tasks.filter(({ job, task }) => !stateFilter || stateFilter.includes(slurmStatus(state, job, task).state));
      if (verbose) io.err(`scancel: Terminating job ${label}\n`);
      if (tasks.length === 0) {
        if (verbose) io.err(`scancel: error: Kill job error on job id ${label}: Invalid job id specified\n`);
        continue;
      }
      if (!chosen.some(({ task }) => isActive(task))) {
        if (verbose) io.err(`scancel: error: Kill job error on job id ${label}: Job/step already completing or completed\n`);
        continue;
      }
      for (const { job, task } of chosen) {
        if (signal !== undefined) {
          if (isRunning(task)) signalJob(task.pid, normalizeSignal(signal));
        } else {
          cancelTask(state, job, task, now);
        }
      }
    }
  });
  return 0;
}

export const scancelCommand: CommandDef = { kind: 'other', run: scancel };
