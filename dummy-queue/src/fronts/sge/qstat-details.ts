/**
 * `qstat -j ID`: the job's details as text, in SGE 8.1.9's field layout, including the
 * `error reason` line of tasks in Eqw (where a client finds why a job is stuck). The XML form is
 * reduced to the elements clients read: job number, name, owner, and per task its status and
 * error messages.
 */
import { ctime, epochSeconds, usDateTime } from '../common/time-format.js';
import { xmlEscape } from '../common/xml.js';
import type { Job, State, Task } from '../../engine/types.js';
import { sgeAttributes } from './attributes.js';
import { formatArrayRange } from './task-range.js';

function field(label: string, value: string | number): string {
  return `${`${label}:`.padEnd(28)}${value}\n`;
}

function errorLine(task: Task): string {
  const when = usDateTime(task.errorAt ?? Date.now());
  return `error reason ${String(task.index ?? 1).padStart(10)}:      ${when} [0:${process.pid}]: error: ${task.message ?? 'unknown error'}\n`;
}

export function formatJobDetails(job: Job, state: State): string {
  const a = sgeAttributes(job);
  const errors = job.tasks.filter((t) => t.state === 'error');
  const waiting = job.tasks.some((t) => t.state === 'pending');
  const held = job.tasks.some((t) => t.state === 'held');
  const envList = Object.entries(job.explicitEnv).map(([k, v]) => `${k}=${v}`).join(',');
  let text = '==============================================================\n';
  text += field('job_number', job.id);
  text += field('exec_file', `job_scripts/${job.id}`);
  text += field('submission_time', ctime(job.submitTime));
  text += field('owner', job.owner);
  text += field('sge_o_home', a.origin.home);
  text += field('sge_o_path', a.origin.path);
  text += field('sge_o_shell', a.origin.shell);
  text += field('sge_o_workdir', a.origin.workdir);
  text += field('sge_o_host', a.origin.host);
  text += field('account', a.account);
  if (a.cwdGiven) text += field('cwd', job.cwd);
  text += field('notify', a.notify ? 'TRUE' : 'FALSE');
  text += field('job_name', job.name);
  if (job.stdout !== null) text += field('stdout_path_list', `NONE:NONE:${job.stdout}`);
  if (job.stderr !== null) text += field('stderr_path_list', `NONE:NONE:${job.stderr}`);
  if (job.join) text += field('merge', 'y');
  text += field('jobshare', 0);
  if (a.resources.length > 0) text += field('hard resource_list', a.resources.join(','));
  if (envList) text += field('env_list', envList);
  if (job.args.length > 0 && !a.binary) text += field('job_args', job.args.join(','));
  text += field('script_file', job.scriptName);
  if (a.pe) text += field('parallel environment', `${a.pe} range: ${a.slots}`);
  if (job.array) text += field('job-array tasks', formatArrayRange(job.array));
  text += field('binding', 'NONE');
  text += field('job_type', a.binary ? 'binary' : 'NONE');
  for (const task of errors) text += errorLine(task);
  const info: string[] = [];
  if (waiting && job.tasks.length > 0 && state.jobs.some((j) => j.tasks.some((t) => t.state === 'running'))) {
    info.push(`queue instance "${job.queue}@${state.settings.hostname}" dropped because it is full`, 'All queues dropped because of overload or full');
  }
  if (held) info.push('Job is in hold state');
  if (info.length === 0) info.push('There are no messages available');
  text += field('scheduling info', info[0]!);
  for (const more of info.slice(1)) text += `${' '.repeat(28)}${more}\n`;
  return text;
}

function taskXml(task: Task): string {
  const status = task.state === 'running' || task.state === 'suspended' ? 128 : 0;
  const messages =
    task.state === 'error'
      ? `          <JAT_message_list>\n            <ulong_sublist>\n              <QIM_type>1</QIM_type>\n              <QIM_message>${xmlEscape(
          `${usDateTime(task.errorAt ?? Date.now())} [0:${process.pid}]: error: ${task.message ?? 'unknown error'}`,
        )}</QIM_message>\n            </ulong_sublist>\n          </JAT_message_list>\n`
      : '';
  return `        <ulong_sublist>\n          <JAT_status>${status}</JAT_status>\n          <JAT_task_number>${task.index ?? 1}</JAT_task_number>\n${messages}        </ulong_sublist>\n`;
}

export function formatJobDetailsXml(jobs: readonly Job[]): string {
  const elements = jobs
    .map(
      (job) =>
        `    <element>\n      <JB_job_number>${job.id}</JB_job_number>\n      <JB_submission_time>${epochSeconds(job.submitTime)}</JB_submission_time>\n      <JB_owner>${xmlEscape(job.owner)}</JB_owner>\n      <JB_job_name>${xmlEscape(job.name)}</JB_job_name>\n      <JB_ja_tasks>\n${job.tasks
          .filter((t) => t.state !== 'finished' && t.state !== 'vanished')
          .map(taskXml)
          .join('')}      </JB_ja_tasks>\n    </element>\n`,
    )
    .join('');
  return `<?xml version='1.0'?>\n<detailed_job_info  xmlns:xsd="http://arc.liv.ac.uk/repos/darcs/sge/source/dist/util/resources/schemas/qstat/detailed_job_info.xsd">\n  <djob_info>\n${elements}  </djob_info>\n</detailed_job_info>\n`;
}

export function formatUnknownJobsXml(ids: readonly string[]): string {
  return `<?xml version='1.0'?>\n<unknown_jobs >\n${ids.map((id) => `    <ST_name>${xmlEscape(id)}</ST_name>\n`).join('')}</unknown_jobs>\n`;
}
