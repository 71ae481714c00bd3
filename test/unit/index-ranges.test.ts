import { describe, expect, it } from 'vitest';
import { expandIndexRanges, expandLenientIndexList, parseIndexRange, parseIndexRangeList } from '../../src/protocol/index-ranges.js';

describe('index ranges', () => {
  it('reads a number, a range and a stepped range', () => {
    expect(parseIndexRange('7')).toEqual({ first: 7, last: 7, step: 1 });
    expect(parseIndexRange('1-10')).toEqual({ first: 1, last: 10, step: 1 });
    expect(parseIndexRange('1-10:2')).toEqual({ first: 1, last: 10, step: 2 });
    expect(parseIndexRange('1-10:2', { steps: false })).toBeUndefined();
    expect(parseIndexRange(' 1')).toBeUndefined();
  });

  it('reads comma lists strictly, trimming only when asked', () => {
    expect(parseIndexRangeList('0-2,105')).toEqual([{ first: 0, last: 2, step: 1 }, { first: 105, last: 105, step: 1 }]);
    expect(parseIndexRangeList('1, 3')).toBeUndefined();
    expect(parseIndexRangeList('1, 3', { trim: true })).toHaveLength(2);
    expect(parseIndexRangeList('1,,3')).toBeUndefined();
  });

  it('expands in the order written, never looping on a zero step', () => {
    expect(expandIndexRanges(parseIndexRangeList('5-9:2,1')!)).toEqual([5, 7, 9, 1]);
    expect(expandIndexRanges([{ first: 1, last: 3, step: 0 }])).toEqual([1, 2, 3]);
    expect(expandIndexRanges([{ first: 0, last: 999_999, step: 1 }])).toHaveLength(1_000_000);
  });

  it('skips what is not a range when reading scheduler output leniently', () => {
    expect(expandLenientIndexList('4, 5,x,1-7:3')).toEqual([4, 5, 1, 4, 7]);
  });
});
