/**
 * What the cross-front tests need to know about each front: how to submit an array job that
 * carries a chunk list, how to read the live status back (index → that scheduler's state word),
 * and what its failures look like.
 */
import type { Flavor } from '../../dummy-queue/src/control.js';
import type { Cluster, RunResult } from './helpers.js';

export interface FlavorAdapter {
  /** Name in test titles (the flavor, or flavor/dialect). */
  label: string;
  flavor: Flavor;
  /** First array index this front's arrays use (the chunk convention's base). */
  firstIndex: number;
  statusCommand: string;
  submitCommand: string;
  /** Submits an n-task array (n = 1: a plain job) running `script --chunks SPEC`; returns the job id. */
  submitArray(c: Cluster, name: string, n: number, spec: string, script: string): Promise<number>;
  /** Submits a plain job and returns the raw result (for submit failures). */
  submitRaw(c: Cluster, name: string, script: string): Promise<RunResult>;
  status(c: Cluster): Promise<RunResult>;
  /** Array index → state word from the live status view. */
  liveStates(c: Cluster, jobId: number): Promise<Map<number, string>>;
  cancel(c: Cluster, jobId: number): Promise<RunResult>;
  /** failed: the word for a job that failed before running, undefined if it is simply gone, '*' if either. */
  words: { error: string; held: string; suspended: string; failed?: string };
  statusFailCode: number;
  statusFailText: RegExp;
  submitFailText: RegExp;
}

const sge: FlavorAdapter = {
  label: 'sge',
  flavor: 'sge',
  firstIndex: 1,
  statusCommand: 'qstat',
  submitCommand: 'qsub',
  async submitArray(c, name, n, spec, script) {
    const array = n > 1 ? ['-t', `1-${n}`] : [];
    const r = await c.run('sge', 'qsub', ['-terse', '-cwd', '-N', name, ...array, '-v', `QMR_TEST_DIR=${c.dir},QMR_TEST_TAG=${name}`, script, '--chunks', spec]);
    if (r.code !== 0) throw new Error(`qsub failed: ${r.stderr}`);
    return Number.parseInt(r.stdout, 10);
  },
  submitRaw: (c, name, script) => c.run('sge', 'qsub', ['-cwd', '-N', name, script]),
  status: (c) => c.run('sge', 'qstat', ['-xml']),
  async liveStates(c, jobId) {
    const xml = (await c.run('sge', 'qstat', ['-xml', '-g', 'd'])).stdout;
    const map = new Map<number, string>();
    for (const block of xml.match(/<job_list[\s\S]*?<\/job_list>/g) ?? []) {
      if (!block.includes(`<JB_job_number>${jobId}</JB_job_number>`)) continue;
      const state = /<state>(\w+)<\/state>/.exec(block)![1]!;
      const tasks = /<tasks>([\d,]+)<\/tasks>/.exec(block)?.[1] ?? '';
      for (const t of tasks.split(',').filter(Boolean)) map.set(Number(t), state);
    }
    return map;
  },
  cancel: (c, jobId) => c.run('sge', 'qdel', [String(jobId)]),
  // SGE has no visible failure state: a failed task is simply gone.
  words: { error: 'Eqw', held: 'hqw', suspended: 's' },
  statusFailCode: 1,
  statusFailText: /^error: commlib error: got select error \(Connection refused\)\n/,
  submitFailText: /Unable to run job: unable to send message to qmaster/,
};

/** Reads `index|state|reason` lines (squeue --array --states=all) into index → "STATE:Reason". */
function indexStates(lines: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const line of lines.trim().split('\n').filter(Boolean)) {
    const [index, state, reason] = line.split('|');
    map.set(Number(index), `${state}:${reason}`);
  }
  return map;
}

const slurm: FlavorAdapter = {
  label: 'slurm',
  flavor: 'slurm',
  firstIndex: 0,
  statusCommand: 'squeue',
  submitCommand: 'sbatch',
  async submitArray(c, name, n, spec, script) {
    const array = n > 1 ? [`--array=0-${n - 1}`] : [];
    const r = await c.run('slurm', 'sbatch', ['--parsable', '-J', name, ...array, `--export=ALL,QMR_TEST_DIR=${c.dir},QMR_TEST_TAG=${name}`, script, '--chunks', spec]);
    if (r.code !== 0) throw new Error(`sbatch failed: ${r.stderr}`);
    return Number.parseInt(r.stdout, 10);
  },
  submitRaw: (c, name, script) => c.run('slurm', 'sbatch', ['-J', name, script]),
  status: (c) => c.run('slurm', 'squeue', ['--noheader', '--format=%i %T %r']),
  async liveStates(c, jobId) {
    return indexStates((await c.run('slurm', 'squeue', ['--array', '--states=all', '--noheader', '--format=%K|%T|%r', `--jobs=${jobId}`])).stdout);
  },
  cancel: (c, jobId) => c.run('slurm', 'scancel', [String(jobId)]),
  words: { error: 'PENDING:launch failed requeued held', held: 'PENDING:JobHeldUser', suspended: 'SUSPENDED:None', failed: 'NODE_FAIL:NodeDown' },
  statusFailCode: 1,
  statusFailText: /^slurm_load_jobs error: Unable to contact slurm controller \(connect failure\)\n$/,
  submitFailText: /^sbatch: error: Batch job submission failed: /,
};

/** PBS in one dialect: Torque (`-t`, PBS_ARRAYID) or PBS Pro (`-J`, finished jobs only with -x). */
function pbs(dialect: 'torque' | 'pro'): FlavorAdapter {
  const env = { QMR_DUMMY_PBS_DIALECT: dialect };
  return {
    label: `pbs-${dialect}`,
    flavor: 'pbs',
    firstIndex: dialect === 'torque' ? 0 : 1,
    statusCommand: 'qstat',
    submitCommand: 'qsub',
    async submitArray(c, name, n, spec, script) {
      const array = n > 1 ? (dialect === 'torque' ? ['-t', `0-${n - 1}`] : ['-J', `1-${n}`]) : [];
      // qsub cannot pass script arguments: the chunk list travels as QMR_CHUNKS.
      const r = await c.run('pbs', 'qsub', ['-N', name, ...array, '-v', `QMR_CHUNKS=${spec},QMR_TEST_DIR=${c.dir},QMR_TEST_TAG=${name}`, script], { env });
      if (r.code !== 0) throw new Error(`qsub failed: ${r.stderr}`);
      return Number.parseInt(r.stdout, 10);
    },
    submitRaw: (c, name, script) => c.run('pbs', 'qsub', ['-N', name, script], { env }),
    status: (c) => c.run('pbs', 'qstat', [], { env }),
    async liveStates(c, jobId) {
      const table = (await c.run('pbs', 'qstat', ['-t'], { env })).stdout;
      const map = new Map<number, string>();
      for (const line of table.split('\n')) {
        const match = new RegExp(`^${jobId}\\[(\\d+)\\]\\S*\\s.*\\s(\\w) \\S+$`).exec(line);
        if (match) map.set(Number(match[1]), match[2]!);
      }
      return map;
    },
    cancel: (c, jobId) => c.run('pbs', 'qdel', [`${jobId}[]`], { env }),
    // Torque keeps the job that never ran as C (exit_status -1); PBS Pro shows it only with -x.
    words: { error: 'H', held: 'H', suspended: 'S', ...(dialect === 'torque' ? { failed: 'C' } : {}) },
    statusFailCode: 1,
    statusFailText: /\nqstat: cannot connect to server dummy /,
    submitFailText: /qsub: cannot connect to server dummy/,
  };
}

const lsf: FlavorAdapter = {
  label: 'lsf',
  flavor: 'lsf',
  firstIndex: 1,
  statusCommand: 'bjobs',
  submitCommand: 'bsub',
  async submitArray(c, name, n, spec, script) {
    const jobName = n > 1 ? `${name}[1-${n}]` : name;
    const r = await c.run('lsf', 'bsub', ['-J', jobName, '-env', `all, QMR_TEST_DIR=${c.dir}, QMR_TEST_TAG=${name}`, `./${script}`, '--chunks', spec]);
    if (r.code !== 0) throw new Error(`bsub failed: ${r.stderr}`);
    return Number(/Job <(\d+)>/.exec(r.stdout)![1]);
  },
  submitRaw: (c, name, script) => c.run('lsf', 'bsub', ['-J', name, `./${script}`]),
  status: (c) => c.run('lsf', 'bjobs', ['-a', '-o', 'jobid jobindex stat exit_code', '-noheader']),
  async liveStates(c, jobId) {
    const out = (await c.run('lsf', 'bjobs', ['-o', 'jobindex stat', '-noheader', String(jobId)])).stdout;
    return new Map(out.trim().split('\n').filter(Boolean).map((line) => [Number(line.split(' ')[0]), line.split(' ')[1]!] as [number, string]));
  },
  cancel: (c, jobId) => c.run('lsf', 'bkill', [String(jobId)]),
  // LSF has no error-hold state: ZOMBI (host unreachable) is the closest that never resolves itself.
  words: { error: 'ZOMBI', held: 'PSUSP', suspended: 'SSUSP', failed: 'EXIT' },
  statusFailCode: 255,
  statusFailText: /^LSF is down\. Please wait\.\.\.\n/,
  submitFailText: /Job not submitted\.\n$/,
};

const htcondor: FlavorAdapter = {
  label: 'htcondor',
  flavor: 'htcondor',
  firstIndex: 0,
  statusCommand: 'condor_q',
  submitCommand: 'condor_submit',
  async submitArray(c, name, n, spec, script) {
    const description = `executable = ${script}\narguments = "--chunks ${spec}"\nenvironment = "QMR_TEST_DIR=${c.dir} QMR_TEST_TAG=${name}"\nbatch_name = ${name}\nqueue ${n}\n`;
    const r = await c.run('htcondor', 'condor_submit', ['-terse', '-'], { input: description });
    if (r.code !== 0) throw new Error(`condor_submit failed: ${r.stderr}`);
    return Number.parseInt(r.stdout, 10);
  },
  submitRaw: (c, name, script) => c.run('htcondor', 'condor_submit', ['-batch-name', name, '-'], { input: `executable = ${script}\nqueue\n` }),
  status: (c) => c.run('htcondor', 'condor_q', ['-af:j', 'JobStatus']),
  async liveStates(c, jobId) {
    const out = (await c.run('htcondor', 'condor_q', [String(jobId), '-af', 'ProcId', 'JobStatus'])).stdout;
    return new Map(out.trim().split('\n').filter(Boolean).map((line) => [Number(line.split(' ')[0]), line.split(' ')[1]!] as [number, string]));
  },
  cancel: (c, jobId) => c.run('htcondor', 'condor_rm', [String(jobId)]),
  // A job that failed to start passes through JobStatus 3 (removed) for a moment, then leaves.
  words: { error: '5', held: '5', suspended: '7', failed: '*' },
  statusFailCode: 1,
  statusFailText: /^-- Failed to fetch ads from: /,
  submitFailText: /ERROR: Can't find address of local schedd/,
};

export const FLAVOR_ADAPTERS: FlavorAdapter[] = [sge, slurm, pbs('torque'), pbs('pro'), lsf, htcondor];
