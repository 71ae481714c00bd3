import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHolder, whyGone, WorkDirBusyError, WorkDirLock, type LockHolder } from '../../src/work-dir-lock.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder();
});
afterAll(async () => folder.cleanup());

async function newRoot(name: string): Promise<string> {
  const root = path.join(folder.path, name);
  await mkdir(root);
  return root;
}

const holder = (over: Partial<LockHolder>): LockHolder => ({
  host: 'elsewhere.example',
  pid: 4242,
  token: 't',
  since: '2026-01-01T00:00:00.000Z',
  refreshedAt: new Date().toISOString(),
  ...over,
});

describe('work dir lock', () => {
  it('is held by one acquisition at a time, and leaves nothing behind when released', async () => {
    const root = await newRoot('one');
    const lock = await WorkDirLock.acquire(root);
    await expect(WorkDirLock.acquire(root)).rejects.toThrow(WorkDirBusyError);
    await lock.release();
    expect(await readdir(root)).toEqual([]);
    const again = await WorkDirLock.acquire(root);
    await again.release();
  });

  it('is refreshed while held; a refresh never overwrites a lock that changed hands, and warns once that it was lost', async () => {
    const root = await newRoot('refresh');
    const refreshed = await WorkDirLock.acquire(root, { refreshMs: 20 });
    const first = (await readHolder(refreshed.dir))!.refreshedAt;
    await waitFor(async () => (await readHolder(refreshed.dir))!.refreshedAt !== first, 'a refresh', 30_000, 10);
    await refreshed.release();
    // The forged takeover below is judged on refreshes this test makes itself: a timer's refresh
    // in flight could rewrite holder.json after the forgery on a busy machine.
    const lock = await WorkDirLock.acquire(root, { refreshMs: 3_600_000 });
    await writeFile(path.join(lock.dir, 'holder.json'), JSON.stringify(holder({ token: 'taker' })));
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      await lock.refresh();
      await lock.refresh();
      await new Promise((r) => setImmediate(r)); // warnings are delivered on a later tick
    } finally {
      process.off('warning', onWarning);
    }
    expect((await readHolder(lock.dir))?.token).toBe('taker');
    expect(warnings.map((w) => w.message)).toEqual([`lost the lock of workDir ${root} to pid 4242 on elsewhere.example, since 2026-01-01T00:00:00.000Z (last refreshed ${(await readHolder(lock.dir))!.refreshedAt}); another map may now run in it`]);
    await lock.release(); // not ours any more: left in place
    expect((await readHolder(lock.dir))?.token).toBe('taker');
  });

  it('judges a holder gone: on this host by its pid, on another host by its silence against the grace', async () => {
    const dir = path.join(folder.path, 'no-such-lock');
    const now = Date.now();
    expect(await whyGone(holder({ host: hostname(), pid: process.pid, token: 'not-held-here' }), dir, 1000)).toMatch(/reuses its pid/);
    expect(await whyGone(holder({ host: hostname(), pid: process.ppid }), dir, 1000)).toBeUndefined();
    expect(await whyGone(holder({ host: hostname(), pid: 2 ** 22 + 1 }), dir, 1000)).toMatch(/is gone/);
    // A zombie: the short sleep exits after its parent (sh) has exec'ed into the long one, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombiePid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(String(d)))));
      await waitFor(async () => /\) Z /.test(await readFile(`/proc/${zombiePid}/stat`, 'utf8').catch(() => '')), 'the child to become a zombie', 30_000, 10);
      expect(await whyGone(holder({ host: hostname(), pid: zombiePid }), dir, 1000)).toMatch(/is gone/);
    } finally {
      parent.kill('SIGKILL');
    }
    expect(await whyGone(holder({ refreshedAt: new Date(now - 299_000).toISOString() }), dir, 300_000, now)).toBeUndefined();
    expect(await whyGone(holder({ refreshedAt: new Date(now - 301_000).toISOString() }), dir, 300_000, now)).toBe(
      'its holder on elsewhere.example (pid 4242) has not refreshed it for 5 min (grace 5 min)',
    );
  });

  it('takes over a stale lock and says from whom', async () => {
    const root = await newRoot('stale');
    await mkdir(path.join(root, 'lock'));
    const stale = holder({ refreshedAt: '2026-01-01T00:00:00.000Z' });
    await writeFile(path.join(root, 'lock', 'holder.json'), JSON.stringify(stale));
    const lock = await WorkDirLock.acquire(root);
    expect(lock.tookOver?.holder).toEqual(stale);
    expect((await readHolder(lock.dir))?.pid).toBe(process.pid);
    await lock.release();
    expect(existsSync(lock.dir)).toBe(false);
  });
});
