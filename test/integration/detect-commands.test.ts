/**
 * Flavor auto-detection against stand-in submit commands: the one given or on PATH, and Grid
 * Engine told from PBS by what `qsub -help` prints.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFlavor, findOnPath } from '../../src/queues/detect.js';
import { temporaryFolder } from '../helpers/tmp.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder();
});
afterAll(async () => folder.cleanup());

async function fakeCommand(dir: string, name: string, helpText = ''): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\necho ${JSON.stringify(helpText)}\n`);
  await chmod(file, 0o755);
  return file;
}

describe('flavor auto-detection', () => {
  it('picks the scheduler whose submit command is given or on PATH', async () => {
    const sge = await fakeCommand(path.join(folder.path, 'sge'), 'qsub', 'SGE 8.1.9');
    const pbs = await fakeCommand(path.join(folder.path, 'pbs'), 'qsub', 'usage: qsub [-a date_time]');
    const sbatch = await fakeCommand(path.join(folder.path, 'slurm'), 'sbatch');
    expect(detectFlavor({ qsub: sge, sbatch: '/nonexistent/sbatch', bsub: '/no/bsub', condor_submit: '/no/cs' }).flavor).toBe('sge');
    expect(detectFlavor({ qsub: pbs, sbatch: '/nonexistent/sbatch', bsub: '/no/bsub', condor_submit: '/no/cs' }).flavor).toBe('pbs');
    expect(detectFlavor({ sbatch }).flavor).toBe('slurm');
    expect(detectFlavor({ sbatch: '/no/sbatch', bsub: '/no/bsub', condor_submit: '/no/cs', qsub: '/no/qsub' })).toMatchObject({ flavor: 'local' });
    expect(findOnPath('sbatch', path.join(folder.path, 'slurm'))).toBe(sbatch);
  });
});
