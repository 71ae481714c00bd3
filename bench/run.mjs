// The benchmark suite: prints a table of ratios measured side by side in one run.
// Run with `npm run bench` (builds first). Scenarios whose scheduler is not up are skipped, saying so.
// Select scenarios with BENCH=P1,P3 (default: all): codec, P1, P1b, P2, P2b, P3-P8. With QMR_BENCH_BASELINE (a build
// made by bench/make-baseline.sh) P1b, P2b, P3 and P8 also run that older build, for rows side by side. Nothing here asserts a time: machines are noisy.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode } from '../dist/src/protocol/codec.js';
import { Pool } from '../dist/src/index.js';
import { pollerFor } from '../dist/src/map/poller.js';
import { openQueue } from '../dist/src/queues/registry.js';
import { defaultOptionsBesideFloor } from './floor.mjs';
import { baselineLabel, baselinePool, countFiles, newestMtime, printTable, ratio, scratch, seconds, up } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.env.BENCH ? new Set(process.env.BENCH.split(',')) : undefined;
const want = (name) => !only || only.has(name);
const rows = [];
const note = (scenario, measure, value, comment = '') => {
  rows.push([scenario, measure, value, comment]);
  console.error(`  ${scenario}: ${measure} = ${value} ${comment}`);
};

/** A map on a real scheduler with the pool's own counters: wall time, calls, resolve delay. */
async function poolMap(flavor, tasks, options) {
  const dir = scratch(`${flavor}-pool`);
  const workDir = path.join(dir, 'run');
  const pool = new Pool({ flavor, workDir, keepWorkDir: 'always', progress: false, ...options });
  const queue = openQueue(pool.options, flavor);
  const poller = pollerFor(queue);
  const callsBefore = { ...queue.calls };
  const pollsBefore = poller.polls;
  const started = Date.now();
  const out = await pool.map((x) => x * x, tasks);
  const resolved = Date.now();
  if (out.length !== tasks.length || out[7] !== 49) throw new Error('wrong results');
  const calls = Object.fromEntries(
    Object.entries(queue.calls)
      .map(([k, v]) => [path.basename(k), v - (callsBefore[k] ?? 0)])
      .filter(([, n]) => n > 0),
  );
  const record = JSON.parse(execFileSync('cat', [path.join(workDir, 'run.json')], { encoding: 'utf8' }));
  const lastResult = newestMtime(path.join(workDir, 'results'));
  rmSync(dir, { recursive: true, force: true });
  return { ms: resolved - started, calls, polls: poller.polls - pollsBefore, resolveDelayMs: resolved - lastResult, chunking: `${record.chunks} chunks of ${record.chunkSize} (${record.chunking})` };
}

/** The scheduler's floor: a hand-written array job doing the same work, submitted and waited for. */
function floorArrayJob(flavor, elements, tasksPerElement, tight = false) {
  const dir = scratch(`${flavor}-floor`);
  const script = path.join(dir, 'work.sh');
  const index = flavor === 'sge' ? 'SGE_TASK_ID' : 'SLURM_ARRAY_TASK_ID';
  writeFileSync(
    script,
    `#!/bin/bash\nexec ${process.execPath} -e 'const out = []; for (let i = 0; i < ${tasksPerElement}; i++) out.push(i * i); require("fs").writeFileSync(process.argv[1], JSON.stringify(out))' ${dir}/out.$${index}\n`,
    { mode: 0o755 },
  );
  const started = Date.now();
  if (flavor === 'sge') {
    execFileSync('qsub', ['-sync', 'y', '-t', `1-${elements}`, '-S', '/bin/bash', '-o', '/dev/null', '-e', '/dev/null', '-N', 'floor', script], { stdio: 'ignore' });
  } else if (tight) {
    // sbatch --wait polls on its own (seconds apart); this floor watches squeue every 100 ms.
    const id = execFileSync('sbatch', ['--parsable', `--array=0-${elements - 1}`, '--output=/dev/null', '--job-name=floor', script], { encoding: 'utf8' }).trim();
    while (execFileSync('squeue', ['--noheader', `--jobs=${id}`, '--format=%i'], { encoding: 'utf8' }).trim() !== '') {
      execFileSync('sleep', ['0.1']);
    }
  } else {
    execFileSync('sbatch', ['--wait', `--array=0-${elements - 1}`, '--output=/dev/null', '--job-name=floor', script], { stdio: 'ignore' });
  }
  const ms = Date.now() - started;
  const written = readdirSync(dir).filter((n) => n.startsWith('out.')).length;
  rmSync(dir, { recursive: true, force: true });
  if (written !== elements) throw new Error(`floor job wrote ${written} of ${elements} outputs`);
  return ms;
}

async function realScheduler(flavor, label, floorLabel) {
  if (!up(flavor)) {
    note(label, 'skipped', '-', `${flavor} is not up (sudo bash scripts/schedulers-up.sh)`);
    return;
  }
  const tasks = Array.from({ length: 1000 }, (_, i) => i);
  // Side by side: floor, pool, floor, pool; the best of each (the machine is shared).
  const floors = [floorArrayJob(flavor, 100, 10)];
  const pools = [await poolMap(flavor, tasks, { numChunks: 100 })];
  floors.push(floorArrayJob(flavor, 100, 10));
  pools.push(await poolMap(flavor, tasks, { numChunks: 100 }));
  const floor = Math.min(...floors);
  const best = pools.reduce((a, b) => (a.ms <= b.ms ? a : b));
  note(label, `wall time, 1000 tasks in 100 chunks (default poll interval)`, seconds(best.ms), `floor ${floorLabel}: ${seconds(floor)}`);
  note(label, 'ratio pool / floor', ratio(best.ms, floor), `runs: pool ${pools.map((p) => seconds(p.ms)).join(', ')}; floor ${floors.map(seconds).join(', ')}`);
  if (flavor === 'slurm') {
    const tight = Math.min(floorArrayJob(flavor, 100, 10, true), floorArrayJob(flavor, 100, 10, true));
    note(label, 'ratio pool / tight floor', ratio(best.ms, tight), `floor: sbatch --parsable --array=0-99, then squeue every 0.1 s: ${seconds(tight)}`);
  }
  note(label, 'scheduler calls by the pool', JSON.stringify(best.calls), `${best.polls} status polls`);
  note(label, 'last result file → map resolved', `${Math.round(best.resolveDelayMs)} ms`);
}

async function besideFloor(flavor, label) {
  if (up(flavor)) await defaultOptionsBesideFloor(flavor, label, note, Pool);
  else note(label, 'skipped', '-', `${flavor} is not up (sudo bash scripts/schedulers-up.sh)`);
}

async function localThroughput() {
  const n = 100_000;
  const tasks = Array.from({ length: n }, (_, i) => i);
  const pools = [];
  const floors = [];
  // Interleaved repetitions; the medians are compared (this machine is shared and noisy).
  const elastic = [];
  const Baseline = await baselinePool();
  const baseline = [];
  let staticChunks = 0;
  let elasticUnits = 0;
  for (let round = 0; round < 5; round++) {
    const pool = await localPoolRun(tasks);
    staticChunks = pool.chunks;
    pools.push(pool.ms);
    floors.push(await localFloorRun(tasks, pool.chunks, pool.chunkSize));
    const elasticRun = await localPoolRun(tasks, {});
    elasticUnits = elasticRun.chunks;
    elastic.push(elasticRun.ms);
    if (Baseline) baseline.push((await localPoolRun(tasks, {}, Baseline)).ms);
  }
  const pool = median(pools);
  const floor = median(floors);
  const chunks = staticChunks;
  note('P3', `wall time, ${n} trivial tasks, local flavor (median of 5)`, seconds(pool), `${chunks} chunks; floor: ${chunks} hand-written node processes reading, computing and writing the same chunks, ${seconds(floor)}`);
  note('P3', 'ratio pool / floor (static chunks, as the floor)', ratio(pool, floor), `pool ${pools.map(seconds).join(', ')}; floor ${floors.map(seconds).join(', ')}`);
  note('P3', 'ratio elastic pool (default) / floor', ratio(median(elastic), floor), `${elasticUnits} units; elastic ${elastic.map(seconds).join(', ')}`);
  if (Baseline) note('P3', `ratio elastic pool (default) / floor, ${baselineLabel()}`, ratio(median(baseline), floor), baseline.map(seconds).join(', '));
}

async function localPoolRun(tasks, extra = { elastic: false }, PoolClass = Pool) {
  const dir = scratch('local');
  const pool = new PoolClass({ workDir: path.join(dir, 'run'), keepWorkDir: 'always', progress: false, ...extra });
  const started = Date.now();
  const out = await pool.map((x) => x + 1, tasks);
  const ms = Date.now() - started;
  if (out[tasks.length - 1] !== tasks.length) throw new Error('wrong results');
  const record = JSON.parse(execFileSync('cat', [path.join(dir, 'run', 'run.json')], { encoding: 'utf8' }));
  rmSync(dir, { recursive: true, force: true });
  return { ms, chunks: record.chunks, chunkSize: record.chunkSize };
}

/** The same work done by hand: node processes, as many at once as the pool runs, each reading its chunk (JSON), computing, writing its results. */
async function localFloorRun(tasks, chunks, chunkSize) {
  const floorDir = scratch('local-floor');
  for (let c = 0; c < chunks; c++) {
    writeFileSync(path.join(floorDir, `in.${c}`), JSON.stringify(tasks.slice(c * chunkSize, (c + 1) * chunkSize)));
  }
  const worker = 'const fs = require("fs"); const [i, o] = process.argv.slice(1); fs.writeFileSync(o, JSON.stringify(JSON.parse(fs.readFileSync(i, "utf8")).map((x) => x + 1)))';
  let nextChunk = 0;
  const started = Date.now();
  await runConcurrently(chunks, availableParallelism(), () => {
    const c = nextChunk++;
    return spawnAndWait(process.execPath, ['-e', worker, path.join(floorDir, `in.${c}`), path.join(floorDir, `out.${c}`)]);
  });
  const ms = Date.now() - started;
  rmSync(floorDir, { recursive: true, force: true });
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function spawnAndWait(file, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited ${code}`))));
  });
}

async function runConcurrently(count, limit, start) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        next += 1;
        await start();
      }
    }),
  );
}

/** P4 runs in a child process, so that its peak RSS is the map's alone. */
function millionTasks() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', path.join(here, 'million.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`million.mjs exited ${code}`))));
  });
}

function codecThroughput() {
  const data = Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: `task-${i}`, x: i * 1.5, tags: ['a', 'b'], ok: i % 2 === 0 }));
  const time = (fn) => {
    fn();
    const start = performance.now();
    for (let i = 0; i < 10; i++) fn();
    return (performance.now() - start) / 10;
  };
  const json = time(() => JSON.parse(JSON.stringify(data)));
  const codec = time(() => decode(encode(data)));
  note('codec', 'encode+decode of 10^5 plain records', `${codec.toFixed(1)} ms`, `JSON.stringify+parse ${json.toFixed(1)} ms`);
  note('codec', 'ratio codec / JSON', ratio(codec, json));
}

async function dummyQueues() {
  const { dummyQueueCalls } = await import('./dummy-calls.mjs');
  for (const row of await dummyQueueCalls()) note('P5', `${row.flavor}: calls for one map (${row.what})`, JSON.stringify(row.calls), `${row.polls} status polls, ${seconds(row.ms)}`);
}

console.error(`queue-map-reduce benchmarks on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
if (want('codec')) codecThroughput();
if (want('P1')) await realScheduler('sge', 'P1', 'qsub -sync y -t 1-100');
if (want('P1b')) await besideFloor('sge', 'P1b');
if (want('P2')) await realScheduler('slurm', 'P2', 'sbatch --wait --array=0-99');
if (want('P2b')) await besideFloor('slurm', 'P2b');
if (want('P3')) await localThroughput();
if (want('P4')) {
  const r = await millionTasks();
  note('P4', 'wall time, 10^6 tasks, local flavor', seconds(r.ms), `${r.chunks} chunks`);
  note('P4', 'peak RSS / size of the results', ratio(r.peakRssBytes, r.resultBytes), `peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MB, results ${(r.resultBytes / 2 ** 20).toFixed(0)} MB`);
  note('P4', 'files in the work dir (kept / after success)', `${r.filesKept} / ${r.filesAfter}`);
}
if (want('P5')) await dummyQueues();
if (want('P8')) {
  const { fewLongTasks } = await import('./few-long.mjs');
  await fewLongTasks(note);
}
if (want('P6') || want('P7')) {
  const { bigCluster, unevenTasks } = await import('./elastic.mjs');
  if (want('P6')) await unevenTasks(note);
  if (want('P7')) await bigCluster(note);
}
console.log(`\nqueue-map-reduce benchmarks, ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`);
printTable(rows);
void mkdirSync;
void countFiles;
