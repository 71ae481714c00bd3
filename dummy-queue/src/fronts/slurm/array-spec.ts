/** Slurm array specifications: `--array=0-4`, `1,3,5-7`, `0-15:4`, `0-99%10`, and their printing. */
import { expandIndexRanges, parseIndexRangeList } from '../../../../src/protocol/index-ranges.js';
import type { ArraySpec } from '../../engine/types.js';

/** MaxArraySize of the emulated cluster: indices go up to MAX_ARRAY_SIZE - 1. */
export const MAX_ARRAY_SIZE = 10001;

export function parseArraySpec(text: string): ArraySpec | undefined {
  const [list, throttle] = text.split('%');
  if (list === undefined || list === '' || (throttle !== undefined && !/^\d+$/.test(throttle))) return undefined;
  const ranges = parseIndexRangeList(list);
  if (!ranges || ranges.some((r) => r.last < r.first || r.step < 1 || r.last >= MAX_ARRAY_SIZE)) return undefined;
  const step = ranges.at(-1)!.step; // the last part's, as this emulator has always reported it
  const unique = [...new Set(expandIndexRanges(ranges))].sort((a, b) => a - b);
  return {
    indices: unique,
    first: unique[0]!,
    last: unique[unique.length - 1]!,
    step,
    ...(throttle !== undefined && Number(throttle) > 0 ? { throttle: Number(throttle) } : {}),
  };
}

/** Index sets as Slurm prints them (its bitmap format): `1-3,5,7-9`. */
export function formatIndexSet(indices: readonly number[]): string {
  const sorted = [...indices].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
