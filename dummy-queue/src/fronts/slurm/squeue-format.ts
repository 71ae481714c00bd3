/**
 * squeue's `--format` language: `%[.][width]<letter>` fields between literal text. A width pads
 * (and truncates) the value, left-justified unless a `.` asks for right-justification. Pure:
 * records in, text out.
 */
import type { State } from '../../engine/types.js';
import { isoLocal, slurmElapsed } from '../common/time-format.js';
import { slurmAttributes } from './attributes.js';
import type { SlurmRecord } from './records.js';
import { formatTimeLimit } from './time-limit.js';

export const DEFAULT_FORMAT = '%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R';

type Token = { text: string } | { field: string; width?: number; right: boolean };

export function parseFormat(format: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /%(\.)?(\d+)?([A-Za-z%])/g;
  let last = 0;
  for (let m = pattern.exec(format); m; m = pattern.exec(format)) {
    if (m.index > last) tokens.push({ text: format.slice(last, m.index) });
    if (m[3] === '%') tokens.push({ text: '%' });
    else tokens.push({ field: m[3]!, right: m[1] === '.', ...(m[2] !== undefined ? { width: Number(m[2]) } : {}) });
    last = pattern.lastIndex;
  }
  if (last < format.length) tokens.push({ text: format.slice(last) });
  return tokens;
}

const HEADERS: Record<string, string> = {
  i: 'JOBID', A: 'JOBID', F: 'ARRAY_JOB_ID', K: 'ARRAY_TASK_ID', T: 'STATE', t: 'ST', r: 'REASON', R: 'NODELIST(REASON)',
  j: 'NAME', u: 'USER', P: 'PARTITION', M: 'TIME', l: 'TIME_LIMIT', L: 'TIME_LEFT', D: 'NODES', C: 'CPUS',
  S: 'START_TIME', V: 'SUBMIT_TIME', e: 'END_TIME', Q: 'PRIORITY', N: 'NODELIST', a: 'ACCOUNT', q: 'QOS',
  Z: 'WORK_DIR', o: 'COMMAND', g: 'GROUP', U: 'UID', G: 'GID', m: 'MIN_MEMORY', c: 'MIN_CPUS', h: 'OVER_SUBSCRIBE',
  y: 'NICE', k: 'COMMENT', E: 'DEPENDENCY', B: 'EXEC_HOST', b: 'TRES_PER_NODE', x: 'EXC_NODES', n: 'REQ_NODES',
};

function field(letter: string, r: SlurmRecord, state: State, now: number): string {
  const a = slurmAttributes(r.job);
  const task = r.tasks[0]!;
  const started = task.startTime !== undefined && task.outcome !== 'failed';
  const pending = r.status.state === 'PENDING';
  const host = state.settings.hostname;
  const elapsed = () => (started ? slurmElapsed(((task.endTime ?? now) - task.startTime!) / 1000) : '0:00');
  switch (letter) {
    case 'i': return r.displayId;
    case 'A': return String(r.ownId);
    case 'F': return String(r.job.id);
    case 'K': return r.taskLabel ?? 'N/A';
    case 'T': return r.status.state;
    case 't': return r.status.compact;
    case 'r': return r.status.reason;
    case 'R': return pending ? `(${r.status.reason})` : started ? host : '';
    case 'j': return r.job.name;
    case 'u': return r.job.owner;
    case 'P': return a.partition;
    case 'M': return elapsed();
    case 'l': return formatTimeLimit(a.timeLimitMinutes);
    case 'L': {
      if (a.timeLimitMinutes === null) return 'UNLIMITED';
      const left = a.timeLimitMinutes * 60 - (started ? ((task.endTime ?? now) - task.startTime!) / 1000 : 0);
      return slurmElapsed(Math.max(0, left));
    }
    case 'D': return '1';
    case 'C': case 'c': return String(a.cpusPerTask * a.ntasks);
    case 'S': return started ? isoLocal(task.startTime!) : 'N/A';
    case 'V': return isoLocal(r.job.submitTime);
    case 'e': return task.endTime !== undefined ? isoLocal(task.endTime) : 'N/A';
    case 'Q': return String(r.priority);
    case 'N': case 'B': return started ? host : '';
    case 'a': return a.account ?? '(null)';
    case 'q': return 'normal';
    case 'Z': return r.job.cwd;
    case 'o': return a.wrapped || !a.commandPath ? '(null)' : a.commandPath;
    case 'g': return r.job.owner;
    case 'U': return String(a.uid);
    case 'G': return String(a.gid);
    case 'm': return a.memory ?? '0';
    case 'h': return 'OK';
    case 'y': return '0';
    case 'k': case 'E': return '(null)';
    case 'b': return 'N/A';
    case 'x': case 'n': return '';
    default: return '';
  }
}

function fit(value: string, token: { width?: number; right: boolean }): string {
  if (token.width === undefined) return value;
  const cut = value.slice(0, token.width);
  return token.right ? cut.padStart(token.width) : cut.padEnd(token.width);
}

export function formatHeader(tokens: readonly Token[]): string {
  return tokens.map((t) => ('text' in t ? t.text : fit(HEADERS[t.field] ?? t.field.toUpperCase(), t))).join('');
}

export function formatRecord(tokens: readonly Token[], r: SlurmRecord, state: State, now: number): string {
  return tokens.map((t) => ('text' in t ? t.text : fit(field(t.field, r, state, now), t))).join('');
}
