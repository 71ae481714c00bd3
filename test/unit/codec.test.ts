import { describe, expect, it } from 'vitest';
import { decode, encode, isExactJson, UnencodableValueError } from '../../src/protocol/codec.js';

const roundTrip = (value: unknown) => decode(Buffer.from(encode(value)));

describe('codec', () => {
  it('keeps plain JSON data as JSON', () => {
    const value = { a: 1, b: ['x', true, null, { c: 2.5 }] };
    expect(isExactJson(value)).toBe(true);
    expect(String(encode(value)).startsWith('QMR:J\n')).toBe(true);
    expect(roundTrip(value)).toEqual(value);
  });

  it('keeps every type of the design list through the round trip', () => {
    const error = new RangeError('out of range');
    const value = {
      undef: undefined,
      nan: NaN,
      inf: -Infinity,
      negZero: -0,
      big: 12345678901234567890n,
      date: new Date('2026-11-22T07:00:00Z'),
      map: new Map<unknown, unknown>([[{ k: 1 }, new Set([1, 'two'])]]),
      set: new Set([new Date(0)]),
      regexp: /a+b/giu,
      u8: new Uint8Array([1, 2, 255]),
      f64: new Float64Array([1.5, -2]),
      buffer: Buffer.from('héllo'),
      error,
      sparse: [1, , 3], // eslint-disable-line no-sparse-arrays
    };
    const back = roundTrip(value) as typeof value;
    expect(back.undef).toBeUndefined();
    expect('undef' in back).toBe(true);
    expect(back.nan).toBeNaN();
    expect(back.inf).toBe(-Infinity);
    expect(Object.is(back.negZero, -0)).toBe(true);
    expect(back.big).toBe(12345678901234567890n);
    expect(back.date).toBeInstanceOf(Date);
    expect(back.date.toISOString()).toBe('2026-11-22T07:00:00.000Z');
    expect([...back.map.keys()][0]).toEqual({ k: 1 });
    expect([...back.map.values()][0]).toEqual(new Set([1, 'two']));
    expect(back.regexp.source).toBe('a+b');
    expect(back.regexp.flags).toBe('giu');
    expect(back.u8).toBeInstanceOf(Uint8Array);
    expect([...back.u8]).toEqual([1, 2, 255]);
    expect(back.f64).toBeInstanceOf(Float64Array);
    expect(Buffer.isBuffer(back.buffer)).toBe(true);
    expect(back.buffer.toString()).toBe('héllo');
    expect(back.error).toBeInstanceOf(RangeError);
    expect(back.error.message).toBe('out of range');
    expect(back.error.stack).toBe(error.stack);
    expect(1 in back.sparse).toBe(false);
  });

  it('keeps cycles and shared references when structured', () => {
    const node: Record<string, unknown> = { when: new Date(0) };
    node.self = node;
    const back = roundTrip(node) as Record<string, unknown>;
    expect(back.self).toBe(back);
  });

  it.each([
    [{ fn: () => 1 }, '$.fn is a function'],
    [[1, { deep: [Symbol('s')] }], '$[1].deep[0] is a Symbol'],
    [new Map([['key', () => 2]]), '$.get("key") is a function'],
    [{ when: new Date(), x: new (class Point { x = 1 })() }, '$.x is an instance of Point'],
    [{ 'odd key': new (class Thing {})() }, '$["odd key"] is an instance of Thing'],
  ])('refuses %s naming where the problem is', (value, message) => {
    expect(() => encode(value)).toThrow(UnencodableValueError);
    expect(() => encode(value)).toThrow(message);
  });

  it('refuses to decode a file of another kind', () => {
    expect(() => decode(Buffer.from('{"a":1}'))).toThrow(/not a queue-map-reduce data file/);
  });

  it('decodes without evaluating code', () => {
    // A result file forged to look like code: it must come back as inert data.
    globalThis.__qmrPwned = false;
    const forged = Buffer.from('QMR:J\n{"x":"globalThis.__qmrPwned = true","__proto__":{"polluted":true}}');
    const value = decode(forged) as Record<string, unknown>;
    expect(globalThis.__qmrPwned).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(value.x).toBe('globalThis.__qmrPwned = true');
  });

  it('takes nesting a thousand levels deep, and refuses what the serializers cannot take', () => {
    const nest = (levels: number) => {
      let deep: unknown = new Date(0);
      for (let i = 0; i < levels; i++) deep = [deep];
      return deep;
    };
    expect(roundTrip(nest(1000))).toEqual(nest(1000));
    expect(() => encode(nest(100_000))).toThrow(/nested more than 2000 levels deep/);
  });
});

declare global {
  // eslint-disable-next-line no-var
  var __qmrPwned: boolean;
}
