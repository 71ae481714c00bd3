/** Signal names and numbers, for exit codes like 128+N (shells, SGE) or 256+N (PBS). */
import { constants } from 'node:os';

export function signalNumber(signal: string | null | undefined): number {
  if (!signal) return 0;
  return (constants.signals as Record<string, number>)[signal] ?? 0;
}
