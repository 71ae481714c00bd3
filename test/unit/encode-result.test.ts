import { describe, expect, it } from 'vitest';
import { CHUNK_FILE_VERSION, type ChunkResultFile } from '../../src/protocol/chunk-files.js';
import { decode, encode } from '../../src/protocol/codec.js';
import { encodeResult } from '../../worker/encode-result.js';

/** A chunk's result with these values, as the worker has it before encoding. */
function resultOf(values: unknown[]): ChunkResultFile {
  return { version: CHUNK_FILE_VERSION, chunk: 0, jobId: '7', host: 'h', pid: 1, startedAt: '', finishedAt: '', values, failures: [] };
}

/** The codec's encode, but failing as V8 does past `limit` characters: huge results without huge data. */
function encoderUpTo(limit: number): (value: unknown) => string | Buffer {
  return (value) => {
    const encoded = encode(value);
    if (encoded.length > limit) throw new RangeError('Invalid string length');
    return encoded;
  };
}

const KEPT = 'k'.repeat(2000);
const RERUN = 'r'.repeat(600);

describe('encodeResult: results too large together', () => {
  it("fails this attempt's largest value, never a rerun's kept success that is larger", () => {
    // Positions 0 and 1 are kept successes of an earlier attempt; 2 and 3 were rerun now.
    const limit = encode(resultOf([KEPT, 1, RERUN, 3])).length - 1;
    const result = resultOf([KEPT, 1, RERUN, 3]);
    const file = decode(encodeResult(result, 100, [2, 3], encoderUpTo(limit))) as ChunkResultFile;
    expect(file.values).toEqual([KEPT, 1, null, 3]);
    expect(file.failures.map(([i]) => i)).toEqual([2]);
    expect(file.failures[0]![1].message).toMatch(/^task 102 returned a value of about .*too large for one result file/);
  });

  it('fails the whole attempt, leaving the kept values alone, when they alone do not fit', () => {
    const result = resultOf([KEPT, 1, RERUN, 3]);
    expect(() => encodeResult(result, 100, [2, 3], encoderUpTo(1000))).toThrow(/Invalid string length/);
    expect(result.values.slice(0, 2)).toEqual([KEPT, 1]);
  });

  it('on a first run fails the largest values until the rest fits', () => {
    const limit = encode(resultOf([KEPT, 1, RERUN, 3])).length - 1;
    const file = decode(encodeResult(resultOf([KEPT, 1, RERUN, 3]), 0, [0, 1, 2, 3], encoderUpTo(limit))) as ChunkResultFile;
    expect(file.values).toEqual([null, 1, RERUN, 3]);
    expect(file.failures.map(([i]) => i)).toEqual([0]);
  });
});
