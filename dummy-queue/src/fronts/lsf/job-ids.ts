/** LSF job references: `4711`, `4711[3]`, `"4711[1-3,7]"`. */
import { expandIndexRanges, parseIndexRangeList } from '../../../../src/protocol/index-ranges.js';

export interface LsfIdRequest {
  id: number;
  /** Array indices named, or null for the whole job. */
  indices: number[] | null;
  text: string;
}

export function parseLsfId(text: string): LsfIdRequest | undefined {
  const match = /^(\d+)(?:\[([\d,:-]+)\])?$/.exec(text.trim());
  if (!match) return undefined;
  if (match[2] === undefined) return { id: Number(match[1]), indices: null, text };
  const ranges = parseIndexRangeList(match[2]);
  return ranges && { id: Number(match[1]), indices: expandIndexRanges(ranges), text };
}
