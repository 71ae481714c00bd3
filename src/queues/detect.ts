/**
 * flavor: 'auto': the scheduler whose submit command is on PATH (or given in `commands`).
 * Slurm, LSF and HTCondor have commands of their own; `qsub` is Grid Engine's when it says so
 * (`qsub -help` begins with "SGE 8.1.9", "GE 2011.11", "UGE ...", "OGS/GE ..."), PBS's otherwise.
 * Nothing found: the local flavor.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { FlavorName } from './flavor-names.js';

export function findOnPath(command: string, pathVariable = process.env.PATH ?? ''): string | undefined {
  if (command.includes('/')) return isExecutable(command) ? command : undefined;
  for (const dir of pathVariable.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** True when `qsub -help` identifies a Grid Engine. */
export function isGridEngineHelp(text: string): boolean {
  return /^\s*(SGE|GE|UGE|OGS\/GE|Univa Grid Engine|Altair Grid Engine|Son of Grid Engine)\b/m.test(text.split('\n').slice(0, 3).join('\n'));
}

export function detectFlavor(commands: Readonly<Record<string, string>> = {}): { flavor: FlavorName; why: string } {
  const where = (name: string) => findOnPath(commands[name] ?? name);
  const sbatch = where('sbatch');
  if (sbatch) return { flavor: 'slurm', why: `found ${sbatch}` };
  const bsub = where('bsub');
  if (bsub) return { flavor: 'lsf', why: `found ${bsub}` };
  const condor = where('condor_submit');
  if (condor) return { flavor: 'htcondor', why: `found ${condor}` };
  const qsub = where('qsub');
  if (qsub) {
    let help = '';
    try {
      help = execFileSync(qsub, ['-help'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      help = String((error as { stdout?: string }).stdout ?? '');
    }
    return isGridEngineHelp(help)
      ? { flavor: 'sge', why: `found ${qsub} (${help.split('\n')[0]!.trim()})` }
      : { flavor: 'pbs', why: `found ${qsub}, not a Grid Engine one` };
  }
  return { flavor: 'local', why: 'no scheduler command (sbatch, bsub, condor_submit, qsub) on PATH' };
}
