/**
 * `qmr trace` and `qmr report` on work dirs made by real local maps, the report opened in
 * headless Chromium. Outside CI the Chromium test skips (saying how to install it); with CI=true
 * a missing Chromium fails it.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MapError, Pool } from '../../src/index.js';
import { readJournal } from '../../src/resume/journal.js';
import type { TraceRow } from '../../src/trace/trace-rows.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { assertBuilt, qmr, qmrJson } from './helpers.js';

let folder: { path: string; cleanup: () => Promise<void> };
let run: string;

beforeAll(async () => {
  assertBuilt();
  folder = await temporaryFolder('qmr-trace-');
  run = path.join(folder.path, 'uneven');
  const error = await new Pool({ workDir: run, keepWorkDir: 'always', chunkSize: 1, progress: false, resources: { memory: '16G' } })
    .map(async (x: number) => {
      await new Promise((r) => setTimeout(r, 40 * x));
      if (x === 2) throw new Error('task 2 is unlucky');
      return x;
    }, [1, 2, 3, 4])
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MapError);
});

afterAll(async () => folder?.cleanup());

describe('qmr trace', () => {
  it('prints one TSV line per job, with times, host and what the worker measured', async () => {
    const r = await qmr(['trace', run]);
    expect(r.exitCode).toBe(0);
    const [header, ...lines] = r.stdout.trimEnd().split('\n');
    const fields = header!.split('\t');
    expect(fields.slice(0, 5)).toEqual(['task_id', 'attempt', 'native_id', 'name', 'status']);
    expect(lines).toHaveLength(4);
    const cell = (line: string, name: string) => line.split('\t')[fields.indexOf(name)];
    expect(lines.map((l) => cell(l, 'status'))).toEqual(['COMPLETED', 'FAILED', 'COMPLETED', 'COMPLETED']);
    expect(cell(lines[1]!, 'cause')).toBe('task error');
    expect(cell(lines[0]!, 'peak_rss')).toMatch(/ MB$/);

    const rows = await qmrJson<TraceRow[]>(['trace', run]);
    for (const row of rows) {
      expect(row.submit! <= row.start! && row.start! <= row.complete!).toBe(true);
      expect(row.cpuSeconds).toBeGreaterThan(0);
      expect(row.peakRssKb).toBeGreaterThan(10_000);
    }
  });

  it('has the scheduler columns, empty for a local run, and takes --no-accounting', async () => {
    const r = await qmr(['trace', run]);
    const fields = r.stdout.split('\n')[0]!.split('\t');
    expect(fields.slice(-6)).toEqual(['sched_state', 'sched_exit', 'sched_elapsed', 'sched_cpu_time', 'sched_peak_rss', 'sched_host']);
    expect(r.stderr).toBe(''); // a local run has no scheduler to ask: nothing to note
    const skipped = await qmr(['trace', run, '--no-accounting']);
    expect(skipped.exitCode).toBe(0);
    expect(skipped.stdout.trimEnd().split('\n')).toHaveLength(5);
  });

  it('calls a run whose task threw failed everywhere: journal end record, report header, qmr status', async () => {
    const end = (await readJournal(path.join(run, 'journal.jsonl'))).findLast((r) => r.t === 'end');
    expect(end).toMatchObject({ t: 'end', outcome: 'failed' });
    const file = path.join(folder.path, 'failed-run.html');
    expect((await qmr(['report', run, '-o', file])).exitCode).toBe(0);
    expect(await readFile(file, 'utf8')).toMatch(/<p class="sub">local · failed · started/);
    const [status] = await qmrJson<Array<{ state: string }>>(['status', run]);
    expect(status!.state).toBe('failed');
  });

  it('leaves <workDir>.trace.tsv when a finished run removes its work dir', async () => {
    const workDir = path.join(folder.path, 'clean');
    await new Pool({ workDir, progress: false }).map((x: number) => x + 1, [1, 2, 3]);
    expect(existsSync(workDir)).toBe(false);
    const text = await readFile(`${workDir}.trace.tsv`, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^task_id\tattempt\tnative_id/);
    expect(text).toContain('COMPLETED');
  });
});

/** Chromium from Debian's package (or CHROMIUM=path). */
function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((c): c is string => c !== undefined && existsSync(c));
}

const chromium = findChromium();
const requireChromium = process.env.CI === 'true';
if (!chromium && !requireChromium) {
  console.log('skipping the qmr report browser test: no Chromium (install it with `apt-get install -y chromium`, or set CHROMIUM=/path/to/chrome)');
}

describe.skipIf(!chromium && !requireChromium)('qmr report', () => {
  it('writes one HTML file that headless Chromium renders with all its parts', async () => {
    if (!chromium) throw new Error('CI=true but no Chromium: apt-get install -y chromium');
    const file = path.join(folder.path, 'report.html');
    const r = await qmr(['report', run, '-o', file]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(file);
    const html = await readFile(file, 'utf8');
    expect(html).not.toMatch(/<script|<link|https?:\/\//);

    const browser = [chromium, '--headless', '--disable-gpu', '--no-sandbox', '--hide-scrollbars', `--user-data-dir=${path.join(folder.path, 'chromium-profile')}`];
    const dom = await execa(browser[0]!, [...browser.slice(1), '--dump-dom', `file://${file}`], { timeout: 60_000 });
    for (const id of ['summary', 'hints', 'timeline', 'distributions', 'failures']) expect(dom.stdout).toContain(`<section id="${id}">`);
    expect(dom.stdout.match(/<g class="job/g)).toHaveLength(4);
    expect(dom.stdout).toContain('asked 16.00 GB of memory per job');
    expect(dom.stdout).toContain('task error');

    const png = path.join(folder.path, 'report.png');
    await execa(browser[0]!, [...browser.slice(1), '--window-size=1000,1100', `--screenshot=${png}`, `file://${file}`], { timeout: 60_000 });
    expect((await stat(png)).size).toBeGreaterThan(10_000);
  });
});
