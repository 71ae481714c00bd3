import path from 'node:path';
import { describe, it } from 'vitest';
import { Pool } from '../src/index.js';
import { retireReasons, writeGarbageResult } from './helpers/garbage-result.js';
import { readFile, readdir } from 'node:fs/promises';
describe.concurrent('x', () => {
for (let k = 0; k < 5; k++) it('dbg' + k, async () => {
  const workDir = '/tmp/dbg-res-' + k + '-' + Date.now();
  const options = { workDir, keepWorkDir: 'always' as const, concurrency: 2, elastic: false, chunkSize: 1 };
  const square = (x: number) => x * x;
  await new Pool(options).map(square, [0, 1, 2]);
  await writeGarbageResult(workDir, 1);
  await new Pool(options).map(square, [0, 1, 2]);
  if ((await retireReasons(workDir, 1)).length > 1) {
    console.log(await readFile(path.join(workDir, 'journal.jsonl'), 'utf8'));
    console.log(await readdir(path.join(workDir, 'results')));
  }
}, 60000);
});
