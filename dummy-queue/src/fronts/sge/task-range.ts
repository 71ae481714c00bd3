/** SGE array task ranges: `-t 1-10:2` in, `1-5:1` / `4,5` / `6` out. */
import { expandIndexRanges, parseIndexRange } from '../../../../src/protocol/index-ranges.js';
import type { ArraySpec } from '../../engine/types.js';

/** Parses `n`, `n-m` or `n-m:s` (SGE indices start at 1). Returns undefined if malformed. */
export function parseTaskRange(text: string): ArraySpec | undefined {
  const range = parseIndexRange(text.trim());
  if (!range) return undefined;
  const { first, last, step } = range;
  if (first < 1 || last < first || step < 1) return undefined;
  const indices = expandIndexRanges([range]);
  // `last` stays as given: qsub answers `61.1-10:2` even though task 10 does not exist.
  return { indices, first, last, step };
}

/** `57.1-5:1`: how qsub names an array job in its answer. */
export function formatArrayRange(array: ArraySpec): string {
  return `${array.first}-${array.last}:${array.step}`;
}

/**
 * A set of task numbers the way qstat prints a pending group: runs of three or more tasks as
 * `first-last:step`, shorter runs as single numbers joined by commas. Real SGE prints whatever
 * its internal range list holds (`1-3:1` for an untouched array, `4,5` after tasks 1-3 were
 * split off); this rule yields both shapes, so parsers meet both.
 */
export function formatTaskSet(indices: readonly number[], step: number): string {
  const sorted = [...indices].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]! - sorted[j]! === step) j++;
    const run = sorted.slice(i, j + 1);
    parts.push(run.length >= 3 ? `${run[0]}-${run[run.length - 1]}:${step}` : run.join(','));
    i = j + 1;
  }
  return parts.join(',');
}
