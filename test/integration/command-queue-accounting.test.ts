/**
 * CommandQueue's accounting calls against stand-in commands: a missing qacct is asked once, and
 * no command starts past the deadline.
 */
import { describe, expect, it } from 'vitest';
import { CommandQueue } from '../../src/queues/command-queue.js';
import { sge } from '../../src/queues/sge/commands.js';

describe('CommandQueue accounting', () => {
  it('stops asking once the accounting command is missing, and counts calls by kind', async () => {
    const queue = new CommandQueue(sge, { commands: { qacct: '/nonexistent/qacct' }, commandTimeout: 5000 });
    expect(await queue.accounting(['71'])).toEqual(new Map());
    expect(queue.accountingAvailable).toBe(false);
    expect(await queue.accounting(['72'])).toEqual(new Map());
    expect(queue.callCounts()).toEqual({ submit: 0, status: 0, history: 0, cancel: 0, info: 0, accounting: 1 });
  });

  it('starts no command past its deadline, answering with what it read', async () => {
    const queue = new CommandQueue(sge, { commands: { qacct: '/bin/true' }, commandTimeout: 5000 });
    expect(await queue.accounting(['71', '72'], Date.now() - 1)).toEqual(new Map());
    expect(queue.callCounts().accounting).toBe(0);
    await queue.accounting(['71', '72']);
    expect(queue.callCounts().accounting).toBe(2); // one qacct per job
  });
});
