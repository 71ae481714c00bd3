// P1b/P2b: 1,000 trivial tasks with default options on a real scheduler, beside the floor.
//
// The floor is what any tool must pay for this map on this scheduler: one bare array job of W
// elements (W = the pool's worker count), each element `node -e` reading its share of the tasks
// from a JSON file, squaring them and writing an output file. It is submitted with the scheduler's
// own command (`qsub -t 1-W` / `sbatch --array=0-(W-1)`), and its clock stops when the last output
// file is there (looked for every 10 ms): the pool notices results from files too. Beside it, the
// time the scheduler itself says the array is over (`qsub -sync y` returning; for Slurm `squeue`
// asked every 0.1 s, as `sbatch --wait` polls only every few seconds).
//
// The pool's time is split from its kept work dir: map() called → worker array submitted
// (journal 'workers' record) → first worker running (its log) → last result file → map resolved.
// With QMR_BENCH_BASELINE (a build made by bench/make-baseline.sh) the same map also runs on that
// build, interleaved, for before/after numbers in one run.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { baselineLabel, baselinePool, newestMtime, ratio, scratch, seconds } from './lib.mjs';

const TASKS = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** One default map; returns its wall time and where it went (ms from map() called). */
async function poolRun(Pool, flavor) {
  const dir = scratch(`${flavor}-default`);
  const workDir = path.join(dir, 'run');
  const pool = new Pool({ flavor, workDir, keepWorkDir: 'always', progress: false });
  const tasks = Array.from({ length: TASKS }, (_, i) => i);
  const started = Date.now();
  const out = await pool.map((x) => x * x, tasks);
  const resolved = Date.now();
  if (out.length !== TASKS || out[7] !== 49) throw new Error('wrong results');
  const record = JSON.parse(readFileSync(path.join(workDir, 'run.json'), 'utf8'));
  const journal = readFileSync(path.join(workDir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const submitted = Date.parse(journal.find((r) => r.t === 'workers')?.time ?? journal.find((r) => r.t === 'submit').time);
  const cancels = journal.filter((r) => r.t === 'cancel').length;
  const running = firstWorkerRunning(path.join(workDir, 'logs'));
  const lastResult = newestMtime(path.join(workDir, 'results'));
  rmSync(dir, { recursive: true, force: true });
  return {
    ms: resolved - started,
    workers: record.elastic?.workers ?? record.chunks,
    chunking: record.chunking,
    phases: { submit: submitted - started, start: running - submitted, work: lastResult - running, end: resolved - lastResult },
    cancels,
  };
}

/** When the first worker logged that it runs (node up, the worker program loaded). */
function firstWorkerRunning(logs) {
  let first = Infinity;
  for (const name of readdirSync(logs, { recursive: true })) {
    const file = path.join(logs, name);
    if (!name.endsWith('.err') || !statSync(file).isFile()) continue;
    const m = /^\[qmr (\S+)\] (worker \d+ started|chunk \d+ \(tasks)/m.exec(readFileSync(file, 'utf8'));
    if (m) first = Math.min(first, Date.parse(m[1]));
  }
  return first;
}

/** The floor: a bare array job doing the same work (see the top of this file). */
async function floorRun(flavor, elements) {
  const dir = scratch(`${flavor}-floor-b`);
  const per = Math.ceil(TASKS / elements);
  for (let e = 0; e < elements; e++) {
    writeFileSync(path.join(dir, `in.${e}`), JSON.stringify(Array.from({ length: Math.min(per, TASKS - e * per) }, (_, i) => e * per + i)));
  }
  const index = flavor === 'sge' ? '$((SGE_TASK_ID - 1))' : '$SLURM_ARRAY_TASK_ID';
  const script = path.join(dir, 'work.sh');
  writeFileSync(
    script,
    `#!/bin/bash\ni=${index}\nexec ${process.execPath} -e 'const fs = require("fs"); fs.writeFileSync(process.argv[2], JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1], "utf8")).map((x) => x * x)))' ${dir}/in.$i ${dir}/out.$i\n`,
    { mode: 0o755 },
  );
  const outputs = Array.from({ length: elements }, (_, e) => path.join(dir, `out.${e}`));
  const started = Date.now();
  let schedulerDone;
  if (flavor === 'sge') {
    const child = spawn('qsub', ['-sync', 'y', '-t', `1-${elements}`, '-S', '/bin/bash', '-o', '/dev/null', '-e', '/dev/null', '-N', 'floor', script], { stdio: 'ignore' });
    schedulerDone = new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(Date.now()) : reject(new Error(`qsub -sync y exited ${code}`)))));
  } else {
    const id = execFileSync('sbatch', ['--parsable', `--array=0-${elements - 1}`, '--output=/dev/null', '--job-name=floor', script], { encoding: 'utf8' }).trim();
    schedulerDone = (async () => {
      while (execFileSync('squeue', ['--noheader', `--jobs=${id}`, '--format=%i'], { encoding: 'utf8' }).trim() !== '') await sleep(100);
      return Date.now();
    })();
  }
  while (!outputs.every((o) => existsSync(o))) await sleep(10);
  const filesAt = Date.now();
  const doneAt = await schedulerDone;
  rmSync(dir, { recursive: true, force: true });
  return { ms: filesAt - started, schedulerMs: doneAt - started };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const list = (runs) => runs.map((ms) => (ms / 1000).toFixed(2)).join(', ');
const phaseWords = (runs) =>
  ['submit', 'start', 'work', 'end'].map((p) => `${p} ${seconds(median(runs.map((r) => r.phases[p])))}`).join(', ');

/** P1b (SGE) or P2b (Slurm): ROUNDS interleaved rounds of floor, pool (and baseline pool); medians. */
export async function defaultOptionsBesideFloor(flavor, label, note, Pool) {
  const Baseline = await baselinePool();
  const load = loadavg()[0].toFixed(1);
  const first = await poolRun(Pool, flavor); // also tells the floor its W
  const pools = [first];
  const floors = [];
  const baselines = [];
  for (let round = 0; round < ROUNDS; round++) {
    floors.push(await floorRun(flavor, first.workers));
    if (round > 0) pools.push(await poolRun(Pool, flavor));
    if (Baseline) baselines.push(await poolRun(Baseline, flavor));
  }
  const pool = median(pools.map((r) => r.ms));
  const floor = median(floors.map((r) => r.ms));
  note(label, `wall time, ${TASKS} tasks, default options (median of ${ROUNDS})`, seconds(pool), `${first.chunking}; runs ${list(pools.map((r) => r.ms))} s`);
  note(label, `floor: bare ${first.workers}-element array job, last output file`, seconds(floor), `runs ${list(floors.map((r) => r.ms))} s; scheduler says done after ${seconds(median(floors.map((r) => r.schedulerMs)))}`);
  note(label, 'ratio pool / floor', ratio(pool, floor), `load average ${load} → ${loadavg()[0].toFixed(1)} (2 cores, shared)`);
  note(label, 'where the pool\'s time goes (medians)', phaseWords(pools), `map() → array submitted → first worker running → last result → resolved; ${pools.reduce((n, r) => n + r.cancels, 0)} cancels in ${pools.length} maps`);
  if (Baseline) {
    const base = median(baselines.map((r) => r.ms));
    note(label, `${baselineLabel()}, same rounds`, seconds(base), `ratio to floor ${ratio(base, floor)}; runs ${list(baselines.map((r) => r.ms))} s`);
    note(label, `${baselineLabel()}: where its time goes (medians)`, phaseWords(baselines), `${baselines.reduce((n, r) => n + r.cancels, 0)} cancels in ${baselines.length} maps`);
  }
}
