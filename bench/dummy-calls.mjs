// P5: every flavor on its dummy queue: how many submit and status calls one map costs
// (target: one submit per array, at most one status call per poll).
import path from 'node:path';
import { rmSync } from 'node:fs';
import { Pool } from '../dist/src/index.js';
import { pollerFor } from '../dist/src/map/poller.js';
import { FLAVOR_DEFINITIONS, openQueue } from '../dist/src/queues/registry.js';
import { DummyQueue } from '../dist/dummy-queue/src/control.js';
import { scratch } from './lib.mjs';

/** Flavors measured more than once: PBS in each dialect the emulator speaks (emulator settings, pool options). */
const VARIANTS = {
  pbs: [
    [{ dialect: 'torque' }, { pbsDialect: 'torque' }],
    [{ dialect: 'pro' }, { pbsDialect: 'pro' }],
  ],
};

/** Every flavor the registry knows that has a scheduler to emulate (the local flavor has none). */
const FLAVORS = Object.entries(FLAVOR_DEFINITIONS)
  .filter(([, definition]) => definition.queue.kind === 'commands')
  .flatMap(([flavor]) => (VARIANTS[flavor] ?? [[{}, {}]]).map(([settings, options]) => [flavor, settings, options]));

export async function dummyQueueCalls() {
  const rows = [];
  for (const [flavor, settings, options = {}] of FLAVORS) {
    const dir = scratch(`dummy-${flavor}`);
    const queue = await DummyQueue.create(dir, { slots: 2, keepFinished: 30, ...settings });
    process.env.QMR_DUMMY_STATE = queue.statePath;
    const pool = new Pool({
      flavor,
      commands: await queue.commands(flavor),
      workDir: path.join(dir, 'run'),
      numChunks: 20,
      pollInterval: 200,
      progress: false,
      ...options,
    });
    const poller = pollerFor(openQueue(pool.options, flavor));
    const polls = poller.polls;
    const started = Date.now();
    const out = await pool.map((x) => x * 2, Array.from({ length: 200 }, (_, i) => i));
    const ms = Date.now() - started;
    if (out[199] !== 398) throw new Error(`${flavor}: wrong results`);
    // A status poll may still be running when the map resolves; let it land in this state file
    // (it counts: the map made it) before the next flavor's file replaces QMR_DUMMY_STATE.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    rows.push({ flavor: `${flavor}${settings.dialect ? ` (${settings.dialect})` : ''}`, what: '200 tasks, 20 chunks, one array', calls: await queue.calls(), polls: poller.polls - polls, ms });
    await queue.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
