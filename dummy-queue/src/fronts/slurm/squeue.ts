/**
 * Slurm `squeue`: `--noheader`, `--format/-o`, `--states/-t` (names, codes or `all`), `--jobs/-j`,
 * `--array/-r`, `--user/-u`, `--me`, `--name/-n`, `--partition/-p`. Finished jobs show only with
 * `--states=all` (for MinJobAge = keepFinished seconds); a single unknown id is an error.
 */
import type { Task } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { currentUser } from '../common/environment.js';
import { lastValue, hasOption, allValues, parseCommandLine, type OptionTable } from '../common/options.js';
import { slurmAttributes } from './attributes.js';
import { slurmOptionError } from './errors.js';
import { parseJobSelector, selectTasks, slurmRecords, splitJobList, type JobSelector } from './records.js';
import { DEFAULT_FORMAT, formatHeader, formatRecord, parseFormat } from './squeue-format.js';
import { stateFromCompact } from './states.js';

const OPTIONS: OptionTable = {
  '-h': { values: 0 }, '--noheader': { values: 0 }, '-o': { values: 1 }, '--format': { values: 1 },
  '-t': { values: 1 }, '--states': { values: 1 }, '-j': { values: 1 }, '--jobs': { values: 1 },
  '-r': { values: 0 }, '--array': { values: 0 }, '-u': { values: 1 }, '--user': { values: 1 }, '--me': { values: 0 },
  '-n': { values: 1 }, '--name': { values: 1 }, '-p': { values: 1 }, '--partition': { values: 1 },
  '-a': { values: 0 }, '--all': { values: 0 }, '-l': { values: 0 }, '--long': { values: 0 },
  '-A': { values: 1 }, '--account': { values: 1 }, '-q': { values: 1 }, '--qos': { values: 1 },
  '-M': { values: 1 }, '--clusters': { values: 1 }, '-v': { values: 0 }, '--verbose': { values: 0 },
  '-S': { values: 1 }, '--sort': { values: 1 },
};

/** The states squeue shows when --states is not given: everything not yet finished. */
const ACTIVE_STATES = ['PENDING', 'RUNNING', 'SUSPENDED', 'COMPLETING', 'CONFIGURING'];

function wantedStates(spec: string | undefined): string[] | 'all' {
  if (spec === undefined) return ACTIVE_STATES;
  const words = spec.split(',').map((w) => w.trim()).filter(Boolean);
  if (words.some((w) => w.toLowerCase() === 'all')) return 'all';
  return words.map(stateFromCompact);
}

async function squeue(io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(io.args, OPTIONS, 'gnu');
    if (parsed.operands.length > 0) {
      io.err(`squeue: error: Unrecognized option: ${parsed.operands[0]}\nUsage: squeue [-A account] [--clusters names] [-i seconds] [--job jobid]\n`);
      return 1;
    }
  } catch (error) {
    return slurmOptionError(io, 'squeue', error);
  }
  const state = await io.transact((s) => s);
  const now = Date.now();
  const selectors: JobSelector[] = allValues(parsed, '-j', '--jobs')
    .flatMap(splitJobList)
    .map((text) => parseJobSelector(text))
    .filter((s): s is JobSelector => s !== undefined);
  const unfold = hasOption(parsed, '-r', '--array') || selectors.some((s) => s.indices !== null);
  let records = slurmRecords(state, { unfold, now });
  if (selectors.length > 0) {
    const chosen = new Set<Task>(selectors.flatMap((s) => selectTasks(state, s).flatMap((m) => m.tasks)));
    records = records.filter((r) => r.tasks.some((t) => chosen.has(t)));
    // One id that slurmctld does not hold (never existed, or purged after MinJobAge) is an error.
    if (selectors.length === 1 && records.length === 0) {
      io.err('slurm_load_jobs error: Invalid job id specified\n');
      return 1;
    }
  }
  const states = wantedStates(lastValue(parsed, '-t', '--states'));
  if (states !== 'all') records = records.filter((r) => states.includes(r.status.state));
  const users = hasOption(parsed, '--me') ? [currentUser().name] : allValues(parsed, '-u', '--user').flatMap((u) => u.split(','));
  if (users.length > 0) records = records.filter((r) => users.includes(r.job.owner));
  const names = allValues(parsed, '-n', '--name').flatMap((n) => n.split(','));
  if (names.length > 0) records = records.filter((r) => names.includes(r.job.name));
  const partitions = allValues(parsed, '-p', '--partition').flatMap((p) => p.split(','));
  if (partitions.length > 0) records = records.filter((r) => partitions.includes(slurmAttributes(r.job).partition));
  const tokens = parseFormat(lastValue(parsed, '-o', '--format') ?? DEFAULT_FORMAT);
  let text = hasOption(parsed, '-h', '--noheader') ? '' : `${formatHeader(tokens)}\n`;
  for (const r of records) text += `${formatRecord(tokens, r, state, now)}\n`;
  io.out(text);
  return 0;
}

export const squeueCommand: CommandDef = { kind: 'status', run: squeue };
