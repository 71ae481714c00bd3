#!/usr/bin/env node
/**
 * The worker program: `node main.js RUN_DIR CHUNK`. Started by job.sh on a worker node (or by
 * the local flavor on this machine). Exit status 0 means the result file was written; anything
 * else leaves no result, and the submitting side resubmits the chunk.
 */
import { log, runChunk } from './run-chunk.js';

async function main(argv: string[]): Promise<number> {
  const [runDir, chunkText] = argv;
  if (!runDir || !chunkText || !/^\d+$/.test(chunkText)) {
    process.stderr.write('usage: main.js RUN_DIR CHUNK (started by the job.sh of a queue-map-reduce run)\n');
    return 2;
  }
  await runChunk(runDir, Number(chunkText), process.env.QMR_JOB_ID || 'unknown');
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
