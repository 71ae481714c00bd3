// Small helpers shared by the benchmark scenarios: timing, scheduler availability, the table.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function seconds(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function ratio(a, b) {
  return (a / b).toFixed(3);
}

export function scratch(prefix) {
  return mkdtempSync(path.join(tmpdir(), `qmr-bench-${prefix}-`));
}

export function up(scheduler) {
  try {
    if (scheduler === 'sge') execFileSync('qstat', ['-xml'], { stdio: 'ignore', timeout: 10_000 });
    if (scheduler === 'slurm') {
      if (!/UP/.test(execFileSync('scontrol', ['ping'], { encoding: 'utf8', timeout: 10_000 }))) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** The newest mtime (ms) of the files in a folder. */
export function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) newest = Math.max(newest, statSync(path.join(dir, name)).mtimeMs);
  return newest;
}

export function countFiles(dir) {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    count += entry.isDirectory() ? countFiles(path.join(dir, entry.name)) : 1;
  }
  return count;
}

/** Rows of [scenario, measure, value, note] printed as a table. */
export function printTable(rows) {
  const header = ['scenario', 'measure', 'value', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) => cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join(' | ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(line(row));
}

/**
 * The Pool class of the baseline build named by QMR_BENCH_BASELINE (bench/make-baseline.sh), for
 * rows that compare this revision with an older one in the same run; undefined without it.
 */
export async function baselinePool() {
  const dir = process.env.QMR_BENCH_BASELINE;
  if (!dir) return undefined;
  const { Pool } = await import(path.join(path.resolve(dir), 'dist/src/index.js'));
  return Pool;
}

/** The label of the baseline build, for notes. */
export function baselineLabel() {
  const dir = process.env.QMR_BENCH_BASELINE;
  return dir ? `baseline (${path.basename(dir)})` : 'baseline';
}
