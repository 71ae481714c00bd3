/**
 * `qmr clean`: removes the folders of runs that are over. By default only runs that finished
 * without failures; --failed also those that failed or were aborted. Never a run that may still
 * be running or that can be resumed (interrupted, or detached with its jobs in the queue).
 */
import { rm } from 'node:fs/promises';
import type { RunInfo } from './runs.js';

export interface CleanChoice {
  run: string;
  dir: string;
  state: string;
  remove: boolean;
  why: string;
}

export function chooseForCleaning(runs: RunInfo[], includeFailed: boolean, olderThanMs: number | undefined): CleanChoice[] {
  return runs.map((run) => {
    const base = { run: run.record.runId, dir: run.dir, state: run.state };
    const endedAt = run.recorded.ended ? Date.parse(run.recorded.ended.time) : undefined;
    if (run.state === 'running' || run.state === 'interrupted' || run.state === 'detached') {
      return { ...base, remove: false, why: `kept: ${run.state} (it can still finish or be resumed)` };
    }
    if (run.state !== 'finished' && !includeFailed) return { ...base, remove: false, why: `kept: ${run.state} (use --failed to remove)` };
    if (olderThanMs !== undefined && endedAt !== undefined && Date.now() - endedAt < olderThanMs) {
      return { ...base, remove: false, why: 'kept: ended too recently for --older-than' };
    }
    return { ...base, remove: true, why: `${run.state} ${run.recorded.ended?.time ?? ''}`.trim() };
  });
}

export async function removeRuns(choices: CleanChoice[]): Promise<void> {
  for (const choice of choices) if (choice.remove) await rm(choice.dir, { recursive: true, force: true });
}

/** '7d', '12h', '30m', '90s' → milliseconds. */
export function parseAge(text: string): number {
  const m = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (!m) throw new Error(`--older-than takes a number and a unit, like 7d, 12h, 30m or 90s; got ${JSON.stringify(text)}`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
