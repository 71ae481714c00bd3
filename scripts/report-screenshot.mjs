// Makes docs/report.png: a real run of 14 uneven tasks in chunks of 2 on this machine's Slurm
// (FLAVOR=sge or local for another) where one task throws and one job dies on its first attempt
// (and is resubmitted), then `qmr report` of it, rendered by headless Chromium.
// Run after `npm run build` (and scripts/schedulers-up.sh): node scripts/report-screenshot.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from '../dist/src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'qmr-report-png-'));
process.chdir(scratch); // the run gets its usual name, .qmr/<run id>
const pool = new Pool({ flavor: process.env.FLAVOR ?? 'slurm', chunkSize: 2, concurrency: 2, keepWorkDir: 'always', progress: false, resources: { memory: '1G' } });
const tasks = Array.from({ length: 14 }, (_, i) => ({ i, ms: 200 + ((i * 137) % 9) * 150, marker: path.join(scratch, `died-${i}`) }));
const outcomes = await pool.map(async ({ i, ms, marker }) => {
  const fs = await import('node:fs');
  await new Promise((resolve) => setTimeout(resolve, ms));
  // Task 9's job dies the first time (no result written): the pool resubmits its chunk.
  if (i === 9 && !fs.existsSync(marker)) {
    fs.writeFileSync(marker, '');
    process.exit(3);
  }
  if (i === 5) throw new Error(`sample ${i} has no calibration data`);
  return i * i;
}, tasks, { settled: true });
console.log(outcomes.filter((o) => o.status === 'rejected').length, 'task(s) failed');
const workDir = path.join(scratch, '.qmr', (await import('node:fs')).readdirSync(path.join(scratch, '.qmr'))[0]);

const html = path.join(scratch, 'report.html');
execFileSync(process.execPath, [path.join(root, 'dist/src/cli/main.js'), 'report', workDir, '-o', html], { stdio: 'inherit' });
const chromium = [process.env.CHROMIUM, '/usr/bin/chromium'].find((c) => c && existsSync(c));
execFileSync(chromium, ['--headless', '--disable-gpu', '--no-sandbox', '--hide-scrollbars', `--user-data-dir=${path.join(scratch, 'profile')}`,
  '--window-size=1000,1100', `--screenshot=${path.join(root, 'docs', 'report.png')}`, `file://${html}`], { stdio: 'inherit' });
rmSync(scratch, { recursive: true, force: true });
