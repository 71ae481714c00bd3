/**
 * Slurm `sacct` as with slurmdbd: every job the cluster ever ran (also after MinJobAge), array
 * tasks as `12_3`, a `.batch` step line per started task unless `-X`, `CANCELLED by UID` on job
 * lines. `--parsable2`/`--parsable`, `--noheader`, `--format`, `--jobs`, `--state`, `--name`,
 * `--allusers`. With the `accounting` setting off it fails like a cluster without slurmdbd.
 * Finished jobs show their final state only `historyLag` seconds after the end.
 */
import { isKnown, isInHistory } from '../../engine/jobs.js';
import { ownJobId } from '../../engine/task-ids.js';
import type { Job, State, Task } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { currentUser } from '../common/environment.js';
import { allValues, hasOption, lastValue, parseCommandLine, type OptionTable } from '../common/options.js';
import { signalNumber } from '../common/signals.js';
import { hms, isoLocal } from '../common/time-format.js';
import { slurmAttributes } from './attributes.js';
import { slurmOptionError } from './errors.js';
import { parseJobSelector, selectTasks, splitJobList } from './records.js';
import { slurmStatus, stateFromCompact, type SlurmStatus } from './states.js';
import { formatTimeLimit } from './time-limit.js';

const OPTIONS: OptionTable = {
  '-P': { values: 0 }, '--parsable2': { values: 0 }, '-p': { values: 0 }, '--parsable': { values: 0 },
  '-n': { values: 0 }, '--noheader': { values: 0 }, '-X': { values: 0 }, '--allocations': { values: 0 },
  '-o': { values: 1 }, '--format': { values: 1 }, '-j': { values: 1 }, '--jobs': { values: 1 },
  '-s': { values: 1 }, '--state': { values: 1 }, '--name': { values: 1 }, '-a': { values: 0 }, '--allusers': { values: 0 },
  '-u': { values: 1 }, '--user': { values: 1 }, '-S': { values: 1 }, '--starttime': { values: 1 }, '-E': { values: 1 },
  '--endtime': { values: 1 }, '-D': { values: 0 }, '--duplicates': { values: 0 }, '-b': { values: 0 }, '--brief': { values: 0 },
  '-L': { values: 0 }, '--allclusters': { values: 0 }, '-r': { values: 1 }, '--partition': { values: 1 },
  '-T': { values: 0 }, '--truncate': { values: 0 }, '-c': { values: 0 }, '--completion': { values: 0 },
};

const DEFAULT_FORMAT = 'JobID,JobName,Partition,Account,AllocCPUS,State,ExitCode';
const BRIEF_FORMAT = 'JobID,State,ExitCode';

/** One line of output: a job (or array task) allocation, or its batch step. */
interface Row {
  job: Job;
  task: Task;
  step: boolean;
  status: SlurmStatus;
}

type Render = (row: Row, state: State) => string;

const started = (task: Task) => task.startTime !== undefined && task.outcome !== 'failed';
const jobLabel = (r: Row) => (r.job.array && r.task.index !== null ? `${r.job.id}_${r.task.index}` : String(r.job.id));
const elapsedSeconds = (r: Row) => (started(r.task) ? Math.round(((r.task.endTime ?? Date.now()) - r.task.startTime!) / 1000) : 0);

const FIELDS: Record<string, { width: number; render: Render }> = {
  jobid: { width: 12, render: (r) => `${jobLabel(r)}${r.step ? '.batch' : ''}` },
  jobidraw: { width: 12, render: (r) => `${ownJobId(r.job, r.task)}${r.step ? '.batch' : ''}` },
  jobname: { width: 10, render: (r) => (r.step ? 'batch' : r.job.name) },
  partition: { width: 10, render: (r) => (r.step ? '' : slurmAttributes(r.job).partition) },
  account: { width: 10, render: (r) => slurmAttributes(r.job).account ?? r.job.owner },
  alloccpus: { width: 10, render: (r) => String(started(r.task) || r.step ? slurmAttributes(r.job).cpusPerTask * slurmAttributes(r.job).ntasks : 0) },
  ncpus: { width: 10, render: (r) => String(slurmAttributes(r.job).cpusPerTask * slurmAttributes(r.job).ntasks) },
  state: { width: 10, render: (r) => r.status.state },
  exitcode: { width: 8, render: (r) => r.status.exitCode },
  derivedexitcode: { width: 10, render: () => '0:0' },
  reason: { width: 10, render: (r) => r.status.reason },
  submit: { width: 19, render: (r) => isoLocal(r.job.submitTime) },
  eligible: { width: 19, render: (r) => isoLocal(r.job.submitTime) },
  start: { width: 19, render: (r) => (started(r.task) ? isoLocal(r.task.startTime!) : 'Unknown') },
  end: { width: 19, render: (r) => (r.task.endTime !== undefined && r.status.state !== 'RUNNING' ? isoLocal(r.task.endTime) : 'Unknown') },
  elapsed: { width: 10, render: (r) => hms(elapsedSeconds(r)) },
  elapsedraw: { width: 10, render: (r) => String(elapsedSeconds(r)) },
  cputime: { width: 10, render: (r) => hms(elapsedSeconds(r)) },
  totalcpu: { width: 10, render: () => '00:00:00' },
  nodelist: { width: 15, render: (r, s) => (started(r.task) ? s.settings.hostname : 'None assigned') },
  nnodes: { width: 8, render: () => '1' },
  user: { width: 9, render: (r) => (r.step ? '' : r.job.owner) },
  uid: { width: 6, render: (r) => String(slurmAttributes(r.job).uid) },
  group: { width: 9, render: (r) => r.job.owner },
  gid: { width: 6, render: (r) => String(slurmAttributes(r.job).gid) },
  timelimit: { width: 10, render: (r) => (r.step ? '' : formatTimeLimit(slurmAttributes(r.job).timeLimitMinutes)) },
  workdir: { width: 20, render: (r) => r.job.cwd },
  arrayjobid: { width: 12, render: (r) => (r.job.array ? String(r.job.id) : '') },
  arraytaskid: { width: 12, render: (r) => (r.job.array && r.task.index !== null ? String(r.task.index) : '') },
  cluster: { width: 10, render: () => 'local' },
  qos: { width: 10, render: () => 'normal' },
  priority: { width: 10, render: (r) => String(4294901760 - r.job.id) },
  reqmem: { width: 10, render: (r) => slurmAttributes(r.job).memory ?? '1G' },
  reqcpus: { width: 8, render: (r) => String(slurmAttributes(r.job).cpusPerTask * slurmAttributes(r.job).ntasks) },
  maxrss: { width: 10, render: () => '' },
  comment: { width: 10, render: () => '' },
};

/** The job line's state: CANCELLED carries the canceller's uid; within historyLag the old state. */
function jobStatus(state: State, job: Job, task: Task, now: number): SlurmStatus {
  if (task.state === 'finished' && !isInHistory(task, now, state.settings.historyLag)) {
    return { state: started(task) ? 'RUNNING' : 'PENDING', compact: '', reason: 'None', exitCode: '0:0' };
  }
  const status = slurmStatus(state, job, task);
  if (status.state === 'CANCELLED') return { ...status, state: `CANCELLED by ${currentUser().uid}`, exitCode: '0:0' };
  if (status.state === 'COMPLETING') return { ...status, state: 'RUNNING' };
  return status;
}

function stepStatus(task: Task, jobLine: SlurmStatus): SlurmStatus {
  if (task.state !== 'finished' || jobLine.state === 'RUNNING') return { ...jobLine, state: 'RUNNING', exitCode: '0:0' };
  if (task.outcome === 'exited') return { ...jobLine, state: task.exitCode === 0 ? 'COMPLETED' : 'FAILED' };
  // Over --mem the .batch step is OUT_OF_MEMORY 0:125 too; over --time it is CANCELLED 0:15.
  if (task.outcome === 'limit' && task.limit !== 'walltime') return jobLine;
  if (task.outcome === 'limit') return { ...jobLine, state: 'CANCELLED', exitCode: '0:15' };
  return { ...jobLine, state: 'CANCELLED', exitCode: `0:${signalNumber(task.signal)}` };
}

function rows(state: State, jobs: { job: Job; tasks: Task[] }[], withSteps: boolean, now: number): Row[] {
  const out: Row[] = [];
  for (const { job, tasks } of jobs) {
    for (const task of tasks.filter(isKnown)) {
      const status = jobStatus(state, job, task, now);
      out.push({ job, task, step: false, status });
      if (withSteps && started(task)) out.push({ job, task, step: true, status: stepStatus(task, status) });
    }
  }
  return out;
}

function fit(value: string, width: number, left: boolean): string {
  const cut = value.length > width ? `${value.slice(0, width - 1)}+` : value;
  return left ? cut.padEnd(width) : cut.padStart(width);
}

async function sacct(io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(io.args, OPTIONS, 'gnu');
  } catch (error) {
    return slurmOptionError(io, 'sacct', error);
  }
  const state = await io.transact((s) => s);
  if (!state.settings.accounting) {
    io.err('Slurm accounting storage is disabled\n');
    return 1;
  }
  const formatText = lastValue(parsed, '-o', '--format') ?? (hasOption(parsed, '-b', '--brief') ? BRIEF_FORMAT : DEFAULT_FORMAT);
  const columns: { name: string; key: string; width: number }[] = [];
  for (const item of formatText.split(',').map((f) => f.trim()).filter(Boolean)) {
    const [name, width] = item.split('%') as [string, string | undefined];
    const field = FIELDS[name.toLowerCase()];
    if (!field) {
      io.err(`sacct: error: Invalid field requested: "${name}"\n`);
      return 1;
    }
    columns.push({ name, key: name.toLowerCase(), width: width ? Number(width) : field.width });
  }
  const now = Date.now();
  const jobText = allValues(parsed, '-j', '--jobs').flatMap(splitJobList);
  let selected: { job: Job; tasks: Task[] }[];
  if (jobText.length > 0) {
    selected = jobText.flatMap((text) => {
      const selector = parseJobSelector(text);
      return selector ? selectTasks(state, selector) : [];
    });
  } else {
    const users = hasOption(parsed, '-a', '--allusers') ? undefined : allValues(parsed, '-u', '--user').flatMap((u) => u.split(','));
    const owners = users === undefined ? undefined : users.length > 0 ? users : [currentUser().name];
    selected = state.jobs.filter((job) => owners === undefined || owners.includes(job.owner)).map((job) => ({ job, tasks: job.tasks }));
  }
  const names = allValues(parsed, '--name').flatMap((n) => n.split(','));
  if (names.length > 0) selected = selected.filter((s) => names.includes(s.job.name));
  let lines = rows(state, selected, !hasOption(parsed, '-X', '--allocations'), now);
  const states = lastValue(parsed, '-s', '--state')?.split(',').map(stateFromCompact);
  if (states) lines = lines.filter((r) => states.includes(r.status.state.split(' ')[0]!));
  const render = (r: Row) => columns.map((c) => FIELDS[c.key]!.render(r, state));
  const parsable2 = hasOption(parsed, '-P', '--parsable2');
  const parsable = hasOption(parsed, '-p', '--parsable');
  const header = !hasOption(parsed, '-n', '--noheader');
  let text = '';
  if (parsable2 || parsable) {
    const join = (cells: string[]) => (parsable2 ? cells.join('|') : `${cells.join('|')}|`);
    if (header) text += `${join(columns.map((c) => c.name))}\n`;
    for (const r of lines) text += `${join(render(r))}\n`;
  } else {
    const join = (cells: string[]) => cells.map((cell, i) => `${fit(cell, columns[i]!.width, columns[i]!.key === 'jobid' || columns[i]!.key === 'jobidraw')} `).join('');
    if (header) {
      text += `${join(columns.map((c) => c.name))}\n`;
      text += `${columns.map((c) => `${'-'.repeat(c.width)} `).join('')}\n`;
    }
    for (const r of lines) text += `${join(render(r))}\n`;
  }
  io.out(text);
  return 0;
}

export const sacctCommand: CommandDef = { kind: 'status', run: sacct };
