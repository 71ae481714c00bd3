/**
 * `qmr trace` and `qmr report`: the run's trace as TSV or JSON, and the HTML report file.
 */
import path from 'node:path';
import { reportHtml } from '../report/report-html.js';
import { readTrace } from '../trace/read-trace.js';
import { traceTsv } from '../trace/trace-tsv.js';
import { writeFileAtomic } from '../work-dir.js';
import type { RunInfo } from './runs.js';

export async function traceText(run: RunInfo, json: boolean): Promise<string> {
  const { rows } = await readTrace(run.dir);
  return json ? `${JSON.stringify(rows, null, 2)}\n` : traceTsv(rows);
}

/** Writes the report; the default name carries the run id, so reports of two runs do not collide. */
export async function writeReport(run: RunInfo, output: string | undefined): Promise<string> {
  const file = path.resolve(output ?? `qmr-report-${run.record.runId}.html`);
  await writeFileAtomic(file, reportHtml(await readTrace(run.dir), Date.now()), 0o644);
  return file;
}
