import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DummyQueue } from '../../dummy-queue/src/control.js';
import { AbortError, OptionError, Pool, SerializationError } from '../../src/index.js';
import { qmr } from '../cli/helpers.js';
import { startChildMap } from '../helpers/child-map.js';
import { otherUser, skipReason } from '../helpers/other-user.js';
import { temporaryFolder } from '../helpers/tmp.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder();
  await chmod(folder.path, 0o755);
});
afterAll(async () => folder.cleanup());

const identity = (x: unknown) => x;

describe('a map refused before it submits leaves nothing behind', () => {
  it('an unsendable task: no run folder, even with keepWorkDir always', async () => {
    const workDir = path.join(folder.path, 'unsendable');
    const error = await new Pool({ workDir, keepWorkDir: 'always' }).map(identity, [1, () => 2]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerializationError);
    expect(existsSync(workDir)).toBe(false);
    expect(existsSync(`${workDir}.trace.tsv`)).toBe(false);
  });

  it('tasks that are not iterable: refused naming `tasks`, before anything is created', async () => {
    const workDir = path.join(folder.path, 'not-iterable');
    const error = await new Pool({ workDir }).map(identity, 42 as unknown as number[]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toBe('Option `tasks` must be an array, an iterable or an async iterable of tasks; got number 42.');
    expect(existsSync(workDir)).toBe(false);
  });

  it('under ./.qmr: no run folder, and qmr status lists no run', async () => {
    const cwd = path.join(folder.path, 'default-place');
    await mkdir(cwd);
    const before = process.cwd();
    process.chdir(cwd); // the default work dir is under the current directory
    try {
      await expect(new Pool({}).map(identity, [1, Symbol('not sendable')])).rejects.toThrow(SerializationError);
    } finally {
      process.chdir(before);
    }
    expect(await readdir(path.join(cwd, '.qmr')).catch(() => [])).toEqual([]);
    const status = await qmr(['status', '--no-queue'], { cwd });
    expect(status.stdout).not.toMatch(/failed/);
  });
});

describe('where the work dir cannot be: an error naming the option, the path and the cause', () => {
  const refusal = async (workDir: string) => (await new Pool({ workDir }).map(identity, [1]).catch((e: unknown) => e)) as Error;

  it('under a file', async () => {
    const file = path.join(folder.path, 'a-file');
    await writeFile(file, '');
    const error = await refusal(path.join(file, 'run'));
    expect(error).toBeInstanceOf(OptionError);
    expect(error.message).toContain(`Option \`workDir\` must be a folder you can create and write; it is under ${file}, which is a file`);
  });

  it('in /proc (mkdir there used to loop for ever)', async () => {
    const error = await refusal('/proc/qmr-test/run');
    expect(error.message).toContain('Option `workDir` must be a folder you can create and write; /proc is on the proc pseudo file system');
  });

  it.skipIf(skipReason !== undefined)(`on a read-only file system${skipReason ? ` (skipped: ${skipReason})` : ''}`, async () => {
    const mountPoint = path.join(folder.path, 'read-only');
    await mkdir(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mountPoint]);
    try {
      const error = await refusal(path.join(mountPoint, 'runs', 'one'));
      expect(error.message).toContain(`${mountPoint} is on a read-only file system (EROFS)`);
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });

  it.skipIf(skipReason !== undefined)(`where the caller cannot write${skipReason ? ` (skipped: ${skipReason})` : ''}`, async () => {
    const rootsOnly = path.join(folder.path, 'roots-only');
    await mkdir(rootsOnly, { mode: 0o755 });
    const other = otherUser();
    const run = await startChildMap({ fn: '(x) => x', tasks: [1], options: { workDir: path.join(rootsOnly, 'run'), workingDir: folder.path }, user: other.name, cwd: folder.path }).exited;
    expect(run.output?.error?.message).toContain(`${rootsOnly} is not writable by you (EACCES; owner uid 0, mode 0755)`);
  });
});

describe('a missing workingDir', () => {
  it('is refused on the local flavor naming the option, before anything is created', async () => {
    const workDir = path.join(folder.path, 'no-working-dir');
    const missing = path.join(folder.path, 'no-such-folder');
    const error = await new Pool({ workDir, workingDir: missing }).map(identity, [1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toContain(`Option \`workingDir\` must be an existing folder, the one the jobs start in (on the worker nodes too); it does not exist; got the string "${missing}"`);
    expect(existsSync(workDir)).toBe(false);
  });

  it('on a cluster flavor (SGE, emulated) is a warning that says so, since the nodes may have folders this host lacks', async (ctx) => {
    const dir = path.join(folder.path, 'sge-working-dir');
    await mkdir(dir);
    const queue = await DummyQueue.create(dir, { slots: 2, idleExit: 3 });
    ctx.onTestFinished(() => queue.stop());
    // The emulator's commands find their cluster by this variable (this file's tests run one at a time).
    process.env.QMR_DUMMY_STATE = queue.statePath;
    ctx.onTestFinished(() => void delete process.env.QMR_DUMMY_STATE);
    const missing = path.join(dir, 'no-such-folder');
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    ctx.onTestFinished(() => void process.off('warning', onWarning));
    const stop = new AbortController();
    const options = { flavor: 'sge' as const, commands: await queue.commands('sge'), workDir: path.join(dir, 'work'), workingDir: missing, chunkSize: 1, progress: false };
    // Stopped at its first progress: what matters is what it said before submitting.
    await expect(new Pool({ ...options, signal: stop.signal, onProgress: () => stop.abort() }).map(identity, [1])).rejects.toThrow(AbortError);
    await new Promise((r) => setImmediate(r)); // warnings are delivered on a later tick
    expect(warnings.map((w) => w.message)).toContain(
      `workingDir ${missing}: it does not exist on this host. If the worker nodes lack it too, every job fails to start in it (on SGE it stays in the error state Eqw, shown as held).`,
    );
  });
});
