/**
 * `qstat -g c [-xml]`: the cluster queue summary (one queue, `all.q`, with `slots` slots), where
 * clients read how many jobs can run at once.
 */
import { isRunning } from '../../engine/jobs.js';
import type { State } from '../../engine/types.js';

export function formatClusterSummary(state: State, xml: boolean): string {
  const used = state.jobs.reduce((n, job) => n + job.tasks.filter(isRunning).length, 0);
  const total = state.settings.slots;
  const available = Math.max(0, total - used);
  if (xml) {
    return `<?xml version='1.0'?>
<job_info  xmlns:xsd="http://arc.liv.ac.uk/repos/darcs/sge/source/dist/util/resources/schemas/qstat/qstat.xsd">
  <cluster_queue_summary>
    <name>all.q</name>
    <load>0.01000</load>
    <used>${used}</used>
    <resv>0</resv>
    <available>${available}</available>
    <total>${total}</total>
    <temp_disabled>0</temp_disabled>
    <manual_intervention>0</manual_intervention>
  </cluster_queue_summary>
</job_info>
`;
  }
  const cell = (n: number) => String(n).padStart(7);
  return (
    'CLUSTER QUEUE                   CQLOAD   USED    RES  AVAIL  TOTAL aoACDS  cdsuE  \n' +
    `${'-'.repeat(80)}\n` +
    `${'all.q'.padEnd(30)}    0.01${cell(used)}${cell(0)}${cell(available)}${cell(total)}${cell(0)}${cell(0)} \n`
  );
}
