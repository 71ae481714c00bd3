/**
 * Asks the run's scheduler for its accounting of the run's jobs, for `qmr trace` and `qmr
 * report`. Never fails and never holds the trace up for long: the lookup has a time limit
 * (each command too), and a scheduler that is absent, keeps no accounting or answers with an
 * error gives an empty answer and a note saying why.
 */
import type { JournalRecord } from '../resume/journal.js';
import { resolveOptions, type FlavorName, type PoolOptions } from '../options.js';
import { CommandQueue } from '../queues/command-queue.js';
import type { JobAccounting } from '../queues/queue.js';
import { openQueue } from '../queues/registry.js';
import type { RunRecord } from '../resume/run-json.js';

export interface AccountingLookup {
  byJob: Map<string, JobAccounting>;
  /** Why there is none (or not all), in words for a user; undefined when the scheduler answered. */
  note?: string;
}

/**
 * Long enough for one sacct, or some 100 qacct calls (50 ms each here); a trace should not wait
 * for a hung scheduler. Commands start only in the first half, and each may take the other half,
 * so that what was read by then is kept; the full limit is the last resort.
 */
export const ACCOUNTING_TIMEOUT_MS = 8000;

/** Every job id the journal names: submits (an elastic unit's claim included) and worker jobs. */
export function journalJobIds(records: readonly JournalRecord[]): string[] {
  const ids = new Set<string>();
  for (const r of records) if (r.t === 'submit' || r.t === 'workers') for (const id of r.ids) ids.add(id);
  return [...ids];
}

export async function lookUpAccounting(
  record: RunRecord | undefined,
  records: readonly JournalRecord[],
  timeoutMs = ACCOUNTING_TIMEOUT_MS,
): Promise<AccountingLookup> {
  const none = (note?: string): AccountingLookup => ({ byJob: new Map(), ...(note ? { note } : {}) });
  const ids = journalJobIds(records);
  if (!record || record.flavor === 'local' || ids.length === 0) return none();
  let timer: NodeJS.Timeout | undefined;
  try {
    const saved = (record.options ?? {}) as PoolOptions;
    const options = resolveOptions({
      commands: saved.commands ?? {},
      commandTimeout: Math.max(100, timeoutMs / 2),
      ...(saved.pbsDialect ? { pbsDialect: saved.pbsDialect } : {}),
    });
    const queue = openQueue(options, record.flavor as FlavorName);
    if (!queue.accounting) return none(`the ${record.flavor} flavor reads no scheduler accounting`);
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      timer.unref();
    });
    const byJob = await Promise.race([queue.accounting(ids, Date.now() + timeoutMs / 2), timedOut]);
    if (queue instanceof CommandQueue && !queue.accountingAvailable) {
      return none(`the ${record.flavor} scheduler keeps no accounting qmr can read here (its command is missing, or accounting is off)`);
    }
    if (byJob.size === 0) return none(`the ${record.flavor} scheduler's accounting knows none of this run's ${ids.length} job(s) (not kept, or not kept any more)`);
    const missing = ids.filter((id) => !byJob.has(id)).length;
    // A job that just ended may not be accounted for yet (slurmdbd, the qacct file lag behind).
    if (missing > 0) return { byJob, note: `the ${record.flavor} scheduler's accounting has ${ids.length - missing} of this run's ${ids.length} job(s) (the others are not in it, or not yet)` };
    return { byJob };
  } catch (error) {
    const first = ((error as Error).message ?? String(error)).split('\n')[0]!.slice(0, 300);
    return none(`scheduler accounting not read: ${first}`);
  } finally {
    clearTimeout(timer);
  }
}
