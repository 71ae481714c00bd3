import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors.js';
import { Pool } from '../../src/pool.js';
import { parseMemoryMegabytes, parseWalltimeSeconds, resolveOptions } from '../../src/options.js';

describe('options', () => {
  it('applies the defaults', () => {
    const o = resolveOptions({});
    expect(o).toMatchObject({ flavor: 'local', maxResubmissions: 10, pollInterval: 1000, keepWorkDir: 'on-error', exportEnv: true, arrays: true });
    expect(o.executable[0]).toBe(process.execPath);
  });

  it.each([
    [{ flavor: 'slurmm' }, /Option `flavor` must be one of 'local', 'sge'.*got the string "slurmm"/],
    [{ chunkSize: 0 }, /Option `chunkSize` must be a positive integer; got number 0/],
    [{ chunkSize: 2, numChunks: 3 }, /exclude each other/],
    [{ pollInterval: 5 }, /Option `pollInterval` must be a number of milliseconds from 20 to 2147483647 \(about 24.8 days\); got number 5/],
    [{ keepWorkDir: 'sometimes' }, /keepWorkDir/],
    [{ env: { A: 1 } }, /Option `env.A` must be a string; got number 1/],
    [{ resources: { memory: 'lots' } }, /resources.memory.*'500M'.*got the string "lots"/],
    [{ resources: { gpus: 2 } }, /resources.gpus.*submitArgs/],
    [{ resources: { jobName: '1bad name' } }, /resources.jobName/],
    [{ maxResubmision: 3 }, /`maxResubmision`.*did you mean `maxResubmissions`/],
    [{ signal: 'stop' }, /AbortSignal/],
    [{ executable: [] }, /executable/],
    [{ maxRunning: 0 }, /Option `maxRunning` must be a positive integer; got number 0/],
    [{ maxArraySize: 2.5 }, /Option `maxArraySize` must be a positive integer/],
  ])('refuses %j with a message naming option, value and what is allowed', (options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(OptionError);
    expect(() => resolveOptions(options as never)).toThrow(message);
  });

  it('refuses maxRunning on htcondor before anything is submitted', () => {
    const pool = new Pool({ flavor: 'htcondor', maxRunning: 2 });
    expect(() => pool.flavor).toThrow(/Option `maxRunning` must be left out on the htcondor flavor/);
  });

  it('reads memory and walltime the way schedulers write them', () => {
    expect(parseMemoryMegabytes('4G')).toBe(4096);
    expect(parseMemoryMegabytes('500MB')).toBe(500);
    expect(parseMemoryMegabytes(1024)).toBe(1024);
    expect(parseWalltimeSeconds('1:00:00')).toBe(3600);
    expect(parseWalltimeSeconds('2-00:00:30')).toBe(172830);
    expect(parseWalltimeSeconds('05:00')).toBe(300);
    expect(parseWalltimeSeconds(90)).toBe(90);
  });
});
