/**
 * SGE `qdel`: ids (`64`, `63.2`, `63.2-4`, comma or space separated), job names, `-u user`,
 * `-t range`. Messages as captured from SGE 8.1.9: waiting jobs are deleted at once ("has deleted
 * job 64"), running ones are "registered for deletion" and show `dr` until their process is gone.
 * Unknown and finished jobs answer `denied: job "N" does not exist` on stdout with exit 1.
 */
import { cancelTask } from '../../engine/cancel.js';
import { isActive } from '../../engine/jobs.js';
import type { Job, State } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { currentUser } from '../common/environment.js';
import { OptionError, parseCommandLine, type OptionTable } from '../common/options.js';
import { formatTaskSet, parseTaskRange } from './task-range.js';

const QDEL_OPTIONS: OptionTable = { '-u': { values: 1 }, '-f': { values: 0 }, '-t': { values: 1 } };

interface Target {
  /** As typed, for the "does not exist" message. */
  text: string;
  job: Job | undefined;
  /** Task numbers, or null for the whole job. */
  tasks: number[] | null;
}

function taskNumber(index: number | null): number {
  return index ?? 1;
}

function resolveTargets(state: State, words: string[], taskRange: string | undefined): Target[] {
  const targets: Target[] = [];
  for (const text of words) {
    const match = /^(\d+)(?:\.(.+))?$/.exec(text);
    if (!match) {
      const named = state.jobs.filter((j) => j.name === text && j.tasks.some(isActive));
      if (named.length === 0) targets.push({ text, job: undefined, tasks: null });
      for (const job of named) targets.push({ text, job, tasks: null });
      continue;
    }
    const job = state.jobs.find((j) => j.id === Number(match[1]) && j.tasks.some(isActive));
    const range = match[2] ?? taskRange;
    const tasks = range === undefined ? null : (parseTaskRange(range)?.indices ?? []);
    targets.push({ text, job, tasks });
  }
  return targets;
}

function deleteWholeJob(state: State, job: Job, user: string, now: number): string[] {
  const results = job.tasks.filter(isActive).map((task) => ({ task, result: cancelTask(state, job, task, now) }));
  if (!job.array) {
    const result = results[0]?.result;
    if (result === 'signalled') return [`${user} has registered the job ${job.id} for deletion`];
    if (result === 'already-cancelling') return [`job ${job.id} is already in deletion`];
    return [`${user} has deleted job ${job.id}`];
  }
  const lines: string[] = [];
  if (results.some((r) => r.result === 'already-cancelling')) lines.push(`job ${job.id} is already in deletion`);
  for (const { task, result } of results) {
    if (result === 'signalled') lines.push(`${user} has registered the job-array task ${job.id}.${task.index} for deletion`);
  }
  if (results.some((r) => r.result === 'removed')) lines.push(`${user} has deleted job ${job.id}`);
  return lines;
}

function deleteTasks(state: State, target: Target & { job: Job; tasks: number[] }, user: string, now: number): string[] {
  const { job } = target;
  const chosen = job.tasks.filter((t) => isActive(t) && target.tasks.includes(taskNumber(t.index)));
  if (chosen.length === 0) return [`denied: job "${target.text}" does not exist`];
  const lines: string[] = [];
  const removed: number[] = [];
  for (const task of chosen) {
    const n = taskNumber(task.index);
    const result = cancelTask(state, job, task, now);
    if (result === 'signalled') lines.push(`${user} has registered the job-array task ${job.id}.${n} for deletion`);
    else if (result === 'already-cancelling') lines.push(`job-array task ${job.id}.${n} is already in deletion`);
    else if (result === 'removed') removed.push(n);
  }
  if (removed.length === 1) lines.push(`${user} has deleted job-array task ${job.id}.${removed[0]}`);
  if (removed.length > 1) lines.push(`${user} has deleted job-array tasks ${formatTaskSet(removed, job.array?.step ?? 1)} of job ${job.id}`);
  return lines;
}

async function qdel(io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(io.args, QDEL_OPTIONS, 'exact');
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    io.err(`error: ERROR! invalid option argument "${error.option}"\nUsage: qdel -help\n`);
    return 1;
  }
  const user = currentUser().name;
  const users = parsed.options.filter((o) => o.name === '-u').flatMap((o) => o.values[0]!.split(','));
  const taskRange = parsed.options.filter((o) => o.name === '-t').pop()?.values[0];
  const words = parsed.operands.flatMap((w) => w.split(',')).filter(Boolean);
  if (words.length === 0 && users.length === 0) {
    io.err('usage: qdel [options] job_task_list\n');
    return 1;
  }
  return io.transact((state, now) => {
    let exitCode = 0;
    const lines: string[] = [];
    for (const owner of users) {
      for (const job of state.jobs.filter((j) => (owner === '*' || j.owner === owner) && j.tasks.some(isActive))) {
        lines.push(...deleteWholeJob(state, job, user, now));
      }
    }
    for (const target of resolveTargets(state, words, taskRange)) {
      if (!target.job) {
        lines.push(`denied: job "${target.text}" does not exist`);
        exitCode = 1;
      } else if (target.tasks === null) {
        lines.push(...deleteWholeJob(state, target.job, user, now));
      } else {
        const out = deleteTasks(state, { ...target, job: target.job, tasks: target.tasks }, user, now);
        if (out[0]?.startsWith('denied')) exitCode = 1;
        lines.push(...out);
      }
    }
    io.out(lines.map((l) => `${l}\n`).join(''));
    return exitCode;
  });
}

export const qdelCommand: CommandDef = { kind: 'other', run: qdel };
