/**
 * A worker process of the local flavor (serve.ts) is a child of the submitting process, fed
 * through a pipe on stdin. When the submitter dies (kill -9 included), nothing else stops it: it
 * is adopted by init and would go on running (and, in claim mode, claiming) units that a resumed
 * map, which marks the dead submitter's jobs cancelled and releases their claims, runs again. So
 * such a worker ends at once, whatever it is running, when
 *  - stdin reaches its end: the submitter is gone, or its queue stopped this worker (which it
 *    follows with SIGTERM anyway);
 *  - its parent process changes (checked periodically): a second guard, in case something else
 *    holds the other end of stdin open.
 * Only serve mode calls this: workers under a real scheduler have stdin closed or /dev/null from
 * the start, and their parent is the scheduler's, not the submitter.
 */
import { log } from './run-chunk.js';

const PARENT_CHECK_MS = 1000;

export function dieWithSubmitter(busy: () => string | undefined): void {
  const parent = process.ppid;
  const stop = (why: string): never => {
    const what = busy();
    // Goes to the running chunk's log (serve.ts redirects output while one runs), else to the
    // process's stderr, which the local queue keeps for start-up failures.
    log(`worker stops${what ? ` in ${what}` : ''}: ${why}`);
    process.exit(what ? 1 : 0);
  };
  process.stdin.once('end', () => stop('its submitting process closed stdin (it ended or stopped this worker)'));
  setInterval(() => {
    if (process.ppid !== parent) stop(`its parent process ${parent} is gone (the parent is now ${process.ppid})`);
  }, PARENT_CHECK_MS).unref();
}
