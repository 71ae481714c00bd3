/**
 * `qmr report`: one self-contained HTML page about a run (inline CSS and SVG, no script and
 * nothing fetched when viewed, so it can be mailed or opened on a login node): the summary, hints,
 * the job timeline, per-chunk distributions of run time and peak memory, and the failed attempts.
 * Pure: the trace and the clock come in.
 */
import type { RunTrace } from '../trace/read-trace.js';
import type { TraceRow } from '../trace/trace-rows.js';
import { humanDuration, humanKilobytes, timestamp } from '../trace/trace-tsv.js';
import { escapeHtml } from './escape-html.js';
import { COLOURS, histogramSvg, timelineSvg } from './report-svg.js';
import { hints, summarizeRun, type RunSummary } from './run-summary.js';

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1f2933; max-width: 960px; }
h1 { font-size: 20px; margin-bottom: 4px; } h2 { font-size: 16px; margin-top: 28px; }
.sub { color: #616e7c; margin-top: 0; }
.summary { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }
.summary div { background: #f5f7fa; border-radius: 4px; padding: 8px; }
.summary b { display: block; font-size: 18px; }
.hints li { margin: 4px 0; }
svg text { font-size: 10px; fill: #3e4c59; }
rect.wait { fill: ${COLOURS.wait}; } rect.run { fill: ${COLOURS.run}; } rect.failed-run, rect.lost { fill: ${COLOURS.failedRun}; }
rect.aborted { fill: ${COLOURS.aborted}; } rect.bar { fill: ${COLOURS.run}; }
.legend span { display: inline-block; width: 12px; height: 10px; margin: 0 4px 0 12px; vertical-align: middle; }
.distributions { display: flex; gap: 32px; flex-wrap: wrap; }
table { border-collapse: collapse; font-size: 12px; } td, th { border-bottom: 1px solid #e4e7eb; padding: 3px 6px; text-align: left; vertical-align: top; }
.empty, .note { color: #616e7c; }
`;

export function reportHtml(trace: RunTrace, now: number): string {
  const summary = summarizeRun(trace, now);
  const ran = trace.rows.filter((r) => r.realtime !== undefined);
  const advice = hints(summary, trace.rows, trace.dir);
  const peaks = ran.flatMap((r) => (r.peakRssKb === undefined ? [] : [r.peakRssKb]));
  const ranWhat = summary.elastic ? 'unit(s)' : 'job(s)';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>qmr report: ${escapeHtml(summary.runId)}</title><style>${CSS}</style></head>
<body>
<h1>Run ${escapeHtml(summary.runId)}</h1>
<p class="sub">${escapeHtml(summary.flavor)} · ${escapeHtml(summary.state)} · started ${escapeHtml(timestamp(summary.startedAt))} UTC · ${escapeHtml(trace.dir)}</p>
<section id="summary"><h2>Summary</h2>${summaryGrid(summary)}${trace.accountingNote ? `<p class="note">Scheduler accounting: ${escapeHtml(trace.accountingNote)}</p>` : ''}</section>
<section id="hints"><h2>Hints</h2>${advice.length ? `<ul class="hints">${advice.map((h) => `<li>${escapeHtml(h)}</li>`).join('')}</ul>` : '<p class="empty">Nothing stands out.</p>'}</section>
<section id="timeline"><h2>Timeline</h2>
<p class="legend"><span style="background:${COLOURS.wait}"></span>queue wait<span style="background:${COLOURS.run}"></span>run<span style="background:${COLOURS.failedRun}"></span>failed or lost<span style="background:${COLOURS.aborted}"></span>cancelled</p>
${timelineSvg(trace.rows, now)}</section>
<section id="distributions"><h2>Per chunk</h2><div class="distributions">
<figure><figcaption>Run time (${ran.length} ${ranWhat})</figcaption>${histogramSvg(ran.map((r) => r.realtime!), humanDuration, 'run times')}</figure>
<figure><figcaption>Peak memory (${peaks.length} ${ranWhat})</figcaption>${histogramSvg(peaks, humanKilobytes, 'peak memory')}</figure>
</div></section>
<section id="failures"><h2>Failed attempts</h2>${failureTable(trace.rows)}</section>
</body></html>
`;
}

/** `OUT_OF_MEMORY, exit 0, peak 3.1 MB`, or '-' where the scheduler was not asked or did not answer. */
function schedulerSaid(r: TraceRow): string {
  const parts = [
    r.schedState,
    r.schedExit === undefined ? undefined : `exit ${r.schedExit}`,
    r.schedPeakRssKb === undefined ? undefined : `peak ${humanKilobytes(r.schedPeakRssKb)}`,
  ].filter((p): p is string => p !== undefined);
  return parts.length ? parts.join(', ') : '-';
}

function summaryGrid(s: RunSummary): string {
  const cells: Array<[string, string]> = [
    ['tasks', String(s.tasks)],
    ['failed tasks', String(s.failedTasks)],
    // An elastic map's jobs are its workers; the units they claim are its chunks.
    ...(s.elastic
      ? ([['units (run again)', `${s.chunks} (${s.resubmissions})`], ['worker jobs', String(s.jobs)]] as Array<[string, string]>)
      : ([['chunks', String(s.chunks)], ['jobs (resubmitted)', `${s.jobs} (${s.resubmissions})`]] as Array<[string, string]>)),
    ['wall time', humanDuration(s.wallMs)],
    ['core-hours', `${s.coreHours.toFixed(s.coreHours < 1 ? 4 : 1)}${s.cpus > 1 ? ` (${s.cpus} cores/job)` : ''}`],
    ['CPU-hours measured', s.cpuHours === undefined ? 'not recorded' : s.cpuHours.toFixed(s.cpuHours < 1 ? 4 : 1)],
    ['scheduler calls', s.schedulerCalls === undefined ? 'not recorded' : `${s.schedulerCalls} (${callBreakdown(s.schedulerCallsByKind)})`],
  ];
  return `<div class="summary">${cells.map(([k, v]) => `<div><b>${escapeHtml(v)}</b>${escapeHtml(k)}</div>`).join('')}</div>`;
}

/** `3 submit, 12 status`: the kinds that ran at least once. */
function callBreakdown(byKind: Record<string, number> | undefined): string {
  return Object.entries(byKind ?? {}).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`).join(', ') || 'none';
}

function failureTable(rows: readonly TraceRow[]): string {
  const failed = rows.filter((r) => r.status === 'FAILED' || r.status === 'ABORTED');
  if (failed.length === 0) return '<p class="empty">None.</p>';
  const body = failed
    .map((r) => `<tr><td>${r.taskId}</td><td>${r.attempt}</td><td>${escapeHtml(r.nativeId)}</td><td>${r.status}</td><td>${escapeHtml(r.cause ?? '-')}</td><td>${escapeHtml(r.reason ?? '')}</td><td>${escapeHtml(schedulerSaid(r))}</td></tr>`)
    .join('');
  return `<table><thead><tr><th>chunk</th><th>attempt</th><th>job</th><th>status</th><th>cause</th><th>reason</th><th>scheduler's accounting</th></tr></thead><tbody>${body}</tbody></table>`;
}
