/**
 * Son of Grid Engine (and other Grid Engines with the same commands): qsub -terse, one
 * `qstat -xml` per poll for all of the user's jobs, qdel. Parsers are pure and tested on
 * verbatim outputs of SGE 8.1.9 (test/fixtures/sge).
 */
import { XMLParser } from 'fast-xml-parser';
import { parseQacctHistory, parseQacctOutput, qacctCommands } from './accounting.js';
import { formatChunkSpec } from '../../protocol/chunk-spec.js';
import { expandLenientIndexList } from '../../protocol/index-ranges.js';
import { formatHms } from '../../options.js';
import {
  arrayShape,
  assertStatusRan,
  cancelByIds,
  elementIds,
  matchSubmitOutput,
  NO_HARMLESS_MESSAGE,
  queueAccountAndNumbers,
} from '../parse-helpers.js';
import type { CommandFlavor, CommandLine, JobStatus, QueueInfo, SubmitRequest } from '../queue.js';
import { CommandOutputError } from '../queue.js';

const QDEL_HARMLESS = /does not exist|has deleted|registered the job|already in deletion/;

export const sge: CommandFlavor = {
  name: 'sge',
  supportsArrays: true,
  commandNames: ['qsub', 'qstat', 'qdel', 'qconf', 'qacct'],
  convention: {
    indexExpression: '${SGE_TASK_ID:-}',
    indexBase: 1,
    jobIdExpression: '${JOB_ID:-unknown}${SGE_TASK_ID:+.$SGE_TASK_ID}',
    // SGE sets SGE_TASK_ID to the word "undefined" in a job that is not an array.
    jobIdSuffixOfPlainJobs: '.undefined',
  },
  // NAME.oJOB / NAME.eJOB (array: NAME.oJOB.TASK), .po/.pe for parallel environments.
  schedulerLogNames: (j, t) => [t === undefined ? `.+\\.p?[oe]${j}` : `.+\\.p?[oe]${j}\\.${t}`],

  submitCommand(request, command): CommandLine {
    const { count, array } = arrayShape(request);
    const args = ['-terse', '-N', request.jobName, '-S', '/bin/bash'];
    // A folder for -o/-e: SGE names the files NAME.oJOB[.TASK] inside it.
    args.push('-o', `${request.schedulerLogDir}/`, '-e', `${request.schedulerLogDir}/`, '-wd', request.workingDir);
    if (array) {
      args.push('-t', `1-${count}`);
      if (request.throttle !== undefined) args.push('-tc', String(request.throttle));
    }
    args.push(...sgeResourceArgs(request));
    args.push(...request.submitArgs, request.script, '--chunks', formatChunkSpec(request.chunks));
    return { file: command('qsub'), args };
  },

  parseSubmitOutput(result, request) {
    const id = parseQsubTerse(result.stdout);
    const { count, array } = arrayShape(request);
    return array ? elementIds(count, (k) => `${id}.${k + 1}`) : [id];
  },

  statusCommands(_jobIds, command) {
    // One call shows all of this user's jobs, however many ids we track: cheaper for the
    // scheduler than asking job by job, and the command line never grows.
    return [{ file: command('qstat'), args: ['-xml'] }];
  },

  parseStatusOutput(result) {
    // qstat shows all of the user's jobs, so it has no "unknown job" to shrug off: any failure counts.
    assertStatusRan(result, 'qstat', NO_HARMLESS_MESSAGE, { silentExitAnswers: false });
    return parseQstatXml(result.stdout);
  },

  // qdel exits 1 when any id is unknown, printing `denied: job "N" does not exist` on stdout;
  // a job that is gone is what we wanted. Anything else (qmaster down, no permission) is a failure.
  ...cancelByIds('qdel', QDEL_HARMLESS),

  // qacct is SGE's only record of a job that has left qstat: how it ended, and at which limit.
  historyCommands: qacctCommands,
  parseHistoryOutput: (result) => parseQacctHistory(result),
  accountingCommands: qacctCommands,
  parseAccountingOutput: parseQacctOutput,

  infoCommands(command) {
    return [
      { file: command('qstat'), args: ['-g', 'c', '-xml'] },
      { file: command('qconf'), args: ['-sconf'] },
    ];
  },

  parseInfoOutputs([queues, config], resources) {
    const info: QueueInfo = {};
    if (queues && queues.exitCode === 0) {
      const slots = parseClusterQueueSlots(queues.stdout, resources.queue);
      if (slots > 0) info.slots = slots;
    }
    if (config && config.exitCode === 0) {
      const m = /^max_aj_tasks\s+(\d+)/m.exec(config.stdout);
      // 0 means "no limit" in Grid Engine.
      if (m && Number(m[1]) > 0) info.maxArraySize = Number(m[1]);
    }
    return info;
  },
};

function sgeResourceArgs(request: SubmitRequest): string[] {
  const { cpus, memoryMb, walltimeSeconds, args } = queueAccountAndNumbers(request.resources, '-P');
  if (walltimeSeconds !== undefined) args.push('-l', `h_rt=${formatHms(walltimeSeconds)}`);
  if (cpus !== undefined && cpus > 1) args.push('-pe', 'smp', String(cpus));
  if (memoryMb !== undefined) {
    // h_vmem is per slot in Grid Engine: divide the job's memory among its slots.
    args.push('-l', `h_vmem=${Math.ceil(memoryMb / (cpus ?? 1))}M`);
  }
  return args;
}

/** `qsub -terse` prints `55`, or `58.1-5:1` for an array; site wrappers may add lines around it. */
export function parseQsubTerse(stdout: string): string {
  return matchSubmitOutput(stdout, /^[ \t\r]*(\d+)(?:\.\d+-\d+:\d+)?[ \t\r]*$/m, 'qsub')[1]!;
}

interface XmlJob {
  JB_job_number?: string | number;
  JB_name?: string;
  state?: string | { '#text'?: string };
  tasks?: string | number;
}

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'job_list',
});

/**
 * `qstat -xml`: running jobs under <queue_info>, pending ones under <job_info>, one
 * <job_list> per job or per array task (running) or per folded task range (pending, e.g.
 * `4,5` or `1-3:1`). Returns the status of every job and array element it shows, keyed
 * `ID` for plain jobs and `ID.TASK` for array elements.
 */
export function parseQstatXml(text: string): Map<string, JobStatus> {
  // From the XML declaration or root on: a warning line before it may hold a '<' of its own.
  const declared = text.search(/<\?xml|<job_info[\s>\/]/);
  const start = declared >= 0 ? declared : text.indexOf('<');
  if (start < 0) {
    if (text.trim() === '') return new Map(); // some versions print nothing at all when idle
    throw new CommandOutputError(`qstat -xml printed no XML: ${JSON.stringify(text.slice(0, 200))}`);
  }
  let doc: { job_info?: unknown };
  try {
    doc = xml.parse(text.slice(start)) as typeof doc;
  } catch (error) {
    throw new CommandOutputError(`qstat -xml printed malformed XML: ${(error as Error).message}`);
  }
  const root = doc.job_info;
  if (root === undefined) throw new CommandOutputError('qstat -xml output has no <job_info>');
  const statuses = new Map<string, JobStatus>();
  for (const job of jobLists(root)) {
    const id = String(job.JB_job_number ?? '').trim();
    const code = String(typeof job.state === 'object' ? (job.state['#text'] ?? '') : (job.state ?? '')).trim();
    if (!id) continue;
    const status = sgeState(code);
    if (job.tasks === undefined || String(job.tasks).trim() === '') {
      statuses.set(id, status);
    } else {
      for (const task of expandSgeTaskRanges(String(job.tasks))) statuses.set(`${id}.${task}`, status);
    }
  }
  return statuses;
}

/**
 * Every <job_list> below `node`, however deep: plain `qstat -xml` has them right under
 * <queue_info> and <job_info>, but a `-f` in the user's or the cluster's sge_qstat file (qstat(1))
 * turns the same command into the full format, where running jobs sit inside <Queue-List>.
 */
function jobLists(node: unknown): XmlJob[] {
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'job_list' ? (value as XmlJob[]) : Array.isArray(value) ? value.flatMap(jobLists) : jobLists(value),
  );
}

/** `4,5` → [4, 5]; `1-7:2` → [1, 3, 5, 7]; `6` → [6]. */
export function expandSgeTaskRanges(text: string): number[] {
  return expandLenientIndexList(text);
}

/**
 * Grid Engine's state letters, in order of what matters most: E(rror) wins over everything,
 * d(eletion) and t(ransfer) should pass in seconds, s/S/T mean suspended, h(old) matters only
 * while the job waits (a running job with a hold on it goes on running).
 */
export function sgeState(code: string): JobStatus {
  const has = (letter: string) => code.includes(letter);
  if (has('E')) return { state: 'error', native: code };
  if (has('d')) return { state: 'stalled', native: code, reason: 'being deleted' };
  if (has('s') || has('S') || has('T')) return { state: 'suspended', native: code };
  if (has('r')) return { state: 'running', native: code };
  if (has('h')) return { state: 'held', native: code };
  if (has('t')) return { state: 'stalled', native: code, reason: 'being transferred to its host' };
  if (has('z')) return { state: 'finished', native: code };
  // What is left is waiting (q, w, R for re-queued); a letter sge_status(5) does not list (other
  // Grid Engines add some) or no state at all says nothing about progress: stalled, not pending.
  if (/^[qwR]+$/.test(code)) return { state: 'pending', native: code };
  return { state: 'stalled', native: code || '?', reason: 'state unknown to this flavor' };
}

/**
 * Total slots in `qstat -g c -xml`: of the named cluster queue, or of all of them (the slots
 * this user could get at best; on a shared cluster the pool cannot know its share, so it plans
 * for the total).
 */
export function parseClusterQueueSlots(text: string, queue?: string): number {
  let total = 0;
  for (const m of text.matchAll(/<cluster_queue_summary>\s*<name>([^<]*)<\/name>[\s\S]*?<total>(\d+)<\/total>[\s\S]*?<\/cluster_queue_summary>/g)) {
    if (queue === undefined || m[1] === queue) total += Number(m[2]);
  }
  return total;
}
