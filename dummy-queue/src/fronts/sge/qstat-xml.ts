/** `qstat -xml`, byte for byte in SGE 8.1.9's layout (see test/fixtures/sge/qstat-xml-*.xml). */
import { isoLocal } from '../common/time-format.js';
import { xmlEscape } from '../common/xml.js';
import type { SgeListing, SgeRow } from './listing.js';

const HEADER = `<?xml version='1.0'?>
<job_info  xmlns:xsd="http://arc.liv.ac.uk/repos/darcs/sge/source/dist/util/resources/schemas/qstat/qstat.xsd">
`;

function row(r: SgeRow, group: 'running' | 'pending'): string {
  const timeElement = group === 'running' ? 'JAT_start_time' : 'JB_submission_time';
  return [
    `    <job_list state="${group}">`,
    `      <JB_job_number>${r.jobId}</JB_job_number>`,
    `      <JAT_prio>${r.priority.toFixed(5)}</JAT_prio>`,
    `      <JB_name>${xmlEscape(r.name)}</JB_name>`,
    `      <JB_owner>${xmlEscape(r.owner)}</JB_owner>`,
    `      <state>${r.state}</state>`,
    `      <${timeElement}>${isoLocal(r.time)}</${timeElement}>`,
    `      <queue_name>${xmlEscape(r.queue)}</queue_name>`,
    `      <slots>${r.slots}</slots>`,
    ...(r.tasks !== undefined ? [`      <tasks>${r.tasks}</tasks>`] : []),
    `    </job_list>`,
    '',
  ].join('\n');
}

export function formatQstatXml(listing: SgeListing): string {
  return (
    HEADER +
    '  <queue_info>\n' +
    listing.running.map((r) => row(r, 'running')).join('') +
    '  </queue_info>\n' +
    '  <job_info>\n' +
    listing.pending.map((r) => row(r, 'pending')).join('') +
    '  </job_info>\n' +
    '</job_info>\n'
  );
}
