// P8 few long tasks, default options: wall / ideal, where ideal = max(total / slots, longest task).
//  - 20 tasks of 20 s on an emulated SGE queue that reports 100 slots;
//  - 4 tasks of 10 s on the real SGE and the real Slurm (2 slots), when they are up.
// With QMR_BENCH_BASELINE (bench/make-baseline.sh) each map runs on that older build too, in
// the same run (the old rule's emulated run takes 10 × 20 s: 10 tasks after one another on each
// of 2 workers). The emulator runs every worker as a node process on this machine: 20 of them
// starting at once on 2 cores is part of what the emulated ratio shows.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DummyQueue } from '../dist/dummy-queue/src/control.js';
import { Pool } from '../dist/src/index.js';
import { readJournal } from '../dist/src/resume/journal.js';
import { baselineLabel, baselinePool, scratch, seconds, up } from './lib.mjs';

const EMULATED_TASKS = 20;
const EMULATED_TASK_S = 20;
const EMULATED_SLOTS = 100;
const REAL_TASKS = 4;
const REAL_TASK_S = 10;
const REAL_SLOTS = 2;

async function sleepMap(PoolClass, options, count, taskSeconds) {
  const dir = scratch('p8');
  const workDir = path.join(dir, 'run');
  const pool = new PoolClass({ workDir, keepWorkDir: 'always', progress: false, ...options });
  const started = Date.now();
  const out = await pool.map(async (ms) => {
    await new Promise((r) => setTimeout(r, ms));
    return ms;
  }, Array.from({ length: count }, () => taskSeconds * 1000));
  const ms = Date.now() - started;
  if (out.length !== count) throw new Error('wrong results');
  const journal = await readJournal(path.join(workDir, 'journal.jsonl'));
  const arrays = journal.filter((r) => r.t === 'workers');
  const record = JSON.parse(readFileSync(path.join(workDir, 'run.json'), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  return { ms, workers: arrays.reduce((n, r) => n + r.ids.length, 0), arrays: arrays.length, rule: record.chunking };
}

export async function fewLongTasks(note) {
  const Baseline = await baselinePool();
  const builds = [['new', Pool], ...(Baseline ? [[baselineLabel(), Baseline]] : [])];
  const report = (what, ideal, build, r) =>
    note('P8', `${what}: wall / ideal, ${build}`, (r.ms / ideal).toFixed(3), `${seconds(r.ms)} (ideal ${seconds(ideal)}); ${r.workers} workers in ${r.arrays} array${r.arrays === 1 ? '' : 's'}; ${r.rule}`);

  const dir = scratch('p8-emulated');
  const queue = await DummyQueue.create(dir, { slots: EMULATED_SLOTS, keepFinished: 30 });
  process.env.QMR_DUMMY_STATE = queue.statePath;
  try {
    const ideal = Math.max((EMULATED_TASKS * EMULATED_TASK_S) / EMULATED_SLOTS, EMULATED_TASK_S) * 1000;
    for (const [build, PoolClass] of builds) {
      const r = await sleepMap(PoolClass, { flavor: 'sge', commands: await queue.commands('sge') }, EMULATED_TASKS, EMULATED_TASK_S);
      report(`${EMULATED_TASKS} tasks of ${EMULATED_TASK_S} s, emulated SGE with ${EMULATED_SLOTS} slots`, ideal, build, r);
    }
  } finally {
    await queue.stop();
    delete process.env.QMR_DUMMY_STATE;
    rmSync(dir, { recursive: true, force: true });
  }

  for (const flavor of ['sge', 'slurm']) {
    if (!up(flavor)) {
      note('P8', `${flavor}: skipped`, '-', `${flavor} is not up (sudo bash scripts/schedulers-up.sh)`);
      continue;
    }
    const ideal = Math.max((REAL_TASKS * REAL_TASK_S) / REAL_SLOTS, REAL_TASK_S) * 1000;
    for (const [build, PoolClass] of builds) {
      const r = await sleepMap(PoolClass, { flavor }, REAL_TASKS, REAL_TASK_S);
      report(`${REAL_TASKS} tasks of ${REAL_TASK_S} s, real ${flavor === 'sge' ? 'SGE' : 'Slurm'} (${REAL_SLOTS} slots)`, ideal, build, r);
    }
  }
}
