/** Time stamps as the schedulers print them: local time, no zone (the machines run in UTC). */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function clock(d: Date): string {
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** `2026-11-22T04:33:26` (SGE qstat -xml, Slurm). */
export function isoLocal(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${clock(d)}`;
}

/** `11/22/2026 04:33:26` (SGE qstat table). */
export function usDateTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getMonth() + 1)}/${two(d.getDate())}/${d.getFullYear()} ${clock(d)}`;
}

/** `Sun Nov 22 04:33:03 2026` like ctime(3) (SGE qacct/qstat -j, PBS qstat -f). */
export function ctime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${clock(d)} ${d.getFullYear()}`;
}

/** `Nov 22 04:33` (LSF bjobs times). */
export function monthDayClock(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** `H:MM:SS` / `M:SS` / `D-HH:MM:SS` elapsed time (Slurm %M style). */
export function slurmElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = s % 60;
  if (days > 0) return `${days}-${two(hours)}:${two(minutes)}:${two(secs)}`;
  if (hours > 0) return `${hours}:${two(minutes)}:${two(secs)}`;
  return `${minutes}:${two(secs)}`;
}

/** `HH:MM:SS` with hours unbounded (sacct Elapsed, PBS walltime). */
export function hms(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}
