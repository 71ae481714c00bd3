#!/usr/bin/env node
/**
 * The worker program, started by job.sh:
 *   `node main.js RUN_DIR CHUNK`     runs one chunk (a job on a worker node). Exit status 0 means
 *                                    the result file was written; anything else leaves no
 *                                    result, and the submitting side resubmits the chunk.
 *   `node main.js RUN_DIR --serve`   runs chunks as told on stdin (the local flavor; serve.ts).
 */
import { log, runChunk } from './run-chunk.js';
import { serve } from './serve.js';

async function main(argv: string[]): Promise<number> {
  const [runDir, what] = argv;
  if (runDir && what === '--serve') {
    await serve(runDir);
    return 0;
  }
  if (!runDir || !what || !/^\d+$/.test(what)) {
    process.stderr.write('usage: main.js RUN_DIR CHUNK | main.js RUN_DIR --serve (started by the job.sh of a queue-map-reduce run)\n');
    return 2;
  }
  await runChunk(runDir, Number(what), process.env.QMR_JOB_ID || 'unknown');
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
