/**
 * Reads what the trace is built from in a run folder: the journal, the run record and the
 * result files. A result file that cannot be read (being written, truncated, another version) is
 * left out: its attempt stays as the journal describes it.
 */
import { readRunRecord, type RunRecord } from '../run-record.js';
import { readResultFile } from '../result-file.js';
import { readdir } from 'node:fs/promises';
import { readJournal, type JournalRecord } from '../journal.js';
import { chunkOfFileName, WorkDirLayout } from '../work-dir.js';
import { buildTraceRows, type ResultSummary, type TraceRow } from './trace-rows.js';

export interface RunTrace {
  dir: string;
  /** run.json as written by the map (undefined when it cannot be read). */
  record: RunRecord | undefined;
  records: JournalRecord[];
  rows: TraceRow[];
}

export async function readTrace(dir: string): Promise<RunTrace> {
  const layout = new WorkDirLayout(dir);
  const records = await readJournal(layout.journal);
  const record = await readRunRecord(layout).catch(() => undefined);
  const results = await readResultSummaries(layout);
  return { dir, record, records, rows: buildTraceRows(records, results) };
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
