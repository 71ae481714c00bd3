/**
 * The number formats schedulers print in their accounting, read into the units the trace uses
 * (kilobytes, seconds, epoch milliseconds). Pure. Each returns undefined for text it cannot read
 * (empty fields, `Unknown`, `-`): an accounting field we do not understand is left out, never guessed.
 */

/** Powers of 1024 by unit letter, in kilobytes: every scheduler here means binary units. */
const KB_PER_UNIT: Record<string, number> = { '': 1, K: 1, M: 1024, G: 1024 ** 2, T: 1024 ** 3, P: 1024 ** 4 };

/**
 * `1076K`, `3.5M` (Slurm: the letter alone, a bare number is KB), `67.844KB`, `0.000B`,
 * `71.145MB` (SGE: a B ending, `B` alone is bytes), `2 Mbytes` (LSF), `3520kb` (PBS), in KB.
 * `bareUnit` is what a number without a unit means ('KB' for Slurm and PBS, 'B' for SGE).
 */
export function memoryKb(text: string | undefined, bareUnit: 'KB' | 'B' = 'KB'): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([KMGTP])(?:i?b|bytes?|w)?|(b|bytes?))?\s*$/i.exec(text ?? '');
  if (!m) return undefined;
  const value = Number(m[1]);
  if (m[3] !== undefined || (m[2] === undefined && bareUnit === 'B')) return value / 1024;
  return value * KB_PER_UNIT[(m[2] ?? '').toUpperCase()]!;
}

/**
 * Clock-style durations in seconds: `[D-][HH:]MM:SS[.fff]` (Slurm's Elapsed and TotalCPU, PBS's
 * cput and walltime, LSF's -hms), and plain seconds with an optional `s` (`1.054s`, SGE).
 */
export function clockSeconds(text: string | undefined): number | undefined {
  const t = (text ?? '').trim();
  const plain = /^(\d+(?:\.\d+)?)s?$/.exec(t);
  if (plain) return Number(plain[1]);
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(t);
  if (!m) return undefined;
  const [, days, hours, minutes, seconds] = m;
  return Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/**
 * A time stamp the scheduler printed in the local time zone of the machine that asked
 * (`2026-12-03T09:09:28` from sacct, `Thu Dec  3 09:09:28 2026` from qacct), as epoch ms.
 * Both forms carry no zone, and JavaScript's Date reads them as local time, as they were printed.
 */
export function localTime(text: string | undefined): number | undefined {
  const t = (text ?? '').trim();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(t) && !/^[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d \d{4}$/.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Epoch seconds (HTCondor's dates, PBS Pro's JSON times) as epoch ms; 0 and non-numbers are "not given". */
export function epochSecondsMs(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n * 1000 : undefined;
}

/** Drops the fields left undefined, so that results compare and print cleanly. */
export function definedFields<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}
