/**
 * A run whose work dir is removed at its end (keepWorkDir 'on-error' after a clean run, or
 * 'never') still leaves its trace: `<workDir>.trace.tsv` beside the folder, the one small file an
 * HPC user looks for afterwards (as Nextflow leaves trace.txt). Runs that keep their work dir
 * need no copy: `qmr trace DIR` builds it from the folder at any time.
 */
import { writeFileAtomic } from '../protocol/work-dir-layout.js';
import { readTrace } from './read-trace.js';
import { traceTsv } from './trace-tsv.js';

export function traceFileBeside(workDir: string): string {
  return `${workDir.replace(/\/+$/, '')}.trace.tsv`;
}

/** Writes the trace beside the work dir; returns its path, or undefined when it could not be written. */
export async function leaveTrace(workDir: string): Promise<string | undefined> {
  try {
    const file = traceFileBeside(workDir);
    await writeFileAtomic(file, traceTsv((await readTrace(workDir)).rows));
    return file;
  } catch {
    return undefined; // a trace is a convenience: never fail a finished map over it
  }
}
