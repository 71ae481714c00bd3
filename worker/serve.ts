/**
 * The worker as a server (the local flavor): runs chunk after chunk in one process, so that a
 * chunk costs its work and not a node start-up. Commands come on stdin, one per line:
 * `CHUNK JOB_ID`; the answer goes to file descriptor 3: `done JOB_ID` or `fail JOB_ID MESSAGE`.
 * While a chunk runs, what the process writes to stdout and stderr goes to that chunk's log
 * files, as job.sh arranges for a job of its own. In claim mode (elastic maps) each command is
 * `TICKET JOB_ID` and runs one worker's claim loop, with that worker's log files.
 * The process ends at once when stdin ends or its parent changes: it must not outlive the
 * submitter that feeds it (die-with-submitter.ts).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { WorkDirLayout } from '../src/protocol/work-dir-layout.js';
import { ElasticLayout } from '../src/protocol/elastic/layout.js';
import { runClaimLoop } from './claim-loop.js';
import { dieWithSubmitter } from './die-with-submitter.js';
import { log, runChunk } from './run-chunk.js';

const REPLIES_FD = 3;

export async function serve(runDir: string, mode: 'chunk' | 'claim'): Promise<void> {
  const layout = mode === 'claim' ? new ElasticLayout(runDir) : new WorkDirLayout(runDir);
  let running: string | undefined;
  dieWithSubmitter(() => running);
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    const m = /^(\d+) (\S+)$/.exec(line.trim());
    if (!m) continue;
    const chunk = Number(m[1]);
    const jobId = m[2]!;
    process.env.QMR_JOB_ID = jobId;
    const restore = redirectOutput(layout.stdoutLog(chunk), layout.stderrLog(chunk));
    running = `${mode === 'claim' ? 'worker' : 'chunk'} ${chunk} (job ${jobId})`;
    try {
      // Marks where this attempt begins in the chunk's log, as job.sh does for a job of its own.
      process.stderr.write(`[qmr ${new Date().toISOString().slice(0, 19)}Z] worker: job ${jobId} on ${hostname()}, ${mode === 'claim' ? 'worker' : 'chunk'} ${chunk}\n`);
      if (mode === 'claim') await runClaimLoop(runDir, chunk, jobId);
      else await runChunk(runDir, chunk, jobId);
      reply(`done ${jobId}`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`worker failed, no result written: ${message}`);
      reply(`fail ${jobId} ${message.split('\n')[0]}`);
    } finally {
      running = undefined;
      restore();
    }
  }
}

function reply(text: string): void {
  writeSync(REPLIES_FD, `${text}\n`);
}

type Write = typeof process.stdout.write;

/** Sends process.stdout/stderr writes to the given files until the returned function is called. */
function redirectOutput(stdoutFile: string, stderrFile: string): () => void {
  const outFd = openSync(stdoutFile, 'a', 0o600);
  const errFd = openSync(stderrFile, 'a', 0o600);
  const originalOut = process.stdout.write;
  const originalErr = process.stderr.write;
  const writer = (fd: number): Write =>
    ((data: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown) => {
      if (typeof data === 'string') writeSync(fd, data);
      else writeSync(fd, data);
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') (done as () => void)();
      return true;
    }) as Write;
  process.stdout.write = writer(outFd);
  process.stderr.write = writer(errFd);
  return () => {
    process.stdout.write = originalOut;
    process.stderr.write = originalErr;
    closeSync(outFd);
    closeSync(errFd);
  };
}
