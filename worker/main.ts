#!/usr/bin/env node
/**
 * The worker program, started by job.sh:
 *   `node main.js RUN_DIR CHUNK`     runs one chunk (a job on a worker node). Exit status 0 means
 *                                    the result file was written; anything else leaves no
 *                                    result, and the submitting side resubmits the chunk.
 *   `node main.js RUN_DIR --claim TICKET`  an elastic worker: claims units until none are left
 *                                    (claim-loop.ts).
 *   `node main.js RUN_DIR --serve [--claim]`  runs chunks (or, with --claim, claim loops) as told
 *                                    on stdin (the local flavor; serve.ts).
 */
import { runClaimLoop } from './claim-loop.js';
import { log, runChunk } from './run-chunk.js';
import { serve } from './serve.js';

const USAGE =
  'usage: main.js RUN_DIR CHUNK | main.js RUN_DIR --claim TICKET | main.js RUN_DIR --serve [--claim] (started by the job.sh of a queue-map-reduce run)\n';

async function main(argv: string[]): Promise<number> {
  const [runDir, what, ticket] = argv;
  const jobId = process.env.QMR_JOB_ID || 'unknown';
  if (runDir && what === '--serve') {
    await serve(runDir, ticket === '--claim' ? 'claim' : 'chunk');
    return 0;
  }
  if (runDir && what === '--claim' && ticket && /^\d+$/.test(ticket)) {
    await runClaimLoop(runDir, Number(ticket), jobId);
    return 0;
  }
  if (!runDir || !what || !/^\d+$/.test(what)) {
    process.stderr.write(USAGE);
    return 2;
  }
  await runChunk(runDir, Number(what), jobId);
  return 0;
}

main(process.argv.slice(2)).then(
  // Exit explicitly: a task may leave timers or sockets open that would keep the job alive
  // (and its slot taken) after the result is written. Writes to log files are synchronous.
  (code) => process.exit(code),
  (error: unknown) => {
    log(`worker failed, no result written: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
