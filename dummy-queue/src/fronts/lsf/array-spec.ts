/** LSF job arrays: `-J "name[1-10:2,15]%4"` → name, index list, slot limit. Indices start at 1. */
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
  const indices: number[] = [];
  let step = 1;
  for (const part of match[2]!.split(',')) {
    const range = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!range) return undefined;
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    step = range[3] === undefined ? 1 : Number(range[3]);
    if (first < 1 || last < first || step < 1 || last > MAX_JOB_ARRAY_SIZE) return undefined;
    for (let i = first; i <= last; i += step) indices.push(i);
  }
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  return {
    name: match[1]!,
    array: { indices: sorted, first: sorted[0]!, last: sorted[sorted.length - 1]!, step, ...(match[3] ? { throttle: Number(match[3]) } : {}) },
  };
}
