import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { workerBundleFiles, writeWorkerBundle } from '../../src/worker-launch/worker-bundle.js';

describe('the worker bundle a job carries under HTCondor file transfer', () => {
  it('holds the worker program and every module it imports, and runs on its own, away from dist/', async () => {
    const { files } = await workerBundleFiles();
    expect(files).toEqual(expect.arrayContaining(['worker/main.js', 'worker/run-chunk.js', 'src/protocol/codec.js', 'src/protocol/work-dir-layout.js']));
    expect(files.every((f) => f.endsWith('.js') && !f.startsWith('..'))).toBe(true);
    // Not the whole library: the submitting side's modules stay behind.
    expect(files).not.toContain('src/pool.js');
    const folder = path.join(await mkdtemp(path.join(tmpdir(), 'qmr-bundle-')), 'qmr-worker');
    await writeWorkerBundle(folder);
    expect(JSON.parse(await readFile(path.join(folder, 'package.json'), 'utf8'))).toMatchObject({ type: 'module' });
    // Started with no run folder it prints its usage: every import resolved inside the bundle.
    const result = await promisify(execFile)(process.execPath, [path.join(folder, 'worker', 'main.js')]).catch((e: { code: number; stderr: string }) => e);
    expect(result).toMatchObject({ code: 2 });
    expect((result as { stderr: string }).stderr).toMatch(/^usage: main.js RUN_DIR CHUNK/);
  });
});
