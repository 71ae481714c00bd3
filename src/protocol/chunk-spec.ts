/**
 * Chunk lists in compact text, like `0-99,105,107-110`: how a submission tells its job (or the
 * elements of its job array) which chunks to run. The k-th array element runs the k-th chunk of
 * the list. Shared by the submitting side (formatting) and the worker-node script (reading).
 */
import { expandIndexRanges, parseIndexRange, type IndexRange } from './index-ranges.js';

/**
 * Also accepted between the parts of a list: `0-3+7` is `0-3,7`. For schedulers that split
 * variable lists on commas (PBS qsub -v), where the list travels in a variable.
 */
export const CHUNK_LIST_ALTERNATIVE_SEPARATOR = '+';

/** Formats ascending or unordered chunk numbers as ranges, keeping their order. */
export function formatChunkSpec(chunks: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < chunks.length) {
    const start = chunks[i]!;
    let end = start;
    while (i + 1 < chunks.length && chunks[i + 1] === end + 1) {
      end += 1;
      i += 1;
    }
    parts.push(start === end ? `${start}` : `${start}-${end}`);
    i += 1;
  }
  return parts.join(',');
}

/** The inverse of formatChunkSpec. Throws on anything that is not such a list. */
export function parseChunkSpec(spec: string): number[] {
  if (!/^\d+(-\d+)?([,+]\d+(-\d+)?)*$/.test(spec)) {
    throw new Error(`not a chunk list: ${JSON.stringify(spec)} (expected e.g. "0-99,105")`);
  }
  const ranges: IndexRange[] = [];
  for (const part of spec.split(/[,+]/)) {
    const range = parseIndexRange(part, { steps: false })!; // the pattern above checked every part
    if (range.last < range.first) throw new Error(`descending range ${part} in chunk list ${spec}`);
    ranges.push(range);
  }
  return expandIndexRanges(ranges);
}

/** The chunk at position k of the list, without expanding it (lists can hold 10^6 chunks). */
export function chunkAt(spec: string, k: number): number | undefined {
  let position = 0;
  for (const part of spec.split(/[,+]/)) {
    const [a, b] = part.split('-');
    const start = Number(a);
    const end = b === undefined ? start : Number(b);
    const size = end - start + 1;
    if (k < position + size) return start + (k - position);
    position += size;
  }
  return undefined;
}
