import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_FILE_VERSION } from '../../src/protocol/chunk-files.js';
import { encode } from '../../src/protocol/codec.js';
import { readResultFile, ResultFileError } from '../../src/protocol/result-file.js';
import { WorkDirLayout, writeFileAtomic } from '../../src/protocol/work-dir-layout.js';
import { temporaryFolder } from '../helpers/tmp.js';

let folder: { path: string; cleanup: () => Promise<void> };
let layout: WorkDirLayout;
beforeAll(async () => {
  folder = await temporaryFolder('qmr-result-file-');
  layout = new WorkDirLayout(folder.path);
  await mkdir(layout.resultsDir, { recursive: true });
});
afterAll(async () => folder?.cleanup());

const result = (over: Record<string, unknown> = {}) => ({
  version: CHUNK_FILE_VERSION, chunk: 3, jobId: '12.4', host: 'n1', pid: 1, startedAt: '', finishedAt: '', values: [1, 2], failures: [], ...over,
});

describe('readResultFile: the one checked reader of result files', () => {
  it('reads a result file of this version and chunk', async () => {
    await writeFileAtomic(layout.resultFile(3), encode(result()));
    expect((await readResultFile(layout, 3, 2)).values).toEqual([1, 2]);
  });

  it('refuses another version, another chunk, a wrong count and a file that is no result, saying which', async () => {
    await writeFileAtomic(layout.resultFile(3), encode(result({ version: 99 })));
    await expect(readResultFile(layout, 3)).rejects.toThrow(/has version 99; this queue-map-reduce reads version 1/);
    await writeFileAtomic(layout.resultFile(3), encode(result({ chunk: 4 })));
    await expect(readResultFile(layout, 3)).rejects.toThrow(/belongs to chunk 4, not 3/);
    await writeFileAtomic(layout.resultFile(3), encode(result()));
    await expect(readResultFile(layout, 3, 5)).rejects.toThrow(/holds 2 values for 5 tasks/);
    await writeFileAtomic(layout.resultFile(3), encode(result({ values: undefined })));
    await expect(readResultFile(layout, 3)).rejects.toBeInstanceOf(ResultFileError);
  });

  it('passes the file system error through for a missing file (no result yet)', async () => {
    await expect(readResultFile(layout, 8)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
