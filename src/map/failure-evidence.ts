/**
 * What a chunk's stderr log says about an attempt that left no result: its last lines (shown in
 * the map's error, so users see why without opening the log), and whether it is a failure a
 * resubmission would meet again, with advice.
 */
import { open } from 'node:fs/promises';
import type { FailureEvidence } from './chunk-tracker.js';
import type { ResourceLimit } from './retry-policy.js';

const TAIL_BYTES = 16 * 1024;
const TAIL_LINES = 6;

/** Failures that come back on every attempt, each with what to do about it (and the request a retry may raise). */
const FATAL: Array<[RegExp, string, ResourceLimit?]> = [
  [
    /Failed to reserve virtual memory|Fatal process OOM in .*(CodeRange|reserve)/,
    'node could not reserve virtual memory at start-up: the virtual-memory limit of the job (SGE h_vmem, ulimit -v) ' +
      'is below what V8 reserves (about 1 GB of address space, mostly never used). Request at least 1G of memory, ' +
      'or use a resident-memory limit if the site has one',
    'memory',
  ],
  [
    /JavaScript heap out of memory|Reached heap limit/,
    'the JavaScript heap ran out of memory: give node a larger heap (executable: [process.execPath, ' +
      "'--max-old-space-size=MB']) and the job the memory for it (resources.memory), or make chunks smaller",
  ],
];

export async function failureEvidence(stderrLog: string): Promise<FailureEvidence> {
  let text: string;
  try {
    const file = await open(stderrLog, 'r');
    try {
      const { size } = await file.stat();
      const start = Math.max(0, size - TAIL_BYTES);
      const buffer = Buffer.alloc(size - start);
      await file.read(buffer, 0, buffer.length, start);
      text = buffer.toString('utf8');
    } finally {
      await file.close();
    }
  } catch {
    return {}; // no log: the job never got as far as job.sh's redirection
  }
  // Only this attempt's lines: those after the line job.sh writes when an attempt begins.
  const marker = Math.max(text.lastIndexOf('] job.sh: job '), text.lastIndexOf('] worker: job '));
  const attempt = marker >= 0 ? text.slice(text.lastIndexOf('\n', marker) + 1) : text;
  const lines = attempt.split('\n').filter((line) => line.trim() !== '' && !/^\[qmr [^\]]*\] (job\.sh: job|worker: job|chunk \d+ .*started as job)/.test(line));
  const evidence: FailureEvidence = {};
  if (lines.length > 0) evidence.logTail = lines.slice(-TAIL_LINES).join('\n').slice(-2000);
  for (const [pattern, advice, limit] of FATAL) {
    if (pattern.test(attempt)) {
      evidence.fatal = advice;
      if (limit) evidence.limit = limit;
      break;
    }
  }
  return evidence;
}
