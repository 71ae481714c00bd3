import { describe, expect, it } from 'vitest';
import { chunkAt, formatChunkSpec, parseChunkSpec } from '../../src/protocol/chunk-spec.js';
import { groupForSubmission, MAX_CHUNK_LIST_LENGTH } from '../../src/map/submission-groups.js';

describe('chunk lists', () => {
  it('folds runs into ranges and keeps order', () => {
    expect(formatChunkSpec([0, 1, 2, 3, 7, 9, 10])).toBe('0-3,7,9-10');
    expect(formatChunkSpec([5])).toBe('5');
    expect(parseChunkSpec('0-3,7,9-10')).toEqual([0, 1, 2, 3, 7, 9, 10]);
  });

  it('finds the chunk at a position without expanding', () => {
    expect(chunkAt('0-999999', 500000)).toBe(500000);
    expect(chunkAt('3,7,9-11', 3)).toBe(10);
    expect(chunkAt('3,7', 2)).toBeUndefined();
    expect(chunkAt('3+7+9-11', 3)).toBe(10); // the form PBS -v can carry
    expect(parseChunkSpec('0-1+5')).toEqual([0, 1, 5]);
  });

  it('rejects malformed lists', () => {
    expect(() => parseChunkSpec('1-')).toThrow(/not a chunk list/);
    expect(() => parseChunkSpec('5-3')).toThrow(/descending/);
  });
});

describe('submission groups', () => {
  it('puts chunks into arrays of at most the site limit', () => {
    const groups = groupForSubmission([...Array(2500).keys()], true, 1000);
    expect(groups.map((g) => g.length)).toEqual([1000, 1000, 500]);
  });

  it('submits one job per chunk when arrays are off', () => {
    expect(groupForSubmission([4, 8], false)).toEqual([[4], [8]]);
  });

  it('splits scattered chunks so that no chunk list gets too long', () => {
    const scattered = [...Array(5000).keys()].map((i) => i * 2);
    const groups = groupForSubmission(scattered, true, 100_000);
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) expect(formatChunkSpec(g).length).toBeLessThanOrEqual(MAX_CHUNK_LIST_LENGTH);
    expect(groups.flat()).toEqual(scattered);
  });
});
