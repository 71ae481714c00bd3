/**
 * bjobs output, pure: the default table, `-o "field[:[-]width] ... delimiter='^'"` columns (with
 * or without header), and `-o ... -json`. Each row is one job or one array element; elements
 * share JOBID and differ in JOBINDEX.
 */
import type { Job, State, Task } from '../../engine/types.js';
import { monthDayClock } from '../common/time-format.js';
import { lsfAttributes } from './attributes.js';
import { lsfStatus } from './states.js';

export interface BjobsRow {
  job: Job;
  task: Task;
}

/** An id bjobs was asked about and does not know: a row with an ERROR field in JSON. */
export interface MissingRow {
  text: string;
}

type Render = (row: BjobsRow, state: State, now: number) => string;

function elementName(row: BjobsRow): string {
  return row.task.index === null ? row.job.name : `${row.job.name}[${row.task.index}]`;
}

const started = (t: Task) => t.startTime !== undefined && t.outcome !== 'failed';

const FIELDS: Record<string, Render> = {
  jobid: (r) => String(r.job.id),
  jobindex: (r) => String(r.task.index ?? 0),
  stat: (r) => lsfStatus(r.task).stat,
  user: (r) => r.job.owner,
  user_group: () => '',
  queue: (r) => r.job.queue,
  job_name: elementName,
  job_description: () => '',
  proj_name: (r) => lsfAttributes(r.job).project,
  application: () => '',
  job_group: () => '',
  job_priority: () => '',
  dependency: () => '',
  command: (r) => lsfAttributes(r.job).command,
  pids: (r) => (r.task.state === 'running' || r.task.state === 'suspended' ? String(r.task.pid ?? '') : ''),
  exit_code: (r) => lsfStatus(r.task).exitCode,
  exit_reason: (r) => lsfStatus(r.task).exitReason,
  pend_reason: (r) =>
    r.task.state === 'pending' ? 'New job is waiting for scheduling;' : r.task.state === 'held' ? 'The job was suspended by the user while pending;' : '',
  from_host: (r) => lsfAttributes(r.job).submitHost,
  exec_host: (r, s) => (started(r.task) ? s.settings.hostname : ''),
  first_host: (r, s) => (started(r.task) ? s.settings.hostname : ''),
  submit_time: (r) => monthDayClock(r.job.submitTime),
  start_time: (r) => (started(r.task) ? monthDayClock(r.task.startTime!) : ''),
  finish_time: (r) => (r.task.endTime !== undefined ? `${monthDayClock(r.task.endTime)} L` : ''),
  run_time: (r, _s, now) => `${started(r.task) ? Math.round(((r.task.endTime ?? now) - r.task.startTime!) / 1000) : 0} second(s)`,
  cpu_used: () => '00:00:00',
  slots: (r) => String(lsfAttributes(r.job).slots),
  nreq_slot: (r) => String(lsfAttributes(r.job).slots),
  alloc_slot: (r, s) => (started(r.task) ? `${lsfAttributes(r.job).slots}*${s.settings.hostname}` : ''),
  mem: () => '',
  max_mem: () => '',
  memlimit: (r) => lsfAttributes(r.job).memLimit ?? '',
  runtimelimit: (r) => (lsfAttributes(r.job).runLimitMinutes !== undefined ? `${lsfAttributes(r.job).runLimitMinutes}.0 min` : ''),
  output_file: (r) => r.job.stdout ?? '',
  error_file: (r) => r.job.stderr ?? '',
  sub_cwd: (r) => r.job.submitDir,
  exec_cwd: (r) => (started(r.task) ? r.job.cwd : ''),
  exec_home: (r) => r.job.env.HOME ?? '',
  time_left: () => '',
  interactive: () => '',
};

const ALIASES: Record<string, string> = {
  id: 'jobid', st: 'stat', name: 'job_name', proj: 'proj_name', cmd: 'command', app: 'application',
  priority: 'job_priority', ugroup: 'user_group', from: 'from_host', exec_host: 'exec_host',
};

export interface Column {
  field: string;
  width?: number;
  right: boolean;
}

export interface FormatSpec {
  columns: Column[];
  delimiter: string;
}

export class FieldError extends Error {}

/** Parses `"jobid stat:5 exit_code:-3 delimiter='^'"`. */
export function parseFormatSpec(text: string): FormatSpec {
  const columns: Column[] = [];
  let delimiter = ' ';
  const delim = /delimiter=(['"])(.*?)\1/.exec(text);
  if (delim) delimiter = delim[2]!;
  for (const token of text.replace(/delimiter=(['"]).*?\1/, ' ').split(/\s+/).filter(Boolean)) {
    const [rawName, widthText] = token.split(':');
    const name = (rawName ?? '').toLowerCase();
    const field = ALIASES[name] ?? name;
    if (!FIELDS[field]) throw new FieldError(`${rawName}: Illegal field name.`);
    const right = widthText?.startsWith('-') ?? false;
    const width = widthText ? Number.parseInt(widthText.replace('-', ''), 10) : undefined;
    columns.push({ field, right, ...(width !== undefined && !Number.isNaN(width) ? { width } : {}) });
  }
  return { columns, delimiter };
}

function fit(value: string, column: Column): string {
  if (column.width === undefined) return value;
  // JOB_NAME keeps its end (`*me[3]`); other fields lose theirs.
  const cut = value.length <= column.width ? value : column.field === 'job_name' ? `*${value.slice(value.length - column.width + 1)}` : value.slice(0, column.width);
  return column.right ? cut.padStart(column.width) : cut.padEnd(column.width);
}

export function formatColumns(spec: FormatSpec, rows: readonly BjobsRow[], state: State, now: number, header: boolean): string {
  const lines: string[] = [];
  if (header) lines.push(spec.columns.map((c) => fit(c.field.toUpperCase(), c)).join(spec.delimiter));
  for (const row of rows) {
    // Empty values show as `-` in text output.
    lines.push(spec.columns.map((c) => fit(FIELDS[c.field]!(row, state, now) || '-', c)).join(spec.delimiter));
  }
  return lines.map((l) => `${l}\n`).join('');
}

export function formatJson(spec: FormatSpec, rows: readonly BjobsRow[], missing: readonly MissingRow[], state: State, now: number): string {
  const records = [
    ...rows.map((row) => spec.columns.map((c) => `      ${JSON.stringify(c.field.toUpperCase())}:${JSON.stringify(FIELDS[c.field]!(row, state, now))}`)),
    ...missing.map((m) => [`      "JOBID":${JSON.stringify(m.text)}`, `      "ERROR":${JSON.stringify(`Job <${m.text}> is not found`)}`]),
  ];
  const body = records.map((fields) => `    {\n${fields.join(',\n')}\n    }`).join(',\n');
  return `{\n  "COMMAND":"bjobs",\n  "JOBS":${records.length},\n  "RECORDS":[\n${body}${body ? '\n' : ''}  ]\n}\n`;
}

/** The default table (`JOBID USER STAT QUEUE FROM_HOST EXEC_HOST JOB_NAME SUBMIT_TIME`). */
export function formatDefaultTable(rows: readonly BjobsRow[], state: State, now: number): string {
  if (rows.length === 0) return '';
  const cols: [string, number][] = [['jobid', 7], ['user', 7], ['stat', 5], ['queue', 10], ['from_host', 11], ['exec_host', 11], ['job_name', 10], ['submit_time', 0]];
  const cell = (text: string, width: number, field: string) => (width === 0 ? text : fit(text, { field, width, right: false }));
  const head = 'JOBID   USER    STAT  QUEUE      FROM_HOST   EXEC_HOST   JOB_NAME   SUBMIT_TIME\n';
  return head + rows.map((row) => `${cols.map(([field, width]) => cell(FIELDS[field]!(row, state, now), width, field)).join(' ')}\n`).join('');
}
