/**
 * A worker's heartbeat: a file whose mtime is touched every few seconds, so the pool can tell a
 * live worker from one that hangs or lost its node while the scheduler still lists it.
 *
 * The touching runs on a thread of its own: tasks are often synchronous (a minute of number
 * crunching never yields to the event loop), and a timer on the main thread would stop beating
 * for exactly as long, so the lease of a healthy worker would expire.
 */
import { writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const BEAT = `
const { workerData } = require('node:worker_threads');
const { utimesSync } = require('node:fs');
setInterval(() => {
  const now = new Date();
  try { utimesSync(workerData.file, now, now); } catch { /* the work dir is gone: the pool ended */ }
}, workerData.intervalMs);
`;

/** Writes the heartbeat file with who we are, and keeps its mtime fresh until stop() is called. */
export function startHeartbeat(file: string, about: Record<string, unknown>, intervalMs: number): { stop(): Promise<void> } {
  writeFileSync(file, `${JSON.stringify(about)}\n`, { mode: 0o600 });
  const thread = new Worker(BEAT, { eval: true, workerData: { file, intervalMs } });
  thread.unref(); // never what keeps the job alive
  return {
    async stop() {
      await thread.terminate();
    },
  };
}
