import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_FILE_VERSION, type ChunkResultFile, type ChunkTasksFile } from '../../src/protocol/chunk-files.js';
import type { FunctionFile } from '../../src/protocol/function-file.js';
import { decode, encode } from '../../src/protocol/codec.js';
import { claimedUnits, makeElasticFolders, readOwner } from '../../src/protocol/elastic/claims.js';
import { ElasticLayout } from '../../src/protocol/elastic/layout.js';
import { readWorkerExit, writeManifest } from '../../src/protocol/elastic/manifest.js';
import { WorkDirLayout, writeFileAtomic } from '../../src/protocol/work-dir-layout.js';
import { temporaryFolder } from '../helpers/tmp.js';

const WORKER = path.resolve('dist/worker/main.js');
const folders: Array<{ cleanup: () => Promise<void> }> = [];
afterEach(async () => {
  for (const f of folders.splice(0)) await f.cleanup();
});

/** A work dir built by hand: function.json (a module fn), one task per unit, elastic.json, claims/ and workers/. */
async function buildRunDir(units: number, workers: number, slowUnits: ReadonlySet<number> = new Set()) {
  const tmp = await temporaryFolder('qmr-race-');
  folders.push(tmp);
  const root = path.join(tmp.path, 'run');
  const ran = path.join(tmp.path, 'ran');
  await mkdir(root);
  await mkdir(ran);
  const dir = new WorkDirLayout(root);
  await mkdir(dir.chunksDir);
  await mkdir(dir.resultsDir);
  await mkdir(dir.logsDir);
  const moduleFile = path.join(tmp.path, 'fn.mjs');
  await writeFile(
    moduleFile,
    `import { appendFileSync } from 'node:fs';
import path from 'node:path';
export async function double(task) {
  appendFileSync(path.join(task.ran, 'task-' + task.x), process.pid + ' ' + process.env.QMR_JOB_ID + '\\n');
  if (task.slowMs) await new Promise((r) => setTimeout(r, task.slowMs));
  return task.x * 2;
}
`,
  );
  const fn: FunctionFile = { version: CHUNK_FILE_VERSION, fn: { kind: 'module', module: pathToFileURL(moduleFile).href, exportName: 'double' } };
  await writeFileAtomic(dir.functionFile, encode(fn));
  for (let unit = 0; unit < units; unit++) {
    const file: ChunkTasksFile = { version: CHUNK_FILE_VERSION, chunk: unit, firstTask: unit, tasks: [{ x: unit, ran, ...(slowUnits.has(unit) ? { slowMs: 60_000 } : {}) }] };
    await writeFileAtomic(dir.chunkFile(unit), encode(file));
  }
  const layout = new ElasticLayout(root);
  await makeElasticFolders(layout);
  await writeManifest(layout, { unitSize: 1, units, workers, heartbeatMs: 1000, targetSeconds: 30 });
  return { root, ran, dir, layout };
}

function startWorker(root: string, ticket: number): ChildProcess {
  return spawn(process.execPath, [WORKER, root, '--claim', String(ticket)], {
    env: { ...process.env, QMR_JOB_ID: `race-${ticket}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  child.stdout?.resume();
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

async function readResult(dir: WorkDirLayout, unit: number): Promise<ChunkResultFile> {
  return decode(await readFile(dir.resultFile(unit))) as ChunkResultFile;
}

describe('12 worker processes claiming 400 units at once', () => {
  it('runs every task exactly once, one result per unit, each claim owned by one of the workers', async () => {
    const UNITS = 400;
    const W = 12;
    const { root, ran, dir, layout } = await buildRunDir(UNITS, W);
    const children = Array.from({ length: W }, (_, k) => startWorker(root, k));
    const ends = await Promise.all(children.map(exited));
    ends.forEach((end, k) => expect(end, `worker ${k}: ${end.stderr}`).toMatchObject({ code: 0, signal: null }));

    expect((await readdir(dir.resultsDir)).filter((n) => n.endsWith('.result'))).toHaveLength(UNITS);
    for (let unit = 0; unit < UNITS; unit++) {
      const result = await readResult(dir, unit);
      expect(result.values).toEqual([unit * 2]);
      expect(result.failures).toEqual([]);
    }
    const ranFiles = await readdir(ran);
    expect(ranFiles).toHaveLength(UNITS);
    for (const name of ranFiles) {
      const lines = (await readFile(path.join(ran, name), 'utf8')).trim().split('\n');
      expect(lines, name).toHaveLength(1);
    }
    expect((await claimedUnits(layout)).size).toBe(UNITS);
    for (let unit = 0; unit < UNITS; unit++) {
      const owner = await readOwner(layout, unit);
      expect(owner?.ticket).toBeGreaterThanOrEqual(0);
      expect(owner!.ticket).toBeLessThan(W);
      expect(owner!.job).toBe(`race-${owner!.ticket}`);
      const line = (await readFile(path.join(ran, `task-${unit}`), 'utf8')).trim();
      expect(line.split(' ')[1]).toBe(`race-${owner!.ticket}`);
    }
    let total = 0;
    for (let ticket = 0; ticket < W; ticket++) {
      const exit = await readWorkerExit(layout, ticket);
      expect(exit, `worker ${ticket} exit file`).toMatchObject({ ticket, job: `race-${ticket}`, reason: 'no-work' });
      total += exit!.units;
    }
    expect(total).toBe(UNITS);
    expect((await readdir(layout.claimsDir)).filter((n) => n.startsWith('.pending'))).toEqual([]);
  }, 120_000);

  it('leaves a SIGKILLed worker\'s claimed-but-unfinished units claimed and without a result', async () => {
    const UNITS = 60;
    const W = 4;
    const slow = new Set([0, 1, 2, 3]); // every worker's first claims are slow, so each holds one when killed
    const { root, dir, layout } = await buildRunDir(UNITS, W, slow);
    const children = Array.from({ length: W }, (_, k) => startWorker(root, k));
    const ends = children.map(exited);
    // wait until worker 0 has claimed a slow unit
    let victimUnits: number[] = [];
    for (let i = 0; i < 200 && victimUnits.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      victimUnits = [];
      for (const unit of await claimedUnits(layout)) {
        if ((await readOwner(layout, unit))?.ticket === 0) victimUnits.push(unit);
      }
      victimUnits = victimUnits.filter((u) => slow.has(u));
    }
    expect(victimUnits.length).toBeGreaterThan(0);
    children[0]!.kill('SIGKILL');
    for (const child of children.slice(1)) child.kill('SIGKILL');
    const results = await Promise.all(ends);
    expect(results[0]!.signal).toBe('SIGKILL');
    const claimsOf0: number[] = [];
    for (const unit of await claimedUnits(layout)) if ((await readOwner(layout, unit))?.ticket === 0) claimsOf0.push(unit);
    const unfinished = [];
    for (const unit of claimsOf0) {
      const has = await readFile(dir.resultFile(unit)).then(() => true, () => false);
      if (!has) unfinished.push(unit);
    }
    // the slow unit it was running is unfinished, still claimed by it, with no result
    for (const unit of victimUnits) {
      expect(unfinished).toContain(unit);
      expect((await readOwner(layout, unit))?.ticket).toBe(0);
    }
    expect(await readWorkerExit(layout, 0)).toBeUndefined();
  }, 120_000);
});
