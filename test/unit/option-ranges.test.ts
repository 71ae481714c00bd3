import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors.js';
import { resolveOptions, type PoolOptions } from '../../src/options.js';

const MILLISECOND_OPTIONS = ['pollInterval', 'maxPollInterval', 'leaseTimeout', 'missingGrace', 'heldTimeout', 'stalledTimeout', 'commandTimeout'] as const;

describe('option values a worker or a timer could not use are refused in new Pool', () => {
  // A Node timer above 2^31-1 ms fires at once: pollInterval: Infinity polled back to back.
  it.each(MILLISECOND_OPTIONS.flatMap((name) => [[name, 3e9] as const, [name, 2 ** 31] as const]))('%s: %d', (name, value) => {
    expect(() => resolveOptions({ [name]: value })).toThrow(new RegExp(`Option \`${name}\` must be a number of milliseconds from \\d+ to 2147483647`));
  });

  it.each(MILLISECOND_OPTIONS.filter((name) => name !== 'heldTimeout'))('%s: Infinity', (name) => {
    expect(() => resolveOptions({ [name]: Infinity })).toThrow(OptionError);
  });

  it('keeps heldTimeout: Infinity, documented as waiting for a release, and takes the largest timer', () => {
    expect(resolveOptions({ heldTimeout: Infinity }).heldTimeout).toBe(Infinity);
    expect(resolveOptions({ pollInterval: 2 ** 31 - 1 }).maxPollInterval).toBe(2 ** 31 - 1);
    expect(() => resolveOptions({ heldTimeout: 3e9 })).toThrow(/heldTimeout.*or Infinity to wait for a release/);
  });

  it.each([
    [{ env: { 'A-B': 'x' } }, /Option `env\["A-B"\]` must be under a variable name of letters, digits and _/],
    [{ env: { 'A=B': 'x' } }, /Option `env\["A=B"\]`/],
    [{ env: { '1A': 'x' } }, /Option `env\["1A"\]`/],
    [{ env: { A: 'x\0y' } }, /Option `env.A` must be a string without NUL characters/],
    [{ resources: { memory: '0M' } }, /resources.memory.*above 0.*got the string "0M"/],
    [{ resources: { memory: '0G' } }, /resources.memory/],
    [{ resources: { memory: 0 } }, /resources.memory/],
    [{ resources: { walltime: '00:00' } }, /resources.walltime.*got the string "00:00"/],
    [{ resources: { walltime: '0-00:00:00' } }, /resources.walltime/],
    [{ resources: { walltime: 0 } }, /resources.walltime/],
  ] as Array<[PoolOptions, RegExp]>)('refuses %j', (options, message) => {
    expect(() => resolveOptions(options)).toThrow(OptionError);
    expect(() => resolveOptions(options)).toThrow(message);
  });

  it('takes ordinary env, memory and walltime', () => {
    const o = resolveOptions({ env: { OMP_NUM_THREADS: '4', _X: '' }, resources: { memory: '0.5G', walltime: '00:01' } });
    expect(o.env).toEqual({ OMP_NUM_THREADS: '4', _X: '' });
    expect(o.resources).toEqual({ memory: '0.5G', walltime: '00:01' });
  });
});
