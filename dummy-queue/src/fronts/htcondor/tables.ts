/** The tables condor_q and condor_history print for people (scripts must use -af or -json). */
import type { State } from '../../engine/types.js';
import { lookup, type ClassAd } from './classad.js';

const LETTER: Record<number, string> = { 1: 'I', 2: 'R', 3: 'X', 4: 'C', 5: 'H', 6: '>', 7: 'S' };

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function shortDate(epoch: number): string {
  const d = new Date(epoch * 1000);
  return `${two(d.getMonth() + 1)}/${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

function runTime(seconds: number): string {
  const s = Math.max(0, seconds);
  return `${Math.floor(s / 86400)}+${two(Math.floor((s % 86400) / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

function command(ad: ClassAd): string {
  const cmd = String(lookup(ad, 'Cmd') ?? '');
  const args = String(lookup(ad, 'Args') ?? '');
  return `${cmd.split('/').pop()}${args ? ` ${args}` : ''}`;
}

function totals(ads: readonly ClassAd[]): string {
  const count = (status: number) => ads.filter((ad) => lookup(ad, 'JobStatus') === status).length;
  return `Total for query: ${ads.length} jobs; ${count(4)} completed, ${count(3)} removed, ${count(1)} idle, ${count(2)} running, ${count(5)} held, ${count(7)} suspended \n`;
}

function header(state: State, now: number): string {
  const d = new Date(now);
  return `\n\n-- Schedd: ${state.settings.hostname} : <127.0.0.1:9618?... @ ${two(d.getMonth() + 1)}/${two(d.getDate())}/${String(d.getFullYear()).slice(2)} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}\n`;
}

export function queueTable(ads: readonly ClassAd[], state: State, now: number, nobatch: boolean): string {
  let text = header(state, now);
  if (nobatch) {
    text += ' ID      OWNER            SUBMITTED     RUN_TIME ST PRI SIZE CMD\n';
    for (const ad of ads) {
      const id = `${lookup(ad, 'ClusterId')}.${lookup(ad, 'ProcId')}`;
      const started = lookup(ad, 'JobCurrentStartDate');
      const run = typeof started === 'number' ? Math.round(now / 1000) - started : 0;
      text += `${id.padStart(6)}   ${String(lookup(ad, 'Owner')).padEnd(16)} ${shortDate(Number(lookup(ad, 'QDate')))}  ${runTime(run)} ${LETTER[Number(lookup(ad, 'JobStatus'))]}  0    0.0 ${command(ad)}\n`;
    }
  } else {
    text += 'OWNER BATCH_NAME    SUBMITTED   DONE   RUN    IDLE   HOLD  TOTAL JOB_IDS\n';
    const clusters = new Map<number, ClassAd[]>();
    for (const ad of ads) clusters.set(Number(lookup(ad, 'ClusterId')), [...(clusters.get(Number(lookup(ad, 'ClusterId'))) ?? []), ad]);
    for (const [cluster, group] of clusters) {
      const count = (status: number) => group.filter((ad) => lookup(ad, 'JobStatus') === status).length || '_';
      const batch = lookup(group[0]!, 'JobBatchName') ?? `ID: ${cluster}`;
      const procs = group.map((ad) => Number(lookup(ad, 'ProcId')));
      const ids = procs.length === 1 ? `${cluster}.${procs[0]}` : `${cluster}.${Math.min(...procs)}-${Math.max(...procs)}`;
      text += `${String(lookup(group[0]!, 'Owner'))} ${String(batch).padEnd(12)} ${shortDate(Number(lookup(group[0]!, 'QDate')))}  ${String(count(4)).padStart(5)}  ${String(count(2)).padStart(5)}  ${String(count(1)).padStart(5)}  ${String(count(5)).padStart(5)}  ${String(group.length).padStart(5)} ${ids}\n`;
    }
  }
  return `${text}\n${totals(ads)}`;
}

export function historyTable(ads: readonly ClassAd[]): string {
  let text = ' ID     OWNER          SUBMITTED   RUN_TIME     ST COMPLETED   CMD\n';
  for (const ad of ads) {
    const id = `${lookup(ad, 'ClusterId')}.${lookup(ad, 'ProcId')}`;
    const completed = lookup(ad, 'CompletionDate');
    const done = typeof completed === 'number' && completed > 0 ? shortDate(completed) : '   ???    ';
    text += `${id.padEnd(7)} ${String(lookup(ad, 'Owner')).padEnd(14)} ${shortDate(Number(lookup(ad, 'QDate')))} ${runTime(Number(lookup(ad, 'RemoteWallClockTime') ?? 0))} ${LETTER[Number(lookup(ad, 'JobStatus'))]}  ${done} ${command(ad)}\n`;
  }
  return text;
}
