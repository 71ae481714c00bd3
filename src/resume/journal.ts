/**
 * The run journal: an append-only log in the work dir, written only by the submitting process,
 * from which a later process can pick the map up (resume) or describe it (`qmr status`).
 *
 * One JSON record per line, each carrying a short checksum of itself. A record is written with
 * one append, so after a crash (or on NFS, where appends from a dying client can be torn) the
 * reader sees every record complete or not at all: a line that does not parse or whose checksum
 * does not match is ignored. Workers never write here; they write only their own result files.
 */
import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import type { Resources } from '../options.js';

export interface Fingerprint {
  /** sha256 of how the worker finds fn (source text, or module URL + export + module file contents). */
  fn: string;
  /** In words, for messages: 'source of function square' or 'module file:///x.js#analyse'. */
  fnDescription: string;
  flavor: string;
  chunkSize: number;
  /** Chunks grow (tasks from an iterable with no chunk size given): see chunkSizeAt. */
  growing?: boolean;
  /**
   * Leading big chunks (ChunkPlan.bulk): chunk k < bulk.chunks holds bulk.size tasks. Absent in
   * journals from before it, whose chunks all hold chunkSize.
   */
  bulk?: { size: number; chunks: number };
  /** An elastic map: chunks are units that W worker jobs claim (chunkSize is the unit size). */
  elastic?: { workers: number; growUpTo?: number };
}

export type JournalRecord =
  | { t: 'start'; time: string; pid: number; host: string; fingerprint: Fingerprint }
  /**
   * `fn`: set when this process runs a different fn than the one in force before (accepted with
   * rerunFailed 'any-fn'); from here on results come from it.
   */
  | { t: 'resume'; time: string; pid: number; host: string; fn?: { hash: string; description: string } }
  /** This process took over the work dir's lock from a holder judged gone (work-dir-lock.ts). */
  | { t: 'lock-takeover'; time: string; pid: number; host: string; from: { host: string; pid: number; since: string; refreshedAt: string } | undefined; why: string }
  /** A chunk file was written: its tasks and the hash of its bytes. */
  | { t: 'chunk'; chunk: number; firstTask: number; count: number; hash: string }
  /** All tasks are in chunk files. */
  | { t: 'input-end'; chunks: number; tasks: number }
  /** One submit call: the chunks it covers and the job id of each. */
  /** `resources`: what these jobs asked for, when a retry raised it above the map's own request. */
  | { t: 'submit'; time: string; chunks: number[]; ids: string[]; resources?: Resources }
  /**
   * A job's attempt ended without a result; its chunk will be resubmitted (or fail). cancelled:
   * the attempt was stopped, not failed (its submitter died with it), and runs again uncounted.
   */
  | { t: 'retire'; time: string; chunk: number; job: string; reason: string; cancelled?: true }
  /**
   * A chunk's result file was read; failedTasks: how many of its tasks threw; fn: shortFn of the
   * fn the reading process ran (both absent in older journals).
   */
  | { t: 'done'; chunk: number; job: string; failedTasks?: number; fn?: string }
  /**
   * The chunk's failed tasks are to run again (rerunFailed): `tasks`, their positions in the chunk
   * (absent: the whole chunk, given up before); the others' results are kept. fn: shortFn of the fn
   * that will run them. Its result so far moved to the kept result file (kept-result.ts).
   */
  | { t: 'rerun'; time: string; chunk: number; tasks?: number[]; fn: string }
  | { t: 'failed'; chunk: number; reason: string }
  | { t: 'cancel'; time: string; ids: string[]; why: string }
  /**
   * Elastic maps: one submit of worker jobs, their tickets and job ids (a claim is a 'submit' of one
   * unit). `why`: set when the measured work made the map grow (worker-target.ts), in words.
   */
  | { t: 'workers'; time: string; tickets: number[]; ids: string[]; resources?: Resources; why?: string }
  /** Elastic maps: a worker ended by itself ('exited', with its reason), failed, or was stopped with its submitter ('cancelled'). */
  | { t: 'worker-end'; time: string; ticket: number; job: string; how: 'exited' | 'failed' | 'cancelled'; reason?: string }
  /**
   * calls: scheduler commands by kind (submit, status, history, cancel, info, accounting) that the
   * map's queue had run when the map ended; absent for the local flavor and in older journals.
   * Maps run at once in one process share their queue, and so these counts.
   */
  | { t: 'end'; time: string; outcome: 'finished' | 'aborted' | 'failed' | 'detached'; message?: string; calls?: Record<string, number> };

/** A function's hash as the journal and trace name it in each result's record: its first 12 hex digits. */
export function shortFn(hash: string): string {
  return hash.slice(0, 12);
}

function checksum(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 12);
}

export function formatRecord(record: JournalRecord): string {
  const json = JSON.stringify(record);
  return `${json.slice(0, -1)},"sum":"${checksum(json)}"}\n`;
}

/** Parses journal text; torn or corrupt lines are skipped. */
export function parseJournal(text: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\{.*),"sum":"([0-9a-f]{12})"\}$/.exec(line);
    if (!m) continue;
    const json = `${m[1]}}`;
    if (checksum(json) !== m[2]) continue;
    try {
      records.push(JSON.parse(json) as JournalRecord);
    } catch {
      // a line that matched the shape but is not JSON: skip it like a torn one
    }
  }
  return records;
}

export async function readJournal(file: string): Promise<JournalRecord[]> {
  try {
    return parseJournal(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export class Journal {
  private writing: Promise<void> = Promise.resolve();
  private failed: Error | undefined;

  constructor(readonly file: string) {}

  /** Appends records in one write, after every earlier append. */
  append(...records: JournalRecord[]): Promise<void> {
    if (records.length === 0) return this.writing;
    const text = records.map(formatRecord).join('');
    this.writing = this.writing.then(async () => {
      if (this.failed) return;
      try {
        await appendFile(this.file, text, { mode: 0o600 });
      } catch (error) {
        this.failed = error as Error;
      }
    });
    return this.writing;
  }

  /** Waits for pending appends; throws if one failed (the journal is then incomplete). */
  async flush(): Promise<void> {
    await this.writing;
    if (this.failed) throw this.failed;
  }
}
