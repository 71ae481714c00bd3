/**
 * HTCondor's accounting: `condor_history -json` with the usage attributes of the job ClassAd
 * (HTCondor manual, "Job ClassAd Attributes": RemoteUserCpu and RemoteSysCpu in seconds,
 * ResidentSetSize_RAW the peak RSS in KiB, RemoteWallClockTime in seconds, LastRemoteHost
 * `slot1@node`, JobCurrentStartDate and CompletionDate in epoch seconds), for the exact ids, with
 * -match so that the scan of the history file stops once all are found. Tested on output shaped
 * as the manual shows it (test/fixtures/htcondor/SOURCES.md).
 */
import type { CommandLine, CommandResult, JobAccounting } from '../queue.js';
import { CommandOutputError, HistoryUnavailableError } from '../queue.js';
import { assertStatusRan, parseJsonDocument } from '../parse-helpers.js';
import { splitIntoBatches } from '../batches.js';
import { definedFields, epochSecondsMs } from '../accounting-units.js';

export const CONDOR_ACCOUNTING_ATTRIBUTES =
  'ClusterId,ProcId,JobStatus,ExitCode,ExitBySignal,ExitSignal,RemoveReason,RemoteUserCpu,RemoteSysCpu,ResidentSetSize_RAW,RemoteWallClockTime,LastRemoteHost,JobCurrentStartDate,CompletionDate';

export function condorAccountingCommands(
  jobIds: readonly string[],
  command: (name: string) => string,
  constraint: (ids: readonly string[]) => string,
): CommandLine[] {
  return splitIntoBatches(jobIds).map((ids) => ({
    file: command('condor_history'),
    args: ['-json', '-attributes', CONDOR_ACCOUNTING_ATTRIBUTES, '-match', String(ids.length), '-constraint', constraint(ids)],
  }));
}

const HISTORY_OFF = /history file|no history|HISTORY.*(not|un)defined|history is disabled/i;
const STATUS_WORDS: Record<number, string> = { 1: 'Idle', 2: 'Running', 3: 'Removed', 4: 'Completed', 5: 'Held', 6: 'Transferring output', 7: 'Suspended' };

interface UsageAd {
  ClusterId?: number;
  ProcId?: number;
  JobStatus?: number;
  ExitCode?: number;
  ExitBySignal?: boolean;
  ExitSignal?: number;
  RemoveReason?: string;
  RemoteUserCpu?: number;
  RemoteSysCpu?: number;
  ResidentSetSize_RAW?: number;
  RemoteWallClockTime?: number;
  LastRemoteHost?: string;
  JobCurrentStartDate?: number;
  CompletionDate?: number;
}

export function parseCondorAccountingOutput(result: CommandResult): Map<string, JobAccounting> {
  if (result.exitCode !== 0 && HISTORY_OFF.test(`${result.stderr}\n${result.stdout}`)) {
    throw new HistoryUnavailableError(`condor_history: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  assertStatusRan(result, 'condor_history', /^$/);
  const jobs = new Map<string, JobAccounting>();
  const text = result.stdout;
  if (text.trim() === '') return jobs; // nothing matched (yet: history lags behind the queue)
  const ads = /^[ \t]*([[{])/m.exec(text)?.[1] === '{'
    ? text.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => parseJsonDocument(l, '{', 'condor_history -jsonl'))
    : parseJsonDocument(text, '[', 'condor_history -json');
  if (!Array.isArray(ads)) throw new CommandOutputError('condor_history -json printed no JSON array');
  for (const ad of ads as UsageAd[]) {
    if (!ad || typeof ad.ClusterId !== 'number') continue;
    jobs.set(`${ad.ClusterId}.${ad.ProcId ?? 0}`, condorUsage(ad));
  }
  return jobs;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function condorUsage(ad: UsageAd): JobAccounting {
  const word = ad.JobStatus === undefined ? undefined : (STATUS_WORDS[ad.JobStatus] ?? `JobStatus ${ad.JobStatus}`);
  const removed = ad.JobStatus === 3 && ad.RemoveReason?.trim() ? ` (${ad.RemoveReason.trim()})` : '';
  const user = num(ad.RemoteUserCpu);
  const sys = num(ad.RemoteSysCpu);
  return definedFields({
    state: word === undefined ? undefined : `${word}${removed}`,
    // ExitCode is defined only for a job that exited by itself; a signal is ExitSignal.
    exitCode: ad.ExitBySignal === true ? undefined : num(ad.ExitCode),
    signal: ad.ExitBySignal === true ? num(ad.ExitSignal) : undefined,
    maxRssKb: num(ad.ResidentSetSize_RAW),
    cpuSeconds: user === undefined && sys === undefined ? undefined : (user ?? 0) + (sys ?? 0),
    elapsedSeconds: num(ad.RemoteWallClockTime),
    host: typeof ad.LastRemoteHost === 'string' ? ad.LastRemoteHost.replace(/^[^@]*@/, '') || undefined : undefined,
    start: epochSecondsMs(ad.JobCurrentStartDate),
    end: epochSecondsMs(ad.CompletionDate),
  });
}
