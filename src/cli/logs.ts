/** `qmr logs`: a chunk's stdout (or stderr), optionally the last N lines or lines matching a pattern. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkDirLayout } from '../protocol/work-dir-layout.js';
import { isLogOf } from './job-log-names.js';

export interface LogOptions {
  stderr?: boolean;
  tail?: number;
  grep?: string;
  scheduler?: boolean;
}

/** An elastic run's worker that claimed the chunk (a unit): its tickets' log files. */
export interface WorkerLogFiles {
  ticket: number;
  job: string;
  stdout: string;
  stderr: string;
}

/**
 * `flavor`: the run's (run.json), whose file-name templates say which scheduler logs are whose.
 * `workers`: in an elastic run, the workers whose jobs ran the chunk: a unit has no log of its
 * own, so its part of each worker's stderr is shown (stdout has no markers: all of it).
 */
export async function chunkLog(layout: WorkDirLayout, chunk: number, options: LogOptions, jobIds: string[], flavor: string, workers: WorkerLogFiles[] = []): Promise<string> {
  if (options.scheduler) return schedulerLogs(layout, jobIds, flavor, options);
  if (workers.length > 0) return workerSections(chunk, workers, options);
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
async function schedulerLogs(layout: WorkDirLayout, jobIds: string[], flavor: string, options: LogOptions): Promise<string> {
  const names = await readdir(layout.schedulerLogDir).catch(() => [] as string[]);
  const matching = names.filter((n) => jobIds.some((id) => isLogOf(n, id, flavor))).sort();
  // An error (exit 1), like a missing chunk log: the command had nothing to show.
  if (matching.length === 0) {
    throw new Error(`no scheduler log for job(s) ${jobIds.join(', ') || '(none submitted)'} in ${layout.schedulerLogDir} (the job has not started, or its scheduler writes none here)`);
  }
  const parts: string[] = [];
  for (const name of matching) {
    const text = await readFile(path.join(layout.schedulerLogDir, name), 'utf8');
    // Say so when a file is empty: a bare header followed by nothing reads like a display bug.
    parts.push(`==> ${name} <==\n${text === '' ? '(empty)\n' : select(text, options)}`);
  }
  return parts.join('\n');
}

async function workerSections(chunk: number, workers: WorkerLogFiles[], options: LogOptions): Promise<string> {
  const parts: string[] = [];
  for (const w of workers) {
    const file = options.stderr ? w.stderr : w.stdout;
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const shown = options.stderr ? unitSection(text, chunk) : text;
    parts.push(`==> ${file} (worker ${w.ticket}, job ${w.job}${options.stderr ? `, chunk ${chunk}` : ', every chunk it ran'}) <==\n${select(shown, options)}`);
  }
  if (parts.length === 0) throw new Error(`no log yet for chunk ${chunk}: its workers (${workers.map((w) => w.ticket).join(', ')}) wrote nothing; try --scheduler`);
  return parts.join('\n');
}

/** The lines of a worker's stderr from `chunk N (tasks ...) started` to `chunk N finished` (each attempt). */
export function unitSection(text: string, chunk: number): string {
  const out: string[] = [];
  let inside = false;
  for (const line of text.split('\n')) {
    if (new RegExp(`\\] chunk ${chunk} \\(tasks `).test(line)) inside = true;
    if (inside) out.push(line);
    if (inside && new RegExp(`\\] chunk ${chunk} finished`).test(line)) inside = false;
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

function select(text: string, options: LogOptions): string {
  let lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (options.grep !== undefined) {
    const pattern = new RegExp(options.grep);
    lines = lines.filter((line) => pattern.test(line));
  }
  // slice(-0) would be the whole text: --tail 0 means no lines, as with tail -n 0
  if (options.tail !== undefined) lines = options.tail === 0 ? [] : lines.slice(-options.tail);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
