/**
 * condor_q and condor_history: one command shape, two selections (queue or history). Output per
 * -json/-jsonl/-af/-format/-long, or the table. A query that matches nothing prints nothing
 * (not even `[]` with -json) and exits 0.
 */
import type { State } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { formatAutoformat, formatJson, formatJsonLines, formatLong, formatPrintf } from './ads-output.js';
import type { ClassAd } from './classad.js';
import { parseQueryOptions, QueryOptionError, type QueryOptions } from './query-options.js';
import { historyAds, queueAds } from './selection.js';
import { historyTable, queueTable } from './tables.js';

function render(ads: ClassAd[], options: QueryOptions, table: () => string): string {
  switch (options.output) {
    case 'json':
      return formatJson(ads, options.attributes);
    case 'jsonl':
      return formatJsonLines(ads, options.attributes);
    case 'af':
      return formatAutoformat(ads, options.afAttributes, options.afQualifiers);
    case 'format':
      return formatPrintf(ads, options.formats);
    case 'long':
      return formatLong(ads, options.attributes);
    default:
      return table();
  }
}

export function queryCommand(name: 'condor_q' | 'condor_history'): CommandDef {
  return {
    kind: 'status',
    async run(io: CommandIO) {
      let options: QueryOptions;
      try {
        options = parseQueryOptions(io.args);
      } catch (error) {
        if (!(error instanceof QueryOptionError)) throw error;
        io.err(`Error: unrecognized option ${error.message}\nUsage: ${name} [options] [cluster | cluster.proc | owner]...\n`);
        return 1;
      }
      const state: State = await io.transact((s) => s);
      const now = Date.now();
      let ads: ClassAd[];
      try {
        ads = name === 'condor_q' ? queueAds(state, options, now) : historyAds(state, options, now);
      } catch (error) {
        io.err(`Error: Invalid constraint expression: ${(error as Error).message}\n`);
        return 1;
      }
      if (name === 'condor_q' && options.limit !== undefined) ads = ads.slice(0, options.limit);
      io.out(render(ads, options, () => (name === 'condor_q' ? queueTable(ads, state, now, options.nobatch) : historyTable(ads))));
      return 0;
    },
  };
}
