/**
 * Index ranges as schedulers and chunk lists write them: `7`, `1-10`, `1-10:2`, in comma lists
 * like `1-3,7` or `0-99,105`. The one reader and expander of that syntax, shared by the flavors'
 * parsers (SGE task ranges, Slurm's folded ids), the chunk lists, and dummy-queue's emulated
 * commands (which import it from here: the build compiles both trees into one dist/). What a
 * range may hold (indices from 1, a maximum, steps at all) is the caller's rule.
 */

export interface IndexRange {
  first: number;
  last: number;
  step: number;
}

/** `7`, `1-10` or `1-10:2` (`:step` only when `steps` is true); undefined for anything else, spaces included. */
export function parseIndexRange(text: string, { steps = true } = {}): IndexRange | undefined {
  const m = (steps ? /^(\d+)(?:-(\d+)(?::(\d+))?)?$/ : /^(\d+)(?:-(\d+))?$/).exec(text);
  if (!m) return undefined;
  const first = Number(m[1]);
  return { first, last: m[2] === undefined ? first : Number(m[2]), step: m[3] === undefined ? 1 : Number(m[3]) };
}

/** The ranges of a comma list, each trimmed when `trim`; undefined when any part is not a range. */
export function parseIndexRangeList(list: string, { steps = true, trim = false } = {}): IndexRange[] | undefined {
  const ranges: IndexRange[] = [];
  for (const part of list.split(',')) {
    const range = parseIndexRange(trim ? part.trim() : part, { steps });
    if (!range) return undefined;
    ranges.push(range);
  }
  return ranges;
}

/**
 * The indices the ranges stand for, in the order written: first, first+step, ... up to last.
 * A step below 1 counts as 1, so that no input loops forever. Pushes one by one: a chunk list
 * may hold 10^6 indices, too many to spread into one call.
 */
export function expandIndexRanges(ranges: readonly IndexRange[]): number[] {
  const out: number[] = [];
  for (const { first, last, step } of ranges) {
    for (let i = first; i <= last; i += Math.max(1, step)) out.push(i);
  }
  return out;
}

/** For scheduler output read leniently: the indices of every part that is a range (trimmed), skipping the others. */
export function expandLenientIndexList(list: string): number[] {
  return expandIndexRanges(list.split(',').flatMap((part) => parseIndexRange(part.trim()) ?? []));
}
