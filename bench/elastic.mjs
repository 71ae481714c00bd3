// P6 and P7: how work is spread.
//  P6 uneven: 200 tasks of seeded uneven durations (bench/uneven-tasks.mjs) on 2 slots, default
//     options (elastic workers) and, in the same run, today's static chunking (elastic: false):
//     wall / ideal, where ideal = max(total / slots, longest task).
//  P7 big cluster: 1,000 trivial tasks on an emulated queue that reports 4,000 slots: how many
//     jobs and submits (elastic: one array of at most DEFAULT_MAX_WORKERS workers).
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DummyQueue } from '../dist/dummy-queue/src/control.js';
import { planChunks } from '../dist/src/map/chunking.js';
import { DEFAULT_MAX_WORKERS } from '../dist/src/elastic/plan.js';
import { Pool } from '../dist/src/index.js';
import { readJournal } from '../dist/src/resume/journal.js';
import { scratch, seconds, up } from './lib.mjs';
import { unevenDurations } from './uneven-tasks.mjs';

const SLOTS = 2;

/** One P6 map: wall time and how the work was spread (from run.json and the journal). */
async function unevenMap(flavor, durations, extra) {
  const dir = scratch(`p6-${flavor}`);
  const workDir = path.join(dir, 'run');
  const pool = new Pool({ flavor, workDir, keepWorkDir: 'always', progress: false, pollInterval: 1000, ...(flavor === 'local' ? { concurrency: SLOTS } : {}), ...extra });
  const started = Date.now();
  const out = await pool.map(async (ms) => {
    await new Promise((r) => setTimeout(r, ms));
    return ms;
  }, durations.map((s) => Math.round(s * 1000)));
  const ms = Date.now() - started;
  if (out.length !== durations.length) throw new Error('wrong results');
  const record = JSON.parse(readFileSync(path.join(workDir, 'run.json'), 'utf8'));
  const journal = await readJournal(path.join(workDir, 'journal.jsonl'));
  const jobs = journal.filter((r) => r.t === 'workers' || (r.t === 'submit' && !record.elastic)).reduce((n, r) => n + r.ids.length, 0);
  rmSync(dir, { recursive: true, force: true });
  return { ms, jobs, how: record.chunking };
}

export async function unevenTasks(note) {
  const durations = unevenDurations();
  const total = durations.reduce((a, b) => a + b, 0);
  const longest = Math.max(...durations);
  const ideal = Math.max(total / SLOTS, longest) * 1000;
  note('P6', 'task durations (seeded)', `${durations.length} tasks, total ${total.toFixed(1)} s`, `median 0.10 s, longest ${longest} s; ideal on ${SLOTS} slots = ${seconds(ideal)}`);
  for (const flavor of ['local', 'sge', 'slurm']) {
    if (flavor !== 'local' && !up(flavor)) {
      note('P6', `${flavor}: skipped`, '-', `${flavor} is not up (sudo bash scripts/schedulers-up.sh)`);
      continue;
    }
    const elastic = await unevenMap(flavor, durations, {});
    const fixed = await unevenMap(flavor, durations, { elastic: false });
    note('P6', `${flavor}: wall / ideal, elastic (default)`, (elastic.ms / ideal).toFixed(3), `${seconds(elastic.ms)}, ${elastic.jobs} worker jobs; ${elastic.how}`);
    note('P6', `${flavor}: wall / ideal, static chunks (elastic: false)`, (fixed.ms / ideal).toFixed(3), `${seconds(fixed.ms)}, ${fixed.jobs} jobs; ${fixed.how}`);
  }
}

export async function bigCluster(note) {
  const dir = scratch('p7');
  const queue = await DummyQueue.create(dir, { slots: 4000, keepFinished: 30 });
  process.env.QMR_DUMMY_STATE = queue.statePath;
  try {
    const tasks = Array.from({ length: 1000 }, (_, i) => i);
    const workDir = path.join(dir, 'run');
    const pool = new Pool({ flavor: 'sge', commands: await queue.commands('sge'), workDir, keepWorkDir: 'always', pollInterval: 500, progress: false });
    const started = Date.now();
    const out = await pool.map((x) => x + 1, tasks);
    const ms = Date.now() - started;
    if (out[999] !== 1000) throw new Error('wrong results');
    const journal = await readJournal(path.join(workDir, 'journal.jsonl'));
    const workers = journal.filter((r) => r.t === 'workers');
    const jobs = workers.reduce((n, r) => n + r.ids.length, 0);
    const calls = await queue.calls();
    const statics = planChunks(1000, { chunkSize: undefined, numChunks: undefined }, 4000);
    note('P7', 'jobs for 1,000 trivial tasks, queue shows 4,000 slots', `${jobs} jobs in ${workers.length} array`, `bound: maxWorkers ${DEFAULT_MAX_WORKERS} (default); ${calls.qsub} qsub, ${calls.qstat ?? 0} qstat; ${seconds(ms)} on the emulator`);
    note('P7', 'static chunking would submit (computed, not run)', `${statics.numChunks} jobs`, statics.rule);
  } finally {
    await queue.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
