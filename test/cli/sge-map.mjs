// A map on the dummy SGE queue, run as its own process by the qmr CLI tests so that its
// submitting process is alive while qmr looks at it (or can be SIGKILLed).
// argv[2]: JSON { workDir, statePath, jobName, tasks }. Prints one JSON line: the results, or
// the error the map rejected with; exits 0 either way, so the test can read what happened.
import { Pool } from '../../dist/src/index.js';
import { DummyQueue } from '../../dist/dummy-queue/src/control.js';

const config = JSON.parse(process.argv[2]);
const queue = DummyQueue.attach(config.statePath);
const pool = new Pool({
  flavor: 'sge',
  commands: await queue.commands('sge'),
  workDir: config.workDir,
  keepWorkDir: 'always',
  chunkSize: 1,
  pollInterval: 200,
  maxPollInterval: 1000,
  // A held chunk is what keeps these runs alive: do not let the map give up on it meanwhile.
  heldTimeout: 600_000,
  resources: { jobName: config.jobName },
  progress: false,
  handleSignals: false,
});
try {
  const results = await pool.map((x) => {
    console.log(`working on ${x}`);
    return x * 100;
  }, config.tasks);
  console.log(JSON.stringify({ results }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, message: error.message }));
}
