/**
 * How many tasks of each finished chunk threw. A chunk whose tasks threw still has a result file
 * (the chunk ran), so without this a run whose map rejected with "2 of 10 tasks failed" would look
 * all done in `qmr status` and `qmr clean` would remove it as a success.
 *
 * The journal's 'done' record says how many tasks threw; only chunks it does not cover (journals
 * written before that field, or results written after the submitting process died) cost a
 * decode of their result file.
 */
import { readResultFile } from '../protocol/result-file.js';
import type { RecordedRun } from '../resume/journal-replay.js';
import type { WorkDirLayout } from '../protocol/work-dir-layout.js';

/** chunk → number of its tasks that threw, for every chunk with a readable result file. */
export async function failedTasksByChunk(layout: WorkDirLayout, recorded: RecordedRun, results: Set<number>): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const chunk of results) {
    const known = recorded.chunks.get(chunk);
    if (known?.phase === 'done' && known.failedTasks !== undefined) {
      counts.set(chunk, known.failedTasks);
      continue;
    }
    try {
      const result = await readResultFile(layout, chunk);
      counts.set(chunk, result.failures.length);
    } catch {
      // Unreadable result: the submitting process will fail the chunk; nothing to count here.
    }
  }
  return counts;
}
