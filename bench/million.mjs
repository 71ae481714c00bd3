// P4: 10^6 tasks end to end on the local flavor, in a process of its own so that its peak RSS is
// the map's. Tasks come from a generator (never all in memory on the submitting side); results
// are 200-byte strings, so "the size of the results" is measurable: 10^6 × 200 bytes.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Pool } from '../dist/src/index.js';
import { countFiles, scratch } from './lib.mjs';

const N = Number(process.env.P4_TASKS ?? 1_000_000);
const dir = scratch('million');
const workDir = path.join(dir, 'run');

function* tasks() {
  for (let i = 0; i < N; i++) yield i;
}

const started = Date.now();
const pool = new Pool({ workDir, keepWorkDir: 'always', progress: false }); // default chunking for a stream
const results = [];
let resultBytes = 0;
for await (const value of pool.imap((i) => `${'r'.repeat(190)}${String(i).padStart(10, '0')}`, tasks())) {
  results.push(value);
  resultBytes += value.length;
}
const ms = Date.now() - started;
if (results.length !== N || !results[N - 1].endsWith(String(N - 1).padStart(10, '0'))) throw new Error('wrong results');
const filesKept = countFiles(workDir);
const chunks = readdirSync(path.join(workDir, 'chunks')).length;
rmSync(dir, { recursive: true, force: true });

// The same map with the default keepWorkDir: what is left after a success.
const dir2 = scratch('million-default');
await new Pool({ workDir: path.join(dir2, 'run'), chunkSize: 1000, progress: false }).map((i) => i, Array.from({ length: 10_000 }, (_, i) => i));
let filesAfter = 0;
try {
  filesAfter = statSync(path.join(dir2, 'run')) ? countFiles(path.join(dir2, 'run')) : 0;
} catch {
  filesAfter = 0;
}
rmSync(dir2, { recursive: true, force: true });

const peakRssBytes = process.resourceUsage().maxRSS * 1024;
process.stdout.write(JSON.stringify({ ms, chunks, peakRssBytes, resultBytes, filesKept, filesAfter }));
