/**
 * Grid Engine (SGE, Son of Grid Engine, Univa/Altair Grid Engine, OGS): every fact of the
 * flavor that generic code reads through the registry. Its commands and parsers are in
 * commands.ts, its accounting (qacct) in accounting.ts.
 */
import { execFileSync } from 'node:child_process';
import type { FlavorDefinition } from '../flavor-definition.js';
import { sge } from './commands.js';

/** True when `qsub -help` identifies a Grid Engine (its first lines: "SGE 8.1.9", "GE 2011.11", "UGE ...", "OGS/GE ..."). */
export function isGridEngineHelp(text: string): boolean {
  return /^\s*(SGE|GE|UGE|OGS\/GE|Univa Grid Engine|Altair Grid Engine|Son of Grid Engine)\b/m.test(text.split('\n').slice(0, 3).join('\n'));
}

/** `qsub -help`'s first line when it names a Grid Engine; PBS's qsub shares the name and says otherwise. */
function identifyGridEngine(qsub: string): string | undefined {
  let help = '';
  try {
    help = execFileSync(qsub, ['-help'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    help = String((error as { stdout?: string }).stdout ?? '');
  }
  return isGridEngineHelp(help) ? `found ${qsub} (${help.split('\n')[0]!.trim()})` : undefined;
}

export const sgeDefinition: FlavorDefinition = {
  traits: sge,
  queue: { kind: 'commands', commandFlavor: () => sge },
  commandNames: [...sge.commandNames, 'qhold', 'qrls', 'qalter', 'qmod', 'qhost'],
  // After the schedulers with commands of their own; before PBS, which shares qsub.
  detection: { rank: 40, command: 'qsub', identify: identifyGridEngine },
  jobEnvironment: {
    prefixes: ['SGE_'],
    names: ['JOB_ID', 'JOB_NAME', 'JOB_SCRIPT', 'NSLOTS', 'NHOSTS', 'NQUEUES', 'QUEUE', 'PE', 'PE_HOSTFILE', 'REQUEST', 'RESTARTED', 'ENVIRONMENT', 'ARC', 'TMPDIR', 'TMP'],
  },
  failureWords: {
    // qacct's `failed 37` names h_rt, h_cpu and h_vmem at once, and an exit status of 137 is any
    // SIGKILL: neither tells a cause, so SGE's accounting names none; the journal's reason does.
    states: {},
    reasons: { 'out of memory': /h_vmem/, 'time limit': /h_rt/, cancelled: /\bqdel\b/ },
  },
  accountingCommand: 'qacct',
};
