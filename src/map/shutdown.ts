/**
 * Clean shutdown on SIGINT/SIGTERM while maps run: the first signal stops every running map
 * (each cancels its jobs, or leaves them running when keepJobsOnExit is set, and writes the
 * end to its journal), then the signal is raised again so the process ends the way it would
 * have. A second signal ends the process at once; the journal stays readable because every
 * record is written whole.
 *
 * Handlers are installed only while at least one map runs, so a program that uses the pool
 * keeps its own signal behaviour the rest of the time.
 */
type StopMap = (signal: NodeJS.Signals) => Promise<void>;

const running = new Set<StopMap>();
let stopping = false;

function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    process.stderr.write(`\nqueue-map-reduce: second ${signal}, exiting now (jobs may be left in the queue; \`qmr status\` shows them)\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }
  stopping = true;
  process.stderr.write(`\nqueue-map-reduce: ${signal} received, stopping ${running.size} map(s); press Ctrl-C again to exit at once\n`);
  void Promise.allSettled([...running].map((stop) => stop(signal))).then(() => {
    uninstall();
    stopping = false;
    // Ends the process as the signal would have (status 130/143), unless the program handles it itself.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function install(): void {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstall(): void {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/** Registers a running map; returns the function to call when it ends. */
export function whileRunning(stop: StopMap): () => void {
  if (running.size === 0) install();
  running.add(stop);
  return () => {
    running.delete(stop);
    if (running.size === 0 && !stopping) uninstall();
  };
}
