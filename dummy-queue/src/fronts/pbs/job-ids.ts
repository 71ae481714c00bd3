/**
 * PBS job identifiers: `12.server`, array parents `12[].server`, subjobs `12[3].server`. Torque
 * can be set to print bare numbers (like Slurm's Torque wrappers); PBS Pro always adds the server.
 */
import type { Job, Settings, Task } from '../../engine/types.js';
import type { PbsDialect } from './attributes.js';

export function serverSuffix(settings: Settings, dialect: PbsDialect): string {
  return dialect === 'torque' && !settings.pbsSuffix ? '' : `.${settings.pbsServer}`;
}

/** The id of a job, of an array's parent (task undefined), or of one subjob. */
export function pbsJobId(job: Job, task: Task | undefined, settings: Settings, dialect: PbsDialect): string {
  const suffix = serverSuffix(settings, dialect);
  if (!job.array) return `${job.id}${suffix}`;
  return task === undefined || task.index === null ? `${job.id}[]${suffix}` : `${job.id}[${task.index}]${suffix}`;
}

export interface PbsIdRequest {
  id: number;
  /** undefined: the job or whole array; null: `12[]`; a number: one subjob. */
  index: number | null | undefined;
  text: string;
}

/** Parses `12`, `12.server`, `12[]`, `12[3].server`; undefined if the id is malformed. */
export function parsePbsId(text: string): PbsIdRequest | undefined {
  const match = /^(\d+)(\[(\d*)\])?(\.[A-Za-z0-9._-]+)?$/.exec(text.trim());
  if (!match) return undefined;
  const index = match[2] === undefined ? undefined : match[3] === '' ? null : Number(match[3]);
  return { id: Number(match[1]), index, text };
}
