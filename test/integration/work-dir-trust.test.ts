import { chownSync, existsSync, readdirSync } from 'node:fs';
import { chmod, chown, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from '../../src/index.js';
import { UntrustedWorkDirError } from '../../src/work-dir/work-dir-trust.js';
import { qmr } from '../cli/helpers.js';
import { startChildMap } from '../helpers/child-map.js';
import { otherUser, skipReason } from '../helpers/other-user.js';
import { temporaryFolder } from '../helpers/tmp.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder();
  await chmod(folder.path, 0o755); // the other user must reach the folders handed to it
});
afterAll(async () => folder.cleanup());

const PLUS_ONE = '(x) => x + 1';
const plusOne = (0, eval)(PLUS_ONE) as (x: number) => number;
const tasks = [1, 2, 3, 4];

/** A finished run kept in its work dir: what a second map with the same workDir would resume. */
async function keptRun(name: string): Promise<string> {
  const workDir = path.join(folder.path, name);
  expect(await new Pool({ workDir, keepWorkDir: 'always', chunkSize: 2 }).map(plusOne, tasks)).toEqual([2, 3, 4, 5]);
  return workDir;
}

function chownTree(root: string, uid: number, gid: number): void {
  chownSync(root, uid, gid);
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) chownSync(path.join(entry.parentPath, entry.name), uid, gid);
}

describe.skipIf(skipReason !== undefined)(`a work dir someone else could write is never trusted${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it("refuses to resume another user's work dir, naming it, its owner and its mode", async () => {
    const workDir = await keptRun('theirs');
    const other = otherUser();
    chownTree(workDir, other.uid, other.gid);
    const error = await new Pool({ workDir, keepWorkDir: 'always' }).map(plusOne, tasks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UntrustedWorkDirError);
    expect((error as Error).message).toContain(`workDir ${workDir} cannot be trusted: ${workDir} is owned by uid ${other.uid}, not by you (uid 0) (mode 0700)`);
    expect(error).toMatchObject({ path: workDir, mode: 0o700 });
  });

  it('refuses a work dir whose results folder its group can write (forged results could be in it)', async () => {
    const workDir = await keptRun('group-writable');
    await chmod(path.join(workDir, 'results'), 0o770);
    await expect(new Pool({ workDir, keepWorkDir: 'always' }).map(plusOne, tasks)).rejects.toThrow(
      `${path.join(workDir, 'results')} is writable by its group (mode 0770)`,
    );
  });

  it("refuses a work dir holding one chunk file of another user's", async () => {
    const workDir = await keptRun('one-file');
    const other = otherUser();
    const chunkFile = path.join(workDir, 'chunks', (await readdir(path.join(workDir, 'chunks')))[0]!);
    await chown(chunkFile, other.uid, other.gid);
    const error = await new Pool({ workDir, keepWorkDir: 'always' }).map(plusOne, tasks).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UntrustedWorkDirError', path: chunkFile });
  });

  it("qmr resume refuses another user's work dir and runs none of its scripts", async () => {
    const workDir = await keptRun('resume-theirs');
    // As if the other user had prepared it: a job.sh of theirs, and no results (so a resume would run it).
    const marker = path.join(folder.path, 'resume-theirs.ran');
    await writeFile(path.join(workDir, 'job.sh'), `#!/bin/bash\ntouch ${marker}\n`, { mode: 0o755 });
    await rm(path.join(workDir, 'results'), { recursive: true });
    const other = otherUser();
    chownTree(workDir, other.uid, other.gid);
    const resumed = await qmr(['resume', workDir, '--no-progress']);
    expect(resumed.exitCode).toBe(1);
    expect(resumed.stderr).toContain(`qmr: workDir ${workDir} cannot be trusted: ${workDir} is owned by uid ${other.uid}`);
    expect(existsSync(marker)).toBe(false);
  });

  it('trusts its own work dir made under umask 002 (the pool creates its files with explicit modes)', async () => {
    const workDir = path.join(folder.path, 'umask');
    // An elastic map (no chunkSize): worker.sh, claims and heartbeats as well as job.sh and results.
    const first = await startChildMap({ fn: PLUS_ONE, tasks, options: { workDir, keepWorkDir: 'always' }, umask: '002' }).exited;
    expect(first.output).toEqual({ results: [2, 3, 4, 5] });
    expect((await stat(workDir)).mode & 0o777).toBe(0o700);
    expect(await new Pool({ workDir, keepWorkDir: 'always' }).map(plusOne, tasks)).toEqual([2, 3, 4, 5]);
  });
});

