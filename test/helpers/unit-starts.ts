/**
 * Elastic maps: how many times each unit (chunk) started, counted from the
 * `chunk N (tasks ...) started as job` lines the worker writes to every worker's stderr log.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export async function unitStarts(workDir: string): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  const logs = path.join(workDir, 'logs');
  for (const name of (await readdir(logs)).filter((n) => /^worker-\d+\.err$/.test(n))) {
    for (const m of (await readFile(path.join(logs, name), 'utf8')).matchAll(/chunk (\d+) \(tasks [^)]*\) started as job/g)) {
      counts.set(Number(m[1]), (counts.get(Number(m[1])) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * How many attempts each log recorded (`started as job` lines), by log file name, in name order:
 * with static chunks one log per chunk; `only` narrows the files (default: every .err log).
 */
export async function startsPerLog(workDir: string, only: RegExp = /\.err$/): Promise<Record<string, number>> {
  const logs = path.join(workDir, 'logs');
  const counts: Record<string, number> = {};
  for (const name of (await readdir(logs)).filter((n) => only.test(n)).sort()) {
    counts[name] = ((await readFile(path.join(logs, name), 'utf8')).match(/started as job/g) ?? []).length;
  }
  return counts;
}
