/**
 * A proc's job ClassAd, as condor_q and condor_history print it: ids, JobStatus (1 idle,
 * 2 running, 3 removed, 4 completed, 5 held, 7 suspended), exit and hold attributes, the
 * submit settings and the user's +Attrs.
 */
import type { Job, State, Task } from '../../engine/types.js';
import { signalNumber } from '../common/signals.js';
import { epochSeconds } from '../common/time-format.js';
import { condorAttributes, procId } from './attributes.js';
import type { ClassAd } from './classad.js';
import { expandCluster } from './submit-description.js';

export function jobStatus(task: Task): number {
  switch (task.state) {
    case 'pending':
      return 1;
    case 'held':
    case 'error':
      return 5;
    case 'running':
      return task.cancelRequestedAt !== undefined ? 3 : 2;
    case 'suspended':
      return task.cancelRequestedAt !== undefined ? 3 : 7;
    default:
      return task.outcome === 'exited' || task.outcome === 'killed' ? 4 : 3;
  }
}

function holdAttributes(task: Task, owner: string, host: string, memoryMb: number): ClassAd {
  if (task.state === 'held') {
    if (task.holdCause === 'submitted-held') return { HoldReason: 'submitted on hold', HoldReasonCode: 15, HoldReasonSubCode: 0 };
    return { HoldReason: task.message ?? `via condor_hold (by user ${owner})`, HoldReasonCode: 1, HoldReasonSubCode: 0 };
  }
  if (task.state === 'error') {
    if (task.holdCause === 'launch' && task.message?.startsWith("can't chdir")) {
      return { HoldReason: `Error from slot1@${host}: Failed to execute: ${task.message}`, HoldReasonCode: 14, HoldReasonSubCode: 2 };
    }
    if (task.holdCause === 'limit') {
      // The starter's hold of a job over its request_memory (cgroup memory limit), HTCondor 23.
      return {
        HoldReason: task.message ?? `Error from slot1_1@${host}: Job has gone over cgroup memory limit of ${memoryMb} megabytes. Last measured usage: ${memoryMb} megabytes.  Consider resubmitting with a higher request_memory.`,
        HoldReasonCode: 34,
        HoldReasonSubCode: 0,
      };
    }
    // File transfer failures: HoldReasonCode 13 (TransferInputError) and 12 (TransferOutputError),
    // the subcode the errno (HTCondor's hold codes table).
    if (task.holdCause === 'transfer-in') {
      return { HoldReason: `Transfer input files failure at execution point slot1@${host} while receiving files from the access point: ${task.message}`, HoldReasonCode: 13, HoldReasonSubCode: 2 };
    }
    if (task.holdCause === 'transfer-out') {
      return { HoldReason: `Transfer output files failure at execution point slot1@${host} while sending files to the access point: ${task.message}`, HoldReasonCode: 12, HoldReasonSubCode: 2 };
    }
    // 7 UnableToOpenOutput, 6 FailedToCreateProcess (HTCondor's hold codes; 12 is an output
    // transfer failure, which a job run in place never has).
    if (task.holdCause === 'launch') {
      return { HoldReason: `Error from slot1@${host}: ${task.message}`, HoldReasonCode: task.message?.startsWith("can't open output") ? 7 : 6, HoldReasonSubCode: 2 };
    }
    return { HoldReason: task.message ?? `Error from slot1@${host}: Failed to execute the job`, HoldReasonCode: 6, HoldReasonSubCode: 2 };
  }
  return {};
}

export function jobAd(job: Job, task: Task, state: State, now: number): ClassAd {
  const a = condorAttributes(job);
  const proc = procId(task.index);
  const p = a.procs[proc] ?? a.procs[0]!;
  const host = state.settings.hostname;
  const status = jobStatus(task);
  const started = task.startTime !== undefined && task.outcome !== 'failed';
  const ad: ClassAd = {
    MyType: 'Job',
    TargetType: 'Machine',
    ClusterId: job.id,
    ProcId: proc,
    GlobalJobId: `${a.submitHost}#${job.id}.${proc}#${epochSeconds(job.submitTime)}`,
    Owner: job.owner,
    User: `${job.owner}@${a.submitHost}`,
    Cmd: a.cmd,
    Args: p.args.join(' '),
    Arguments: p.argsText,
    Iwd: p.iwd,
    In: p.input ?? '/dev/null',
    Out: p.output === null ? '/dev/null' : expandCluster(p.output, job.id),
    Err: p.error === null ? '/dev/null' : expandCluster(p.error, job.id),
    ...(p.log !== null ? { UserLog: expandCluster(p.log, job.id) } : {}),
    Environment: Object.entries(p.explicitEnv).map(([k, v]) => `${k}=${v}`).join(' '),
    JobUniverse: a.universe,
    JobPrio: 0,
    QDate: epochSeconds(job.submitTime),
    JobStatus: status,
    LastJobStatus: status === 1 ? 0 : 1,
    EnteredCurrentStatus: epochSeconds(task.endTime ?? task.startTime ?? task.errorAt ?? job.submitTime),
    NumJobStarts: started ? 1 : 0,
    RequestCpus: a.requestCpus,
    RequestMemory: a.requestMemory,
    RequestDisk: a.requestDisk,
    ...(a.batchName !== undefined ? { JobBatchName: a.batchName } : {}),
    ...holdAttributes(task, job.owner, host, a.requestMemory),
    ...p.custom,
  };
  if (started) {
    ad.JobStartDate = epochSeconds(task.startTime!);
    ad.JobCurrentStartDate = epochSeconds(task.startTime!);
    ad.RemoteWallClockTime = Math.round(((task.endTime ?? now) - task.startTime!) / 1000);
    if (task.state === 'running' || task.state === 'suspended') ad.RemoteHost = `slot1@${host}`;
  }
  if (task.state === 'finished') {
    ad.CompletionDate = status === 4 ? epochSeconds(task.endTime!) : 0;
    if (task.outcome === 'exited') Object.assign(ad, { ExitCode: task.exitCode ?? 0, ExitBySignal: false, ExitStatus: task.exitCode ?? 0 });
    if (task.outcome === 'killed') Object.assign(ad, { ExitBySignal: true, ExitSignal: signalNumber(task.signal) });
    if (task.outcome === 'cancelled') ad.RemoveReason = `via condor_rm (by user ${job.owner})`;
    if (task.outcome === 'limit') {
      // Over its walltime: removed by the periodic_remove the job was submitted with.
      ad.RemoveReason = task.message ?? `The job attribute PeriodicRemove expression '${a.periodicRemove ?? 'true'}' evaluated to TRUE`;
    }
    if (task.outcome === 'failed' || task.outcome === 'lost') ad.RemoveReason = task.message ?? `Job failed to start on slot1@${host}`;
  }
  return ad;
}
