/**
 * Array requests: Torque `-t 1-100%10` / `-t 1,3,5-7`, PBS Pro `-J X-Y[:Z][%N]`.
 */
import { expandIndexRanges, parseIndexRange, parseIndexRangeList } from '../../../../src/protocol/index-ranges.js';
import type { ArraySpec } from '../../engine/types.js';

export function parseTorqueArray(text: string): ArraySpec | undefined {
  const [list, limit] = text.split('%');
  if (!list || (limit !== undefined && !/^\d+$/.test(limit))) return undefined;
  // Torque's -t takes no steps.
  const ranges = parseIndexRangeList(list, { steps: false, trim: true });
  if (!ranges || ranges.some((r) => r.last < r.first)) return undefined;
  const sorted = [...new Set(expandIndexRanges(ranges))].sort((a, b) => a - b);
  return { indices: sorted, first: sorted[0]!, last: sorted[sorted.length - 1]!, step: 1, ...(limit ? { throttle: Number(limit) } : {}) };
}

export function parseProArray(text: string): ArraySpec | undefined {
  const match = /^([\d:-]+)(?:%(\d+))?$/.exec(text.trim());
  const range = match ? parseIndexRange(match[1]!) : undefined;
  // PBS Pro wants at least two subjobs (which also rules out a lone `X`).
  if (!range || range.last <= range.first || range.step < 1) return undefined;
  const { first, last, step } = range;
  return { indices: expandIndexRanges([range]), first, last, step, ...(match![2] ? { throttle: Number(match![2]) } : {}) };
}

/** `1-5`, `1-9:2` (PBS Pro array_indices_submitted / Torque job_array_request). */
export function formatArrayRequest(array: ArraySpec): string {
  return array.step === 1 ? `${array.first}-${array.last}` : `${array.first}-${array.last}:${array.step}`;
}
