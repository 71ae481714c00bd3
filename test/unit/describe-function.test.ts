import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FunctionShippingError } from '../../src/errors.js';
import { describeFunction } from '../../src/function/describe-function.js';

describe('describeFunction', () => {
  it('ships self-contained functions by source, including method shorthand and async', async () => {
    const holder = { square(x: number) { return x * x; }, async later(x: number) { return x; } };
    expect(await describeFunction((x: number) => Math.sqrt(x) + Number.EPSILON, '/')).toMatchObject({ kind: 'source' });
    expect(await describeFunction(holder.square, '/')).toMatchObject({ kind: 'source', source: expect.stringContaining('x * x') });
    expect(await describeFunction(holder.later, '/')).toMatchObject({ kind: 'source' });
  });

  it('accepts what the worker provides: globals, require, import()', async () => {
    const fn = async (p: string) => {
      const fs = await import('node:fs');
      return [fs.existsSync(p), require('node:path').basename(p), process.pid, Buffer.from('x'), new URL('file:///x')];
    };
    await expect(describeFunction(fn, '/')).resolves.toMatchObject({ kind: 'source' });
  });

  it('refuses a function that reads its enclosing scope, naming the variables and both remedies', async () => {
    const factor = 3;
    const offset = 1;
    const error = await describeFunction((x: number) => x * factor + offset, '/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FunctionShippingError);
    expect((error as Error).message).toMatch(/reads `factor`, `offset` from its enclosing scope/);
    expect((error as Error).message).toMatch(/pass the values in the tasks/);
    expect((error as Error).message).toMatch(/put the function in a module/);
  });

  it('refuses native and bound functions', async () => {
    await expect(describeFunction(Math.sqrt, '/')).rejects.toThrow(/Native and bound functions/);
    await expect(describeFunction(((x: number) => x).bind(null), '/')).rejects.toThrow(FunctionShippingError);
  });

  it('resolves a module function to an absolute URL and checks the export', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'qmr-fn-'));
    await writeFile(path.join(dir, 'work.mjs'), 'export function analyse(x) { return x + 1 }\nexport const notFn = 3;\n');
    await expect(describeFunction({ module: './work.mjs', export: 'analyse' }, dir)).resolves.toEqual({
      kind: 'module',
      module: pathToFileURL(path.join(dir, 'work.mjs')).href,
      exportName: 'analyse',
    });
    await expect(describeFunction({ module: './work.mjs', export: 'missing' }, dir)).rejects.toThrow(/no exported function named "missing".*Exported functions: analyse/);
    await expect(describeFunction({ module: './nope.mjs', export: 'x' }, dir)).rejects.toThrow(/does not exist/);
  });
});
