/**
 * Turning the DIR and CHUNK arguments into runs and chunks, with errors that say what to type
 * instead: a folder of runs given where one run is needed lists the runs in it, and a chunk
 * number out of range says which chunks the run has.
 */
import path from 'node:path';
import { findRunDirs, loadRun, type RunInfo } from './runs.js';

export async function runsFrom(dirs: string[]): Promise<RunInfo[]> {
  const found = await findRunDirs(dirs);
  return Promise.all(found.map((d) => loadRun(d)));
}

/** --run TEXT: runs whose id or folder holds TEXT. */
export function runMatches(run: RunInfo, text: string): boolean {
  return run.record.runId.includes(text) || run.dir.includes(text);
}

/** The one run DIR names. A folder holding several runs is refused (picking one would be a guess). */
export async function oneRun(dir: string): Promise<RunInfo> {
  const found = await findRunDirs([dir]);
  const resolved = path.resolve(dir);
  if (found.length === 1 && found[0] === resolved) return loadRun(resolved);
  if (found.length === 0) throw new Error(`${dir} is not a run folder (it has no run.json, and no run folders in it)`);
  const names = found.map((f) => path.relative(process.cwd(), f) || '.');
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, ... (${names.length} in all)` : '');
  throw new Error(`${dir} is a folder of runs, not a run; name one of them: ${shown}`);
}

/** Refuses a chunk number the run does not have, naming the range it has. */
export function checkChunk(run: RunInfo, chunk: number): void {
  if (run.recorded.chunks.has(chunk)) return;
  const known = [...run.recorded.chunks.keys()];
  // reduce, not Math.min(...known): a run can have more chunks than a call has arguments
  const low = known.reduce((a, b) => Math.min(a, b), Infinity);
  const high = known.reduce((a, b) => Math.max(a, b), -Infinity);
  const range = known.length === 0 ? 'no chunks yet' : `chunks ${low}-${high}`;
  throw new Error(`run ${run.record.runId} has no chunk ${chunk}: it has ${range} (see \`qmr status --chunks ${run.dir}\`)`);
}
