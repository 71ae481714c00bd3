/**
 * The progress line on stderr (a terminal only): chunks done, running, pending, held and failed,
 * resubmissions, elapsed and estimated time. Rewritten in place; at most a few times a second.
 */
import type { Progress } from './progress.js';

const MIN_REDRAW_MS = 250;

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatProgress(p: Progress): string {
  // Elastic maps: tasks and worker jobs say more than units (which workers claim by the dozen).
  const parts = p.workersSubmitted !== undefined
    ? [
        `${p.tasksDone}/${p.tasks ?? '?'} tasks done`,
        `${p.workersRunning ?? 0} workers running`,
        `${p.workersPending ?? 0} waiting`,
      ]
    : [`${p.chunksDone}/${p.chunks ?? '?'} chunks done`, `${p.chunksRunning} running`, `${p.chunksPending} pending`];
  if (p.chunksHeld > 0) parts.push(`${p.chunksHeld} held/error`);
  if (p.chunksFailed > 0 || p.tasksFailed > 0) parts.push(`${p.chunksFailed} chunks failed`);
  if (p.resubmissions > 0) parts.push(`${p.resubmissions} resubmitted`);
  if (p.failureCauses) {
    // Most frequent first: "2 out of memory, 1 vanished".
    const causes = Object.entries(p.failureCauses).sort((a, b) => b[1] - a[1]);
    parts.push(causes.map(([cause, n]) => `${n} ${cause}`).join(', '));
  }
  parts.push(formatDuration(p.elapsedMs));
  if (p.etaMs !== undefined && p.chunksDone < (p.chunks ?? Infinity)) parts.push(`~${formatDuration(p.etaMs)} left`);
  return `qmr ${p.runId}: ${parts.join(' · ')}`;
}

export class ProgressLine {
  private lastDraw = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(progress: Progress, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < MIN_REDRAW_MS) return;
    this.lastDraw = now;
    const width = this.stream.columns ?? 100;
    this.stream.write(`\r${formatProgress(progress).slice(0, width - 1)}\u001b[K`);
    this.shown = true;
  }

  /** Leaves the last state on screen and moves to a new line. */
  end(progress: Progress): void {
    if (!this.shown) return;
    this.update(progress, true);
    this.stream.write('\n');
  }
}
