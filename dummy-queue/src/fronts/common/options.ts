/**
 * A small command-line parser shared by the fronts. Each scheduler declares its options (name and
 * number of values); parsing stops at the first word that is not an option (the script or
 * command, whose own arguments follow) or after `--`. Styles differ only in how a value may be
 * glued to its option:
 * - 'exact'  (SGE, HTCondor): `-N name` only; options are whole words like `-terse`.
 * - 'getopt' (PBS, LSF): also `-Nname` for single-letter options.
 * - 'gnu'    (Slurm): also `-Jname`, `--job-name=name`, and unambiguous long prefixes.
 */

import { splitWords } from './words.js';

export interface OptionSpec {
  /** Number of values the option takes (SGE `-pe` takes two). */
  values: 0 | 1 | 2;
  /** Optional value glued with `=` (Slurm `--export[=...]`, `--hold`). */
  optionalValue?: boolean;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

export interface ParsedOption {
  name: string;
  values: string[];
}

export interface ParsedCommandLine {
  options: ParsedOption[];
  /** The first non-option word and everything after it. */
  operands: string[];
}

export class OptionError extends Error {
  constructor(
    readonly kind: 'unknown' | 'missing-value',
    readonly option: string,
  ) {
    super(`${kind === 'unknown' ? 'unknown option' : 'missing value for'} ${option}`);
  }
}

export type OptionStyle = 'exact' | 'getopt' | 'gnu';

function resolveLong(table: OptionTable, name: string): string | undefined {
  if (table[name]) return name;
  const candidates = Object.keys(table).filter((known) => known.startsWith('--') && known.startsWith(name));
  return candidates.length === 1 ? candidates[0] : undefined;
}

export function parseCommandLine(args: readonly string[], table: OptionTable, style: OptionStyle): ParsedCommandLine {
  const options: ParsedOption[] = [];
  let i = 0;
  const take = (name: string, count: number): string[] => {
    if (i + count > args.length) throw new OptionError('missing-value', name);
    const values = args.slice(i, i + count);
    i += count;
    return values;
  };
  while (i < args.length) {
    const word = args[i]!;
    if (word === '--') {
      i++;
      break;
    }
    if (!word.startsWith('-') || word === '-') break;
    i++;
    if (table[word]) {
      const spec = table[word]!;
      options.push({ name: word, values: spec.optionalValue ? [] : take(word, spec.values) });
      continue;
    }
    if (style === 'gnu' && word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = resolveLong(table, eq < 0 ? word : word.slice(0, eq));
      if (!name) throw new OptionError('unknown', eq < 0 ? word : word.slice(0, eq));
      const spec = table[name]!;
      if (eq >= 0) {
        if (spec.values === 0 && !spec.optionalValue) throw new OptionError('unknown', word);
        options.push({ name, values: [word.slice(eq + 1)] });
      } else {
        options.push({ name, values: spec.optionalValue ? [] : take(name, spec.values) });
      }
      continue;
    }
    if (style !== 'exact' && !word.startsWith('--') && word.length > 2) {
      const name = word.slice(0, 2);
      const spec = table[name];
      if (spec && spec.values === 1) {
        options.push({ name, values: [word.slice(2)] });
        continue;
      }
    }
    throw new OptionError('unknown', word);
  }
  return { options, operands: args.slice(i) };
}

/** The last value given for any of these option names (later options win, as in getopt loops). */
export function lastValue(parsed: ParsedCommandLine, ...names: string[]): string | undefined {
  const found = parsed.options.filter((o) => names.includes(o.name));
  return found.length === 0 ? undefined : found[found.length - 1]!.values[0];
}

export function allValues(parsed: ParsedCommandLine, ...names: string[]): string[] {
  return parsed.options.filter((o) => names.includes(o.name)).map((o) => o.values[0] ?? '');
}

export function hasOption(parsed: ParsedCommandLine, ...names: string[]): boolean {
  return parsed.options.some((o) => names.includes(o.name));
}

/**
 * Options embedded in a job script (`#$`, `#SBATCH`, `#PBS`, `#BSUB`): the words after the
 * prefix on every line that starts with it. Command-line options are placed after these, so
 * they win, as on the real schedulers.
 */
export function directiveWords(script: string, prefix: string, stopAtFirstCommand: boolean): string[] {
  const words: string[] = [];
  const lines = script.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (n === 0 && line.startsWith('#!')) continue;
    if (line.startsWith(prefix)) {
      words.push(...splitWords(line.slice(prefix.length)));
    } else if (stopAtFirstCommand && line !== '' && !line.startsWith('#')) {
      break;
    }
  }
  return words;
}
