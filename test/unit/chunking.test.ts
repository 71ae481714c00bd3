import { describe, expect, it } from 'vitest';
import { chunkCount, chunkSizeAt, MAX_CHUNKS, planChunks, STREAM_MAX_CHUNK } from '../../src/map/chunking.js';

describe('planChunks', () => {
  it('uses three chunks per slot', () => {
    expect(planChunks(1000, { chunkSize: undefined, numChunks: undefined }, 2)).toMatchObject({ chunkSize: 167, numChunks: 6 });
  });
  it('never makes more chunks than tasks', () => {
    expect(planChunks(4, { chunkSize: undefined, numChunks: undefined }, 100)).toMatchObject({ chunkSize: 1, numChunks: 4 });
  });
  it('caps the number of jobs', () => {
    const plan = planChunks(1_000_000, { chunkSize: undefined, numChunks: undefined }, 1_000_000);
    expect(plan.numChunks).toBeLessThanOrEqual(MAX_CHUNKS);
  });
  it('lets explicit options win', () => {
    expect(planChunks(10, { chunkSize: 3, numChunks: undefined }, 2)).toMatchObject({ chunkSize: 3, numChunks: 4 });
    expect(planChunks(10, { chunkSize: undefined, numChunks: 5 }, 2)).toMatchObject({ chunkSize: 2, numChunks: 5 });
  });
  it('needs chunkSize, not numChunks, for tasks of unknown number', () => {
    expect(() => planChunks(undefined, { chunkSize: undefined, numChunks: 5 }, 2)).toThrow(/numChunks/);
    const stream = planChunks(undefined, { chunkSize: undefined, numChunks: undefined }, 2);
    expect(stream).toMatchObject({ chunkSize: 100, growing: true });
    expect([0, 1, 2, 7, 20].map((k) => chunkSizeAt(stream, k))).toEqual([100, 200, 400, 10_000, STREAM_MAX_CHUNK]);
    // 10^6 streamed tasks take about a hundred chunks, not ten thousand.
    let tasks = 0;
    let chunks = 0;
    while (tasks < 1_000_000) tasks += chunkSizeAt(stream, chunks++);
    expect(chunks).toBeLessThan(110);
  });
  it('gives leading bulk chunks their size and the rest chunkSize, and counts them', () => {
    const plan = { chunkSize: 5, bulk: { size: 40, chunks: 3 } };
    expect([0, 1, 2, 3, 4].map((k) => chunkSizeAt(plan, k))).toEqual([40, 40, 40, 5, 5]);
    expect(chunkCount(plan, 150)).toBe(3 + 6);
    expect(chunkCount(plan, 151)).toBe(3 + 7);
    // Fewer tasks than the bulk holds: only the chunks needed.
    expect(chunkCount(plan, 41)).toBe(2);
    expect(chunkCount({ chunkSize: 5 }, 11)).toBe(3);
  });
});
