import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from '../../src/index.js';
import { readJournal } from '../../src/resume/journal.js';
import { loadRun } from '../../src/cli/runs.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { FIXTURES } from '../helpers/fixtures.js';
// @ts-expect-error a plain .mjs fixture without types
import { unpin } from '../fixtures/modules/pin-file.mjs';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder();
});
afterAll(async () => folder.cleanup());

describe('removing the work dir of a map that finished', () => {
  it('resolves with the results when something in the folder cannot be removed, warns naming it, and keeps its journal and run record', async () => {
    const dir = path.join(folder.path, 'pinned');
    const logs = path.join(dir, 'logs');
    const warnings: (Error & { code?: string })[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const out = await new Pool({ workDir: dir, keepWorkDir: 'never', chunkSize: 1 }).map({ module: path.join(FIXTURES, 'modules', 'pin-file.mjs'), export: 'pin' }, [logs]);
      expect(out).toEqual(['pinned']);
      await new Promise((r) => setImmediate(r)); // warnings are delivered on a later tick
    } finally {
      process.off('warning', onWarning);
      (unpin as (logsDir: string) => void)(logs);
    }
    const notRemoved = warnings.filter((w) => w.code === 'QMR_WORK_DIR_NOT_REMOVED');
    expect(notRemoved).toHaveLength(1);
    expect(notRemoved[0]!.message).toContain(`work dir ${dir} could not be removed`);
    // What is left still says what it was and how it ended: `qmr status` shows it finished.
    const records = await readJournal(path.join(dir, 'journal.jsonl'));
    expect(records.at(-1)).toMatchObject({ t: 'end', outcome: 'finished' });
    expect((await loadRun(dir)).state).toBe('finished');
    expect(existsSync(path.join(dir, 'lock'))).toBe(false);
  });
});
