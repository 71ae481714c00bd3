/**
 * A map in which one chunk's result file turns out to be garbage (a stray writer, a torn write,
 * a file a shared file system shows cut short) while its job still runs: the pool must end that
 * attempt and run the chunk again, never wait for it forever. Used on the local flavor and the
 * emulators, static and elastic.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from '../../src/index.js';
import { readJournal } from '../../src/resume/journal.js';
import { chunkBaseName } from '../../src/protocol/work-dir-layout.js';
import { FIXTURES } from './fixtures.js';
import { waitFor } from './wait-for.js';

export const DUMMY_WORK = path.join(FIXTURES, 'modules', 'dummy-work.mjs');
export const GARBAGE = 'not a result file: a stray writer, or a torn write\n';

/** The journal's retire reasons for a chunk, in order. */
export async function retireReasons(workDir: string, chunk: number): Promise<string[]> {
  return (await readJournal(path.join(workDir, 'journal.jsonl'))).flatMap((r) => (r.t === 'retire' && r.chunk === chunk ? [r.reason] : []));
}

/** Result files set aside as unreadable, in the run's results folder. */
export async function setAside(workDir: string): Promise<string[]> {
  return (await readdir(path.join(workDir, 'results'))).filter((n) => n.includes('.unreadable-')).sort();
}

/** Writes garbage over the result file of `chunk` (units and chunks of one task: chunk = task). */
export async function writeGarbageResult(workDir: string, chunk: number): Promise<void> {
  await writeFile(path.join(workDir, 'results', `${chunkBaseName(chunk)}.result`), GARBAGE);
}

/**
 * Maps tasks 0..count-1 to x * 10 with `pool` (chunks or units of one task), where task `held`
 * keeps running until garbage was written as its result and the pool has retired that attempt.
 * Returns the map's results and the retire reasons of the held task's chunk.
 */
export async function mapWithGarbageResult(pool: Pool, workDir: string, scratch: string, count = 3, held = 1): Promise<{ out: unknown[]; reasons: string[] }> {
  const started = path.join(scratch, `started-${path.basename(workDir)}`);
  const release = path.join(scratch, `release-${path.basename(workDir)}`);
  const tasks = Array.from({ length: count }, (_, x) => ({ x, hold: x === held, started, release }));
  const mapping = pool.map({ module: DUMMY_WORK, export: 'untilReleased' }, tasks);
  let ended = false;
  mapping.then(() => (ended = true), () => (ended = true));
  let reasons: string[];
  try {
    await waitFor(async () => ended || (await readFile(started, 'utf8').catch(() => '')).split('\n').includes(String(held)), `task ${held} to start`, 120_000);
    await writeGarbageResult(workDir, held);
    reasons = await waitFor(
      async () => {
        if (ended) return []; // the map's own outcome then says what went wrong
        const found = await retireReasons(workDir, held);
        return found.length > 0 ? found : undefined;
      },
      'the attempt with the garbage result to be retired',
      120_000,
    );
  } finally {
    await writeFile(release, '');
  }
  return { out: await mapping, reasons };
}
