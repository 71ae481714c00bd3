/**
 * PBS `qstat`: the default table, `-f [ids]`, `-t` (subjobs), Torque `-x` (XML), PBS Pro `-x`
 * (include finished jobs), `-H` (finished only), `-F json`, `-J` (arrays only), `-u users`.
 * Unknown ids: `qstat: Unknown Job Id ID` and exit 153; PBS Pro finished jobs without -x:
 * `qstat: ID Job has finished, use -x or -H ...` and exit 35. `--version` names the dialect.
 */
import type { State } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { OptionError, parseCommandLine, type OptionTable, type ParsedCommandLine } from '../common/options.js';
import { hms } from '../common/time-format.js';
import type { PbsDialect } from './attributes.js';
import { callDialect } from './dialect.js';
import { entitiesOf, lookUp, type Entity, type ViewOptions } from './entities.js';
import { jobAttributes } from './job-attributes.js';
import { parsePbsId, serverSuffix } from './job-ids.js';
import { formatFull, formatProJson, formatTable, formatTorqueXml, type TableRow } from './qstat-printers.js';
import { parentStateLetter, taskStateLetter } from './states.js';

const flag = { values: 0 } as const;
const one = { values: 1 } as const;
const TABLES: Record<PbsDialect, OptionTable> = {
  torque: { '-f': flag, '-t': flag, '-x': flag, '-u': one, '-a': flag, '-n': flag, '-1': flag, '-r': flag, '-i': flag, '-e': flag, '-l': flag, '-s': flag, '-G': flag, '-M': flag, '-R': flag },
  pro: { '-f': flag, '-t': flag, '-x': flag, '-H': flag, '-F': one, '-J': flag, '-u': one, '-a': flag, '-n': flag, '-1': flag, '-w': flag, '-s': flag, '-T': flag, '-p': flag, '-i': flag, '-r': flag, '-E': flag },
};

const USAGE = 'usage: \n\tqstat [-f] [-J] [-p] [-t] [-x] [-E] [-F format] [-D delim] [ job_identifier... | destination... ]\n';

function timeUse(entity: Entity, now: number): string {
  const task = entity.task;
  if (!task || task.startTime === undefined || task.outcome === 'failed') return entity.kind === 'parent' ? '--' : '0';
  return hms(((task.endTime ?? now) - task.startTime) / 1000);
}

function row(entity: Entity, dialect: PbsDialect, now: number): TableRow {
  const state = entity.kind === 'parent' ? parentStateLetter(entity.job, dialect) : taskStateLetter(entity.task!, dialect, entity.kind === 'subjob');
  return { id: entity.id, name: entity.job.name, user: entity.job.owner, timeUse: timeUse(entity, now), state, queue: entity.job.queue };
}

function canonical(text: string, state: State, dialect: PbsDialect): string {
  return text.includes('.') ? text : `${text}${serverSuffix(state.settings, dialect)}`;
}

async function qstat(io: CommandIO): Promise<number> {
  const snapshotState = await io.transact((s) => s);
  const dialect = callDialect(snapshotState, io.env);
  if (io.args[0] === '--version') {
    // What clients run to tell the PBS kinds apart.
    io.out(dialect === 'pro' ? 'pbs_version = 2022.1.1\n' : 'Version: 6.1.3\nCommit: dummy-queue\n');
    return 0;
  }
  let parsed: ParsedCommandLine;
  try {
    parsed = parseCommandLine(io.args, TABLES[dialect], 'getopt');
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    io.err(`qstat: invalid option -- '${error.option.slice(1, 2)}'\n${USAGE}`);
    return 2;
  }
  const has = (name: string) => parsed.options.some((o) => o.name === name);
  const value = (name: string) => parsed.options.filter((o) => o.name === name).pop()?.values[0];
  const now = Date.now();
  const state = snapshotState;
  const view: ViewOptions = { dialect, history: dialect === 'pro' && (has('-x') || has('-H')), now };
  const withSubjobs = has('-t');
  const errors: string[] = [];
  let exitCode = 0;
  let entities: Entity[] = [];
  const ids = parsed.operands.filter((o) => parsePbsId(o) !== undefined);
  const queues = parsed.operands.filter((o) => parsePbsId(o) === undefined);
  if (ids.length > 0) {
    for (const text of ids) {
      const found = lookUp(state, parsePbsId(text)!, view, withSubjobs);
      if ('entities' in found) {
        entities.push(...found.entities);
      } else if (found.error === 'unknown') {
        errors.push(`qstat: Unknown Job Id ${canonical(text, state, dialect)}`);
        exitCode = 153;
      } else {
        errors.push(`qstat: ${canonical(text, state, dialect)} Job has finished, use -x or -H to obtain historical job information`);
        exitCode = 35;
      }
    }
  } else {
    const users = value('-u')?.split(',');
    for (const job of state.jobs) {
      if (users && !users.includes(job.owner)) continue;
      if (queues.length > 0 && !queues.some((q) => q.replace(/@.*/, '') === job.queue)) continue;
      if (dialect === 'pro' && has('-J') && !job.array) continue;
      entities.push(...entitiesOf(state, job, view, withSubjobs));
    }
  }
  if (dialect === 'pro' && has('-H')) entities = entities.filter((e) => (e.task ?? e.job.tasks[0]!).state === 'finished');
  const full = entities.map((e) => ({ id: e.id, attributes: jobAttributes(e, state, now, dialect) }));
  if (dialect === 'pro' && value('-F') === 'json') io.out(formatProJson(full, state.settings.pbsServer, now));
  else if (dialect === 'torque' && has('-x')) io.out(entities.length > 0 ? formatTorqueXml(full) : '');
  else if (has('-f')) io.out(formatFull(full));
  else io.out(formatTable(entities.map((e) => row(e, dialect, now)), dialect));
  for (const line of errors) io.err(`${line}\n`);
  return exitCode;
}

export const qstatCommand: CommandDef = { kind: 'status', offline: (args) => args[0] === '--version', run: qstat };
