/**
 * LSF `bjobs`: the default table, `-o` columns (`-noheader`, `delimiter=`), `-o ... -json`,
 * `-a` (also jobs finished within CLEAN_PERIOD = keepFinished), `-d` (only those), `-p`, `-r`,
 * `-s`, `-u user|all`, `-J name`, ids (`4711`, `4711[3]`). Jobs LSF does not know: `Job <N> is not
 * found` (an ERROR record in JSON); exit 255 when no id given was valid.
 */
import { isActive, isLive } from '../../engine/jobs.js';
import type { State } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { currentUser } from '../common/environment.js';
import { OptionError, parseCommandLine, type OptionTable } from '../common/options.js';
import { FieldError, formatColumns, formatDefaultTable, formatJson, parseFormatSpec, type BjobsRow, type MissingRow } from './bjobs-format.js';
import { parseLsfId } from './job-ids.js';

const flag = { values: 0 } as const;
const one = { values: 1 } as const;
const OPTIONS: OptionTable = {
  '-a': flag, '-d': flag, '-p': flag, '-r': flag, '-s': flag, '-u': one, '-J': one, '-o': one, '-json': flag,
  '-noheader': flag, '-w': flag, '-W': flag, '-l': flag, '-q': one, '-X': flag, '-UF': flag, '-A': flag, '-hms': flag,
  '-m': one, '-P': one, '-G': one, '-g': one, '-x': flag,
};

function rowsOf(state: State, now: number, include: (row: BjobsRow) => boolean): BjobsRow[] {
  const keep = state.settings.keepFinished;
  return state.jobs.flatMap((job) => job.tasks.filter((task) => isLive(task, now, keep)).map((task) => ({ job, task }))).filter(include);
}

async function bjobs(io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(io.args, OPTIONS, 'exact');
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    io.err(`bjobs: illegal option -- ${error.option.replace(/^-/, '')}\nUsage: bjobs [-h] [-V] [-a] [-d] [-p] [-r] [-s] [-w | -l | -o "format" [-json]] [-noheader] [-u user_name | -u all] [-J job_name] [job_ID ...]\n`);
    return 255;
  }
  const has = (name: string) => parsed.options.some((o) => o.name === name);
  const value = (name: string) => parsed.options.filter((o) => o.name === name).pop()?.values[0];
  let spec;
  try {
    spec = value('-o') !== undefined ? parseFormatSpec(value('-o')!) : undefined;
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    io.err(`${error.message}\n`);
    return 255;
  }
  const state = await io.transact((s) => s);
  const now = Date.now();
  const missing: MissingRow[] = [];
  let rows: BjobsRow[];
  if (parsed.operands.length > 0) {
    rows = [];
    for (const text of parsed.operands) {
      const request = parseLsfId(text);
      const found = request
        ? rowsOf(state, now, (r) => r.job.id === request.id && (request.indices === null || (r.task.index !== null && request.indices.includes(r.task.index))))
        : [];
      if (found.length === 0) missing.push({ text });
      rows.push(...found);
    }
  } else {
    const user = value('-u');
    const owners = user === 'all' ? undefined : [user ?? currentUser().name];
    const name = value('-J');
    rows = rowsOf(state, now, (r) => (!owners || owners.includes(r.job.owner)) && (name === undefined || r.job.name === name) && (value('-q') === undefined || r.job.queue === value('-q')));
    if (has('-d')) rows = rows.filter((r) => !isActive(r.task));
    else if (!has('-a')) rows = rows.filter((r) => isActive(r.task));
    if (has('-p')) rows = rows.filter((r) => r.task.state === 'pending' || r.task.state === 'held');
    if (has('-r')) rows = rows.filter((r) => r.task.state === 'running');
    if (has('-s')) rows = rows.filter((r) => r.task.state === 'suspended' || r.task.state === 'held');
  }
  if (spec && has('-json')) io.out(formatJson(spec, rows, missing, state, now));
  else if (spec) io.out(formatColumns(spec, rows, state, now, !has('-noheader')));
  else io.out(formatDefaultTable(rows, state, now));
  if (!(spec && has('-json'))) for (const m of missing) io.err(`Job <${m.text}> is not found\n`);
  if (rows.length === 0 && missing.length === 0) {
    io.err(has('-d') ? 'No finished job found\n' : has('-a') ? 'No job found\n' : 'No unfinished job found\n');
  }
  return parsed.operands.length > 0 && rows.length === 0 ? 255 : 0;
}

export const bjobsCommand: CommandDef = { kind: 'status', run: bjobs };
