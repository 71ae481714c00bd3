/**
 * The report's pictures as inline SVG (no script, no network): a timeline with one line per job
 * attempt (queue wait and run time in different colours, failed attempts in red, resubmissions
 * on their own line under their chunk), and histograms. Pure.
 */
import type { TraceRow } from '../trace/trace-rows.js';
import { humanDuration } from '../trace/trace-tsv.js';
import { escapeHtml } from './escape-html.js';

const LINE = 14;
const LABEL_WIDTH = 130;
const PLOT_WIDTH = 760;
/** Beyond this many attempts the timeline would be taller than useful: the rest are counted. */
const MAX_TIMELINE_ROWS = 400;

export const COLOURS = { wait: '#f0b429', run: '#2f7ed8', failedRun: '#d64545', lost: '#d64545', aborted: '#9aa5b1' };

export function timelineSvg(rows: readonly TraceRow[], now: number): string {
  const shown = rows.slice(0, MAX_TIMELINE_ROWS).filter((r) => r.submit !== undefined);
  if (shown.length === 0) return '<p class="empty">No jobs submitted yet.</p>';
  const t0 = Math.min(...shown.map((r) => r.submit!));
  const t1 = Math.max(...shown.map((r) => r.complete ?? now));
  const span = Math.max(1, t1 - t0);
  const x = (t: number) => LABEL_WIDTH + ((t - t0) / span) * PLOT_WIDTH;
  const height = shown.length * LINE + 24;
  const bars = shown.map((r, i) => {
    const y = i * LINE + 2;
    const title = `${r.name}, attempt ${r.attempt}, job ${r.nativeId}: ${r.status}` +
      `${r.queueWait !== undefined ? `, waited ${humanDuration(r.queueWait)}` : ''}` +
      `${r.realtime !== undefined ? `, ran ${humanDuration(r.realtime)}` : ''}${r.cause ? ` (${r.cause})` : ''}`;
    const label = `chunk ${r.taskId}${r.attempt > 1 ? ` · retry ${r.attempt - 1}` : ''}`;
    const parts: string[] = [];
    const end = r.complete ?? now;
    if (r.start !== undefined) {
      parts.push(rect(x(r.submit!), y, x(r.start) - x(r.submit!), 'wait'));
      parts.push(rect(x(r.start), y, x(end) - x(r.start), r.status === 'COMPLETED' ? 'run' : 'failed-run'));
    } else {
      // No start known: the job left no result, so its whole life is one bar in the attempt's colour.
      const kind = r.status === 'SUBMITTED' ? 'wait' : r.status === 'ABORTED' ? 'aborted' : 'lost';
      parts.push(rect(x(r.submit!), y, x(end) - x(r.submit!), kind));
    }
    return `<g class="job ${r.attempt > 1 ? 'resubmission' : ''}"><title>${escapeHtml(title)}</title>` +
      `<text x="${LABEL_WIDTH - 6}" y="${y + 10}" text-anchor="end">${escapeHtml(label)}</text>${parts.join('')}</g>`;
  });
  const axis = `<text x="${LABEL_WIDTH}" y="${height - 4}">0</text>` +
    `<text x="${LABEL_WIDTH + PLOT_WIDTH}" y="${height - 4}" text-anchor="end">${escapeHtml(humanDuration(span))}</text>`;
  const more = rows.length > MAX_TIMELINE_ROWS ? `<p class="note">First ${MAX_TIMELINE_ROWS} of ${rows.length} job attempts shown.</p>` : '';
  return `<svg class="timeline" viewBox="0 0 ${LABEL_WIDTH + PLOT_WIDTH + 10} ${height}" width="${LABEL_WIDTH + PLOT_WIDTH + 10}" height="${height}" role="img" aria-label="timeline of jobs">${bars.join('')}${axis}</svg>${more}`;
}

function rect(x: number, y: number, width: number, kind: string): string {
  return `<rect class="${kind}" x="${x.toFixed(1)}" y="${y}" width="${Math.max(1, width).toFixed(1)}" height="${LINE - 3}"/>`;
}

/** A histogram of values (one per chunk) in equal-width bins, labelled with `format`. */
export function histogramSvg(values: readonly number[], format: (v: number) => string, label: string): string {
  if (values.length === 0) return `<p class="empty">No ${escapeHtml(label)} recorded yet.</p>`;
  const bins = Math.min(20, Math.max(1, Math.ceil(Math.sqrt(values.length))));
  const low = Math.min(...values);
  const high = Math.max(...values);
  const width = (high - low) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - low) / width))]! += 1;
  const tallest = Math.max(...counts);
  const plotW = 360;
  const plotH = 120;
  const barW = plotW / bins;
  const bars = counts.map((c, i) => {
    const h = (c / tallest) * plotH;
    const from = low + i * width;
    return `<rect class="bar" x="${(i * barW + 1).toFixed(1)}" y="${(plotH - h).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${h.toFixed(1)}">` +
      `<title>${c} chunk(s): ${escapeHtml(format(from))} – ${escapeHtml(format(from + width))}</title></rect>`;
  });
  return `<svg class="histogram" viewBox="0 0 ${plotW} ${plotH + 18}" width="${plotW}" height="${plotH + 18}" role="img" aria-label="${escapeHtml(label)} histogram">` +
    `${bars.join('')}<text x="0" y="${plotH + 14}">${escapeHtml(format(low))}</text>` +
    `<text x="${plotW}" y="${plotH + 14}" text-anchor="end">${escapeHtml(format(high))}</text></svg>`;
}
