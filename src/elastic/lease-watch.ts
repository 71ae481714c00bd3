/**
 * Leases: a worker's claims last while its heartbeat file keeps changing. Pure: the caller stats
 * the files and passes the mtimes and its own clock.
 *
 * A lease is judged by when *this process* last saw the mtime change, never by comparing the
 * mtime with this machine's clock: the file server's and the nodes' clocks may differ from ours
 * by minutes, and NFS attribute caching shows a fresh mtime up to a minute late (acregmax), so
 * the timeout must be well above both the heartbeat interval and that cache.
 */

export class LeaseWatch {
  private readonly seen = new Map<number, { mtimeMs: number | undefined; changedAt: number }>();

  constructor(private readonly timeoutMs: number) {}

  /** What a stat of worker `ticket`'s heartbeat found (undefined: no file yet) at time `now`. */
  observe(ticket: number, mtimeMs: number | undefined, now: number): void {
    const last = this.seen.get(ticket);
    if (!last || last.mtimeMs !== mtimeMs) this.seen.set(ticket, { mtimeMs, changedAt: now });
  }

  /** Milliseconds since the heartbeat last changed, if it has been longer than the timeout. */
  expired(ticket: number, now: number): number | undefined {
    const last = this.seen.get(ticket);
    if (!last) return undefined;
    const silent = now - last.changedAt;
    return silent >= this.timeoutMs ? silent : undefined;
  }

  /** The worker was suspended (or is otherwise known to be stopped on purpose): start counting again. */
  pause(ticket: number, now: number): void {
    const last = this.seen.get(ticket);
    if (last) last.changedAt = now;
  }

  forget(ticket: number): void {
    this.seen.delete(ticket);
  }
}
