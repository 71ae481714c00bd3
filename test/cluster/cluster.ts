/**
 * The one-machine cluster of scripts/cluster-up.sh, for tests: when they run, how to run a map on
 * it (as its ordinary user, on its submit host), how to look at the shared tree and how to hurt a
 * host. Every change to a host goes through scripts/cluster-ctl.sh, the same commands people use.
 *
 * Gate: QMR_CLUSTER=1 runs the tests when the cluster answers (skipped otherwise, saying how to
 * start it); QMR_CLUSTER=required (CI, after cluster-up.sh) fails them when it does not. Unset,
 * they are skipped: `npm test` runs before the cluster is up.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, it } from 'vitest';
import { startChildMap, type ChildMapRun } from '../helpers/child-map.js';
import { realSchedulerGate } from '../helpers/real-schedulers.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CTL = path.join(ROOT, 'scripts', 'cluster-ctl.sh');

export const SUBMIT = 'qmr-submit';
export const NODES = ['qmr-node1', 'qmr-node2'] as const;
export const USER = 'qmr-cluster-user';
/** The "NFS server's" export: what is really on disk, read here without any client cache. */
export const EXPORT = '/srv/qmr-share';
/** Where every cluster host mounts the export (through its own caching FUSE client). */
export const MOUNT = '/qmr-share';
export const HOME = `${MOUNT}/home/${USER}`;
export const SLURM_CONF = '/etc/qmr-cluster/slurm/slurm.conf';
/** What selects the cluster's Slurm and SGE cell for a client (scripts/cluster-lib.sh, sge_env). */
export const CLIENT_ENV = [
  `SLURM_CONF=${SLURM_CONF}`,
  'SGE_ROOT=/var/lib/gridengine', 'SGE_CELL=qmrcluster', 'SGE_QMASTER_PORT=6544', 'SGE_EXECD_PORT=6545',
];
/** The FUSE caches' attr/entry/negative timeout (cluster-up.sh's CLUSTER_CACHE_SECONDS default). */
export const CACHE_SECONDS = Number(process.env.CLUSTER_CACHE_SECONDS ?? 30);

/** A path on the cluster's shared tree (as the hosts see it) as it is on disk here. */
export const onDisk = (clusterPath: string) => path.join(EXPORT, path.relative(MOUNT, clusterPath));

/** scripts/cluster-ctl.sh ARGS (root). */
export async function ctl(...args: string[]): Promise<string> {
  const { stdout } = await run('bash', [CTL, ...args], { encoding: 'utf8', timeout: 120_000 });
  return stdout;
}

/** A command on a cluster host, as root, with the cluster's Slurm and SGE cell selected. */
export async function onHost(host: string, ...command: string[]): Promise<string> {
  return ctl('exec', host, 'env', ...CLIENT_ENV, ...command);
}

/** A scheduler of the cluster, as the scenarios use it. */
export interface ClusterFlavor {
  flavor: 'slurm' | 'sge';
  /** A command that answers (exit 0, output matching `answers`) when the scheduler is up. */
  probe: string[];
  answers: RegExp;
  /** This map's jobs still in the queue (id and state). */
  jobsLeft(name: string): Promise<string[]>;
  /** cluster-ctl.sh commands that stop and start the controller as an admin restart does. */
  stopController: string;
  startController: string;
}

export const SLURM: ClusterFlavor = {
  flavor: 'slurm',
  probe: ['scontrol', 'ping'],
  answers: /UP/,
  async jobsLeft(name) {
    const out = await onHost(SUBMIT, 'squeue', '--noheader', '--array', `--name=${name}`, '--format=%i %T %N');
    return out.split('\n').map((l) => l.trim()).filter(Boolean);
  },
  stopController: 'stop-ctld',
  startController: 'start-ctld',
};

export const SGE: ClusterFlavor = {
  flavor: 'sge',
  probe: ['/usr/lib/gridengine/qstat', '-f'],
  answers: /all\.q@qmr-node1/,
  async jobsLeft(name) {
    const xml = await onHost(SUBMIT, '/usr/lib/gridengine/qstat', '-xml', '-u', '*');
    return [...xml.matchAll(/<job_list[^>]*>([\s\S]*?)<\/job_list>/g)]
      .map((m) => m[1]!)
      .filter((job) => job.includes(`<JB_name>${name}</JB_name>`))
      .map((job) => `${/<JB_job_number>(\d+)/.exec(job)?.[1]} ${/<state>([^<]*)/.exec(job)?.[1]}`);
  },
  stopController: 'stop-qmaster',
  startController: 'start-qmaster',
};

function clusterUnavailable(cf: ClusterFlavor): string | undefined {
  if (process.getuid?.() !== 0) return 'the cluster tests need root (they enter the hosts\' namespaces)';
  try {
    const out = execFileSync('bash', [CTL, 'exec', SUBMIT, 'env', ...CLIENT_ENV, ...cf.probe], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return cf.answers.test(out) ? undefined : `the cluster's ${cf.flavor} does not answer \`${cf.probe.join(' ')}\``;
  } catch {
    return 'the cluster is not up (start it with `sudo bash scripts/cluster-up.sh`)';
  }
}

/** describe() for the cluster's tests (see the gate above). */
export function describeCluster(cf: ClusterFlavor, title: string, body: () => void): void {
  const gate = realSchedulerGate(cf.flavor, process.env.QMR_CLUSTER, () => clusterUnavailable(cf));
  if (gate.run) {
    describe(title, () => {
      beforeAll(installLibrary);
      body();
    });
    return;
  }
  if (gate.fail) {
    const message = gate.fail.replace('QMR_REAL_SCHEDULERS', 'QMR_CLUSTER');
    describe(title, () => it('needs the cluster', () => {
      throw new Error(message);
    }));
    return;
  }
  process.stderr.write(`[qmr tests] skipping "${title}": the cluster tests run with QMR_CLUSTER=1 (or =required) after \`sudo bash scripts/cluster-up.sh\`\n`);
  describe.skip(title, body);
}

/**
 * The library as the cluster's user runs it: installed on the shared tree (dist, node_modules and
 * the child-map script), as a site installs software on NFS; the checkout may be private to root.
 */
const INSTALL = `${MOUNT}/opt/qmr`;
const CHILD = `${INSTALL}/test/helpers/child-map-main.mjs`;
function installLibrary(): void {
  const target = onDisk(INSTALL);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(path.join(target, 'test', 'helpers'), { recursive: true });
  for (const part of ['package.json', 'dist', 'node_modules', 'test/helpers/child-map-main.mjs']) {
    cpSync(path.join(ROOT, part), path.join(target, part), { recursive: true });
  }
  execFileSync('chmod', ['-R', 'a+rX', onDisk(`${MOUNT}/opt`)]);
}

/** A fresh work dir path for a map (on the shared tree, in the user's home). */
export function workDirFor(name: string): string {
  return `${HOME}/${name}`;
}

/** Pool options for a cluster map: a work dir in the user's home, quick polls. */
export function clusterOptions(cf: ClusterFlavor, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    flavor: cf.flavor,
    workDir: workDirFor(name),
    workingDir: HOME,
    resources: { jobName: name },
    pollInterval: 500,
    maxPollInterval: 2000,
    keepWorkDir: 'always',
    progress: false,
    ...extra,
  };
}

/**
 * A map run by the cluster's ordinary user on the submit host, in a node process of its own
 * (its pid, in this namespace, is `run.child.pid`: nsenter and setpriv exec, they do not fork).
 */
export function startClusterMap(fn: string, tasks: unknown[], options: Record<string, unknown>): ChildMapRun {
  const holder = execFileSync('bash', [CTL, 'pids', SUBMIT], { encoding: 'utf8' }).trim().split('\n')[0]!;
  return startChildMap({
    fn,
    tasks,
    options,
    script: CHILD,
    wrapper: [
      'nsenter', '-t', holder, '-n', '-u', '-m', '--',
      'setpriv', `--reuid=${USER}`, `--regid=${USER}`, '--init-groups', '--',
      'env', `--chdir=${HOME}`, `HOME=${HOME}`, `USER=${USER}`, `LOGNAME=${USER}`, ...CLIENT_ENV,
    ],
  });
}

/** The results a map's child printed, or its error / stderr when it printed none. */
export async function mapResults(started: ChildMapRun): Promise<unknown[]> {
  const done = await started.exited;
  if (done.output?.results) return done.output.results;
  throw new Error(`the map did not return results: ${JSON.stringify(done.output?.error ?? null)} (exit ${done.code ?? done.signal}); stderr: ${done.stderr.slice(-2000)}`);
}

/** Result files of a work dir, read on disk (no client cache). */
export async function resultFiles(workDir: string): Promise<string[]> {
  return (await readdir(path.join(onDisk(workDir), 'results')).catch(() => [] as string[])).filter((n) => n.endsWith('.result'));
}

/** The journal of a work dir, on disk. */
export async function journalText(workDir: string): Promise<string> {
  return readFile(path.join(onDisk(workDir), 'journal.jsonl'), 'utf8').catch(() => '');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
