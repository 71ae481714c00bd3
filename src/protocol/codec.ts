/**
 * Tasks and results to bytes and back, keeping their JavaScript types.
 *
 * Two encodings, chosen per value by one walk over it:
 *  - plain JSON when JSON represents the value exactly (the common case, and the fastest), and
 *  - V8's structured-clone format (node:v8) for everything else JSON would lose: undefined,
 *    NaN, -0, BigInt, Date, Map, Set, RegExp, typed arrays, Buffer, Error, cycles.
 * Both decoders only build data: decoding a file never evaluates code, so whoever can write to
 * the work dir cannot run code in the submitting process.
 * The same walk refuses what would not survive the trip (functions, symbols, class instances
 * that would lose their prototype) and says where in the value the problem is.
 */
import v8 from 'node:v8';

const JSON_MAGIC = 'QMR:J\n';
const V8_MAGIC = 'QMR:V\n';

/** A value that cannot be encoded; `path` says where inside it, like `$.points[3]`. */
export class UnencodableValueError extends Error {
  override name = 'UnencodableValueError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} ${reason}`);
  }
}

/** Encodes a value; the result is written to a file as is. Throws UnencodableValueError. */
export function encode(value: unknown): string | Buffer {
  if (isExactJson(value)) return JSON_MAGIC + JSON.stringify(value);
  const body = v8.serialize(value);
  return Buffer.concat([Buffer.from(V8_MAGIC), body]);
}

/** Decodes what encode produced (as read from a file, or as encode returned it). Never evaluates code. */
export function decode(bytes: Buffer | string): unknown {
  if (typeof bytes === 'string') {
    if (bytes.startsWith(JSON_MAGIC)) return JSON.parse(bytes.slice(JSON_MAGIC.length));
    throw new Error('not a queue-map-reduce data file (unknown header)');
  }
  const magic = bytes.toString('latin1', 0, JSON_MAGIC.length);
  if (magic === JSON_MAGIC) return JSON.parse(bytes.toString('utf8', JSON_MAGIC.length));
  if (magic === V8_MAGIC) return v8.deserialize(bytes.subarray(V8_MAGIC.length));
  throw new Error('not a queue-map-reduce data file (unknown header)');
}

/**
 * Returns true when JSON.stringify/JSON.parse reproduce the value exactly, false when it needs
 * the structured format, and throws when neither can carry it.
 *
 * A quick walk answers for plain data (the hot path: it must stay well under the cost of
 * JSON.stringify, so it keeps no set of visited objects). Anything else gets a careful walk
 * that tracks shared and cyclic references and says where a problem is.
 * Plain data with shared references takes the JSON path, so each reference arrives as its own copy.
 */
export function isExactJson(root: unknown): boolean {
  const quick = new QuickWalk();
  if (quick.isPlainJson(root)) return true;
  return carefulWalk(root);
}

/** Deeper values are refused: the serializers recurse. */
const MAX_DEPTH = 2000;

/** Plain JSON or not, fast. Gives up (false) on anything unusual, deep or huge. */
class QuickWalk {
  private budget = 50_000_000; // stops a walk that shared references would make exponential

  isPlainJson(value: unknown): boolean {
    try {
      return this.visit(value, 0);
    } catch (error) {
      if (error instanceof RangeError) return false; // deeper than the stack: let the careful walk judge
      throw error;
    }
  }

  private visit(value: unknown, depth: number): boolean {
    const type = typeof value;
    if (type === 'string' || type === 'boolean') return true;
    if (type === 'number') return Number.isFinite(value) && (value !== 0 || 1 / (value as number) > 0);
    if (value === null) return true;
    if (type !== 'object' || depth > 1000 || --this.budget < 0) return false;
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Array.prototype) {
      const array = value as unknown[];
      for (let i = 0; i < array.length; i++) {
        if (!this.visit(array[i], depth + 1)) return false;
        if (array[i] === undefined) return false; // a hole would come back as null
      }
      return true;
    }
    if (proto === Object.prototype) {
      const record = value as Record<string, unknown>;
      for (const key in record) if (!this.visit(record[key], depth + 1)) return false;
      return true;
    }
    return false;
  }
}

/** The full walk: validates every node, with cycles, and names the path of a bad value. */
function carefulWalk(root: unknown): boolean {
  const seen = new Set<object>();
  let exact = true;
  // An explicit stack: deep values must not overflow the call stack. Paths are built lazily.
  const stack: Array<[unknown, Where, number]> = [[root, '$', 0]];
  while (stack.length > 0) {
    const [value, where, depth] = stack.pop()!;
    switch (typeof value) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (!Number.isFinite(value) || Object.is(value, -0)) exact = false;
        continue;
      case 'undefined':
      case 'bigint':
        exact = false;
        continue;
      case 'symbol':
        throw new UnencodableValueError(pathOf(where), 'is a Symbol, which cannot be sent to another process.');
      case 'function':
        throw new UnencodableValueError(
          pathOf(where),
          'is a function. Functions inside tasks or results cannot be sent; pass data and do the work inside fn.',
        );
    }
    if (value === null) continue;
    const obj = value as object;
    if (depth > MAX_DEPTH) {
      // Both JSON.stringify and V8's serializer recurse and would overflow the stack.
      throw new UnencodableValueError(pathOf(where).slice(0, 200) + '...', `is nested more than ${MAX_DEPTH} levels deep.`);
    }
    if (seen.has(obj)) {
      exact = false; // shared or cyclic: structured clone keeps the references
      continue;
    }
    seen.add(obj);
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (proto === Array.prototype) {
      const array = obj as unknown[];
      for (let i = array.length - 1; i >= 0; i--) {
        if (!(i in array)) exact = false;
        stack.push([array[i], [where, i], depth + 1]);
      }
      continue;
    }
    if (proto === Object.prototype || proto === null) {
      if (proto === null) exact = false;
      const record = obj as Record<string, unknown>;
      for (const key of Object.keys(record)) stack.push([record[key], [where, key], depth + 1]);
      continue;
    }
    exact = false;
    if (obj instanceof Map) {
      for (const [k, v] of obj) {
        stack.push([k, [where, ` (a key of this Map)`], depth + 1]);
        stack.push([v, [where, `.get(${shortKey(k)})`], depth + 1]);
      }
      continue;
    }
    if (obj instanceof Set) {
      for (const v of obj) stack.push([v, [where, ' (a member of this Set)'], depth + 1]);
      continue;
    }
    if (obj instanceof Error) {
      // V8 keeps name (for built-in error types), message, stack and cause.
      if ('cause' in obj) stack.push([obj.cause, [where, 'cause'], depth + 1]);
      continue;
    }
    if (typeof SharedArrayBuffer !== 'undefined' && obj instanceof SharedArrayBuffer) {
      throw new UnencodableValueError(
        pathOf(where),
        'is a SharedArrayBuffer, which cannot be written to a file; copy it into an ArrayBuffer.',
      );
    }
    if (
      obj instanceof Date ||
      obj instanceof RegExp ||
      ArrayBuffer.isView(obj) ||
      obj instanceof ArrayBuffer ||
      obj instanceof Number ||
      obj instanceof String ||
      obj instanceof Boolean ||
      obj instanceof BigInt
    ) {
      continue;
    }
    const className = (proto as { constructor?: { name?: string } }).constructor?.name || 'an unnamed class';
    throw new UnencodableValueError(
      pathOf(where),
      `is an instance of ${className}: its prototype and methods would be lost on the way. ` +
        'Send a plain object (or array, Map, Date, ...) and rebuild the instance inside fn.',
    );
  }
  return exact;
}

/** A path as a linked list of keys; turned into text like `$.points[3]` only for a message. */
type Where = '$' | [Where, string | number];

function pathOf(where: Where): string {
  if (where === '$') return '$';
  const [parent, key] = where;
  const base = pathOf(parent);
  if (typeof key === 'number') return `${base}[${key}]`;
  if (key.startsWith(' ') || key.startsWith('.')) return base + key;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

function shortKey(key: unknown): string {
  const text = typeof key === 'string' ? JSON.stringify(key) : String(key);
  return text.length > 30 ? `${text.slice(0, 27)}...` : text;
}
