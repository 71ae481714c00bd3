import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderJobScript } from '../../src/protocol/job-script.js';
import { WorkDirLayout } from '../../src/protocol/work-dir-layout.js';
import { captureEnvironment } from '../../src/queues/job-environment.js';

const run = promisify(execFile);

const HOSTILE: Record<string, string> = {
  QUOTES: `"'$(touch /tmp/qmr-owned)'" \`id\``,
  NEWLINES: 'line one\nline two\n\nline four',
  DOLLARS: '$HOME ${PATH} $((1+1)) $$',
  BACKSLASH: 'a\\b\\\\c\\n',
  UNICODE: 'grüße 🚀 日本',
  EMPTY: '',
  SEMICOLON: 'x; rm -rf ~; echo',
};

/** Writes a job.sh whose "node" is a script that dumps its environment, runs it, returns that environment. */
async function environmentOnWorker(
  options: { envScript?: string; env?: Record<string, string>; exportEnv?: boolean | string[] } = {},
  args: string[] = ['--chunks', '10-19'],
  schedulerEnv: Record<string, string> = {},
) {
  const dir = await mkdtemp(path.join(tmpdir(), 'qmr-jobscript-'));
  const layout = new WorkDirLayout(dir);
  await mkdir(layout.logsDir, { recursive: true });
  const dumper = path.join(dir, 'dump-env.sh');
  await writeFile(dumper, '#!/bin/bash\nenv -0 > "$2/env.dump"; pwd > "$2/pwd.txt"; echo "$3" > "$2/chunk.txt"\n', { mode: 0o755 });
  const source = { ...process.env, ...HOSTILE, JOB_ID: 'caller-job-id', SGE_TASK_ID: '77' };
  const script = renderJobScript({
    runId: 'test',
    layout,
    environment: captureEnvironment(source, options.exportEnv ?? true),
    envScript: options.envScript,
    env: options.env ?? {},
    workingDir: tmpdir(),
    executable: [dumper],
    workerProgram: path.join(dir, 'worker.js'),
    convention: { indexExpression: '${SGE_TASK_ID:-}', indexBase: 1, jobIdExpression: '${JOB_ID:-none}' },
  });
  await writeFile(layout.jobScript, script, { mode: 0o700 });
  // Like a scheduler: a bare environment with the scheduler's own variables.
  await run('/bin/bash', [layout.jobScript, ...args], {
    env: { PATH: '/usr/bin:/bin', JOB_ID: '4242', SGE_TASK_ID: '3', HOME: '/root', ...schedulerEnv },
  });
  const dump = await readFile(path.join(dir, 'env.dump'), 'utf8');
  const env = Object.fromEntries(
    dump.split('\0').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return {
    env,
    pwd: (await readFile(path.join(dir, 'pwd.txt'), 'utf8')).trim(),
    chunk: (await readFile(path.join(dir, 'chunk.txt'), 'utf8')).trim(),
    dir,
  };
}

describe('worker-node script', () => {
  it('quotes any text so that it arrives unchanged and nothing runs', async () => {
    const { env } = await environmentOnWorker();
    for (const [name, value] of Object.entries(HOSTILE)) expect(env[name]).toBe(value);
    await expect(readFile('/tmp/qmr-owned')).rejects.toThrow();
  });

  it('keeps the scheduler variables of the job, not the caller ones', async () => {
    const { env, chunk } = await environmentOnWorker();
    expect(env.JOB_ID).toBe('4242');
    expect(env.SGE_TASK_ID).toBe('3');
    expect(env.QMR_JOB_ID).toBe('4242');
    expect(chunk).toBe('12'); // array index 3, first index 1 → third chunk of 10-19
  });

  it('reads the chunk list from QMR_CHUNKS with + between parts, and an explicit --index', async () => {
    expect((await environmentOnWorker({}, [], { QMR_CHUNKS: '3+7+9-11', SGE_TASK_ID: '4' })).chunk).toBe('10');
    expect((await environmentOnWorker({}, ['--chunks', '3,7,9-11', '--index', '2'])).chunk).toBe('7');
  });

  it('sources envScript, then applies env, then changes to workingDir', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'qmr-envscript-'));
    const envScript = path.join(dir, 'env.sh');
    await writeFile(envScript, 'export FROM_SCRIPT=yes\nexport OVERRIDDEN=by-script\n');
    const { env, pwd } = await environmentOnWorker({ envScript, env: { OVERRIDDEN: 'by-env-option', EXTRA: "it's" } });
    expect(env.FROM_SCRIPT).toBe('yes');
    expect(env.OVERRIDDEN).toBe('by-env-option');
    expect(env.EXTRA).toBe("it's");
    expect(pwd).toBe(tmpdir());
  });

  it('exports only the named variables when exportEnv lists them', async () => {
    const { env } = await environmentOnWorker({ exportEnv: ['UNICODE'] });
    expect(env.UNICODE).toBe(HOSTILE.UNICODE);
    expect(env.QUOTES).toBeUndefined();
  });
});

describe('job.sh under HTCondor file transfer', () => {
  it('names no path of the submit side, lays out the transferred files as a run folder, and writes logs and results into qmr-out', async () => {
    const workDir = await mkdtemp(path.join(tmpdir(), 'qmr-transfer-submit-side-'));
    const layout = new WorkDirLayout(workDir);
    const script = renderJobScript({
      runId: 'test',
      layout,
      environment: {},
      envScript: path.join(workDir, 'setup.sh'),
      env: {},
      workingDir: workDir,
      executable: ['./fake-node'],
      workerProgram: path.join(workDir, 'not-used.js'),
      convention: { indexExpression: '', indexBase: 0, jobIdExpression: '${QMR_JOB_ID:-unknown}' },
      fileTransfer: true,
    });
    expect(script).not.toContain(workDir);
    // A scratch folder as HTCondor leaves it: the transferred files, flat.
    const scratch = await mkdtemp(path.join(tmpdir(), 'qmr-transfer-scratch-'));
    await writeFile(path.join(scratch, 'job.sh'), script, { mode: 0o700 });
    await writeFile(path.join(scratch, 'function.json'), '{}');
    await writeFile(path.join(scratch, 'chunk-000009.tasks'), 'tasks');
    await writeFile(path.join(scratch, 'chunk-000009.result'), 'kept'); // a rerun's kept result
    await writeFile(path.join(scratch, 'setup.sh'), 'export FROM_SETUP=yes\n');
    // "node": writes a result where the worker would, and tells what it was given.
    await writeFile(
      path.join(scratch, 'fake-node'),
      '#!/bin/bash\necho "args $* cwd $PWD transfer $QMR_FILE_TRANSFER setup $FROM_SETUP" >&2\nls "$2/chunks" >&2\necho result > "$2/results/chunk-$(printf %06d "$3").result"\n',
      { mode: 0o755 },
    );
    await run('/bin/bash', ['job.sh', '--chunks', '7-9', '--index', '2'], { cwd: scratch, env: { PATH: '/usr/bin:/bin', QMR_JOB_ID: '5.2' } });
    const err = await readFile(path.join(scratch, 'qmr-out', 'chunk-000009.err'), 'utf8');
    expect(err).toContain(`args qmr-worker/worker/main.js qmr-run 9 cwd ${scratch} transfer 1 setup yes`);
    expect(err).toContain('chunk-000009.tasks');
    expect(await readFile(path.join(scratch, 'qmr-out', 'chunk-000009.result'), 'utf8')).toBe('result\n');
    expect(await readFile(path.join(scratch, 'qmr-run', 'function.json'), 'utf8')).toBe('{}');
    expect(await readFile(path.join(scratch, 'qmr-run', 'kept', 'results', 'chunk-000009.result'), 'utf8')).toBe('kept');
  });
});
