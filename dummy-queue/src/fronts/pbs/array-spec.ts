/**
 * Array requests: Torque `-t 1-100%10` / `-t 1,3,5-7`, PBS Pro `-J X-Y[:Z][%N]`.
 */
import type { ArraySpec } from '../../engine/types.js';

export function parseTorqueArray(text: string): ArraySpec | undefined {
  const [list, limit] = text.split('%');
  if (!list || (limit !== undefined && !/^\d+$/.test(limit))) return undefined;
  const indices: number[] = [];
  for (const part of list.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) return undefined;
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) return undefined;
    for (let i = first; i <= last; i++) indices.push(i);
  }
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  return { indices: sorted, first: sorted[0]!, last: sorted[sorted.length - 1]!, step: 1, ...(limit ? { throttle: Number(limit) } : {}) };
}

export function parseProArray(text: string): ArraySpec | undefined {
  const match = /^(\d+)-(\d+)(?::(\d+))?(?:%(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const first = Number(match[1]);
  const last = Number(match[2]);
  const step = match[3] === undefined ? 1 : Number(match[3]);
  // PBS Pro wants at least two subjobs.
  if (last <= first || step < 1) return undefined;
  const indices: number[] = [];
  for (let i = first; i <= last; i += step) indices.push(i);
  return { indices, first, last, step, ...(match[4] ? { throttle: Number(match[4]) } : {}) };
}

/** `1-5`, `1-9:2` (PBS Pro array_indices_submitted / Torque job_array_request). */
export function formatArrayRequest(array: ArraySpec): string {
  return array.step === 1 ? `${array.first}-${array.last}` : `${array.first}-${array.last}:${array.step}`;
}
