/**
 * A job's attributes as `qstat -f` reports them, in order, for both PBS dialects. The printers
 * (text, PBS Pro JSON, Torque XML) only change the syntax.
 */
import { isRunning } from '../../engine/jobs.js';
import type { State, Task } from '../../engine/types.js';
import { ctime, epochSeconds, hms } from '../common/time-format.js';
import { formatArrayRequest } from './array-spec.js';
import { pbsAttributes, type PbsDialect } from './attributes.js';
import type { Entity } from './entities.js';
import { outputPath } from './launch.js';
import { comment, exitStatus, parentStateLetter, taskStateLetter } from './states.js';

export type AttributeValue = string | number | Record<string, string | number>;
export type Attributes = [string, AttributeValue][];

/** `-l nodes=1:ppn=4,walltime=01:00:00` → { nodes: '1:ppn=4', walltime: '01:00:00' }. */
function resourceList(resources: readonly string[], dialect: string): Record<string, string | number> {
  const list: Record<string, string | number> = dialect === 'pro' ? { ncpus: 1, nodect: 1, place: 'pack', select: '1:ncpus=1' } : { nodect: 1, nodes: 1 };
  for (const entry of resources.flatMap((r) => r.split(','))) {
    const eq = entry.indexOf('=');
    if (eq > 0) list[entry.slice(0, eq)] = /^\d+$/.test(entry.slice(eq + 1)) ? Number(entry.slice(eq + 1)) : entry.slice(eq + 1);
  }
  return list;
}

/** The task that stands for an array parent's times: the earliest started, else the first. */
function representative(entity: Entity): Task {
  return entity.task ?? entity.job.tasks.find((t) => t.startTime !== undefined) ?? entity.job.tasks[0]!;
}

export function jobAttributes(entity: Entity, state: State, now: number, dialect: PbsDialect): Attributes {
  const { job } = entity;
  const a = pbsAttributes(job);
  const host = state.settings.hostname;
  const task = representative(entity);
  const letter = entity.kind === 'parent' ? parentStateLetter(job, dialect) : taskStateLetter(task, dialect, entity.kind === 'subjob');
  const started = entity.kind !== 'parent' && task.startTime !== undefined && task.outcome !== 'failed';
  const out: Attributes = [];
  const add = (name: string, value: AttributeValue | undefined) => {
    if (value !== undefined) out.push([name, value]);
  };
  const variables: Record<string, string> = {
    PBS_O_HOME: a.origin.home,
    PBS_O_LOGNAME: a.origin.logname,
    PBS_O_PATH: a.origin.path,
    PBS_O_MAIL: a.origin.mail,
    PBS_O_SHELL: a.origin.shell,
    PBS_O_WORKDIR: a.origin.workdir,
    PBS_O_SYSTEM: 'Linux',
    PBS_O_QUEUE: job.queue,
    PBS_O_HOST: a.origin.host,
    ...job.explicitEnv,
  };
  const outputTask = entity.task ?? { ...task, index: null };
  add('Job_Name', job.name);
  add('Job_Owner', `${job.owner}@${a.origin.host}`);
  if (started) {
    const used = hms(((task.endTime ?? now) - task.startTime!) / 1000);
    add('resources_used', { cput: '00:00:00', mem: '0kb', vmem: '0kb', walltime: used, ...(dialect === 'pro' ? { cpupercent: 0, ncpus: 1 } : {}) });
  }
  add('job_state', letter);
  add('queue', job.queue);
  add('server', state.settings.pbsServer);
  add('Checkpoint', 'u');
  add('ctime', ctime(job.submitTime));
  add('Error_Path', `${a.origin.host}:${outputPath(job.stderr, job, outputTask, 'e')}`);
  if (started) {
    add('exec_host', `${host}/0`);
    if (dialect === 'pro') add('exec_vnode', `(${host}:ncpus=1)`);
  }
  add('Hold_Types', task.state === 'held' || task.state === 'error' ? (task.state === 'error' ? 's' : 'u') : 'n');
  add('Join_Path', a.joinMode);
  add('Keep_Files', 'n');
  add('Mail_Points', 'a');
  add('mtime', ctime(task.endTime ?? task.startTime ?? job.submitTime));
  add('Output_Path', `${a.origin.host}:${outputPath(job.stdout, job, outputTask, 'o')}`);
  add('Priority', 0);
  add('qtime', ctime(job.submitTime));
  add('Rerunable', a.rerunnable ? 'True' : 'False');
  add('Resource_List', resourceList(a.resources, dialect));
  if (started && dialect === 'pro') add('stime', ctime(task.startTime!));
  if (started && isRunning(task)) add('session_id', task.pid ?? 0);
  if (dialect === 'pro') add('jobdir', job.env.HOME ?? a.origin.home);
  add('substate', letter === 'R' ? 42 : letter === 'Q' ? 10 : letter === 'H' ? 20 : letter === 'E' ? 50 : 92);
  add('Variable_List', variables);
  const text = dialect === 'pro' || task.state === 'error' || task.holdCause === 'fault' ? comment(task, host, ctime) : undefined;
  if (entity.kind !== 'parent') add('comment', text);
  add('etime', ctime(job.submitTime));
  if (entity.kind !== 'parent') add(dialect === 'pro' ? 'Exit_status' : 'exit_status', exitStatus(task, dialect));
  add(dialect === 'pro' ? 'Submit_arguments' : 'submit_args', a.submitArgs);
  if (dialect === 'torque' && started) add('start_time', epochSeconds(task.startTime!));
  if (dialect === 'torque') {
    add('euser', job.owner);
    add('egroup', job.owner);
    add('queue_type', 'E');
  }
  if (dialect === 'pro') {
    add('project', a.project ?? '_pbs_project_default');
    add('run_count', started ? 1 : 0);
  }
  if (job.array && entity.kind === 'parent') {
    if (dialect === 'torque') {
      add('job_array_request', formatArrayRequest(job.array));
    } else {
      const remaining = job.tasks.filter((t) => t.state === 'pending' || t.state === 'held').map((t) => t.index!);
      add('array', 'True');
      add('array_indices_submitted', formatArrayRequest(job.array));
      if (remaining.length > 0) add('array_indices_remaining', remaining.join(','));
      const count = (letters: string[]) => job.tasks.filter((t) => letters.includes(taskStateLetter(t, dialect, true))).length;
      add('array_state_count', `Queued:${count(['Q'])} Running:${count(['R', 'E'])} Exiting:0 Expired:${count(['X'])} `);
    }
  }
  if (job.array && entity.kind === 'subjob') {
    if (dialect === 'torque') add('job_array_id', task.index!);
    else {
      add('array_id', `${job.id}[].${state.settings.pbsServer}`);
      add('array_index', task.index!);
    }
  }
  if (dialect === 'pro' && task.state === 'finished') add('history_timestamp', epochSeconds(task.endTime ?? now));
  return out;
}
