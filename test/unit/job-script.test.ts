/**
 * The job script's quoting and environment capture, as text (test/integration/job-script-bash.test.ts
 * runs the rendered job.sh under bash).
 */
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/protocol/job-script.js';
import { captureEnvironment } from '../../src/queues/job-environment.js';

describe('worker-node script', () => {
  it('single-quotes for bash', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('skips names bash cannot hold', () => {
    expect(captureEnvironment({ 'BASH_FUNC_x%%': '() { :; }', 'A-B': '1', OK: '1' }, true)).toEqual({ OK: '1' });
  });
});
