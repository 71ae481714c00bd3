/** `qmr logs`: a chunk's stdout (or stderr), optionally the last N lines or lines matching a pattern. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkDirLayout } from '../work-dir.js';

export interface LogOptions {
  stderr?: boolean;
  tail?: number;
  grep?: string;
  scheduler?: boolean;
}

export async function chunkLog(layout: WorkDirLayout, chunk: number, options: LogOptions, jobIds: string[]): Promise<string> {
  if (options.scheduler) return schedulerLogs(layout, jobIds, options);
  const file = options.stderr ? layout.stderrLog(chunk) : layout.stdoutLog(chunk);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`no log yet: ${file} (chunk ${chunk} has not started, or its job died before writing anything; try --scheduler)`);
  }
  return select(text, options);
}

/** What the scheduler itself wrote for the chunk's jobs (files whose names hold a job id). */
async function schedulerLogs(layout: WorkDirLayout, jobIds: string[], options: LogOptions): Promise<string> {
  const names = await readdir(layout.schedulerLogDir).catch(() => [] as string[]);
  const keys = jobIds.flatMap((id) => [id, id.replace(/[.[\]]/g, '_'), id.split(/[._[]/)[0]!]);
  const matching = names.filter((n) => keys.some((k) => n.includes(k))).sort();
  if (matching.length === 0) return `no scheduler log for job(s) ${jobIds.join(', ')} in ${layout.schedulerLogDir}\n`;
  const parts: string[] = [];
  for (const name of matching) {
    const text = await readFile(path.join(layout.schedulerLogDir, name), 'utf8');
    parts.push(`==> ${name} <==\n${select(text, options)}`);
  }
  return parts.join('\n');
}

function select(text: string, options: LogOptions): string {
  let lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (options.grep !== undefined) {
    const pattern = new RegExp(options.grep);
    lines = lines.filter((line) => pattern.test(line));
  }
  if (options.tail !== undefined) lines = lines.slice(-options.tail);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
