/**
 * SGE `qstat`: the table, `-xml`, `-u user|'*'`, `-s p|r|s`, `-g d` (tasks apart), `-g c` (cluster
 * queue summary), `-j ID[,ID]` details and `-help`.
 * Only the caller's jobs by default, like the real one.
 */
import type { State } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { currentUser } from '../common/environment.js';
import { OptionError, parseCommandLine, type OptionTable } from '../common/options.js';
import { formatClusterSummary } from './cluster-summary.js';
import { buildListing } from './listing.js';
import { formatJobDetails, formatJobDetailsXml, formatUnknownJobsXml } from './qstat-details.js';
import { formatQstatTable } from './qstat-table.js';
import { formatQstatXml } from './qstat-xml.js';

const QSTAT_OPTIONS: OptionTable = {
  '-xml': { values: 0 }, '-u': { values: 1 }, '-j': { values: 1 }, '-s': { values: 1 }, '-g': { values: 1 },
  '-f': { values: 0 }, '-r': { values: 0 }, '-ext': { values: 0 }, '-pri': { values: 0 }, '-urg': { values: 0 },
  '-q': { values: 1 }, '-l': { values: 1 },
};

// `-help` starts with the version line that tells Grid Engine from PBS.
const GRID_ENGINE_HELP = 'SGE 8.1.9\nusage: qstat [options]\n   [-ext]   view additional attributes\n   [-f]     full output\n   [-g {c|d|t}[+]]  display cluster queue summary, all job-array tasks, all parallel job tasks\n   [-j job_identifier_list] show scheduler job information\n   [-s {p|r|s|z|hu|ho|hs|hd|hj|ha|h|a}[+]] show pending, running, suspended, zombie jobs\n   [-u user_list]  view only jobs of this user\n   [-xml]   display the information in XML-Format\n';

function detailsOf(io: CommandIO, state: State, ids: string, xml: boolean): number {
  const wanted = ids.split(',').filter(Boolean);
  const found = wanted.map((w) => state.jobs.find((j) => String(j.id) === w && j.tasks.some((t) => t.state !== 'finished' && t.state !== 'vanished')));
  const missing = wanted.filter((_, i) => !found[i]);
  if (xml) {
    // Like SGE: exit 0 either way; unknown ids get their own little document.
    io.out(missing.length > 0 ? formatUnknownJobsXml(missing) : formatJobDetailsXml(found.filter((j) => j !== undefined)));
    return 0;
  }
  for (const job of found) if (job) io.out(formatJobDetails(job, state));
  if (missing.length > 0) {
    io.err(`Following jobs do not exist: \n${missing.join(', ')}\n`);
    return 1;
  }
  return 0;
}

async function qstat(io: CommandIO): Promise<number> {
  if (io.args[0] === '-help') {
    io.out(GRID_ENGINE_HELP);
    return 0;
  }
  let parsed;
  try {
    parsed = parseCommandLine(io.args, QSTAT_OPTIONS, 'exact');
    if (parsed.operands.length > 0) throw new OptionError('unknown', parsed.operands[0]!);
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    io.err(`error: ERROR! invalid option argument "${error.option}"\nUsage: qstat -help\n`);
    return 1;
  }
  const value = (name: string) => parsed.options.filter((o) => o.name === name).pop()?.values[0];
  const xml = parsed.options.some((o) => o.name === '-xml');
  const state = await io.transact((s) => s);
  if (value('-g') === 'c') {
    io.out(formatClusterSummary(state, xml));
    return 0;
  }
  const jobIds = value('-j');
  if (jobIds !== undefined) return detailsOf(io, state, jobIds, xml);
  const users = value('-u');
  const listing = buildListing(state, {
    users: users === undefined ? [currentUser().name] : users === '*' ? '*' : users.split(','),
    tasksApart: value('-g') === 'd',
    ...(value('-s') !== undefined ? { states: value('-s')! } : {}),
  });
  io.out(xml ? formatQstatXml(listing) : formatQstatTable(listing));
  return 0;
}

export const qstatCommand: CommandDef = { kind: 'status', offline: (args) => args[0] === '-help', run: qstat };
