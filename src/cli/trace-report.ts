/**
 * `qmr trace` and `qmr report`: the run's trace as TSV or JSON, and the HTML report file.
 */
import path from 'node:path';
import { reportHtml } from '../report/report-html.js';
import { readTrace } from '../trace/read-trace.js';
import { traceTsv } from '../trace/trace-tsv.js';
import { writeFileAtomic } from '../protocol/work-dir-layout.js';
import type { RunInfo } from './runs.js';

/** The trace as text, and (for stderr) why the scheduler's accounting columns are empty, if they are. */
export async function traceText(run: RunInfo, json: boolean, accounting = true): Promise<{ text: string; note: string | undefined }> {
  const { rows, accountingNote } = await readTrace(run.dir, { accounting });
  return { text: json ? `${JSON.stringify(rows, null, 2)}\n` : traceTsv(rows), note: accountingNote };
}

/** Writes the report; the default name carries the run id, so reports of two runs do not collide. */
export async function writeReport(run: RunInfo, output: string | undefined, accounting = true): Promise<string> {
  const file = path.resolve(output ?? `qmr-report-${run.record.runId}.html`);
  await writeFileAtomic(file, reportHtml(await readTrace(run.dir, { accounting }), Date.now()), 0o644);
  return file;
}
