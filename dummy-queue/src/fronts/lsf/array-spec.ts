/** LSF job arrays: `-J "name[1-10:2,15]%4"` → name, index list, slot limit. Indices start at 1. */
import { expandIndexRanges, parseIndexRangeList } from '../../../../src/protocol/index-ranges.js';
import type { ArraySpec } from '../../engine/types.js';

/** MAX_JOB_ARRAY_SIZE (lsb.params default). */
export const MAX_JOB_ARRAY_SIZE = 1000;

export interface ParsedJobName {
  name: string;
  array: ArraySpec | null;
}

export function parseJobName(text: string): ParsedJobName | undefined {
  const match = /^(.*?)\[([^\]]+)\](?:%(\d+))?$/.exec(text);
  if (!match) return text.includes('[') ? undefined : { name: text, array: null };
  const ranges = parseIndexRangeList(match[2]!, { trim: true });
  if (!ranges || ranges.some((r) => r.first < 1 || r.last < r.first || r.step < 1 || r.last > MAX_JOB_ARRAY_SIZE)) return undefined;
  const step = ranges.at(-1)!.step; // the last part's, as this emulator has always reported it
  const sorted = [...new Set(expandIndexRanges(ranges))].sort((a, b) => a - b);
  return {
    name: match[1]!,
    array: { indices: sorted, first: sorted[0]!, last: sorted[sorted.length - 1]!, step, ...(match[3] ? { throttle: Number(match[3]) } : {}) },
  };
}
