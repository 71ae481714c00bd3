/**
 * PBS accounting from `qstat -f`: PBS Pro's `qstat -x -f -F json` (finished jobs from the job
 * history, when the server keeps it) and Torque's `qstat -f` text blocks (finished jobs for
 * keep_completed seconds) carry `resources_used` (cput and walltime as HH:MM:SS, mem as `3520kb`),
 * exec_host (`node1/0*2`), the exit status and the start time (Torque also comp_time). Tested on
 * output shaped as the OpenPBS and Torque manuals show it (test/fixtures/pbs/SOURCES.md). Slurm's
 * PBS wrappers print no resources_used: that dialect has no accounting here (use the slurm flavor).
 */
import type { CommandResult, JobAccounting } from '../queue.js';
import { assertStatusRan, numberOrUndefined, parseJsonDocument } from '../parse-helpers.js';
import { clockSeconds, definedFields, epochSecondsMs, localTime, memoryKb } from '../accounting-units.js';

/** The attributes read, by their `qstat -f` text names (the JSON nests resources_used). */
type Attributes = Record<string, unknown>;

const QSTAT_HARMLESS = /Unknown Job Id|Job has finished/i;

/** Either output shape, as the status parser reads it: `Job Id:` blocks, else JSON. */
export function parsePbsAccountingOutput(result: CommandResult, textBlocks: (text: string) => Map<string, Record<string, string>>): Map<string, JobAccounting> {
  assertStatusRan(result, 'qstat', QSTAT_HARMLESS);
  const jobs = new Map<string, JobAccounting>();
  if (/^Job Id:/m.test(result.stdout)) {
    for (const [id, a] of textBlocks(result.stdout)) jobs.set(id, pbsUsage(a));
    return jobs;
  }
  const doc = parseJsonDocument(result.stdout, '{', 'qstat -F json') as { Jobs?: Record<string, Attributes> } | undefined;
  for (const [id, job] of Object.entries(doc?.Jobs ?? {})) {
    if (!job || typeof job !== 'object') continue;
    const used = (job.resources_used ?? {}) as Attributes;
    const flat: Attributes = { ...job };
    for (const [k, v] of Object.entries(used)) flat[`resources_used.${k}`] = v;
    jobs.set(id, pbsUsage(flat));
  }
  return jobs;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
/** PBS Pro's JSON gives times as epoch seconds or as ctime text, depending on the attribute and version. */
const time = (v: unknown): number | undefined => epochSecondsMs(v) ?? localTime(text(v));

function pbsUsage(a: Attributes): JobAccounting {
  const state = text(a.job_state)?.trim();
  return definedFields({
    state: state || undefined,
    // Torque spells it exit_status, PBS Pro Exit_status (256 + signal for a job killed by one).
    exitCode: numberOrUndefined(a.Exit_status ?? a.exit_status),
    maxRssKb: memoryKb(text(a['resources_used.mem'])),
    cpuSeconds: clockSeconds(text(a['resources_used.cput'])),
    elapsedSeconds: clockSeconds(text(a['resources_used.walltime'])),
    host: text(a.exec_host)?.split(/[/+]/)[0]?.trim() || undefined,
    start: time(a.stime ?? a.start_time),
    end: time(a.obittime ?? a.comp_time),
  });
}
