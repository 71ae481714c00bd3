/**
 * qstat's output syntaxes, pure: the default tables (Torque and PBS Pro differ), `-f` text
 * (`name = value` indented by four spaces, long lines continued after a tab), PBS Pro's
 * `-f -F json` and Torque's `-x` XML.
 */
import { epochSeconds } from '../common/time-format.js';
import { xmlEscape } from '../common/xml.js';
import type { PbsDialect } from './attributes.js';
import type { AttributeValue, Attributes } from './job-attributes.js';

export interface TableRow {
  id: string;
  name: string;
  user: string;
  timeUse: string;
  state: string;
  queue: string;
}

/** PBS Pro truncates long ids and names to the column, marking the cut with `*`. */
function proCell(text: string, width: number): string {
  return (text.length > width ? `${text.slice(0, width - 1)}*` : text).padEnd(width);
}

export function formatTable(rows: readonly TableRow[], dialect: PbsDialect): string {
  if (rows.length === 0) return '';
  if (dialect === 'torque') {
    const head = 'Job ID                    Name             User            Time Use S Queue\n' +
      '------------------------- ---------------- --------------- -------- - -----\n';
    return head + rows.map((r) => `${r.id.padEnd(25)} ${r.name.slice(0, 16).padEnd(16)} ${r.user.slice(0, 15).padEnd(15)} ${r.timeUse.padStart(8)} ${r.state} ${r.queue}\n`).join('');
  }
  const head = 'Job id            Name             User              Time Use S Queue\n' +
    '----------------  ---------------- ----------------  -------- - -----\n';
  return head + rows.map((r) => `${proCell(r.id, 16)}  ${proCell(r.name, 16)} ${proCell(r.user, 16)}  ${r.timeUse.padStart(8)} ${r.state} ${r.queue}\n`).join('');
}

function plainValue(name: string, value: AttributeValue): [string, string][] {
  if (typeof value !== 'object') return [[name, String(value)]];
  if (name === 'Variable_List') return [[name, Object.entries(value).map(([k, v]) => `${k}=${v}`).join(',')]];
  return Object.entries(value).map(([k, v]) => [`${name}.${k}`, String(v)]);
}

/** PBS wraps long lines: the first 80 characters, then continuation lines starting with a tab. */
function wrap(line: string): string {
  const width = 80;
  if (line.length <= width) return line;
  const parts = [line.slice(0, width)];
  for (let i = width; i < line.length; i += width - 1) parts.push(`\t${line.slice(i, i + width - 1)}`);
  return parts.join('\n');
}

export function formatFull(jobs: readonly { id: string; attributes: Attributes }[]): string {
  return jobs
    .map(({ id, attributes }) => {
      const lines = attributes.flatMap(([name, value]) => plainValue(name, value)).map(([n, v]) => wrap(`    ${n} = ${v}`));
      return `Job Id: ${id}\n${lines.join('\n')}\n\n`;
    })
    .join('');
}

/** PBS Pro's JSON: its own printer, four-space indents and no space after the colon. */
function jsonValue(value: AttributeValue, depth: number): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  const pad = '    '.repeat(depth + 1);
  const inner = Object.entries(value).map(([k, v]) => `${pad}${JSON.stringify(k)}:${jsonValue(v, depth + 1)}`);
  return `{\n${inner.join(',\n')}\n${'    '.repeat(depth)}}`;
}

export function formatProJson(jobs: readonly { id: string; attributes: Attributes }[], server: string, now: number): string {
  const head = [`    "timestamp":${epochSeconds(now)}`, `    "pbs_version":"2022.1.1.20220926110806"`, `    "pbs_server":${JSON.stringify(server)}`];
  if (jobs.length > 0) {
    const body = jobs.map(({ id, attributes }) => {
      const fields = attributes.map(([n, v]) => `            ${JSON.stringify(n)}:${jsonValue(v, 3)}`);
      return `        ${JSON.stringify(id)}:{\n${fields.join(',\n')}\n        }`;
    });
    head.push(`    "Jobs":{\n${body.join(',\n')}\n    }`);
  }
  return `{\n${head.join(',\n')}\n}\n`;
}

/** Torque's `qstat -x`: one line of XML, no declaration. */
export function formatTorqueXml(jobs: readonly { id: string; attributes: Attributes }[]): string {
  const element = (name: string, value: AttributeValue): string => {
    if (typeof value !== 'object') return `<${name}>${xmlEscape(String(value))}</${name}>`;
    if (name === 'Variable_List') return `<${name}>${xmlEscape(Object.entries(value).map(([k, v]) => `${k}=${v}`).join(','))}</${name}>`;
    return `<${name}>${Object.entries(value).map(([k, v]) => element(k, v)).join('')}</${name}>`;
  };
  const body = jobs.map(({ id, attributes }) => `<Job><Job_Id>${xmlEscape(id)}</Job_Id>${attributes.map(([n, v]) => element(n, v)).join('')}</Job>`);
  return `<Data>${body.join('')}</Data>\n`;
}
