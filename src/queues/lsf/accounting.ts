/**
 * LSF's accounting: the same `bjobs -o ... -json -a` as the status poll, with the usage fields
 * (IBM LSF 10.1 "bjobs -o": max_mem, cpu_used, run_time, exec_host) and `-hms`, which prints
 * durations as hh:mm:ss (LSB_HMS_TIME_FORMAT; cpu_used rounded up to the next second) instead of
 * "0.4 second(s)". Jobs that finished longer ago than CLEAN_PERIOD are left out: only bacct or
 * bhist know them, in formats for people. Tested on output shaped as IBM documents it
 * (test/fixtures/lsf/SOURCES.md). start_time and finish_time are not read: bjobs prints them as
 * `Nov 29 14:08` (no year, no seconds).
 */
import type { CommandLine, CommandResult, JobAccounting } from '../queue.js';
import { CommandOutputError } from '../queue.js';
import { assertStatusRan, commandsForIds, numberOrUndefined, parseJsonDocument } from '../parse-helpers.js';
import { clockSeconds, definedFields, memoryKb } from '../accounting-units.js';

export const BJOBS_ACCOUNTING_FIELDS = 'jobid jobindex stat exit_code exit_reason max_mem cpu_used run_time exec_host';

export function bjobsAccountingCommands(jobIds: readonly string[], command: (name: string) => string): CommandLine[] {
  const arrays = jobIds.map((id) => id.replace(/\[\d+\]$/, ''));
  return commandsForIds(command('bjobs'), ['-o', BJOBS_ACCOUNTING_FIELDS, '-json', '-a', '-hms'], arrays);
}

const BJOBS_HARMLESS = /is not found|No (unfinished |matching )?job(s)? found/i;

interface BjobsUsage {
  JOBID?: string;
  JOBINDEX?: string;
  STAT?: string;
  EXIT_CODE?: string;
  EXIT_REASON?: string;
  MAX_MEM?: string;
  CPU_USED?: string;
  RUN_TIME?: string;
  EXEC_HOST?: string;
  ERROR?: string;
}

export function parseBjobsAccountingOutput(result: CommandResult): Map<string, JobAccounting> {
  assertStatusRan(result, 'bjobs', BJOBS_HARMLESS);
  const doc = parseJsonDocument(result.stdout, '{', 'bjobs -json') as { RECORDS?: unknown } | undefined;
  const jobs = new Map<string, JobAccounting>();
  if (doc === undefined) return jobs; // "No job found": nothing to account for
  if (!Array.isArray(doc.RECORDS)) throw new CommandOutputError('bjobs -json printed no RECORDS');
  for (const r of doc.RECORDS as BjobsUsage[]) {
    if (!r || r.ERROR || !r.JOBID) continue;
    const index = (r.JOBINDEX ?? '').trim();
    const id = r.JOBID.includes('[') || index === '' || index === '0' ? r.JOBID : `${r.JOBID}[${index}]`;
    const stat = r.STAT?.trim() ?? '';
    const reason = r.EXIT_REASON?.trim();
    jobs.set(
      id,
      definedFields({
        state: stat ? (reason ? `${stat} (${reason})` : stat) : undefined,
        // A DONE job's EXIT_CODE is empty: it exited 0.
        exitCode: numberOrUndefined(r.EXIT_CODE) ?? (stat === 'DONE' ? 0 : undefined),
        maxRssKb: memoryKb(r.MAX_MEM),
        cpuSeconds: lsfSeconds(r.CPU_USED),
        elapsedSeconds: lsfSeconds(r.RUN_TIME),
        // `4*hostA:2*hostB` for several slots: the first host, as the other schedulers give one.
        host: r.EXEC_HOST?.trim().split(':')[0]?.replace(/^\d+\*/, '') || undefined,
      }),
    );
  }
  return jobs;
}

/** hh:mm:ss (-hms), or `3 second(s)` / `0.4 second(s)` where -hms is not honoured (an older bjobs, a wrapper). */
function lsfSeconds(text: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?) second\(s\)\s*$/.exec(text ?? '');
  return m ? Number(m[1]) : clockSeconds(text);
}
