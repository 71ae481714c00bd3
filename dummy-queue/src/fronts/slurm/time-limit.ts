/**
 * `--time` values: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or UNLIMITED/infinite.
 * Returns minutes (rounded up, as Slurm does), null for no limit, undefined if malformed.
 */
export function parseTimeLimit(text: string): number | null | undefined {
  const t = text.trim();
  if (/^(unlimited|infinite)$/i.test(t)) return null;
  let match = /^(\d+)-(\d+)(?::(\d+)(?::(\d+))?)?$/.exec(t);
  if (match) {
    const [, d, h, m, s] = match;
    return Number(d) * 1440 + Number(h) * 60 + Number(m ?? 0) + Math.ceil(Number(s ?? 0) / 60);
  }
  match = /^(\d+)(?::(\d+)(?::(\d+))?)?$/.exec(t);
  if (!match) return undefined;
  const [, a, b, c] = match;
  if (b === undefined) return Number(a);
  if (c === undefined) return Number(a) + Math.ceil(Number(b) / 60);
  return Number(a) * 60 + Number(b) + Math.ceil(Number(c) / 60);
}

/** How squeue/scontrol print a limit: `1:00`, `2:00:00`, `1-00:00:00`, `UNLIMITED`. */
export function formatTimeLimit(minutes: number | null): string {
  if (minutes === null) return 'UNLIMITED';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (days > 0) return `${days}-${two(hours)}:${two(mins)}:00`;
  if (hours > 0) return `${hours}:${two(mins)}:00`;
  return `${mins}:00`;
}
