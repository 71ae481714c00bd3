/**
 * A local map whose submitting process is killed (kill -9): its worker processes must die with it.
 * A worker that lived on (adopted by init) would keep running, and in elastic mode claiming, units
 * that the resumed map, which takes the dead submitter's jobs as cancelled and releases their
 * claims, runs again.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildMap } from '../helpers/child-map.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

const WORKER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'worker', 'main.js');

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder('qmr-submitter-killed-');
});
afterAll(async () => folder?.cleanup());

interface Task {
  x: number;
  runs: string;
  release: string;
  /** Tasks below this end at once; the others wait for the release file. */
  quick: number;
}

// Each run of a task leaves a 'start' line and, if it ran to completion, a 'done' line. A task
// cut off by the kill leaves only its start: it may run again, but none may complete twice.
const TASK = `async (t) => {
  const fs = await import('node:fs');
  fs.appendFileSync(t.runs, 'start ' + t.x + ' ' + process.pid + '\\n');
  if (t.x >= t.quick) while (!fs.existsSync(t.release)) await new Promise((r) => setTimeout(r, 50));
  fs.appendFileSync(t.runs, 'done ' + t.x + ' ' + process.pid + '\\n');
  return t.x * 10;
}`;

/** Pids of the processes whose command line names the work dir: the workers of that run. */
async function workersOf(workDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').some((word) => word.includes(workDir))) pids.push(Number(name));
  }
  return pids;
}

async function lines(file: string, kind: 'start' | 'done'): Promise<number[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.startsWith(`${kind} `)).map((l) => Number(l.split(' ')[1]));
}

async function killSubmitterMidMap(name: string, count: number, quick: number, options: Record<string, unknown>): Promise<void> {
  const workDir = path.join(folder.path, name);
  const runs = path.join(folder.path, `${name}.runs`);
  const release = path.join(folder.path, `${name}.release`);
  const tasks: Task[] = Array.from({ length: count }, (_, x) => ({ x, runs, release, quick }));
  const config = { fn: TASK, tasks, options: { workDir, keepWorkDir: 'always', concurrency: 2, ...options } };
  const first = startChildMap(config);
  try {
    // Killed once both workers are held in a task that waits for the release (however long a
    // busy machine takes to get there), with the quick tasks before them done.
    await waitFor(async () => (await lines(runs, 'start')).filter((x) => x >= quick).length >= 2, 'both workers to be inside a held task', 120_000);
    first.child.kill('SIGKILL');
    await first.exited;
    // The workers end with their submitter, not when their task lets them (it never would).
    await waitFor(async () => (await workersOf(workDir)).length === 0, 'the killed submitter\'s workers to end', 60_000);
  } finally {
    // Whatever the outcome, no process of this test outlives it.
    for (const pid of await workersOf(workDir)) process.kill(pid, 'SIGKILL');
  }
  const doneBefore = await lines(runs, 'done');
  expect(doneBefore.length).toBeGreaterThan(0);
  await writeFile(release, 'go\n');
  const again = await startChildMap(config).exited;
  expect(again.output).toEqual({ results: tasks.map((t) => t.x * 10) });
  // Every task ran to completion exactly once, over both runs.
  expect((await lines(runs, 'done')).sort((a, b) => a - b)).toEqual(tasks.map((t) => t.x));
  expect(await workersOf(workDir)).toEqual([]);
}

describe('a local map whose submitter was killed', () => {
  it('static chunks: the workers die with the submitter, and the resumed map completes each task once', async () => {
    await killSubmitterMidMap('static', 6, 2, { chunkSize: 1 });
  }, 300_000);

  it('elastic workers: they die with the submitter, claiming nothing more, and the resumed map completes each task once', async () => {
    // 20 tasks: two workers (elastic/plan.ts gives each at least 10).
    await killSubmitterMidMap('elastic', 20, 4, {});
  }, 300_000);

  it('a serve worker whose stdin stays open elsewhere still ends when its parent dies', async () => {
    const runDir = path.join(folder.path, 'parent-gone', 'run');
    await mkdir(path.join(runDir, 'logs'), { recursive: true });
    // The parent starts the worker, sees it serve (a command for a chunk that does not exist gets
    // its 'fail' reply), then lets another process hold the worker's stdin open and says so. Once
    // the parent is killed, only the parent check can tell the worker that its parent is gone.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const { createInterface } = require('node:readline');
      const worker = spawn(process.execPath, ${JSON.stringify([WORKER, runDir, '--serve'])}, { stdio: ['pipe', 'ignore', 'ignore', 'pipe'] });
      createInterface({ input: worker.stdio[3] }).once('line', () => {
        const holder = spawn('sleep', ['600'], { stdio: [worker.stdin, 'ignore', 'ignore'] });
        console.log(JSON.stringify({ worker: worker.pid, holder: holder.pid }));
      });
      worker.stdin.write('0 probe\\n');`;
    const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    let pids: { worker: number; holder: number } | undefined;
    try {
      let out = '';
      parent.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      pids = await waitFor(async () => out.includes('\n') && (JSON.parse(out) as { worker: number; holder: number }), 'the worker to serve', 60_000);
      parent.kill('SIGKILL');
      await new Promise((r) => parent.once('exit', r));
      await waitFor(async () => !(await workersOf(runDir)).includes(pids!.worker), 'the worker to end after its parent', 60_000);
    } finally {
      parent.kill('SIGKILL');
      for (const pid of await workersOf(runDir)) process.kill(pid, 'SIGKILL');
      if (pids) process.kill(pids.holder, 'SIGKILL');
    }
  }, 180_000);
});
