/**
 * Why a value cannot be encoded, in words a user can act on: which part of it is at fault (a
 * function, a class instance...), that it is too large for one file, or that reading it threw
 * (a getter). Used to name the task or result at fault when a whole chunk does not encode.
 */
import { encode, UnencodableValueError } from './codec.js';

export type EncodeFailure =
  /** Something inside the value cannot make the trip; `path` like `$.points[3]`. */
  | { kind: 'unencodable'; path: string; reason: string }
  /** Too large: JSON's or V8's serializer ran out of string length or buffer space. */
  | { kind: 'too-large'; error: string; approximateBytes: number }
  /** Reading the value threw (a getter, a proxy). */
  | { kind: 'threw'; error: string };

/** Encodes the value alone; undefined when that works. */
export function encodeFailureOf(value: unknown): EncodeFailure | undefined {
  try {
    encode(value);
    return undefined;
  } catch (error) {
    return classify(error, value);
  }
}

export function classify(error: unknown, value: unknown): EncodeFailure {
  if (error instanceof UnencodableValueError) return { kind: 'unencodable', path: error.path, reason: error.reason };
  const text = errorText(error);
  if (isTooLarge(error)) return { kind: 'too-large', error: text, approximateBytes: approximateSize(value) };
  return { kind: 'threw', error: text };
}

/** The serializers' ways of saying that the output would not fit in a string or a buffer. */
export function isTooLarge(error: unknown): boolean {
  return error instanceof Error && /invalid string length|allocation failed|out of memory|invalid typed array length/i.test(error.message);
}

/** The failure as the end of a sentence about `subject`, like "tasks[3].f is a function." */
export function describeEncodeFailure(failure: EncodeFailure, subject: string): string {
  switch (failure.kind) {
    case 'unencodable':
      return `${subject}${failure.path.slice(1)} ${failure.reason}`;
    case 'too-large':
      return `${subject} is too large to encode: about ${formatBytes(failure.approximateBytes)} (${failure.error}).`;
    case 'threw':
      return `${subject} could not be read to encode it: ${failure.error}.`;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(0)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${bytes} bytes`;
}

/**
 * Roughly how many bytes the value would take encoded: string lengths (as often as they occur,
 * as JSON writes them), binary data, a few bytes per other item. Reads nothing that throws.
 */
export function approximateSize(root: unknown): number {
  let bytes = 0;
  let budget = 10_000_000; // a rough number is enough; never walk forever
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0 && --budget > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      bytes += value.length + 2;
      continue;
    }
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
      bytes += 8;
      continue;
    }
    if (seen.has(value)) continue;
    seen.add(value);
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      bytes += value.byteLength;
      continue;
    }
    try {
      if (value instanceof Map) {
        for (const [k, v] of value) stack.push(k, v);
      } else if (value instanceof Set) {
        for (const v of value) stack.push(v);
      } else {
        for (const key of Object.keys(value)) {
          bytes += key.length + 4;
          stack.push((value as Record<string, unknown>)[key]);
        }
      }
    } catch {
      // A getter that throws: the size is what was counted so far.
    }
  }
  return bytes;
}

function errorText(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return 'an unprintable value was thrown';
  }
}
