import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rmdir, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHolder, whyGone, WorkDirBusyError, WorkDirLock, type LockHolder } from '../../src/work-dir/work-dir-lock.js';
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

  it('judges a holder in another pid namespace or boot on this host by its refreshes, not by its pid', async () => {
    const dir = path.join(folder.path, 'no-such-lock');
    const now = Date.now();
    const pidNs = readlinkSync('/proc/self/ns/pid');
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const recent = new Date(now - 60_000).toISOString();
    // A holder in a container (unshare --pid, Apptainer --containall) is pid 1 there, with its own start time.
    const contained = { host: hostname(), pid: 1, processStart: '999999999', pidNs: 'pid:[1]', bootId, refreshedAt: recent };
    expect(await whyGone(holder(contained), dir, 300_000, now)).toBeUndefined();
    expect(await whyGone(holder({ ...contained, pid: 2 ** 22 + 1 }), dir, 300_000, now)).toBeUndefined();
    expect(await whyGone(holder({ ...contained, pidNs, bootId: 'another-boot' }), dir, 300_000, now)).toBeUndefined();
    expect(await whyGone(holder({ ...contained, pidNs: undefined }), dir, 300_000, now)).toBeUndefined();
    expect(await whyGone(holder({ ...contained, refreshedAt: new Date(now - 301_000).toISOString() }), dir, 300_000, now)).toBe(
      `its holder on ${hostname()} in another pid namespace or boot (pid 1) has not refreshed it for 5 min (grace 5 min)`,
    );
    // In our namespace and boot, and in holders written before these fields: by pid, as before.
    expect(await whyGone(holder({ ...contained, pid: 2 ** 22 + 1, pidNs }), dir, 300_000, now)).toMatch(/is gone/);
    expect(await whyGone(holder({ host: hostname(), pid: 2 ** 22 + 1, refreshedAt: recent }), dir, 300_000, now)).toMatch(/is gone/);
  });

  it('refreshes without rewriting holder.json, so a refresh in flight during a takeover cannot overwrite the new holder', async () => {
    const root = await newRoot('refresh-file');
    const lock = await WorkDirLock.acquire(root, { refreshMs: 3_600_000 });
    const file = path.join(lock.dir, 'holder.json');
    const before = { text: await readFile(file, 'utf8'), ino: (await stat(file)).ino };
    const first = (await readHolder(lock.dir))!.refreshedAt;
    await waitFor(async () => {
      await lock.refresh();
      return (await readHolder(lock.dir))!.refreshedAt !== first;
    }, 'a later refresh time', 30_000, 10);
    expect({ text: await readFile(file, 'utf8'), ino: (await stat(file)).ino }).toEqual(before);
    await lock.release();
    // An old holder (it rewrote refreshedAt in holder.json, no refresh file) reads as before.
    await mkdir(path.join(root, 'lock'));
    await writeFile(path.join(root, 'lock', 'holder.json'), JSON.stringify(holder({ token: 'old-format', refreshedAt: '2026-05-05T00:00:00.000Z' })));
    expect((await readHolder(path.join(root, 'lock')))?.refreshedAt).toBe('2026-05-05T00:00:00.000Z');
  });

  it('takes the lock of a work dir that was removed just before (by the map that used it), making the folder again', async () => {
    const root = await newRoot('vanished');
    await rmdir(root);
    const lock = await WorkDirLock.acquire(root);
    expect((await readHolder(lock.dir))?.pid).toBe(process.pid);
    await lock.release();
    expect(await readdir(root)).toEqual([]);
  });
});
