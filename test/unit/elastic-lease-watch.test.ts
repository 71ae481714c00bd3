import { describe, expect, it } from 'vitest';
import { LeaseWatch } from '../../src/elastic/lease-watch.js';

describe('LeaseWatch', () => {
  it('does not judge a worker it never observed', () => {
    expect(new LeaseWatch(1000).expired(1, 1_000_000)).toBeUndefined();
  });
  it('expires only after the timeout passes without an mtime change', () => {
    const watch = new LeaseWatch(1000);
    watch.observe(1, 500, 0);
    expect(watch.expired(1, 999)).toBeUndefined();
    expect(watch.expired(1, 1000)).toBe(1000);
  });
  it('keeps the lease while the mtime keeps changing, whatever the mtime says about clocks', () => {
    const watch = new LeaseWatch(1000);
    watch.observe(1, 10, 0);
    watch.observe(1, 20, 800); // mtime far in our past: only the change counts
    watch.observe(1, 20, 1500); // unchanged: still counted from 800
    expect(watch.expired(1, 1700)).toBeUndefined();
    expect(watch.expired(1, 1800)).toBe(1000);
  });
  it('treats a missing heartbeat file as one state, and its appearance as a change', () => {
    const watch = new LeaseWatch(1000);
    watch.observe(1, undefined, 0);
    watch.observe(1, undefined, 900);
    expect(watch.expired(1, 1000)).toBe(1000);
    watch.observe(1, 5, 1000);
    expect(watch.expired(1, 1500)).toBeUndefined();
  });
  it('starts counting again after a pause (worker suspended)', () => {
    const watch = new LeaseWatch(1000);
    watch.observe(1, 5, 0);
    watch.pause(1, 5000);
    expect(watch.expired(1, 5500)).toBeUndefined();
    expect(watch.expired(1, 6000)).toBe(1000);
  });
  it('judges each ticket on its own and forgets on request', () => {
    const watch = new LeaseWatch(1000);
    watch.observe(1, 5, 0);
    watch.observe(2, 5, 900);
    expect(watch.expired(1, 1000)).toBe(1000);
    expect(watch.expired(2, 1000)).toBeUndefined();
    watch.forget(1);
    expect(watch.expired(1, 5000)).toBeUndefined();
  });
});
