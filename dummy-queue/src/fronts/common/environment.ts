/**
 * The environment a job starts with. SGE, PBS and HTCondor start jobs in a minimal environment
 * (what execd/pbs_mom/the starter set up for a login-less process) plus the variables asked for
 * at submit; Slurm and LSF copy the submitter's whole environment by default.
 */
import { userInfo } from 'node:os';

/**
 * Where and by whom a job was submitted, as SGE (sge_o_*, SGE_O_*) and PBS (PBS_O_*) record it
 * and hand it to the job.
 */
export interface SubmitterOrigin {
  home: string;
  host: string;
  logname: string;
  path: string;
  shell: string;
  workdir: string;
}

/** The PATH SGE's and PBS's execution daemons give a job when nothing else is exported. */
export const MINIMAL_PATH = '/usr/local/bin:/bin:/usr/bin';

export function currentUser(): { name: string; uid: number; gid: number; home: string; shell: string } {
  const info = userInfo();
  return { name: info.username, uid: info.uid, gid: info.gid, home: info.homedir, shell: info.shell ?? '/bin/sh' };
}

/** PATH, HOME, USER, LOGNAME, SHELL of the job owner: what a scheduler gives every job. */
export function minimalEnvironment(): Record<string, string> {
  const user = currentUser();
  return { PATH: MINIMAL_PATH, HOME: user.home, USER: user.name, LOGNAME: user.name, SHELL: user.shell };
}

/** The submitter's environment as a plain record (undefined values dropped). */
export function submitterEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * `NAME=value,NAME2=value2` lists as used by `qsub -v` (SGE, PBS): a name without `=` takes the
 * submitter's value. Values may be double- or single-quoted to protect commas.
 */
export function parseVariableList(list: string, submitter: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < list.length) {
    let name = '';
    while (i < list.length && list[i] !== '=' && list[i] !== ',') name += list[i++];
    let value: string | undefined;
    if (list[i] === '=') {
      i++;
      value = '';
      while (i < list.length && list[i] !== ',') {
        const c = list[i]!;
        if (c === '"' || c === "'") {
          const end = list.indexOf(c, i + 1);
          const stop = end < 0 ? list.length : end;
          value += list.slice(i + 1, stop);
          i = stop + 1;
        } else {
          value += c;
          i++;
        }
      }
    }
    i++; // the comma
    name = name.trim();
    if (name === '') continue;
    const resolved = value ?? submitter[name];
    if (resolved !== undefined) out[name] = resolved;
  }
  return out;
}
