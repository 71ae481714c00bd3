import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureEvidence } from '../../src/map/failure-evidence.js';
import { temporaryFolder } from '../helpers/tmp.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder();
});
afterAll(async () => folder.cleanup());

describe('failure evidence from a chunk log', () => {
  it("keeps only the last attempt's lines and recognises V8 failing to reserve memory", async () => {
    // The tail of a real chunk log: node started under SGE with h_vmem=300M (seen on this machine).
    const log = path.join(folder.path, 'chunk-000000.err');
    await writeFile(
      log,
      '[qmr 2026-11-22T08:00:00Z] job.sh: job 40 on vm, chunk 0\n[qmr 2026-11-22T08:00:00.000Z] chunk 0 (tasks 0-4) started as job 40 on vm, pid 1, node v20.20.2\nfirst attempt noise\n' +
        '[qmr 2026-11-22T08:01:00Z] job.sh: job 41 on vm, chunk 0\n' +
        '\n#\n# Fatal process OOM in Failed to reserve virtual memory for CodeRange\n#\n\n',
    );
    const evidence = await failureEvidence(log);
    expect(evidence.fatal).toMatch(/virtual-memory limit of the job \(SGE h_vmem/);
    expect(evidence.logTail).toContain('Failed to reserve virtual memory');
    expect(evidence.logTail).not.toContain('first attempt noise');
  });

  it('says nothing when there is no log', async () => {
    expect(await failureEvidence(path.join(folder.path, 'missing.err'))).toEqual({});
  });
});
