/**
 * The command line shared by condor_q and condor_history: output options (`-json`, `-jsonl`,
 * `-af[:qualifiers] attr...`, `-format fmt attr`, `-long`, `-attributes a,b`), selections
 * (`cluster`, `cluster.proc`, owner names, `-constraint`, `-hold/-run/-idle`, `-match/-limit N`).
 * Options are matched by unambiguous prefix, as HTCondor's tools do (`-const`, `-autoformat`).
 */

export interface JobRef {
  cluster: number;
  proc?: number;
}

export interface QueryOptions {
  output: 'table' | 'json' | 'jsonl' | 'af' | 'format' | 'long';
  afQualifiers: string;
  afAttributes: string[];
  formats: { format: string; attribute: string }[];
  attributes?: string[];
  constraints: string[];
  jobs: JobRef[];
  owners: string[];
  onlyStatus?: number;
  limit?: number;
  nobatch: boolean;
  totals: boolean;
  allusers: boolean;
}

export class QueryOptionError extends Error {}

const WITH_VALUE = ['constraint', 'attributes', 'match', 'limit', 'name', 'pool', 'since', 'file', 'userlog'];
const FLAGS = ['json', 'jsonl', 'long', 'nobatch', 'batch', 'totals', 'hold', 'run', 'idle', 'allusers', 'wide', 'global', 'dag', 'backwards', 'forwards', 'completedsince'];

function resolve(word: string): string {
  const name = word.replace(/^-+/, '').toLowerCase();
  if (name.startsWith('af') || name.startsWith('autoformat')) return 'af';
  const known = [...WITH_VALUE, ...FLAGS, 'format', 'l', 'w'];
  if (known.includes(name)) return name === 'l' ? 'long' : name === 'w' ? 'wide' : name;
  const candidates = known.filter((k) => k.startsWith(name));
  if (candidates.length === 1) return candidates[0]!;
  throw new QueryOptionError(word);
}

export function parseQueryOptions(args: readonly string[]): QueryOptions {
  const options: QueryOptions = {
    output: 'table', afQualifiers: '', afAttributes: [], formats: [], constraints: [], jobs: [], owners: [], nobatch: false, totals: false, allusers: false,
  };
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (!word.startsWith('-')) {
      const ref = /^(\d+)(?:\.(\d+))?$/.exec(word);
      if (ref) options.jobs.push({ cluster: Number(ref[1]), ...(ref[2] !== undefined ? { proc: Number(ref[2]) } : {}) });
      else options.owners.push(word);
      continue;
    }
    const name = resolve(word);
    const next = () => {
      const value = args[++i];
      if (value === undefined) throw new QueryOptionError(`${word} needs an argument`);
      return value;
    };
    switch (name) {
      case 'af':
        options.output = 'af';
        options.afQualifiers = word.includes(':') ? word.slice(word.indexOf(':') + 1) : '';
        while (i + 1 < args.length && !args[i + 1]!.startsWith('-')) options.afAttributes.push(args[++i]!);
        break;
      case 'format':
        options.output = 'format';
        options.formats.push({ format: next(), attribute: next() });
        break;
      case 'json':
      case 'jsonl':
      case 'long':
        options.output = name;
        break;
      case 'attributes':
        options.attributes = next().split(',').map((a) => a.trim()).filter(Boolean);
        break;
      case 'constraint':
        options.constraints.push(next());
        break;
      case 'match':
      case 'limit':
        options.limit = Number(next());
        break;
      case 'hold':
        options.onlyStatus = 5;
        break;
      case 'run':
        options.onlyStatus = 2;
        break;
      case 'idle':
        options.onlyStatus = 1;
        break;
      case 'nobatch':
        options.nobatch = true;
        break;
      case 'totals':
        options.totals = true;
        break;
      case 'allusers':
        options.allusers = true;
        break;
      default:
        if (WITH_VALUE.includes(name)) next();
    }
  }
  return options;
}
