import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from '../../src/index.js';
import { readJournal } from '../../src/resume/journal.js';
import { WorkDirBusyError } from '../../src/work-dir/work-dir-lock.js';
import { qmr } from '../cli/helpers.js';
import { startChildMap } from '../helpers/child-map.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder();
});
afterAll(async () => folder.cleanup());

// Each task waits until the test creates the file QMR_TEST_RELEASE names, so the map is surely
// still running while the test looks at it.
const WAITS_FOR_RELEASE = `async (x) => {
  const { existsSync } = await import('node:fs');
  while (!existsSync(process.env.QMR_TEST_RELEASE)) await new Promise((r) => setTimeout(r, 50));
  return x * 2;
}`;
const waitsForRelease = (0, eval)(WAITS_FOR_RELEASE) as (x: number) => Promise<number>;
const tasks = [0, 1, 2, 3];
const doubled = tasks.map((x) => x * 2);

async function holder(workDir: string): Promise<{ pid: number; host: string } | undefined> {
  return JSON.parse(await readFile(path.join(workDir, 'lock', 'holder.json'), 'utf8').catch(() => 'null')) ?? undefined;
}

async function submitted(workDir: string): Promise<boolean> {
  return (await readJournal(path.join(workDir, 'journal.jsonl'))).some((r) => r.t === 'submit' || r.t === 'workers');
}

describe('one map per work dir at a time', () => {
  it('refuses a second map (another process) on a work dir in use, naming the holder; the first map ends with all its results', async () => {
    const workDir = path.join(folder.path, 'busy');
    const release = path.join(folder.path, 'busy.release');
    const first = startChildMap({ fn: WAITS_FOR_RELEASE, tasks, options: { workDir, chunkSize: 1, env: { QMR_TEST_RELEASE: release } } });
    await waitFor(() => submitted(workDir), 'the first map to submit');
    const error = await new Pool({ workDir, env: { QMR_TEST_RELEASE: release } }).map(waitsForRelease, tasks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkDirBusyError);
    expect((error as Error).message).toContain(`in use by another map: pid ${first.child.pid} on ${hostname()}, since 20`);
    expect((error as WorkDirBusyError).holder?.pid).toBe(first.child.pid);
    await writeFile(release, '');
    const { output } = await first.exited;
    expect(output).toEqual({ results: doubled });
    expect(existsSync(workDir)).toBe(false); // removed by its map at the end, as keepWorkDir 'on-error' says
  });

  // A container with its own pid namespace on this host (Apptainer --pid or --containall): the
  // holder is pid 1 there, which here is init, with another start time.
  const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
  it.skipIf(!canUnshare)('refuses a second map while the first runs in another pid namespace on this host (pid 1 there)', async () => {
    const workDir = path.join(folder.path, 'pid-namespace');
    const release = path.join(folder.path, 'pid-namespace.release');
    const first = startChildMap({
      fn: WAITS_FOR_RELEASE,
      tasks,
      options: { workDir, chunkSize: 1, env: { QMR_TEST_RELEASE: release } },
      wrapper: ['unshare', '--pid', '--fork', '--mount-proc'],
    });
    await waitFor(() => submitted(workDir), 'the first map to submit');
    expect((await holder(workDir))?.pid).toBe(1);
    const error = await new Pool({ workDir, env: { QMR_TEST_RELEASE: release } }).map(waitsForRelease, tasks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkDirBusyError);
    expect((error as Error).message).toContain(`in use by another map: pid 1 on ${hostname()}`);
    await writeFile(release, '');
    const { output } = await first.exited;
    expect(output).toEqual({ results: doubled });
  });

  it('refuses a second map in the same process too', async () => {
    const workDir = path.join(folder.path, 'same-process');
    const release = path.join(folder.path, 'same-process.release');
    const options = { workDir, chunkSize: 1, env: { QMR_TEST_RELEASE: release } };
    const first = new Pool(options).map(waitsForRelease, tasks);
    await waitFor(() => submitted(workDir), 'the first map to submit');
    await expect(new Pool(options).map(waitsForRelease, tasks)).rejects.toThrow(WorkDirBusyError);
    await writeFile(release, '');
    expect(await first).toEqual(doubled);
  });

  it('takes over the lock of a map on this host whose process is gone, and journals it', async () => {
    const workDir = path.join(folder.path, 'killed');
    const release = path.join(folder.path, 'killed.release');
    const options = { workDir, chunkSize: 1, keepWorkDir: 'always', env: { QMR_TEST_RELEASE: release } };
    const first = startChildMap({ fn: WAITS_FOR_RELEASE, tasks, options });
    await waitFor(() => submitted(workDir), 'the first map to submit');
    expect((await holder(workDir))?.pid).toBe(first.child.pid);
    first.child.kill('SIGKILL');
    await first.exited;
    await writeFile(release, '');
    expect(await new Pool(options as object).map(waitsForRelease, tasks)).toEqual(doubled);
    const takeover = (await readJournal(path.join(workDir, 'journal.jsonl'))).find((r) => r.t === 'lock-takeover');
    expect(takeover).toMatchObject({ t: 'lock-takeover', pid: process.pid, from: { pid: first.child.pid, host: hostname() } });
    expect(takeover && 'why' in takeover ? takeover.why : '').toMatch(`its process ${first.child.pid} on ${hostname()} is gone`);
    // Released at the end although the work dir is kept.
    expect(existsSync(path.join(workDir, 'lock'))).toBe(false);
  });

  it("refuses a map and qmr resume while another host's holder refreshes the lock; takes it over once silent for longer than the grace", async () => {
    const workDir = path.join(folder.path, 'other-host');
    const options = { workDir, chunkSize: 2, keepWorkDir: 'always' as const };
    const square = (x: number) => x * x;
    expect(await new Pool(options).map(square, tasks)).toEqual([0, 1, 4, 9]);
    expect(existsSync(path.join(workDir, 'lock'))).toBe(false);
    // What a map on another host leaves while it runs (the pool's own format, written by hand).
    const lock = async (silentMs: number) => {
      const refreshedAt = new Date(Date.now() - silentMs).toISOString();
      await mkdir(path.join(workDir, 'lock'), { recursive: true });
      const holder = { host: 'node17.cluster.example', pid: 4242, token: 'elsewhere', since: '2026-01-01T00:00:00.000Z', refreshedAt };
      await writeFile(path.join(workDir, 'lock', 'holder.json'), JSON.stringify(holder));
    };
    await lock(60_000);
    await expect(new Pool(options).map(square, tasks)).rejects.toThrow(/in use by another map: pid 4242 on node17\.cluster\.example, since 2026-01-01T00:00:00\.000Z/);
    const resumed = await qmr(['resume', workDir, '--no-progress']);
    expect(resumed.exitCode).toBe(1);
    expect(resumed.stderr).toMatch(/in use by another map: pid 4242 on node17\.cluster\.example/);
    await lock(6 * 60_000);
    expect(await new Pool(options).map(square, tasks)).toEqual([0, 1, 4, 9]);
    const takeover = (await readJournal(path.join(workDir, 'journal.jsonl'))).find((r) => r.t === 'lock-takeover');
    expect(takeover).toMatchObject({ from: { host: 'node17.cluster.example', pid: 4242 }, why: 'its holder on node17.cluster.example (pid 4242) has not refreshed it for 6 min (grace 5 min)' });
  });
});
