/**
 * Reads what the trace is built from in a run folder: the journal, the run record and the
 * result files. A result file that cannot be read (being written, truncated, another version) is
 * left out: its attempt stays as the journal describes it.
 */
import { readRunRecord, type RunRecord } from '../resume/run-json.js';
import { readResultFile } from '../protocol/result-file.js';
import { readdir } from 'node:fs/promises';
import { readJournal, type JournalRecord } from '../resume/journal.js';
import { chunkOfFileName, WorkDirLayout } from '../protocol/work-dir-layout.js';
import { lookUpAccounting } from './scheduler-accounting.js';
import { buildTraceRows, type ResultSummary, type TraceRow } from './trace-rows.js';

export interface RunTrace {
  dir: string;
  /** run.json as written by the map (undefined when it cannot be read). */
  record: RunRecord | undefined;
  records: JournalRecord[];
  rows: TraceRow[];
  /** Set when the scheduler's accounting was asked for and not (all) read: why, in words. */
  accountingNote?: string;
}

export interface ReadTraceOptions {
  /**
   * Ask the run's scheduler for its accounting of the run's jobs (sacct, qacct, ...): what
   * `qmr trace` and `qmr report` do. Off for the trace a map leaves beside its work dir as it
   * ends, which should not wait on the scheduler.
   */
  accounting?: boolean;
  accountingTimeoutMs?: number;
}

export async function readTrace(dir: string, options: ReadTraceOptions = {}): Promise<RunTrace> {
  const layout = new WorkDirLayout(dir);
  const records = await readJournal(layout.journal);
  const record = await readRunRecord(layout).catch(() => undefined);
  const results = await readResultSummaries(layout);
  const accounting = options.accounting ? await lookUpAccounting(record, records, options.accountingTimeoutMs) : undefined;
  return {
    dir,
    record,
    records,
    rows: buildTraceRows(records, results, accounting?.byJob, record?.options?.resources ?? {}),
    ...(accounting?.note ? { accountingNote: accounting.note } : {}),
  };
}

async function readResultSummaries(layout: WorkDirLayout): Promise<Map<number, ResultSummary>> {
  const summaries = new Map<number, ResultSummary>();
  for (const name of await readdir(layout.resultsDir).catch(() => [])) {
    const chunk = chunkOfFileName(name, 'result');
    if (chunk === undefined) continue;
    try {
      const result = await readResultFile(layout, chunk);
      summaries.set(chunk, {
        jobId: result.jobId,
        host: result.host,
        startedAt: result.startedAt,
        finishedAt: result.finishedAt,
        tasks: result.values.length,
        failedTasks: result.failures.length,
        cpuSeconds: result.cpuSeconds,
        peakRssKb: result.peakRssKb,
      });
    } catch {
      // unreadable now: the journal's account of the chunk stands
    }
  }
  return summaries;
}
