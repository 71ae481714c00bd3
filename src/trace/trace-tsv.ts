/**
 * The trace as text: TSV with Nextflow's trace field names where one fits (task_id, native_id,
 * name, status, exit, submit, start, complete, duration, realtime, %cpu, peak_rss, hostname,
 * attempt, memory and time: what the attempt asked for), and a few of qmr's own (queue_wait, cpu_time, tasks, failed_tasks, fn: which
 * function version ran the attempt, cause, reason, and
 * the scheduler's accounting of the job: sched_state, sched_exit, sched_elapsed, sched_cpu_time,
 * sched_peak_rss, sched_host).
 * Values are for people, as Nextflow prints them (4.2s, 1.5 GB); `--json` gives the raw numbers.
 * Pure.
 */
import type { TraceRow } from './trace-rows.js';

export const TRACE_FIELDS = [
  'task_id', 'attempt', 'native_id', 'name', 'status', 'exit', 'submit', 'start', 'complete',
  'queue_wait', 'duration', 'realtime', 'cpu_time', '%cpu', 'peak_rss', 'memory', 'time', 'hostname', 'tasks', 'failed_tasks', 'fn', 'cause', 'reason',
  'sched_state', 'sched_exit', 'sched_elapsed', 'sched_cpu_time', 'sched_peak_rss', 'sched_host',
] as const;

const MISSING = '-';

export function traceTsv(rows: readonly TraceRow[]): string {
  const lines = rows.map((r) =>
    [
      String(r.taskId),
      String(r.attempt),
      r.nativeId,
      r.name,
      r.status,
      r.exit === undefined ? MISSING : String(r.exit),
      timestamp(r.submit),
      timestamp(r.start),
      timestamp(r.complete),
      humanDuration(r.queueWait),
      humanDuration(r.duration),
      humanDuration(r.realtime),
      r.cpuSeconds === undefined ? MISSING : humanDuration(r.cpuSeconds * 1000),
      r.cpuPercent === undefined ? MISSING : `${r.cpuPercent.toFixed(1)}%`,
      humanKilobytes(r.peakRssKb),
      humanKilobytes(r.memoryMb === undefined ? undefined : r.memoryMb * 1024),
      r.timeSeconds === undefined ? MISSING : humanDuration(r.timeSeconds * 1000),
      r.hostname ?? MISSING,
      String(r.tasks),
      r.failedTasks === undefined ? MISSING : String(r.failedTasks),
      r.fn ?? MISSING,
      r.cause ?? MISSING,
      oneLine(r.reason),
      oneLine(r.schedState),
      r.schedExit === undefined ? MISSING : String(r.schedExit),
      r.schedElapsedSeconds === undefined ? MISSING : humanDuration(r.schedElapsedSeconds * 1000),
      r.schedCpuSeconds === undefined ? MISSING : humanDuration(r.schedCpuSeconds * 1000),
      humanKilobytes(r.schedPeakRssKb),
      r.schedHost ?? MISSING,
    ].join('\t'),
  );
  return [TRACE_FIELDS.join('\t'), ...lines].join('\n') + '\n';
}

/** Nextflow's trace time format, in UTC: 2026-12-03 07:01:02.345. */
export function timestamp(ms: number | undefined): string {
  if (ms === undefined) return MISSING;
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** 850ms, 4.2s, 3m 4s, 2h 5m (Nextflow's style). */
export function humanDuration(ms: number | undefined): string {
  if (ms === undefined) return MISSING;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${Math.round(seconds - minutes * 60)}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${minutes - hours * 60}m`;
}

/** 512 KB, 48.2 MB, 1.5 GB. */
export function humanKilobytes(kb: number | undefined): string {
  if (kb === undefined) return MISSING;
  if (kb < 1024) return `${Math.round(kb)} KB`;
  if (kb < 1024 * 1024) return `${(kb / 1024).toFixed(1)} MB`;
  return `${(kb / 1024 / 1024).toFixed(2)} GB`;
}

/** A TSV cell holds no tab or newline: the reason's first line, with a mark when more was cut. */
function oneLine(text: string | undefined): string {
  if (text === undefined) return MISSING;
  const first = text.split('\n')[0]!.replace(/\t/g, ' ');
  return first.length < text.length ? `${first} …` : first;
}
