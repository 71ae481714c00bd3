/**
 * What `qmr trace` gets from the scheduler's accounting when the command is missing, fails, hangs
 * or answers only in part: stand-in sacct and qacct scripts, run as the real ones would be.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/resume/run-json.js';
import { lookUpAccounting } from '../../src/trace/scheduler-accounting.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { records } from '../helpers/trace-journal.js';

describe('asking the scheduler for the trace', () => {
  /** An sacct that never answers, and one that knows only job 560. */
  const hanging = { path: '' };
  const partial = { path: '' };
  /** A qacct that answers about a job once the clock passes the time (ms) in the file `until-JOB`. */
  const slowQacct = { path: '' };
  let folder: { path: string; cleanup: () => Promise<void> } | undefined;
  beforeAll(async () => {
    folder = await temporaryFolder('qmr-acct-');
    hanging.path = path.join(folder.path, 'sacct');
    await writeFile(hanging.path, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
    slowQacct.path = path.join(folder.path, 'qacct');
    await writeFile(
      slowQacct.path,
      `#!/bin/sh\nuntil=$(cat '${folder.path}/until-'"$2" 2>/dev/null || echo 0)\nwhile [ "$(date +%s%3N)" -lt "$until" ]; do sleep 0.05; done\n` +
        'printf "jobnumber    %s\\ntaskid       undefined\\nfailed       0\\nexit_status  0\\n" "$2"\n',
      { mode: 0o755 },
    );
    partial.path = path.join(folder.path, 'sacct-560');
    await writeFile(partial.path, '#!/bin/sh\necho "560|COMPLETED|0:0||00:01.165|00:00:02|vm|2026-12-03T09:09:28|2026-12-03T09:09:30"\n', { mode: 0o755 });
  });
  afterAll(async () => folder?.cleanup());

  const slurmRun = (commands: Record<string, string>) => ({ runId: 'r3', flavor: 'slurm', options: { flavor: 'slurm', commands } }) as unknown as RunRecord;

  it('keeps what qacct answered before the time ran out, and says how much that was', async () => {
    const sgeRun = { runId: 'r5', flavor: 'sge', options: { flavor: 'sge', commands: { qacct: slowQacct.path } } } as unknown as RunRecord;
    // Commands start only in the first half of the 8 s (until 4 s), each may take 4 s. The answers
    // come by the clock, not by the machine's speed: 560's at 2 s, 563's at 4.2 s, after the
    // half, so 561 is never asked; about 2 s of slack for starting each command on a busy machine.
    const started = Date.now();
    await writeFile(path.join(folder!.path, 'until-560'), String(started + 2000));
    await writeFile(path.join(folder!.path, 'until-563'), String(started + 4200));
    const lookup = await lookUpAccounting(sgeRun, records, 8000);
    expect([...lookup.byJob.keys()]).toEqual(['560', '563']);
    expect(lookup.byJob.get('563')).toEqual({ state: 'exit_status 0', exitCode: 0 });
    expect(lookup.note).toMatch(/accounting has 2 of this run's 3 job\(s\)/);
  });

  it('asks nothing for a local run or a run without jobs', async () => {
    expect(await lookUpAccounting({ ...slurmRun({}), flavor: 'local' }, records)).toEqual({ byJob: new Map() });
    expect(await lookUpAccounting(slurmRun({}), records.slice(0, 3))).toEqual({ byJob: new Map() });
  });

  it('says why, rather than failing, when sacct is missing, fails or hangs', async () => {
    const missing = await lookUpAccounting(slurmRun({ sacct: '/nonexistent/sacct' }), records);
    expect(missing.byJob.size).toBe(0);
    expect(missing.note).toMatch(/keeps no accounting qmr can read here/);
    const silent = await lookUpAccounting(slurmRun({ sacct: '/bin/true' }), records);
    expect(silent.note).toMatch(/accounting knows none of this run's 3 job\(s\)/);
    const some = await lookUpAccounting(slurmRun({ sacct: partial.path }), records);
    expect(some.byJob.get('560')).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    expect(some.note).toMatch(/accounting has 1 of this run's 3 job\(s\)/);
    const failing = await lookUpAccounting(slurmRun({ sacct: '/bin/false' }), records);
    expect(failing.note).toMatch(/^scheduler accounting not read: slurm accounting command failed: `\/bin\/false/);
    // The sacct hangs for 600 s: the lookup coming back at all (within the test's time) is the bound.
    const hung = await lookUpAccounting(slurmRun({ sacct: hanging.path }), records, 300);
    expect(hung.note).toMatch(/^scheduler accounting not read: (no answer within 0.3 s|slurm accounting command failed: .* timed out after 150 ms)/);
  });
});
