/**
 * Encodes a chunk's result file. A value that cannot be sent back (one of its parts cannot make
 * the trip, it is too large, or reading it throws) becomes that task's error instead, saying why
 * and how large: retrying would only compute it again, and the other tasks' values must still
 * arrive. Only the values computed in this attempt are ever failed: a rerun's kept successes
 * (rerunFailed) were computed and delivered before, and failing one would lose it (the next
 * rerun would move the file aside and compute it again).
 */
import type { ChunkResultFile } from '../src/protocol/chunk-files.js';
import { encode } from '../src/protocol/codec.js';
import { approximateSize, describeEncodeFailure, encodeFailureOf, formatBytes, isTooLarge } from '../src/protocol/encode-failure.js';

/**
 * `ran`: the positions computed in this attempt (all of them, or a rerun's failed ones).
 * `encoder`: the codec's encode; a test passes one with a small size limit.
 */
export function encodeResult(result: ChunkResultFile, firstTask: number, ran: readonly number[], encoder: (value: unknown) => string | Buffer = encode): string | Buffer {
  let lastError: unknown;
  try {
    return encoder(result);
  } catch (error) {
    lastError = error;
  }
  const failValue = (i: number, message: string) => {
    result.values[i] = null;
    result.failures.push([i, { name: 'SerializationError', message }]);
  };
  for (const i of ran) {
    const failure = encodeFailureOf(result.values[i]);
    if (failure) failValue(i, `task ${firstTask + i} returned a value that cannot be sent back: ${describeEncodeFailure(failure, 'the value')}`);
  }
  result.failures.forEach(([, record]) => {
    if (record.props && encodeFailureOf(record.props)) delete record.props;
  });
  // Values that encode alone can still be too large together: fail the largest of this attempt's
  // until the rest fits. If the kept ones alone do not fit, this attempt fails as a whole (thrown)
  // and the kept result stays where it is, for the next rerun.
  const failed = new Set(result.failures.map(([i]) => i));
  for (;;) {
    try {
      return encoder(result);
    } catch (error) {
      lastError = error;
      if (!isTooLarge(error)) break;
    }
    let largest = -1;
    let largestSize = -1;
    for (const i of ran) {
      if (failed.has(i)) continue;
      const size = approximateSize(result.values[i]);
      if (size > largestSize) [largest, largestSize] = [i, size];
    }
    if (largest === -1) break;
    failed.add(largest);
    failValue(
      largest,
      `task ${firstTask + largest} returned a value of about ${formatBytes(largestSize)}, the largest of its chunk, whose results together are too large for one result file (${errorText(lastError)}); return less per task, or use a smaller chunkSize`,
    );
  }
  throw lastError;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
