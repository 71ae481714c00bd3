import { describe, expect, it } from 'vitest';
import { functionOrigin, functionOriginLookups } from '../../src/function/function-origin.js';

describe('functionOrigin', () => {
  it('looks a function up once: a map of the same fn again takes its origin from the cache', () => {
    const square = (x: number) => x * x;
    const cube = (x: number) => x * x * x;
    const before = functionOriginLookups();
    const first = functionOrigin(square, square.toString());
    expect(functionOrigin(square, square.toString())).toEqual(first);
    expect(functionOriginLookups()).toBe(before + 1);
    functionOrigin(cube, cube.toString());
    expect(functionOriginLookups()).toBe(before + 2);
  });
});
