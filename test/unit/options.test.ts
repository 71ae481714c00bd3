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

describe('options: fileTransfer (htcondor without a shared file system)', () => {
  it('turns static chunks on by default, and resolves inputFiles to absolute paths (a trailing / kept)', () => {
    expect(resolveOptions({ flavor: 'htcondor' }).elastic).toBe(true);
    expect(resolveOptions({ flavor: 'htcondor' }).fileTransfer).toBeUndefined();
    const o = resolveOptions({ flavor: 'htcondor', fileTransfer: { inputFiles: ['package.json', 'test/fixtures/'] } });
    expect(o.elastic).toBe(false);
    expect(o.fileTransfer).toEqual({ inputFiles: [`${process.cwd()}/package.json`, `${process.cwd()}/test/fixtures/`] });
    expect(resolveOptions({ flavor: 'htcondor', fileTransfer: true, elastic: false }).fileTransfer).toEqual({ inputFiles: [] });
  });

  it.each([
    [{ flavor: 'htcondor', fileTransfer: true, elastic: true }, /Option `elastic` must be false or left out with fileTransfer: elastic workers claim tasks from a folder every job shares/],
    [{ flavor: 'slurm', fileTransfer: true }, /Option `fileTransfer` must be left out, or used with flavor: 'htcondor'.*flavor is "slurm"/],
    [{ fileTransfer: true }, /flavor: 'htcondor'.*flavor is "local"/],
    [{ flavor: 'htcondor', fileTransfer: true, workingDir: '/tmp' }, /Option `workingDir` must be left out with fileTransfer: each job runs in the scratch folder/],
    [{ flavor: 'htcondor', fileTransfer: { inputFiles: ['no/such/file.txt'] } }, /Option `fileTransfer.inputFiles\[0\]` must be an existing file or folder \(.*no\/such\/file.txt does not exist\)/],
    [{ flavor: 'htcondor', fileTransfer: { inputFiles: ['a,b'] } }, /fileTransfer.inputFiles\[0\]` must be a path without commas/],
    [{ flavor: 'htcondor', fileTransfer: { inputFiles: ['my data'] } }, /fileTransfer.inputFiles\[0\]` must be a path without commas, spaces or line breaks/],
    [{ flavor: 'htcondor', fileTransfer: true, envScript: '/home/a/my setup.sh' }, /Option `envScript` must be a path without commas, spaces or line breaks with fileTransfer/],
    [{ flavor: 'htcondor', fileTransfer: { inputFiles: 'data/' } }, /fileTransfer.inputFiles` must be an array/],
    [{ flavor: 'htcondor', fileTransfer: 'yes' }, /Option `fileTransfer` must be true, false, or \{ inputFiles/],
  ])('refuses %j before anything is submitted', (options, message) => {
    expect(() => new Pool(options as never)).toThrow(OptionError);
    expect(() => new Pool(options as never)).toThrow(message);
  });

  it('refuses a user file named like one of the files every job gets', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/qmr-transfer-names-`);
    await writeFile(`${dir}/function.json`, '{}');
    expect(() => resolveOptions({ flavor: 'htcondor', fileTransfer: { inputFiles: [`${dir}/function.json`] } })).toThrow(/function.json is taken/);
  });
});
