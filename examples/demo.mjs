// The demo map: counts primes in 40 ranges on the local flavor (child processes on this
// machine), the same pipeline that runs on SGE, Slurm, PBS, LSF or HTCondor with one option.
// Run: npm run demo
import { Pool } from 'queue-map-reduce';

const ranges = Array.from({ length: 40 }, (_, i) => ({ from: i * 25_000, to: (i + 1) * 25_000 }));

const pool = new Pool({
  flavor: 'local',
  onProgress: (p) => process.stderr.write(`\r${p.chunksDone}/${p.chunks ?? '?'} chunks done, ${p.chunksRunning} running   `),
});

const started = Date.now();
const counts = await pool.map(({ from, to }) => {
  // Self-contained: everything the function needs comes in the task.
  let count = 0;
  for (let n = Math.max(2, from); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count += 1;
  }
  return { from, to, count, host: process.env.HOSTNAME ?? 'this machine', worker: process.pid };
}, ranges);

process.stderr.write('\n');
for (const { from, to, count, worker } of counts.slice(0, 5)) console.log(`primes in [${from}, ${to}): ${count}  (worker pid ${worker})`);
console.log('...');
const total = counts.reduce((sum, r) => sum + r.count, 0);
const workers = new Set(counts.map((r) => r.worker)).size;
console.log(`${total} primes below ${ranges.at(-1).to} (expected 78498), from ${counts.length} tasks in ${workers} worker processes, ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (total !== 78498) process.exitCode = 1;
