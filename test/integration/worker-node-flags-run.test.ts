/**
 * The flags workerNodeFlags gives a worker, used by a real node started in another folder: the
 * permission grants the caller had by a relative path still hold there.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerNodeFlags } from '../../src/worker-launch/worker-node-flags.js';

describe('workerNodeFlags: the caller flags a worker gets', () => {
  it('gives a worker started in another folder the grants the caller had by a relative path', () => {
    const callerDir = mkdtempSync(path.join(tmpdir(), 'qmr-flags-'));
    writeFileSync(path.join(callerDir, 'data.txt'), 'readable');
    writeFileSync(path.join(callerDir, 'main.cjs'), `process.stdout.write(require('fs').readFileSync(${JSON.stringify(path.join(callerDir, 'data.txt'))}, 'utf8'))`);
    const workingDir = mkdtempSync(path.join(tmpdir(), 'qmr-flags-working-dir-'));
    // As if the caller ran `node --experimental-permission --allow-fs-read=./* ...` in callerDir.
    const flags = workerNodeFlags(['--experimental-permission', '--allow-fs-read=./*', '--no-warnings'], callerDir);
    const out = execFileSync(process.execPath, [...flags, path.join(callerDir, 'main.cjs')], { cwd: workingDir, encoding: 'utf8' });
    expect(out).toBe('readable');
  });
});
